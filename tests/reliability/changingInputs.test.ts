// Files that change between the folder walk and their read. The real engine on real files; the file is swapped at
// the moment ingestion reports it is about to read it (its progress callback), so the race is hit every time.
// Before: a named pipe in a file's place blocked the ingestion for ever (cancel did nothing; kb serve then refused
// uploads); a file grown past the size limit after the listing was read whole (300 MB → out of memory).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const MiB = 1024 * 1024;

describe('files that change after their folder was read', () => {
  let engine: Engine;
  let library: Library;
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-changing-inputs-'));
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(dir, 'changing.kb.sqlite'), { create: true });
  });
  afterAll(async () => {
    await engine?.dispose();
    cleanup?.();
  });

  /** A folder of three notes; `change` runs on the middle one just before ingestion reads it. */
  async function ingestChanging(name: string, change: (file: string) => void, options: { maxFileBytes?: number } = {}) {
    const folder = path.join(dir, name);
    mkdirSync(folder);
    for (const note of ['a', 'b', 'c']) writeFileSync(path.join(folder, `${note}.md`), `# ${note}\n\n应每日对重要数据进行本地备份，记录${note}。\n`);
    const target = path.join(folder, 'b.md');
    let changed = false;
    const summary = await library.ingest([folder], {
      ...options,
      onProgress: (progress) => {
        if (progress.currentFile === target && !changed) {
          changed = true;
          change(target);
        }
      },
    });
    expect(changed).toBe(true);
    return { summary, target };
  }

  it('a named pipe in place of a listed file: reported as not read, the others indexed, no hang', async () => {
    const { summary, target } = await ingestChanging('fifo', (file) => {
      rmSync(file);
      execFileSync('mkfifo', [file]);
    });
    expect(summary.indexed).toBe(2);
    expect(summary.failed).toEqual([{ path: target, code: 'unreadable', reason: expect.stringMatching(/^a named pipe \(FIFO\) took the place of this file after its folder was read: not read$/) as unknown }]);
  }, 20_000);

  it('a file grown past the size limit after the listing: too large, read no further than the limit', async () => {
    const rssBefore = process.memoryUsage().rss;
    const { summary, target } = await ingestChanging(
      'grown',
      (file) => {
        // 300 MiB, sparse: costs nothing to make; read whole it would cost 300 MiB and more.
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, 300 * MiB);
        closeSync(fd);
      },
      { maxFileBytes: MiB },
    );
    expect(summary.indexed).toBe(2);
    expect(summary.failed).toEqual([{ path: target, code: 'too-large', reason: '300.0 MiB is over the 1.0 MiB size limit (it grew after its folder was read)' }]);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
  }, 60_000);

  it('the library keeps serving afterwards: the next ingestion of the same folders works', async () => {
    rmSync(path.join(dir, 'fifo', 'b.md'));
    writeFileSync(path.join(dir, 'fifo', 'b.md'), '# b\n\n恢复演练每季度一次。\n');
    const summary = await library.ingest([path.join(dir, 'fifo')]);
    expect(summary.failed).toEqual([]);
    expect((await library.search('恢复演练')).length).toBeGreaterThan(0);
  });
});
