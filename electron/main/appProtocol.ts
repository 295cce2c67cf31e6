// The renderer is served from app://kb/… rather than file://: a standard, secure origin of its own, so 'self' in the
// CSP means exactly the app's files, and no page can read the user's disk by URL.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { contentTypeOf } from '../../shared/contentTypes.ts';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';
import { APP_HOST, APP_SCHEME } from './securityPolicy.ts';

/** Privileges of the app:// scheme. Must be registered before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/**
 * The file under `rootDir` that an app:// URL names, or null when the URL is not ours or would leave `rootDir`
 * (`..`, encoded or not). `/` is the index page.
 */
export function resolveAppAssetPath(url: string, rootDir: string): string | null {
  let parsed: URL;
  let pathname: string;
  try {
    parsed = new URL(url);
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || pathname.includes('\0')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(root + path.sep) ? file : null;
}

/** Answers one app:// request from the files in `rootDir`, with the CSP as a header. */
export async function serveAppRequest(request: Request, rootDir: string): Promise<Response> {
  const file = request.method === 'GET' ? resolveAppAssetPath(request.url, rootDir) : null;
  if (!file) return new Response('Not found', { status: 404 });
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return new Response('Not found', { status: 404 });
  }
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': contentTypeOf(file),
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Serves the built renderer (`out/renderer`) on app://kb/. Call once the app is ready. */
export function handleAppProtocol(protocol: Protocol, rootDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rootDir));
}
