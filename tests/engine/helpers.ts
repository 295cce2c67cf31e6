import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** ../shared beside the repository: the real corpus and models, read-only. */
export const SHARED = path.resolve(import.meta.dirname, '../../../shared');
export const CORPUS = path.join(SHARED, 'corpus');
export const TOKENIZER_DIR = path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'kb-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
