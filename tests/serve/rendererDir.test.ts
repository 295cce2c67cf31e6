// kb serve serves the renderer that `electron-vite build` writes to <repo>/out/renderer: the path is computed from
// the module's own folder, so a move of electron/serve must move it too (it pointed one folder above the checkout
// after the faces moved out of electron/engine).
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_RENDERER_DIR } from '../../electron/serve/runServeCommand.ts';

it('the default renderer folder is the checkout’s out/renderer', () => {
  expect(DEFAULT_RENDERER_DIR).toBe(path.resolve(import.meta.dirname, '../../out/renderer'));
});
