import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A worker thread's file beside the module at `base` (its `import.meta.url`): `<name>.ts` when the engine runs from
 * its sources, the bundled `<name>.js` in the app (each worker is its own entry in electron.vite.config.ts).
 */
export function workerFileUrl(base: string, name: string): URL {
  const source = new URL(`./${name}.ts`, base);
  return existsSync(fileURLToPath(source)) ? source : new URL(`./${name}.js`, base);
}
