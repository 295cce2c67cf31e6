// Three build entries (electron-vite): main (ES module) with the engine's utility-process entry beside it, preload
// (CommonJS: a sandboxed preload cannot be an ES module), renderer (React page served from app://).
// Output: out/main/index.js, out/main/engineHost.js (+ its workers), out/preload/index.cjs, out/renderer/.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy, devContentSecurityPolicy } from './electron/main/contentSecurityPolicy.ts';

const fromRoot = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Packages main must load from node_modules at run time, never bundle: native addons (.node files), and parsers
 * that load their own data files (pdf.js CMaps and workers). electron-vite already externalizes every
 * "dependencies" entry; this list also covers transitive ones (pdfjs-dist) and survives a move to devDependencies.
 */
export const NODE_EXTERNALS = [
  'better-sqlite3',
  'sqlite-vec',
  'node-llama-cpp',
  '@node-rs/jieba',
  'pdf-parse',
  'pdfjs-dist',
  'mammoth',
];
/** Modules main and the engine host share: the RPC over the MessagePort and shared/ (the contract). */
export const ENGINE_RPC_MODULES = /[\\/](electron[\\/]engine[\\/]rpc|shared)[\\/]/;
const externalPattern = new RegExp(`^(${NODE_EXTERNALS.join('|')})(/.*)?$`);

/** On the dev server only, relaxes the page's CSP just enough for Vite's HMR and React Fast Refresh. */
function devContentSecurityPolicyPlugin(): Plugin {
  return {
    name: 'offline-kb:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const strict = contentSecurityPolicy();
      if (!html.includes(strict))
        throw new Error('renderer/index.html must carry contentSecurityPolicy() in its CSP <meta>');
      return html.replace(strict, devContentSecurityPolicy());
    },
  };
}

/**
 * What the renderer's pdf.js (the cited-page view) loads besides its code, copied from pdfjs-dist to
 * out/renderer/pdfjs/: CMaps (CJK text in fonts without their own Unicode table renders as nothing without them),
 * the standard 14 fonts (PDFs that do not embed them), and OpenJPEG's JavaScript build for JPEG 2000 images (the CSP
 * allows no WebAssembly). Each folder: the files to take.
 */
export const PDFJS_ASSETS: Record<string, RegExp> = {
  cmaps: /\.bcmap$|^LICENSE$/,
  standard_fonts: /\.(pfb|ttf)$|^LICENSE/,
  wasm: /^openjpeg_nowasm_fallback\.js$|^LICENSE_(PDFJS_)?OPENJPEG$/,
};
/** Where they are served, relative to the page (renderer/src/components/loadPdfjs.ts asks for the same folder). */
export const PDFJS_ASSET_DIR = 'pdfjs';

/** Emits PDFJS_ASSETS into the renderer build and serves them on the dev server. */
function pdfjsAssetsPlugin(): Plugin {
  const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const files = Object.entries(PDFJS_ASSETS).flatMap(([folder, take]) =>
    readdirSync(path.join(root, folder))
      .filter((name) => take.test(name))
      .map((name) => `${folder}/${name}`),
  );
  return {
    name: 'offline-kb:pdfjs-assets',
    configureServer(server) {
      server.middlewares.use(`/${PDFJS_ASSET_DIR}/`, (request, response, next) => {
        const file = decodeURIComponent((request.url ?? '').split('?')[0] ?? '').replace(/^\//, '');
        if (!files.includes(file)) return next();
        response.setHeader('Content-Type', file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream');
        response.end(readFileSync(path.join(root, file)));
      });
    },
    generateBundle() {
      for (const file of files)
        this.emitFile({
          type: 'asset',
          fileName: `${PDFJS_ASSET_DIR}/${file}`,
          source: readFileSync(path.join(root, file)),
        });
    },
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        // engineHost: the engine in Electron's utility process (forked by main; see electron/main/EngineProcess.ts).
        input: {
          index: fromRoot('./electron/main/index.ts'),
          engineHost: fromRoot('./electron/engine-host/utilityMain.ts'),
          // The embedder's worker thread is started from its own file, next to the chunk that starts it.
          embeddingWorker: fromRoot('./electron/engine/embed/embeddingWorker.ts'),
          // Ingestion's parse workers (ParsePool), likewise: parsing stays off the thread that answers searches.
          parseWorker: fromRoot('./electron/engine/ingest/parseWorker.ts'),
        },
        external: [externalPattern],
        // Main needs only the engine's RPC client and the contract: give them a chunk of their own, or the chunk shared
        // with engineHost would load the whole engine (SQLite, jieba, parsers) into the main process.
        // Chunks flat beside the entries (out/main/*.js): tests/packaging reads every file of out/main.
        output: {
          chunkFileNames: '[name]-[hash].js',
          codeSplitting: { groups: [{ name: 'engineRpc', test: ENGINE_RPC_MODULES }] },
        },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads can require only 'electron': bundle everything else into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('./renderer'),
    plugins: [react(), devContentSecurityPolicyPlugin(), pdfjsAssetsPlugin()],
    build: {
      rolldownOptions: { input: { index: fromRoot('./renderer/index.html') } },
    },
  },
});
