// Files that change between the folder walk and their read. The real engine on real files; the file is swapped at
// the moment ingestion reports it is about to read it (its progress callback), so the race is hit every time; the
// real `kb` has the file grown the moment the walk has taken its size (fixtures/growAfterListing.ts).
// Before: a named pipe in a file's place blocked the ingestion for ever (cancel did nothing; kb serve then refused
// uploads); a file grown past the size limit after the listing was read whole (300 MB → out of memory); a cancel
// during a long read waited for the whole file.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  readFileSync,
  openSync,
  ftruncateSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { readListedFile } from '../../electron/engine/ingest/readListedFile.ts';
import type { IngestSummary } from '../../shared/types.ts';
import { runKb, tempDir, TOKENIZER_DIR } from './helpers.ts';

const MiB = 1024 * 1024;
const GROW_AFTER_LISTING = path.join(import.meta.dirname, 'fixtures/growAfterListing.ts');

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

  /** Makes `name` under the temp folder with three small notes, a.md b.md c.md; returns it and b.md. */
  function threeNotes(name: string): { folder: string; target: string } {
    const folder = path.join(dir, name);
    mkdirSync(folder);
    for (const note of ['a', 'b', 'c'])
      writeFileSync(path.join(folder, `${note}.md`), `# ${note}\n\n应每日对重要数据进行本地备份，记录${note}。\n`);
    return { folder, target: path.join(folder, 'b.md') };
  }

  /** A folder of three notes; `change` runs on the middle one just before ingestion reads it. */
  async function ingestChanging(name: string, change: (file: string) => void, options: { maxFileBytes?: number } = {}) {
    const { folder, target } = threeNotes(name);
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
    expect(summary.failed).toEqual([
      {
        path: target,
        code: 'unreadable',
        reason: expect.stringMatching(
          /^a named pipe \(FIFO\) took the place of this file after its folder was read: not read$/,
        ) as unknown,
      },
    ]);
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
    expect(summary.failed).toEqual([
      {
        path: target,
        code: 'too-large',
        reason: '300.0 MiB is over the 1.0 MiB size limit (it grew after its folder was read)',
      },
    ]);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
  }, 60_000);

  it('kb ingest, a file grown from 1 KiB to 100 MiB after the listing, 1 MiB limit: too large, peak RSS within 50 MiB of the same run without it', async () => {
    // The same run twice, the file grown in one only: what the grown file costs is the difference in peak RSS. 100 MiB
    // rather than less: two runs of the same folder differ by up to ~20 MiB of peak RSS on their own.
    const ingest = async (name: string, grow: boolean) => {
      const { folder, target } = threeNotes(name);
      const args = ['ingest', folder, '--library', path.join(dir, `${name}.kb.sqlite`), '--json', '--max-file-mb', '1'];
      const run = await runKb(
        args,
        grow
          ? { nodeOptions: ['--import', GROW_AFTER_LISTING], env: { KB_GROW_FILE: target, KB_GROW_MIB: '100' } }
          : {},
      );
      expect(run.signal, run.stderr).toBe(null);
      expect(run.peakRssMb).not.toBeNull();
      return { run, summary: JSON.parse(run.stdout) as IngestSummary, target };
    };
    const plain = await ingest('kb-plain', false);
    const grown = await ingest('kb-grown', true);
    console.log(
      `changing inputs: kb ingest of a file grown to 100 MiB after listing (1 MiB limit): peak RSS ${grown.run.peakRssMb} MiB; same folder not grown: ${plain.run.peakRssMb} MiB`,
    );
    expect(plain.summary).toMatchObject({ indexed: 3, failed: [] });
    expect(grown.summary.indexed).toBe(2);
    expect(grown.summary.failed).toEqual([
      {
        path: grown.target,
        code: 'too-large',
        reason: '100.0 MiB is over the 1.0 MiB size limit (it grew after its folder was read)',
      },
    ]);
    expect(grown.summary.bytesRead).toBeLessThan(MiB);
    // Half the file: read whole it costs at least its size (before the fix: 1205 MiB against 212 MiB).
    expect(grown.run.peakRssMb! - plain.run.peakRssMb!).toBeLessThan(50);
  }, 120_000);

  it('a cancel while a listed file is being read stops the read: the file is not read to its end nor indexed', async () => {
    const { folder, target } = threeNotes('cancel');
    // 512 MiB, sparse: free to make, and read in 1 MiB steps it takes hundreds of reads to finish.
    const fd = openSync(target, 'r+');
    ftruncateSync(fd, 512 * MiB);
    closeSync(fd);
    const controller = new AbortController();
    const started = performance.now();
    const summary = await library.ingest([folder], {
      maxFileBytes: 1024 * MiB,
      signal: controller.signal,
      // Ingestion reports b.md, then reads it: the cancel lands once the read is under way.
      onProgress: (progress) => {
        if (progress.currentFile === target) setImmediate(() => controller.abort());
      },
    });
    const elapsedMs = performance.now() - started;
    console.log(`changing inputs: cancel during the read of a 512 MiB file returned in ${Math.round(elapsedMs)} ms`);
    expect(summary.cancelled).toBe(true);
    expect(summary.indexed).toBe(1); // a.md, before the cancel
    expect(summary.failed).toEqual([]);
    expect(summary.bytesRead).toBeLessThan(MiB); // a.md only: none of b.md was kept
  }, 60_000);

  // /proc/self/status reports a size of 0 and holds more: the same as a file that grows between fstat and its end.
  it.runIf(existsSync('/proc/self/status'))(
    'a file that holds more than its descriptor reported is read up to the limit only',
    async () => {
      const whole = readFileSync('/proc/self/status');
      await expect(readListedFile('/proc/self/status', 100)).rejects.toThrow(
        'over the 0.0 MiB size limit: the file grew while it was read',
      );
      const read = await readListedFile('/proc/self/status', MiB);
      expect(read.length).toBeGreaterThan(100);
      expect(read.subarray(0, 5).toString()).toBe(whole.subarray(0, 5).toString()); // "Name:"
    },
  );

  it('the library keeps serving afterwards: the next ingestion of the same folders works', async () => {
    rmSync(path.join(dir, 'fifo', 'b.md'));
    writeFileSync(path.join(dir, 'fifo', 'b.md'), '# b\n\n恢复演练每季度一次。\n');
    const summary = await library.ingest([path.join(dir, 'fifo')]);
    expect(summary.failed).toEqual([]);
    expect((await library.search('恢复演练')).length).toBeGreaterThan(0);
  });
});
