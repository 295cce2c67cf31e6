// Shared by the reliability tests: running the real `kb` in a child process, and checking a library file for the
// invariants a crash must never break.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LibraryStore } from '../../electron/engine/store/LibraryStore.ts';
import { SHARED, TOKENIZER_DIR } from '../engine/helpers.ts';

export { CORPUS, SHARED, tempDir, TOKENIZER_DIR } from '../engine/helpers.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const KB = path.join(REPO, 'bin/kb.js');
export const SYNTHETIC_EMBEDDER = path.join(SHARED, 'models/synthetic-zh-embedder');
const PEAK_RSS_PRELOAD = path.join(import.meta.dirname, 'fixtures/reportPeakRss.ts');

export interface KbRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the whole child (all threads), in MiB; null when it was killed before reporting. */
  peakRssMb: number | null;
  elapsedMs: number;
}

export interface KbSpawnOptions {
  /** Run the child as this user (and group); only root can do that. */
  uid?: number;
  gid?: number;
  /** Added to the caller's environment; a variable set to `undefined` is left out. */
  env?: Record<string, string | undefined>;
  /** Extra `node` options before the script (e.g. `--require <file>`). */
  nodeOptions?: string[];
  /** A command that runs node (e.g. `['strace', '-f', '-o', file]`): the child is `wrapper… node …`. */
  wrapper?: string[];
}

/** Starts the real `kb` in its own Node process (with the peak-RSS reporter preloaded). */
export function spawnKb(args: string[], options: KbSpawnOptions = {}): { child: ChildProcess; done: Promise<KbRun> } {
  const started = performance.now();
  const command = [
    ...(options.wrapper ?? []),
    process.execPath,
    '--import',
    PEAK_RSS_PRELOAD,
    ...(options.nodeOptions ?? []),
    KB,
    ...args,
  ];
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, KB_TOKENIZER_DIR: TOKENIZER_DIR, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<KbRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const peak = /KB_PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({
        code,
        signal,
        stdout,
        stderr: stderr.replace(/\n?KB_PEAK_RSS_KB=\d+\n/, ''),
        peakRssMb: peak ? Math.round(Number(peak[1]) / 1024) : null,
        elapsedMs: Math.round(performance.now() - started),
      });
    });
  });
  return { child, done };
}

/** The address a spawned `kb serve` prints (token included), once it listens; rejects if it exits first. */
export function servedUrl(child: ChildProcess, done: Promise<KbRun>): Promise<URL> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (text: string) => {
      out += text;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (match) resolve(new URL(match[0]));
    });
    void done.then((run) => reject(new Error(`kb serve exited ${run.code}: ${run.stderr}`)));
  });
}

export function runKb(args: string[], options: KbSpawnOptions = {}): Promise<KbRun> {
  return spawnKb(args, options).done;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A deterministic PRNG (mulberry32): the same seed gives the same kill moments on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LibraryCheck {
  integrity: string;
  /** Every broken invariant, for a person; empty when the library is sound. */
  problems: string[];
  documents: { indexed: number; failed: number; removed: number; pending: number };
  chunks: number;
  ftsRows: number;
  /** Null when the library has no embedding model. */
  vectors: number | null;
}

const count = (store: LibraryStore, sql: string): number => (store.database.prepare(sql).get() as { n: number }).n;

/**
 * Opens a library the way the app does (so recovery after a crash is part of the check) and verifies: SQLite's
 * integrity check, FTS5's own integrity check, no pending or half-indexed document, no orphan chunk, chunk order
 * without gaps, one FTS row per chunk and no other, one vector per chunk when a model is set, and each chunk's
 * text equal to its range of the document's text.
 */
export function checkLibrary(file: string): LibraryCheck {
  const store = LibraryStore.open(file);
  try {
    const problems: string[] = [];
    const expectZero = (what: string, sql: string): void => {
      const n = count(store, sql);
      if (n !== 0) problems.push(`${n} ${what}`);
    };
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    try {
      store.database.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();
    } catch (error) {
      problems.push(`FTS5 integrity-check: ${(error as Error).message}`);
    }
    expectZero('pending documents', "SELECT count(*) AS n FROM documents WHERE status = 'pending'");
    expectZero(
      'indexed documents without chunks',
      "SELECT count(*) AS n FROM documents d WHERE d.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)",
    );
    expectZero(
      'indexed documents without text or hash',
      "SELECT count(*) AS n FROM documents WHERE status = 'indexed' AND (text IS NULL OR content_hash IS NULL)",
    );
    expectZero(
      'failed documents without a reason',
      "SELECT count(*) AS n FROM documents WHERE status = 'failed' AND (error IS NULL OR error = '')",
    );
    expectZero(
      'chunks of documents that are not indexed',
      "SELECT count(*) AS n FROM chunks c LEFT JOIN documents d ON d.id = c.document_id WHERE d.id IS NULL OR d.status != 'indexed'",
    );
    expectZero(
      'documents whose chunk order has gaps',
      'SELECT count(*) AS n FROM (SELECT document_id FROM chunks GROUP BY document_id HAVING max(ord) != count(*) - 1 OR min(ord) != 0)',
    );
    expectZero(
      'chunks without an FTS row',
      'SELECT count(*) AS n FROM chunks WHERE id NOT IN (SELECT rowid FROM chunks_fts)',
    );
    expectZero(
      'FTS rows without a chunk',
      'SELECT count(*) AS n FROM chunks_fts WHERE rowid NOT IN (SELECT id FROM chunks)',
    );
    const chunks = count(store, 'SELECT count(*) AS n FROM chunks');
    const ftsRows = count(store, 'SELECT count(*) AS n FROM chunks_fts');
    if (ftsRows !== chunks) problems.push(`${ftsRows} FTS rows for ${chunks} chunks`);

    const hasVectors = store.getMeta('embedding_model_id') !== null;
    let vectors: number | null = null;
    if (hasVectors) {
      vectors = count(store, 'SELECT count(*) AS n FROM chunks_vec_rowids');
      if (vectors !== chunks) problems.push(`${vectors} vectors for ${chunks} chunks`);
      expectZero(
        'vectors without a chunk',
        'SELECT count(*) AS n FROM chunks_vec_rowids WHERE rowid NOT IN (SELECT id FROM chunks)',
      );
      expectZero(
        'binary codes without a chunk',
        'SELECT count(*) AS n FROM chunks_vec_bit_rowids WHERE rowid NOT IN (SELECT id FROM chunks)',
      );
      expectZero(
        'chunks without a vector',
        'SELECT count(*) AS n FROM chunks WHERE id NOT IN (SELECT rowid FROM chunks_vec_rowids)',
      );
    }

    // Character ranges are in UTF-16 code units (JS strings), so compare here rather than with SQL substr().
    const texts = new Map<number, string>();
    for (const row of store.database
      .prepare("SELECT id, text FROM documents WHERE status = 'indexed'")
      .iterate() as Iterable<{ id: number; text: string }>) {
      texts.set(row.id, row.text);
    }
    let mismatched = 0;
    for (const row of store.database
      .prepare('SELECT document_id, text, char_start, char_end FROM chunks')
      .iterate() as Iterable<{ document_id: number; text: string; char_start: number; char_end: number }>) {
      if (texts.get(row.document_id)?.slice(row.char_start, row.char_end) !== row.text) mismatched++;
    }
    if (mismatched > 0) problems.push(`${mismatched} chunks whose text differs from their range of the document text`);

    const byStatus = (status: string): number =>
      count(store, `SELECT count(*) AS n FROM documents WHERE status = '${status}'`);
    return {
      integrity,
      problems,
      documents: {
        indexed: byStatus('indexed'),
        failed: byStatus('failed'),
        removed: byStatus('removed'),
        pending: byStatus('pending'),
      },
      chunks,
      ftsRows,
      vectors,
    };
  } finally {
    store.dispose();
  }
}

export interface LibrarySnapshot {
  /** Live documents by path: status, hash, type, title, error, pipeline, encoding, text. */
  documents: Record<string, unknown>;
  /** Chunks by document path, in order, with text, heading path, pages, ranges and token counts. */
  chunks: Record<string, unknown[]>;
  /** Vector bytes (hex) by "path#ord"; empty without a model. */
  vectors: Record<string, string>;
  /** FTS rows matching each term, as "path#ord", sorted. */
  ftsMatches: Record<string, string[]>;
}

/** Everything a library holds about its documents, keyed by path and order (not ids, which differ between runs). */
export function snapshotLibrary(file: string, ftsTerms: string[]): LibrarySnapshot {
  const store = LibraryStore.open(file);
  try {
    const db = store.database;
    const documents: Record<string, unknown> = {};
    for (const row of db
      .prepare(
        "SELECT path, status, type, title, size_bytes, content_hash, error_code, error, page_count, encoding, pipeline, text FROM documents WHERE status != 'removed' ORDER BY path",
      )
      .all() as { path: string }[]) {
      documents[row.path] = row;
    }
    const chunks: Record<string, unknown[]> = {};
    const key = new Map<number, string>();
    for (const row of db
      .prepare(
        'SELECT c.id, d.path, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end, c.token_count FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY d.path, c.ord',
      )
      .all() as { id: number; path: string; ord: number }[]) {
      const { id, path: documentPath, ...rest } = row;
      (chunks[documentPath] ??= []).push(rest);
      key.set(id, `${documentPath}#${row.ord}`);
    }
    const vectors: Record<string, string> = {};
    if (store.getMeta('embedding_model_id') !== null) {
      for (const row of db.prepare('SELECT rowid AS id, embedding FROM chunks_vec').all() as {
        id: number | bigint;
        embedding: Buffer;
      }[]) {
        vectors[key.get(Number(row.id)) ?? `orphan ${row.id}`] = row.embedding.toString('hex');
      }
    }
    const ftsMatches: Record<string, string[]> = {};
    for (const term of ftsTerms) {
      const rows = db.prepare('SELECT rowid AS id FROM chunks_fts WHERE chunks_fts MATCH ?').all(`"${term}"`) as {
        id: number;
      }[];
      ftsMatches[term] = rows.map((row) => key.get(row.id) ?? `orphan ${row.id}`).sort();
    }
    return { documents, chunks, vectors, ftsMatches };
  } finally {
    store.dispose();
  }
}
