// Electron main: lifecycle, the window, the security policy and IPC. Each piece lives in its own small module.
import path from 'node:path';
import { app, ipcMain, protocol, session, type BrowserWindow } from 'electron';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol } from './appProtocol.ts';
import { createMainWindow } from './createMainWindow.ts';
import { registerIpcHandlers } from './ipcHandlers.ts';
import { applySessionPolicy, createSecurityPolicy, hardenWebContents, startUrl } from './securityPolicy.ts';

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const PRELOAD_PATH = path.join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_DIR = path.join(import.meta.dirname, '../renderer');

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the library files (single writer): hand over to it and leave.
  app.quit();
} else {
  const policy = createSecurityPolicy({ isPackaged: app.isPackaged, devServerUrl: process.env['ELECTRON_RENDERER_URL'] });
  let mainWindow: BrowserWindow | null = null;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    applySessionPolicy(session.defaultSession, policy);
    handleAppProtocol(protocol, RENDERER_DIR);
    registerIpcHandlers(ipcMain, policy, { version: () => app.getVersion() });
    mainWindow = createMainWindow({ preloadPath: PRELOAD_PATH, url: startUrl(policy) });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  });
}
