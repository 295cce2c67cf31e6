// Three build entries (electron-vite): main (ES module), preload (CommonJS: a sandboxed preload cannot be an ES
// module), renderer (React page served from app://). Output: out/main/index.js, out/preload/index.cjs, out/renderer/.
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
export const NODE_EXTERNALS = ['better-sqlite3', 'sqlite-vec', 'node-llama-cpp', '@node-rs/jieba', 'pdf-parse', 'pdfjs-dist', 'mammoth'];
const externalPattern = new RegExp(`^(${NODE_EXTERNALS.join('|')})(/.*)?$`);

/** On the dev server only, relaxes the page's CSP just enough for Vite's HMR and React Fast Refresh. */
function devContentSecurityPolicyPlugin(): Plugin {
  return {
    name: 'offline-kb:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const strict = contentSecurityPolicy();
      if (!html.includes(strict)) throw new Error('renderer/index.html must carry contentSecurityPolicy() in its CSP <meta>');
      return html.replace(strict, devContentSecurityPolicy());
    },
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: fromRoot('./electron/main/index.ts') },
        external: [externalPattern],
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
    plugins: [react(), devContentSecurityPolicyPlugin()],
    build: {
      rolldownOptions: { input: { index: fromRoot('./renderer/index.html') } },
    },
  },
});
