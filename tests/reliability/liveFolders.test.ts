// Live folders: watchLibraryFolders re-ingests a library's folders, debounced, when files are added, changed,
// renamed or deleted, and search follows; unchanged files are not re-read; the library's own file inside the folder,
// hidden files and Office lock files cause no run; after close() nothing happens, and a new watcher's start-up rescan
// catches what changed in between.
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../shared/types.ts';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { watchLibraryFolders, type LibraryFolderWatcher } from '../../electron/engine/ingest/watchLibraryFolders.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const DEBOUNCE_MS = 300;

describe('live folders', () => {
  let dir: string;
  let cleanup: () => void;
  let engine: Engine;
  let library: Library;
  let folder: string;
  let watcher: LibraryFolderWatcher;
  const runs: IngestSummary[] = [];
  const errors: string[] = [];

  const doc = (name: string, term: string): void =>
    writeFileSync(path.join(folder, name), `# ${name}\n\n本文件记载${term}的要求。\n`);
  const paths = async (query: string): Promise<string[]> =>
    (await library.search(query)).map((hit) => path.relative(folder, hit.documentPath));
  /** Polls until `check` holds (watch events and the debounce take a moment), at most 10 s. */
  async function eventually(what: string, check: () => Promise<boolean>): Promise<number> {
    const started = performance.now();
    while (!(await check())) {
      if (performance.now() - started > 10_000) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Math.round(performance.now() - started);
  }
  const quiet = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-live-'));
    folder = path.join(dir, '审计资料 live');
    mkdirSync(folder);
    doc('a.md', '青铜门禁');
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    // The library lives inside the folder it watches: its own writes must not trigger runs.
    library = await engine.openLibrary(path.join(folder, 'library.kb.sqlite'), { create: true });
    await library.ingest([folder]);
    watcher = watchLibraryFolders(library, {
      debounceMs: DEBOUNCE_MS,
      rescanOnStart: false,
      onIngested: (summary) => runs.push(summary),
      onError: (error) => errors.push(error.message),
    });
    expect(watcher.sources).toEqual([folder]);
  });
  afterAll(async () => {
    await watcher?.close();
    await engine?.dispose();
    cleanup?.();
  });

  it('an added file becomes searchable', async () => {
    doc('b.md', '白银审计');
    const ms = await eventually('b.md indexed', async () => (await paths('白银审计')).includes('b.md'));
    console.log(`live folders: added file searchable after ${ms} ms (debounce ${DEBOUNCE_MS} ms)`);
  });

  it('a changed file is re-indexed: the old words are gone, the new found; unchanged files are not re-read', async () => {
    await watcher.idle();
    const before = runs.length;
    doc('a.md', '黄金备份');
    await eventually('a.md changed', async () => (await paths('黄金备份')).includes('a.md'));
    expect(await paths('青铜门禁')).toEqual([]);
    await watcher.idle();
    const run = runs.at(-1)!;
    expect(runs.length).toBe(before + 1);
    expect(run).toMatchObject({ indexed: 1, unchanged: 1, removed: 0 });
    expect(run.bytesRead).toBe(statSync(path.join(folder, 'a.md')).size); // b.md was not read
  });

  it('a renamed file is found under its new name and the old one is removed', async () => {
    renameSync(path.join(folder, 'b.md'), path.join(folder, 'b-renamed.md'));
    await eventually('rename seen', async () => (await paths('白银审计')).includes('b-renamed.md'));
    await watcher.idle();
    expect(await paths('白银审计')).toEqual(['b-renamed.md']);
    expect(library.listDocuments().map((d) => path.basename(d.path))).not.toContain('b.md');
  });

  it('a deleted file leaves search', async () => {
    rmSync(path.join(folder, 'b-renamed.md'));
    await eventually('delete seen', async () => (await paths('白银审计')).length === 0);
  });

  it('a new subfolder with a file in it is watched too (recursive)', async () => {
    mkdirSync(path.join(folder, '新目录', '更深'), { recursive: true });
    writeFileSync(path.join(folder, '新目录', '更深', 'c.md'), '# c\n\n深层目录中的玄铁规范。\n');
    await eventually('nested file indexed', async () =>
      (await paths('玄铁规范')).includes(path.join('新目录', '更深', 'c.md')),
    );
    await quiet(DEBOUNCE_MS);
    writeFileSync(path.join(folder, '新目录', '更深', 'd.md'), '# d\n\n新目录里后来加入的赤铜规范。\n');
    await eventually('second nested file indexed', async () => (await paths('赤铜规范')).length === 1);
  });

  it('a burst of 30 files is one or two runs, not thirty', async () => {
    await watcher.idle();
    const before = runs.length;
    for (let i = 0; i < 30; i++) doc(`burst-${i}.md`, `批量文件${i}号`);
    await eventually(
      'all 30 indexed',
      async () =>
        library.listDocuments().filter((d) => d.path.includes('burst-') && d.status === 'indexed').length === 30,
    );
    await watcher.idle();
    const burstRuns = runs.length - before;
    console.log(`live folders: 30 files written in a burst → ${burstRuns} ingestion run(s)`);
    expect(burstRuns).toBeLessThanOrEqual(3);
  });

  it("the library's own writes, hidden files and Office lock files trigger nothing", async () => {
    await watcher.idle();
    const before = runs.length;
    await library.ask('黄金备份的要求是什么？'); // writes the audit trail into library.kb.sqlite (in the folder)
    writeFileSync(path.join(folder, '.~lock.a.md#'), 'lock');
    writeFileSync(path.join(folder, '~$report.docx'), 'lock');
    await quiet(DEBOUNCE_MS * 4);
    expect(runs.length).toBe(before);
    expect(errors).toEqual([]);
  });

  it('after close() nothing happens; a new watcher catches up by its start-up rescan', async () => {
    await watcher.close();
    const before = runs.length;
    doc('while-closed.md', '闭馆期间新增');
    rmSync(path.join(folder, 'a.md'));
    await quiet(DEBOUNCE_MS * 3);
    expect(runs.length).toBe(before);
    expect(await paths('闭馆期间新增')).toEqual([]);

    watcher = watchLibraryFolders(library, {
      debounceMs: DEBOUNCE_MS,
      onIngested: (summary) => runs.push(summary),
      onError: (error) => errors.push(error.message),
    });
    await eventually('rescan on start', async () => (await paths('闭馆期间新增')).includes('while-closed.md'));
    await watcher.idle();
    expect(await paths('黄金备份')).toEqual([]);
    expect(runs.at(-1)).toMatchObject({ indexed: 1, removed: 1 });
    expect(errors).toEqual([]);
    expect(storeOf(library).integrityCheck()).toBe('ok');
  });
});
