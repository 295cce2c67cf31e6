import { BrowserWindow, type BrowserWindowConstructorOptions, type WebPreferences } from 'electron';
import type { WindowBounds } from './appState.ts';

export const WINDOW_TITLE = '离线知识库 Offline KB';

/**
 * The renderer's web preferences: an isolated, sandboxed web page with no Node, talking to main only through the
 * preload's `window.kb`. (The electron-vite template sets `sandbox: false`; this app does not.)
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Chromium's spell checker downloads dictionaries from Google: the app never touches the network.
    spellcheck: false,
  };
}

/** Options of the main window; `bounds` is where the user last left it (see appState.ts), if still on a screen. */
export function mainWindowOptions(
  preloadPath: string,
  bounds: WindowBounds | null = null,
): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    ...(bounds ?? {}),
    minWidth: 720,
    minHeight: 480,
    title: WINDOW_TITLE,
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Creates the main window and loads the app into it. Navigation and pop-ups are denied by hardenWebContents. */
export function createMainWindow(options: {
  preloadPath: string;
  url: string;
  bounds?: WindowBounds | null;
  maximized?: boolean;
}): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options.preloadPath, options.bounds ?? null));
  window.once('ready-to-show', () => {
    if (options.maximized) window.maximize();
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}
