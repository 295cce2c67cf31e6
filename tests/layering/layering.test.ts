// Proves the layering rules of eslint.config.js bite: a forbidden import in each folder is an error that names the
// policy, and the imports each layer is allowed stay clean. Files need not exist: lintText takes the path.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.js') });
const LAYERING_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  const messages = result.messages;
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`${file} did not parse: ${fatal.map((m) => m.message).join('; ')}`);
  return messages
    .filter((m) => m.severity === 2 && m.ruleId !== null && LAYERING_RULES.has(m.ruleId))
    .map((m) => m.message);
}

describe('import layering (eslint.config.js)', () => {
  it.each([
    ['renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;", /renderer has no Node/],
    [
      'renderer/src/x.tsx',
      "import { readFile } from 'fs/promises';\nexport const a = readFile;",
      /renderer has no Node/,
    ],
    [
      'renderer/src/x.ts',
      "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;",
      /sandboxed web page/,
    ],
    [
      'renderer/src/x.ts',
      "import { createEngine } from '../../electron/engine/index.ts';\nexport const a = createEngine;",
      /only through window\.kb/,
    ],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;", /belong to the engine/],
    ['renderer/src/x.ts', "export const load = () => import('node:path');", /renderer has no Node/],
    [
      'renderer/src/x.ts',
      "export const load = () => import('pdfjs-dist/legacy/build/pdf.mjs');",
      /belong to the engine/,
    ],
    ['electron/engine/x.ts', "import { app } from 'electron';\nexport const a = app;", /plain Node/],
    ['electron/engine/store/x.ts', "export const load = () => import('electron');", /plain Node/],
    [
      'electron/engine/x.ts',
      "import { App } from '../../renderer/src/App.tsx';\nexport const a = App;",
      /never imports renderer/,
    ],
    [
      'electron/engine/service/x.ts',
      "import { getLlama } from 'node-llama-cpp';\nexport const a = getLlama;",
      /only under electron\/engine\/llm/,
    ],
    ['electron/engine/x.ts', "export const load = () => import('node-llama-cpp');", /only under electron\/engine\/llm/],
    // The llm/ sub-layer keeps the engine's own rules.
    ['electron/engine/llm/x.ts', "import { app } from 'electron';\nexport const a = app;", /plain Node/],
    [
      'electron/main/x.ts',
      "import { LibraryStore } from '../engine/store/LibraryStore.ts';\nexport const a = LibraryStore;",
      /public entry/,
    ],
    ['electron/main/x.ts', "export { createEngine } from '../engine/createEngine.ts';", /public entry/],
    // The engine is a library: it never imports a face.
    ['electron/engine/x.ts', "export { runCli } from '../cli/runCli.ts';", /engine is a library/],
    [
      'electron/engine/service/x.ts',
      "export const load = () => import('../../serve/startKbServer.ts');",
      /engine is a library/,
    ],
    [
      'electron/engine/x.ts',
      "import { runEngineHost } from '../engine-host/runEngineHost.ts';\nexport const a = runEngineHost;",
      /engine is a library/,
    ],
    // The faces reach the engine through its entry only, and run on plain Node.
    ['electron/cli/x.ts', "import { Library } from '../engine/Library.ts';\nexport const a = Library;", /public entry/],
    [
      'electron/cli/commands/x.ts',
      "export const load = () => import('../../engine/store/LibraryStore.ts');",
      /public entry/,
    ],
    ['electron/serve/x.ts', "export { EngineService } from '../engine/service/EngineService.ts';", /public entry/],
    ['electron/engine-host/x.ts', "import { app } from 'electron';\nexport const a = app;", /plain Node/],
    [
      'electron/serve/x.ts',
      "import { getLlama } from 'node-llama-cpp';\nexport const a = getLlama;",
      /only under electron\/engine\/llm/,
    ],
    [
      'electron/main/x.ts',
      "import { runEngineHost } from '../engine-host/runEngineHost.ts';\nexport const a = runEngineHost;",
      /forks the engine host/,
    ],
    ['electron/preload/x.ts', "import fs from 'fs';\nexport const a = fs;", /preload is sandboxed/],
    [
      'electron/preload/x.ts',
      "import { createEngine } from '../engine/index.ts';\nexport const a = createEngine;",
      /never to the engine/,
    ],
    ['shared/x.ts', "import path from 'node:path';\nexport const a = path;", /shared\/ runs everywhere/],
    ['shared/x.ts', "import type { ReactNode } from 'react';\nexport type A = ReactNode;", /shared\/ runs everywhere/],
    [
      'shared/x.ts',
      "import { Library } from '../electron/engine/index.ts';\nexport const a = Library;",
      /imports nothing but shared/,
    ],
  ])('%s: %j is an error', async (file, code, policy) => {
    const errors = await layeringErrors(file, code);
    expect(
      errors.some((message) => policy.test(message)),
      `errors: ${JSON.stringify(errors)}`,
    ).toBe(true);
  });

  it.each([
    [
      'electron/main/x.ts',
      "import { createEngine } from '../engine/index.ts';\nimport { app } from 'electron';\nimport path from 'node:path';\nexport const a = [createEngine, app, path];",
    ],
    [
      'electron/engine/x.ts',
      "import fs from 'node:fs';\nimport Database from 'better-sqlite3';\nimport type { SearchHit } from '../../shared/types.ts';\nexport const a = [fs, Database];\nexport type A = SearchHit;",
    ],
    [
      'electron/engine/llm/x.ts',
      "import { getLlama } from 'node-llama-cpp';\nimport fs from 'node:fs';\nexport const a = [getLlama, fs];",
    ],
    [
      'electron/preload/x.ts',
      "import { contextBridge } from 'electron';\nimport type { SearchHit } from '../../shared/types.ts';\nexport const a = contextBridge;\nexport type A = SearchHit;",
    ],
    [
      'renderer/src/x.tsx',
      "import { useState } from 'react';\nimport { create } from 'zustand';\nimport type { SearchHit } from '../../shared/types.ts';\nexport const a = [useState, create];\nexport type A = SearchHit;",
    ],
    [
      'renderer/src/x.ts',
      "import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';\nexport const load = () => import('pdfjs-dist');\nexport const a = workerUrl;",
    ],
    ['shared/x.ts', "import type { SearchHit } from './types.ts';\nexport type A = SearchHit;"],
    [
      'electron/cli/commands/x.ts',
      "import { createEngine } from '../../engine/index.ts';\nimport { startKbServer } from '../../serve/startKbServer.ts';\nimport fs from 'node:fs';\nexport const a = [createEngine, startKbServer, fs];",
    ],
    [
      'electron/engine-host/x.ts',
      "import { EngineService } from '../engine/index.ts';\nimport type { EngineApi } from '../../shared/engineApi.ts';\nexport const a = EngineService;\nexport type A = EngineApi;",
    ],
    ['tests/main/x.test.ts', "import fs from 'node:fs';\nimport { app } from 'electron';\nexport const a = [fs, app];"],
  ])('%s: allowed imports are clean', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
