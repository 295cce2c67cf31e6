// The Electron security checklist as small functions: main applies them, tests/main asserts them with electron mocked.
// Only types come from 'electron' here, so this module loads anywhere.
import type { Session, WebContents } from 'electron';

/** The renderer is served from this custom protocol, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kb';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface SecurityPolicy {
  /** Origin of the Vite dev server (`http://localhost:5173`), or null in a packaged or production build. */
  devServerOrigin: string | null;
}

/**
 * The policy for this run. The dev server is trusted only when the app is not packaged and the URL is plain http
 * on this machine: an `ELECTRON_RENDERER_URL` pointing anywhere else is ignored.
 */
export function createSecurityPolicy(options: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
}): SecurityPolicy {
  if (options.isPackaged || !options.devServerUrl) return { devServerOrigin: null };
  const url = parseUrl(options.devServerUrl);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return { devServerOrigin: null };
  return { devServerOrigin: url.origin };
}

/** Where the main window starts: the dev server in development, the app:// protocol otherwise. */
export function startUrl(policy: SecurityPolicy): string {
  return policy.devServerOrigin ? `${policy.devServerOrigin}/` : APP_START_URL;
}

/** Whether a URL is a page or file of the app itself: app://kb/…, or the dev server (http, or its HMR WebSocket). */
export function isAppUrl(url: string, policy: SecurityPolicy): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST;
  if (!policy.devServerOrigin) return false;
  const dev = new URL(policy.devServerOrigin);
  return (parsed.protocol === 'http:' || parsed.protocol === 'ws:') && parsed.host === dev.host;
}

/**
 * The session's request filter. The app is offline by design: every request that does not go to the app itself is
 * cancelled, so no remote content, no telemetry, no spell-check dictionaries. DevTools loads its own devtools:// pages.
 */
export function isAllowedRequestUrl(url: string, policy: SecurityPolicy): boolean {
  return url.startsWith('devtools://') || isAppUrl(url, policy);
}

/** The frame an IPC message came from, as much of Electron's WebFrameMain as the check needs. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** IPC is answered only for the app's own top-level page: not a foreign URL, not a sub-frame, not a gone frame. */
export function isTrustedSender(frame: SenderFrame | null | undefined, policy: SecurityPolicy): boolean {
  return frame != null && frame.parent === null && isAppUrl(frame.url, policy);
}

/** Applies the network and permission policy to a session (the default session: the app has no other). */
export function applySessionPolicy(session: Session, policy: SecurityPolicy): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequestUrl(details.url, policy) });
  });
  // Camera, microphone, notifications, geolocation…: the app asks for none, so none is granted.
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Every web contents (window, devtools, anything later) may neither navigate away, open windows, nor embed webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
