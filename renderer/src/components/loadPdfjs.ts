// pdf.js for the cited-page view, loaded on first use: users who never open a PDF citation never download it.
// Everything it fetches is the app's own (CSP: worker-src, connect-src and script-src 'self'); nothing remote.
import type * as Pdfjs from 'pdfjs-dist';
import type { DocumentInitParameters } from 'pdfjs-dist/types/src/display/api';
// The worker as a file beside the page's scripts (not a blob: the CSP allows workers from 'self' only).
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

export type PdfjsModule = typeof Pdfjs;

let loading: Promise<PdfjsModule> | null = null;

/** The pdf.js module, its worker set up; loaded once, retried after a failure. */
export function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= import('pdfjs-dist').then(
    (pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
      return pdfjs;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * How every document is opened. Asset URLs are absolute: with useWorkerFetch (http pages) the worker fetches them
 * itself, and it would resolve a relative URL against its own script's folder. The folders are copied into the
 * build by electron.vite.config.ts (PDFJS_ASSET_DIR).
 */
export function pdfDocumentOptions(data: Uint8Array): DocumentInitParameters {
  const assets = new URL('pdfjs/', document.baseURI);
  return {
    data,
    cMapUrl: new URL('cmaps/', assets).href,
    cMapPacked: true,
    standardFontDataUrl: new URL('standard_fonts/', assets).href,
    // JPEG 2000 through OpenJPEG's JavaScript build: the CSP allows no WebAssembly ('wasm-unsafe-eval').
    wasmUrl: new URL('wasm/', assets).href,
    useWasm: false,
    // No eval (the CSP forbids it; pdf.js would compile PostScript functions with new Function).
    isEvalSupported: false,
    enableXfa: false,
  };
}
