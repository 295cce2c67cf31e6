import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImportErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layering (eslint.config.js)', () => {
  it.each([
    ['renderer/src/x.ts', "import fs from 'node:fs'; export const a = fs;", /renderer is a sandboxed web page/],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'; export const a = ipcRenderer;", /only through window.kb/],
    ['renderer/src/x.ts', "import { createEngine } from '../../electron/engine/index.ts'; export const a = createEngine;", /another process/],
    ['electron/engine/x.ts', "import { app } from 'electron'; export const a = app;", /plain Node/],
    ['shared/x.ts', "import path from 'node:path'; export const a = path;", /shared\//],
    ['electron/preload/x.ts', "import fs from 'fs'; export const a = fs;", /sandboxed/],
    ['electron/main/x.ts', "import { LibraryStore } from '../engine/store/LibraryStore.ts'; export const a = LibraryStore;", /public entry/],
  ])('%s: %s is an error', async (file, code, message) => {
    const errors = await restrictedImportErrors(file, code);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.some((e) => message.test(e)), errors.join(' / ')).toBe(true);
  });

  it.each([
    ['electron/main/x.ts', "import { createEngine } from '../engine/index.ts'; export const a = createEngine;"],
    ['electron/engine/x.ts', "import fs from 'node:fs'; export const a = fs;"],
    ['renderer/src/x.ts', "import type { SearchHit } from '../../shared/types.ts'; export type A = SearchHit;"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toEqual([]);
  });
});
