// Electron main: lifecycle, the window, the security policy, menus and IPC; the engine runs in a utility process
// (EngineProcess). Each piece lives in its own small module.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  app,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type BrowserWindow,
} from 'electron';
import type { EngineEventName, EngineEvents } from '../../shared/engineApi.ts';
import type { DesktopEventMessage } from '../../shared/desktopBridge.ts';
import { toWireError } from '../../shared/errors.ts';
import { OFFLINE_ENVIRONMENT } from '../../shared/offlineEnvironment.ts';
import { KB_CHANNELS } from '../preload/kbBridge.ts';
import { appMenuTemplate } from './appMenu.ts';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol } from './appProtocol.ts';
import { loadAppState, prepareDataFolder, saveAppState, visibleBounds } from './appState.ts';
import { createMainWindow } from './createMainWindow.ts';
import { registerDesktopHandlers } from './desktopHandlers.ts';
import { EngineProcess, type EngineLibrary } from './EngineProcess.ts';
import { errorFields, fileLogger } from '../engine/index.ts';
import { registerEngineHandlers } from './ipcHandlers.ts';
import { applySessionPolicy, createSecurityPolicy, hardenWebContents, startUrl } from './securityPolicy.ts';

// Built layout (electron-vite): out/main/index.js, out/main/engineHost.js, out/preload/index.cjs, out/renderer/.
const PRELOAD_PATH = path.join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_DIR = path.join(import.meta.dirname, '../renderer');
const ENGINE_HOST_PATH = path.join(import.meta.dirname, 'engineHost.js');
const TOKENIZER = 'models/bge-small-zh-v1.5';

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** The embedding model's tokenizer shipped with the app (resources/models/), when it is there. */
function shippedTokenizerDir(): string | null {
  const dir = app.isPackaged
    ? path.join(process.resourcesPath, TOKENIZER)
    : path.join(app.getAppPath(), 'resources', TOKENIZER);
  return existsSync(path.join(dir, 'vocab.txt')) ? dir : null;
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the library files (single writer): hand over to it and leave.
  app.quit();
} else {
  const policy = createSecurityPolicy({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
  });
  let mainWindow: BrowserWindow | null = null;
  let engineStopped = false;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());

  void app
    .whenReady()
    .then(async () => {
      // First run creates <userData>/libraries/ and the default library in it.
      const data = prepareDataFolder(app.getPath('userData'));
      const logger = fileLogger(path.join(data.logsDir, 'main.log'));
      logger.log('info', 'app.start', {
        version: app.getVersion(),
        electron: process.versions.electron,
        platform: process.platform,
        arch: process.arch,
        packaged: app.isPackaged,
      });
      app.on('render-process-gone', (_event, _contents, details) =>
        logger.log('error', 'renderer.gone', { reason: details.reason, exitCode: details.exitCode }),
      );
      const state = loadAppState(data.stateFile);
      const saveState = (): void => {
        try {
          saveAppState(data.stateFile, state);
        } catch {
          // Remembering the window is a convenience: a read-only profile must not stop the app.
        }
      };
      const defaultLibrary: EngineLibrary = { file: data.defaultLibrary, create: true };

      const engine = new EngineProcess({
        // The engine host's environment carries OFFLINE_ENVIRONMENT before anything in it loads onnxruntime.
        fork: () =>
          utilityProcess.fork(ENGINE_HOST_PATH, [], {
            serviceName: 'Offline KB engine',
            env: { ...process.env, ...OFFLINE_ENVIRONMENT },
          }),
        createChannel: () => new MessageChannelMain(),
        version: app.getVersion(),
        tokenizerDir: shippedTokenizerDir(),
        dataFolder: data.librariesDir,
        logDir: data.logsDir,
        logger,
      });
      const sendToPage = (message: DesktopEventMessage): void => {
        if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(KB_CHANNELS.event, message);
      };
      engine.onEvent(<E extends EngineEventName>(event: E, payload: EngineEvents[E]) =>
        sendToPage({ event, payload } as DesktopEventMessage),
      );

      app.on('before-quit', (event) => {
        if (engineStopped) return;
        // Let the engine finish the file it is indexing and close the library, then quit for real.
        event.preventDefault();
        void engine.dispose().finally(() => {
          engineStopped = true;
          app.quit();
        });
      });

      const showError = (title: string, error: unknown): void => {
        logger.log('error', 'app.error-shown', errorFields(error));
        dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
      };

      /** Serves another library: restarts the engine's process, and goes back to the previous one if it cannot open. */
      const switchLibrary = async (next: EngineLibrary): Promise<void> => {
        const previous = engine.library;
        await engine.start(next);
        try {
          await engine.api.libraryInfo();
        } catch (error) {
          showError('无法打开知识库 Cannot open the library', new Error(`${next.file}\n\n${(error as Error).message}`));
          await engine.start(previous ?? defaultLibrary);
          return;
        }
        state.lastLibrary = next.file;
        saveState();
        // The page starts afresh on the new library (documents, history, info).
        mainWindow?.webContents.reload();
      };

      const menuActions = {
        newLibrary: async () => {
          const options = {
            title: '新建知识库 New Library',
            defaultPath: path.join(data.librariesDir, '新知识库.kb.sqlite'),
            filters: [{ name: '知识库 Library (*.kb.sqlite)', extensions: ['sqlite'] }],
          };
          const result = mainWindow
            ? await dialog.showSaveDialog(mainWindow, options)
            : await dialog.showSaveDialog(options);
          if (result.canceled || !result.filePath) return;
          const file = result.filePath.endsWith('.kb.sqlite')
            ? result.filePath
            : `${result.filePath.replace(/\.sqlite$/, '')}.kb.sqlite`;
          await switchLibrary({ file, create: true });
        },
        openLibrary: async () => {
          const options = {
            title: '打开知识库 Open Library',
            defaultPath: data.librariesDir,
            filters: [{ name: '知识库 Library (*.kb.sqlite)', extensions: ['sqlite'] }],
            properties: ['openFile' as const],
          };
          const result = mainWindow
            ? await dialog.showOpenDialog(mainWindow, options)
            : await dialog.showOpenDialog(options);
          const file = result.filePaths[0];
          if (result.canceled || !file) return;
          await switchLibrary({ file, create: false });
        },
        addFolder: async () => {
          const options = {
            title: '添加文件夹 Add Folder',
            properties: ['openDirectory' as const, 'multiSelections' as const],
          };
          const result = mainWindow
            ? await dialog.showOpenDialog(mainWindow, options)
            : await dialog.showOpenDialog(options);
          if (result.canceled || result.filePaths.length === 0) return;
          // The id is main's, announced before the call: the page shows the job, and none of its events is missed.
          const jobId = randomUUID();
          sendToPage({ event: 'jobStarted', payload: { jobId } });
          try {
            await engine.api.ingestPaths(result.filePaths, { jobId });
          } catch (error) {
            // Refused (an ingestion runs already…): the page's job ends with the reason, as the dialog says it.
            sendToPage({
              event: 'job',
              payload: {
                jobId,
                type: 'done',
                kind: 'ingest',
                cancelled: false,
                summary: null,
                error: toWireError(error),
              },
            });
            throw error;
          }
        },
        openSettings: () => sendToPage({ event: 'openSettings', payload: null }),
      };
      const guarded = (title: string, action: () => Promise<void> | void) => () => {
        void Promise.resolve()
          .then(action)
          .catch((error: unknown) => showError(title, error));
      };
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate(
            {
              newLibrary: guarded('无法新建知识库 Cannot create the library', menuActions.newLibrary),
              openLibrary: guarded('无法打开知识库 Cannot open the library', menuActions.openLibrary),
              addFolder: guarded('无法添加文件夹 Cannot add the folder', menuActions.addFolder),
              openSettings: menuActions.openSettings,
            },
            { platform: process.platform, isPackaged: app.isPackaged },
          ),
        ),
      );

      applySessionPolicy(session.defaultSession, policy);
      handleAppProtocol(protocol, RENDERER_DIR);
      registerEngineHandlers(ipcMain, policy, engine.api);
      registerDesktopHandlers(ipcMain, policy, {
        engine: engine.api,
        showItemInFolder: (file) => shell.showItemInFolder(file),
        showOpenDialog: (options) =>
          mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options),
      });

      // The last library if it is still there, else the default one (created on first run).
      const initial: EngineLibrary =
        state.lastLibrary && existsSync(state.lastLibrary)
          ? { file: state.lastLibrary, create: false }
          : defaultLibrary;
      await engine.start(initial);
      if (initial !== defaultLibrary) {
        engine.api.libraryInfo().catch(async (error: unknown) => {
          showError(
            '无法打开上次的知识库 Cannot open the last library',
            new Error(`${initial.file}\n\n${(error as Error).message}\n\n→ ${defaultLibrary.file}`),
          );
          await engine.start(defaultLibrary);
          mainWindow?.webContents.reload();
        });
      }

      const workAreas = screen.getAllDisplays().map((display) => display.workArea);
      mainWindow = createMainWindow({
        preloadPath: PRELOAD_PATH,
        url: startUrl(policy),
        bounds: visibleBounds(state.window, workAreas),
        maximized: state.window?.maximized ?? false,
      });
      const window = mainWindow;
      window.on('close', () => {
        state.window = { ...window.getNormalBounds(), maximized: window.isMaximized() };
        saveState();
      });
      window.on('closed', () => {
        mainWindow = null;
      });
    })
    .catch((error: unknown) => {
      // Nothing works without the data folder and the engine: say why, then leave rather than show a dead window.
      dialog.showErrorBox(
        '离线知识库无法启动 Offline KB cannot start',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    });
}
