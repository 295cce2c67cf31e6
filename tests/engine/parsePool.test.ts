// Ingestion's parse workers (electron/engine/ingest/ParsePool.ts) on real documents: what they prepare is what parsing
// on the engine's own thread prepares, byte for byte, and a library ingested through them is the same library; a
// document that runs its worker out of heap fails alone with its reason and the files after it index in a new worker;
// a cancel in the middle of a long pdf.js parse ends the run at once; the bundled worker of the app build starts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WordPieceTokenCounter } from '../../electron/engine/chunk/WordPieceTokenCounter.ts';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { ParsePool, tokenCounterRecipe } from '../../electron/engine/ingest/ParsePool.ts';
import type { ParseWorkerResponse } from '../../electron/engine/ingest/parseWorker.ts';
import { prepareDocument } from '../../electron/engine/ingest/prepareDocument.ts';
import { ChineseSegmenter } from '../../electron/engine/search/ChineseSegmenter.ts';
import { makePdf } from './parse/fixtures.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from './helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const OFFICE = path.join(CORPUS, 'mlps-office');
const REAL_FILES = [
  path.join(OFFICE, 'GBT22239-2019_基本要求.pdf'),
  path.join(OFFICE, 'GBT22239-2019_基本要求.docx'),
  path.join(OFFICE, 'GBT22240_定级指南.pdf'),
  path.join(CORPUS, 'mlps/GB/GBT22239-2019_基本要求.md'),
];

/** Every row a library holds about its documents, chunks and full-text index, without the time it was written. */
function libraryRows(file: string): { documents: unknown[]; chunks: unknown[]; fts: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      documents: db
        .prepare(
          'SELECT id, path, type, title, size_bytes, content_hash, status, error_code, error, page_count, encoding, text, pipeline, profile FROM documents ORDER BY id',
        )
        .all(),
      chunks: db.prepare('SELECT * FROM chunks ORDER BY id').all(),
      // The FTS5 index itself (segments of the contentless table): the same words were indexed for the same chunks.
      fts: db.prepare('SELECT * FROM chunks_fts_data ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('parse workers', () => {
  let dir: string;
  let cleanup: () => void;
  let engine: Engine;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-parse-pool-'));
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });

  it('prepare the corpus PDF, DOCX and Markdown exactly as the engine thread does (text, chunks, FTS words, profile)', async () => {
    const tokenCounter = WordPieceTokenCounter.fromDirectory(TOKENIZER_DIR);
    const segmenter = new ChineseSegmenter();
    const pool = new ParsePool({ size: 1 });
    try {
      for (const file of REAL_FILES) {
        const inline = await prepareDocument(readFileSync(file), file, { tokenCounter, segmenter });
        const worker = await pool.prepare(readFileSync(file), file, tokenCounterRecipe(tokenCounter)!, {});
        expect(worker, path.basename(file)).toStrictEqual(inline);
        expect(inline.chunks.length).toBeGreaterThan(30);
      }
    } finally {
      await pool.dispose();
    }
  });

  it('a library ingested through the pool is the library ingested on the engine thread: same documents, chunks, ids, order and index', async () => {
    const files: Record<string, string> = {};
    for (const mode of ['pool', 'inline'] as const) {
      files[mode] = path.join(dir, `${mode}.kb.sqlite`);
      const library = await engine.openLibrary(files[mode], { create: true });
      const pool = new ParsePool({ size: 1 });
      const summary = await library.ingest(REAL_FILES, { parsePool: mode === 'pool' ? pool : null });
      expect(summary).toMatchObject({ indexed: REAL_FILES.length, failed: [] });
      expect(pool.workerCount).toBe(mode === 'pool' ? 1 : 0);
      await pool.dispose();
      await library.dispose();
    }
    const pool = libraryRows(files.pool!);
    const inline = libraryRows(files.inline!);
    expect(pool.chunks.length).toBeGreaterThan(1000);
    expect(pool.documents).toStrictEqual(inline.documents);
    expect(pool.chunks).toStrictEqual(inline.chunks);
    expect(pool.fts).toStrictEqual(inline.fts);
  });

  it('a PDF that runs its worker out of heap fails alone, with the reason; the files after it index in a new worker', async () => {
    // One page of 200 000 text lines: pdf.js holds an object per text run, far more than a 32 MiB heap.
    const heavy = path.join(dir, 'heap', 'one-long-page.pdf');
    mkdirSync(path.dirname(heavy));
    writeFileSync(
      heavy,
      makePdf({ pages: [Array.from({ length: 200_000 }, (_, i) => `line ${i} of one very long page of text`)] }),
    );
    const inputs = [
      path.join(CORPUS, 'mlps/GB/GBT22240_定级指南.md'),
      heavy,
      path.join(OFFICE, 'GBT22240_定级指南.docx'),
    ];
    const library = await engine.openLibrary(path.join(dir, 'heap.kb.sqlite'), { create: true });
    const pool = new ParsePool({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const summary = await library.ingest(inputs, { parsePool: pool });
    expect(pool.workerCount).toBe(1); // the one that ran out of heap is gone; its successor parsed the .docx
    await pool.dispose();
    expect(summary.failed).toEqual([
      {
        path: heavy,
        code: 'too-large',
        reason: expect.stringMatching(
          /^reading it needed more memory than the parser may use \(32 MiB of heap\): not indexed/,
        ),
      },
    ]);
    expect(summary.indexed).toBe(2);
    expect(
      library
        .listDocuments()
        .filter((d) => d.status === 'indexed')
        .map((d) => path.basename(d.path))
        .sort(),
    ).toEqual(['GBT22240_定级指南.docx', 'GBT22240_定级指南.md']);
    expect((await library.search('定级对象', { k: 3 })).length).toBeGreaterThan(0);
    await library.dispose();
  }, 180_000);

  it('a cancel in the middle of a long PDF parse ends the run at once; the PDF stays unindexed and the next run indexes it', async () => {
    // 2000 pages: several seconds of pdf.js on one thread (3 s for 1000 pages on the 2-core CI machine).
    const folder = path.join(dir, 'cancel');
    mkdirSync(folder);
    const pages = Array.from({ length: 2000 }, (_, p) =>
      Array.from(
        { length: 45 },
        (_, l) => `Page ${p + 1} line ${l + 1}: audit records shall be retained and protected.`,
      ),
    );
    writeFileSync(path.join(folder, 'long.pdf'), makePdf({ pages }));
    const library = await engine.openLibrary(path.join(dir, 'cancel.kb.sqlite'), { create: true });
    const pool = new ParsePool({ size: 1 });
    // A worker that is ready, so that the cancel lands in pdf.js, not in the worker's start.
    const warm = path.join(CORPUS, 'mlps/GB/GBT22240_定级指南.md');
    await pool.prepare(readFileSync(warm), warm, { kind: 'estimate', id: 'estimate:cjk-v1' }, {});
    const controller = new AbortController();
    let abortedAt = 0;
    const started = performance.now();
    const summary = await library.ingest([folder], {
      parsePool: pool,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.currentFile?.endsWith('long.pdf')) {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 800);
        }
      },
    });
    const afterAbort = performance.now() - abortedAt;
    console.log(
      `parse pool: cancel during a 2000-page PDF parse ended the run ${afterAbort.toFixed(0)} ms after the abort (${(performance.now() - started).toFixed(0)} ms in all)`,
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(summary).toMatchObject({ cancelled: true, indexed: 0, failed: [] });
    expect(afterAbort).toBeLessThan(500);
    expect(pool.workerCount).toBe(0); // terminated, not left parsing
    expect(library.listDocuments()).toEqual([]);
    const again = await library.ingest([folder], { parsePool: pool });
    expect(again).toMatchObject({ cancelled: false, indexed: 1, failed: [] });
    console.log(`parse pool: the same PDF, not cancelled, took ${again.elapsedMs} ms`);
    await pool.dispose();
    await library.dispose();
  }, 180_000);

  it('the bundled out/main/parseWorker.js (the app build) starts and prepares a corpus document', async () => {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(path.join(REPO, 'out/main/parseWorker.js'));
    try {
      const file = path.join(OFFICE, 'GBT22240_定级指南.docx');
      const messages: ParseWorkerResponse[] = [];
      const reply = new Promise<ParseWorkerResponse>((resolve, reject) => {
        worker.on('message', (message: ParseWorkerResponse) => {
          messages.push(message);
          if ('ready' in message)
            worker.postMessage({
              id: 1,
              bytes: readFileSync(file),
              filePath: file,
              tokenizer: { kind: 'estimate', id: 'estimate:cjk-v1' },
              options: {},
            });
          else resolve(message);
        });
        worker.once('error', reject);
      });
      const response = await reply;
      expect(messages[0]).toEqual({ ready: true });
      expect(response).toMatchObject({ id: 1, ok: true, document: { type: 'docx' } });
      expect((response as { document: { chunks: unknown[] } }).document.chunks.length).toBeGreaterThan(10);
    } finally {
      await worker.terminate();
    }
  });
});
