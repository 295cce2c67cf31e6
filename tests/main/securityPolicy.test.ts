// The main-process security policy, checked as plain functions: Electron itself cannot run here, so 'electron' is
// mocked and the session / web contents are small fakes that record what the policy installs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ BrowserWindow: vi.fn() }));

const { contentSecurityPolicy, devContentSecurityPolicy } =
  await import('../../electron/main/contentSecurityPolicy.ts');
const { secureWebPreferences, mainWindowOptions } = await import('../../electron/main/createMainWindow.ts');
const security = await import('../../electron/main/securityPolicy.ts');
const { applySessionPolicy, createSecurityPolicy, hardenWebContents, isAllowedRequestUrl, isTrustedSender, startUrl } =
  security;

const production = createSecurityPolicy({ isPackaged: true, devServerUrl: undefined });
const development = createSecurityPolicy({ isPackaged: false, devServerUrl: 'http://localhost:5173' });

describe('web preferences', () => {
  it('isolate and sandbox the renderer, with no Node anywhere', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      spellcheck: false,
    });
  });

  it('are what the main window is created with', () => {
    const options = mainWindowOptions('/p.cjs');
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    expect(options.show).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = (policy: string) =>
    new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

  it('allows scripts and everything else only from the app itself', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  });

  it('is the one in renderer/index.html', () => {
    const html = readFileSync(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy());
  });

  it('is relaxed for the dev server only by inline script/style and a localhost WebSocket', () => {
    const dev = directives(devContentSecurityPolicy());
    expect(dev.get('script-src')).toBe("'self' 'unsafe-inline'");
    expect(dev.get('connect-src')).toBe("'self' ws://localhost:* ws://127.0.0.1:*");
    expect(devContentSecurityPolicy()).not.toMatch(/unsafe-eval|https?:/);
  });
});

describe('network request filter', () => {
  it('blocks the network and allows the app:// protocol', () => {
    expect(isAllowedRequestUrl('https://example.com/', production)).toBe(false);
    expect(isAllowedRequestUrl('http://example.com/x.js', production)).toBe(false);
    expect(isAllowedRequestUrl('file:///etc/passwd', production)).toBe(false);
    expect(isAllowedRequestUrl('http://localhost:5173/', production)).toBe(false);
    expect(isAllowedRequestUrl('app://kb/index.html', production)).toBe(true);
    expect(isAllowedRequestUrl('app://kb/assets/index.js', production)).toBe(true);
    expect(isAllowedRequestUrl('app://evil/index.html', production)).toBe(false);
  });

  it('allows the local dev server (http and HMR WebSocket) in development only', () => {
    expect(isAllowedRequestUrl('http://localhost:5173/src/main.tsx', development)).toBe(true);
    expect(isAllowedRequestUrl('ws://localhost:5173/', development)).toBe(true);
    expect(isAllowedRequestUrl('http://localhost:8080/', development)).toBe(false);
    expect(isAllowedRequestUrl('https://example.com/', development)).toBe(false);
  });

  it('never trusts a dev server URL that is remote or comes with a packaged app', () => {
    expect(
      createSecurityPolicy({ isPackaged: false, devServerUrl: 'http://example.com:5173' }).devServerOrigin,
    ).toBeNull();
    expect(
      createSecurityPolicy({ isPackaged: false, devServerUrl: 'https://localhost:5173' }).devServerOrigin,
    ).toBeNull();
    expect(
      createSecurityPolicy({ isPackaged: true, devServerUrl: 'http://localhost:5173' }).devServerOrigin,
    ).toBeNull();
    expect(startUrl(production)).toBe('app://kb/index.html');
    expect(startUrl(development)).toBe('http://localhost:5173/');
  });

  it('is installed on the session, with every permission refused', () => {
    let filter: ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void) | undefined;
    let requestPermission:
      ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let checkPermission: (() => boolean) | undefined;
    const session = {
      webRequest: { onBeforeRequest: vi.fn((listener: typeof filter) => (filter = listener)) },
      setPermissionRequestHandler: vi.fn((handler: typeof requestPermission) => (requestPermission = handler)),
      setPermissionCheckHandler: vi.fn((handler: typeof checkPermission) => (checkPermission = handler)),
    };
    applySessionPolicy(session as unknown as Parameters<typeof applySessionPolicy>[0], production);

    const decide = (url: string) => {
      const callback = vi.fn();
      filter!({ url }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(decide('https://example.com/')).toEqual({ cancel: true });
    expect(decide('app://kb/index.html')).toEqual({ cancel: false });
    const granted = vi.fn();
    requestPermission!({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(checkPermission!()).toBe(false);
  });
});

describe('web contents', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: vi.fn((name: string, listener: (event: { preventDefault(): void }) => void) => listeners.set(name, listener)),
      setWindowOpenHandler: vi.fn((handler: typeof openHandler) => (openHandler = handler)),
    };
    hardenWebContents(contents as unknown as Parameters<typeof hardenWebContents>[0]);
    const fire = (name: string, url: string) => {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)?.(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    return { fire, open: (url: string) => openHandler?.({ url }) };
  }

  it('may not navigate, redirect or embed a webview', () => {
    const contents = fakeContents();
    expect(contents.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-navigate', 'app://kb/other.html')).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-attach-webview', 'https://example.com/')).toBe(true);
  });

  it('may not open windows', () => {
    const contents = fakeContents();
    expect(contents.open('https://example.com/')).toEqual({ action: 'deny' });
    expect(contents.open('app://kb/index.html')).toEqual({ action: 'deny' });
  });
});

describe('IPC sender validation', () => {
  it('trusts only the top frame of the app', () => {
    expect(isTrustedSender({ url: 'app://kb/index.html', parent: null }, production)).toBe(true);
    expect(isTrustedSender({ url: 'https://example.com/', parent: null }, production)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, production)).toBe(false);
    expect(isTrustedSender({ url: 'app://kb/index.html', parent: {} }, production)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, production)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, development)).toBe(true);
    expect(isTrustedSender(null, production)).toBe(false);
  });
});
