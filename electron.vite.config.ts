import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';

export default defineConfig({
  // Native and large Node packages stay outside the bundle: they load from node_modules (asarUnpack when packaged).
  main: { plugins: [externalizeDepsPlugin()], build: { rollupOptions: { input: resolve(import.meta.dirname, 'electron/main/index.ts') } } },
  // A sandboxed preload cannot be an ES module: CommonJS it is.
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: resolve(import.meta.dirname, 'electron/preload/index.ts'), output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') } },
  },
});
