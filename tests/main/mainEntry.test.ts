// electron/main/index.ts wires the policy in: with a fake electron, starting main registers the app:// scheme,
// takes the single-instance lock, filters the session, answers kb:version and opens one hardened window.
import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  const windows: { options: unknown; url?: string }[] = [];
  class BrowserWindow {
    readonly record: { options: unknown; url?: string };
    constructor(options: unknown) {
      this.record = { options };
      windows.push(this.record);
    }
    once() {}
    on() {}
    show() {}
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
    electron: {
      app: {
        isPackaged: true,
        requestSingleInstanceLock: vi.fn(() => true),
        quit: vi.fn(),
        getVersion: () => '0.1.0',
        whenReady: () => Promise.resolve(),
        on: vi.fn((name: string, listener: (...args: unknown[]) => void) => appListeners.set(name, listener)),
      },
      BrowserWindow,
      ipcMain: { handle: vi.fn() },
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

describe('electron/main/index.ts', () => {
  it('applies the security policy and opens the app from app://', async () => {
    await import('../../electron/main/index.ts');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { electron, appListeners, windows } = fake;

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
    expect(electron.ipcMain.handle).toHaveBeenCalledWith('kb:version', expect.any(Function));

    expect(windows).toHaveLength(1);
    expect(windows[0]?.url).toBe('app://kb/index.html');
    expect(windows[0]?.options).toMatchObject({
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    const preload = (windows[0]?.options as { webPreferences: { preload: string } }).webPreferences.preload;
    expect(preload).toMatch(/preload[\\/]index\.cjs$/);
  });
});
