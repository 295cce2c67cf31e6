// electron/main/index.ts wires everything in: with a fake electron, starting main registers the app:// scheme,
// takes the single-instance lock, filters the session, creates the data folder, forks the engine's utility process
// with a port and the default library, registers the engine channels, sets the menu, opens one hardened window,
// forwards engine events to it, and stops the engine before quitting.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  const windows: { options: unknown; url?: string; sent: unknown[][] }[] = [];
  const children: {
    modulePath: string;
    env?: Record<string, string | undefined> | undefined;
    messages: unknown[];
    transfers: unknown[][];
    exit?: (code: number) => void;
  }[] = [];
  const ports: { listeners: Map<string, (...args: unknown[]) => void>; posted: unknown[]; started: boolean }[] = [];
  class FakePort {
    readonly record = {
      listeners: new Map<string, (...args: unknown[]) => void>(),
      posted: [] as unknown[],
      started: false,
    };
    constructor() {
      ports.push(this.record);
    }
    on(event: string, listener: (...args: unknown[]) => void) {
      this.record.listeners.set(event, listener);
      return this;
    }
    off() {
      return this;
    }
    postMessage(message: unknown) {
      this.record.posted.push(message);
    }
    start() {
      this.record.started = true;
    }
    close() {}
  }
  class BrowserWindow {
    readonly record: { options: unknown; url?: string; sent: unknown[][] };
    readonly webContents: { send: (...args: unknown[]) => void; reload: () => void };
    constructor(options: unknown) {
      this.record = { options, sent: [] };
      this.webContents = { send: (...args) => this.record.sent.push(args), reload: () => undefined };
      windows.push(this.record);
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    async loadURL(url: string) {
      this.record.url = url;
    }
  }
  return {
    appListeners,
    windows,
    children,
    ports,
    userData: { dir: '' },
    electron: {
      app: {
        isPackaged: true,
        requestSingleInstanceLock: vi.fn(() => true),
        quit: vi.fn(),
        getVersion: () => '0.1.0',
        getPath: vi.fn(() => fake.userData.dir),
        getAppPath: () => '/nonexistent-app',
        whenReady: () => Promise.resolve(),
        on: vi.fn((name: string, listener: (...args: unknown[]) => void) => appListeners.set(name, listener)),
      },
      BrowserWindow,
      MessageChannelMain: class {
        port1 = new FakePort();
        port2 = new FakePort();
      },
      utilityProcess: {
        fork: vi.fn((modulePath: string, _args: string[], options: { env?: Record<string, string | undefined> }) => {
          const child = {
            modulePath,
            env: options.env,
            messages: [] as unknown[],
            transfers: [] as unknown[][],
            exit: undefined as ((code: number) => void) | undefined,
          };
          children.push(child);
          return {
            postMessage: (message: unknown, transfer: unknown[] = []) => {
              child.messages.push(message);
              child.transfers.push(transfer);
              if ((message as { kind: string }).kind === 'stop') queueMicrotask(() => child.exit?.(0));
            },
            once: (_event: string, listener: (code: number) => void) => (child.exit = listener),
            kill: vi.fn(() => true),
          };
        }),
      },
      Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
      dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
      ipcMain: { handle: vi.fn() },
      shell: { showItemInFolder: vi.fn(), openExternal: vi.fn() },
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      session: {
        defaultSession: {
          webRequest: { onBeforeRequest: vi.fn() },
          setPermissionRequestHandler: vi.fn(),
          setPermissionCheckHandler: vi.fn(),
        },
      },
    },
  };
});
vi.mock('electron', () => fake.electron);

fake.userData.dir = mkdtempSync(path.join(tmpdir(), 'kb-main-'));
// A packaged app's resources folder (Electron sets it); no embedding model in it here.
(process as { resourcesPath?: string }).resourcesPath = fake.userData.dir;
afterAll(() => rmSync(fake.userData.dir, { recursive: true, force: true }));

describe('electron/main/index.ts', () => {
  it('applies the security policy, hosts the engine in a utility process and opens the app from app://', async () => {
    await import('../../electron/main/index.ts');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { electron, appListeners, windows, children, ports, userData } = fake;

    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(appListeners.has('web-contents-created')).toBe(true);
    expect(appListeners.has('second-instance')).toBe(true);
    expect(electron.session.defaultSession.webRequest.onBeforeRequest).toHaveBeenCalledTimes(1);
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));

    // The engine: one utility process running out/main/engineHost.js, given port2 and the default library.
    expect(existsSync(path.join(userData.dir, 'libraries'))).toBe(true);
    expect(children).toHaveLength(1);
    expect(children[0]!.modulePath).toMatch(/main[\\/]engineHost\.js$/);
    // Offline before onnxruntime loads in it: the host's environment turns onnxruntime's telemetry off.
    expect(children[0]!.env).toMatchObject({ ORT_DISABLE_TELEMETRY: '1', PATH: process.env['PATH'] });
    expect(children[0]!.messages[0]).toEqual({
      kind: 'start',
      libraryFile: path.join(userData.dir, 'libraries', 'default.kb.sqlite'),
      create: true,
      version: '0.1.0',
      tokenizerDir: null,
      // Where libraries live, reported by modelStatus() (the first-run hint and Settings show it).
      dataFolder: path.join(userData.dir, 'libraries'),
      // The engine writes engine.log there; main writes main.log beside it.
      logDir: path.join(userData.dir, 'logs'),
    });
    expect(children[0]!.transfers[0]).toHaveLength(1);
    const mainLog = readFileSync(path.join(userData.dir, 'logs', 'main.log'), 'utf8').split('\n');
    expect(mainLog[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[info\] app\.start version=0\.1\.0 /);
    expect(mainLog[1]).toMatch(/\[info\] engine\.start library=\S+default\.kb\.sqlite create=true$/);
    expect(ports[0]!.started).toBe(true); // main's end of the channel

    // Every EngineApi method has its checked channel, plus the two desktop actions; nothing else is answered.
    const channels = electron.ipcMain.handle.mock.calls.map(([channel]) => channel);
    expect(channels).toHaveLength(ENGINE_METHODS.length + 2);
    expect(channels.filter((channel) => /^kb:engine:\w+$/.test(channel))).toHaveLength(ENGINE_METHODS.length);
    expect(channels.filter((channel) => !/^kb:engine:\w+$/.test(channel)).sort()).toEqual([
      'kb:desktop:choose',
      'kb:desktop:revealDocument',
    ]);
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);

    expect(windows).toHaveLength(1);
    expect(windows[0]?.url).toBe('app://kb/index.html');
    expect(windows[0]?.options).toMatchObject({
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    const preload = (windows[0]?.options as { webPreferences: { preload: string } }).webPreferences.preload;
    expect(preload).toMatch(/preload[\\/]index\.cjs$/);

    // An engine event arriving on main's port reaches the page as name + payload on kb:event.
    const payload = { jobId: 'j1', type: 'done', kind: 'ingest', cancelled: false, summary: null, error: null };
    ports[0]!.listeners.get('message')!({ data: { event: 'job', payload } });
    expect(windows[0]!.sent).toEqual([['kb:event', { event: 'job', payload }]]);

    // Quitting first stops the engine (which closes the library), then quits for real.
    const preventDefault = vi.fn();
    appListeners.get('before-quit')!({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(children[0]!.messages.at(-1)).toEqual({ kind: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    const again = vi.fn();
    appListeners.get('before-quit')!({ preventDefault: again });
    expect(again).not.toHaveBeenCalled();
  });
});
