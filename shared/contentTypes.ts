// Content-Type of the renderer's built files, for both places that serve them: the app:// protocol in Electron
// (electron/main/appProtocol.ts) and kb serve (electron/serve/startKbServer.ts).

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  // pdf.js's worker: a module worker is refused under nosniff unless it is served as JavaScript.
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  // pdf.js's CMaps and standard fonts (out/renderer/pdfjs/), fetched by the cited-page view.
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/x-font-type1',
  '.ttf': 'font/ttf',
};

/** The Content-Type for a file (name or path), by its extension; `application/octet-stream` for any other. */
export function contentTypeOf(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot).toLowerCase()]) ?? 'application/octet-stream';
}
