import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FailedFile, IngestProgress, IngestSummary } from '../../../shared/types.ts';
import { DEFAULT_MAX_CHUNK_TOKENS } from '../chunk/chunkDocument.ts';
import type { TokenCounter } from '../chunk/WordPieceTokenCounter.ts';
import { ParseError } from '../parse/types.ts';
import type { ChineseSegmenter } from '../search/ChineseSegmenter.ts';
import type { Embedder } from '../embed/TransformersEmbedder.ts';
import type { LibraryStore } from '../store/LibraryStore.ts';
import { passageForEmbedding, type VectorIndex } from '../store/VectorIndex.ts';
import { storageError } from '../store/openLibraryDatabase.ts';
import { ListedFileError, readListedFile } from './readListedFile.ts';
import { DEFAULT_MAX_FILE_BYTES, walkInputs } from './walkInputs.ts';
import {
  ParsePool,
  ParseWorkerCrash,
  ParseWorkerStartError,
  sharedParsePool,
  tokenCounterRecipe,
} from './ParsePool.ts';
import { prepareDocument } from './prepareDocument.ts';

/**
 * Version of parsing + normalising + chunking. Bump it when any of them changes what is stored: documents indexed
 * by an older pipeline are then re-indexed on the next ingestion even though their files did not change.
 * 3: tables as rows with their header (parse/tableLines.ts), chunked apart from prose; converter LaTeX as text.
 */
export const PIPELINE_VERSION = 3;

export interface IngestOptions {
  /** Skip files larger than this. Defaults to 100 MiB. */
  maxFileBytes?: number;
  /** Largest chunk in tokens. Defaults to `DEFAULT_MAX_CHUNK_TOKENS`. */
  maxChunkTokens?: number;
  /** Refuse ZIP-based documents (.docx, .xlsx, .ods, .pptx, .ofd) whose XML inflates beyond this, and larger .xls files. Defaults to the parsers' 16 MiB. */
  maxDecompressedBytes?: number;
  /**
   * Stops the run; what was committed stays. A file being parsed in a worker is abandoned at once (the worker is
   * terminated); parsed inline, after its parse.
   */
  signal?: AbortSignal;
  /** Called before each file and once at the end. */
  onProgress?: (progress: IngestProgress) => void;
  /**
   * Where files are parsed, structured, chunked and segmented: a pool of worker threads, or `null` for the calling
   * thread (then a search waits while a PDF is parsed). Defaults to the process's shared pool (`sharedParsePool()`:
   * KB_INGEST_WORKERS workers, 0 for none).
   */
  parsePool?: ParsePool | null;
}

export interface IngestContext {
  store: LibraryStore;
  segmenter: ChineseSegmenter;
  tokenCounter: TokenCounter;
  /** When the library has an embedding model: chunks are embedded and their vectors written with them. */
  embedding: { embedder: Embedder; vectors: VectorIndex } | null;
}

function describeUnexpected(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied: the file cannot be read by this user';
  if (code === 'ENOENT') return 'the file disappeared while it was being read';
  if (code === 'EISDIR') return 'this is a folder, not a file';
  return `could not be indexed: ${(error as Error).message}`;
}

/**
 * Ingests folders and files into a library: walks them, skips files whose content is unchanged, and indexes the rest
 * one document per transaction. A file that fails is recorded with its reason and the run goes on. Documents under
 * an ingested folder whose files are gone are removed (unless the run was cancelled).
 */
export async function ingestFiles(
  context: IngestContext,
  inputs: string[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const { store, segmenter, tokenCounter, embedding } = context;
  const started = performance.now();
  const pool = options.parsePool === undefined ? sharedParsePool() : options.parsePool;
  // A token counter the workers cannot rebuild (a test's own) is used here, on this thread.
  const recipe = tokenCounterRecipe(tokenCounter);
  if (recipe) pool?.warm(); // while the folders are walked
  const walk = await walkInputs(inputs, { maxFileBytes: options.maxFileBytes, signal: options.signal });
  for (const input of inputs) store.addSource(path.resolve(input));

  // Recorded per document: a new pipeline version, tokenizer or chunk size re-indexes documents made with the old.
  const pipeline = JSON.stringify({
    version: PIPELINE_VERSION,
    tokenizer: tokenCounter.id,
    maxTokens: options.maxChunkTokens ?? DEFAULT_MAX_CHUNK_TOKENS,
  });

  const summary: IngestSummary = {
    filesSeen: walk.files.length + walk.skipped.length,
    indexed: 0,
    unchanged: 0,
    skipped: walk.skipped,
    failed: [],
    removed: 0,
    chunksWritten: 0,
    chunksEmbedded: 0,
    bytesRead: 0,
    elapsedMs: 0,
    cancelled: false,
  };
  const bytesTotal = walk.files.reduce((sum, file) => sum + file.sizeBytes, 0);
  let bytesDone = 0;
  const report = (filesDone: number, currentFile: string | null): void => {
    if (!options.onProgress) return;
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? filesDone / seconds : 0;
    const bytesRate = seconds > 0 ? bytesDone / seconds : 0;
    options.onProgress({
      filesDone,
      filesTotal: walk.files.length,
      currentFile,
      bytesDone,
      bytesTotal,
      filesPerSecond: rate,
      // By bytes rather than files: one 80-page PDF takes longer than ten notes.
      etaMs: filesDone > 0 && bytesRate > 0 ? ((bytesTotal - bytesDone) / bytesRate) * 1000 : null,
    });
  };

  for (const [index, file] of walk.files.entries()) {
    if (options.signal?.aborted) {
      summary.cancelled = true;
      break;
    }
    report(index, file.path);
    const previous = store.documentState(file.path);
    const current = previous?.status === 'indexed' && previous.pipeline === pipeline;
    const sameFile = previous?.sizeBytes === file.sizeBytes && previous.mtimeMs === Math.trunc(file.mtimeMs);
    if (current && sameFile) {
      summary.unchanged++;
      bytesDone += file.sizeBytes;
      continue;
    }
    if (
      previous?.status === 'failed' &&
      previous.errorCode !== 'unreadable' &&
      previous.pipeline === pipeline &&
      sameFile
    ) {
      // The same file failed before with the same pipeline: it would fail again. Report it without re-reading.
      summary.failed.push({
        path: file.path,
        code: previous.errorCode ?? 'internal',
        reason: previous.error ?? 'failed before',
      });
      bytesDone += file.sizeBytes;
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readListedFile(file.path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, options.signal);
    } catch (error) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      const failure: FailedFile =
        error instanceof ListedFileError
          ? { path: file.path, code: error.code, reason: error.message }
          : { path: file.path, code: 'unreadable', reason: describeUnexpected(error) };
      summary.failed.push(failure);
      store.writeFailedDocument({
        ...failure,
        sizeBytes: file.sizeBytes,
        mtimeMs: file.mtimeMs,
        contentHash: null,
        type: null,
        pipeline,
      });
      bytesDone += file.sizeBytes;
      continue;
    }
    summary.bytesRead += bytes.length;
    bytesDone += file.sizeBytes;
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    if (current && previous.contentHash === contentHash) {
      store.touchDocument(previous.id, file.sizeBytes, file.mtimeMs);
      summary.unchanged++;
      continue;
    }
    try {
      // Off this thread when there is a pool: this thread answers searches meanwhile. `bytes` is handed over.
      const prepareOptions = {
        maxDecompressedBytes: options.maxDecompressedBytes,
        maxChunkTokens: options.maxChunkTokens,
      };
      const prepared =
        pool && recipe
          ? await pool.prepare(bytes, file.path, recipe, prepareOptions, options.signal)
          : await prepareDocument(bytes, file.path, { tokenCounter, segmenter }, prepareOptions);
      const { chunks } = prepared;
      // Embedded before the transaction (it is slow and async); written inside it, with the chunks.
      const vectors = embedding
        ? await embedding.embedder.embedPassages(chunks.map((c) => passageForEmbedding(c.headingPath, c.text)))
        : null;
      summary.chunksEmbedded += vectors?.length ?? 0;
      store.writeIndexedDocument(
        {
          path: file.path,
          type: prepared.type,
          title: prepared.profile.title ?? prepared.formatTitle,
          profile: prepared.profile,
          sizeBytes: file.sizeBytes,
          mtimeMs: file.mtimeMs,
          contentHash,
          pageCount: prepared.pageCount,
          encoding: prepared.encoding,
          text: prepared.text,
          pipeline,
          chunks,
          ftsRows: prepared.ftsRows,
        },
        (chunkIds) => {
          if (vectors && embedding)
            embedding.vectors.write(chunkIds.map((chunkId, i) => ({ chunkId, vector: vectors[i]! })));
        },
      );
      summary.indexed++;
      summary.chunksWritten += chunks.length;
    } catch (error) {
      // Cancelled while the file was parsed in a worker: the worker was stopped; the file stays as it was.
      if (options.signal?.aborted && error === options.signal.reason) {
        summary.cancelled = true;
        break;
      }
      // No parser at all (a build without its worker file): the run's failure, not each document's.
      if (error instanceof ParseWorkerStartError) throw error;
      // A full disk or a failing drive is the library's failure, not the document's: marking the file failed would
      // delete the version already indexed, and the next run would skip it as "failed before" even after space was
      // freed (before: exit 0, every later file "could not be indexed: database or disk is full"). The run stops.
      const storage = storageError(error, store.file);
      if (storage?.reason === 'storage' || storage?.reason === 'read-only') throw storage;
      const failure: FailedFile =
        error instanceof ParseError
          ? { path: file.path, code: error.reason, reason: error.message }
          : error instanceof ParseWorkerCrash
            ? { path: file.path, code: error.code, reason: error.message }
            : { path: file.path, code: 'internal', reason: describeUnexpected(error) };
      summary.failed.push(failure);
      store.writeFailedDocument({
        ...failure,
        sizeBytes: file.sizeBytes,
        mtimeMs: file.mtimeMs,
        contentHash,
        type: null,
        pipeline,
      });
    }
  }

  if (!summary.cancelled) {
    // Gone = under an ingested folder but not found now. Files skipped this time (too large, unsupported) go too:
    // the library must not answer from a version it no longer reads; unreadable folders keep what they had.
    const seen = new Set(walk.files.map((file) => file.path));
    const unreadable = walk.skipped.filter((file) => file.reason === 'unreadable').map((file) => file.path + path.sep);
    const gone: number[] = [];
    for (const folder of walk.folders) {
      for (const document of store.documentsUnder(folder + path.sep)) {
        if (seen.has(document.path) || unreadable.some((prefix) => document.path.startsWith(prefix))) continue;
        gone.push(document.id);
      }
    }
    store.markRemoved(gone);
    summary.removed = gone.length;
  }
  report(summary.cancelled ? summary.indexed + summary.unchanged + summary.failed.length : walk.files.length, null);
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
