// The page's Content-Security-Policy, written once. Main sends it as a response header of the app:// protocol;
// renderer/index.html carries the same text in a <meta> tag (a test keeps the two equal), and
// electron.vite.config.ts swaps in the development variant on the Vite dev server only.
// No imports: the Vite config loads this file outside Electron.

/** The policy of the packaged app: nothing but the app's own files, no inline script, no eval, no network. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy while `electron-vite dev` serves the renderer: React Fast Refresh needs one inline module script,
 * Vite injects CSS as <style> elements and talks to its server over a WebSocket on localhost.
 * Never used by a build.
 */
export function devContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
}
