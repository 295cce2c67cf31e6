// A parse worker: prepares documents (parse → structure → chunk → profile → segment, see prepareDocument.ts) on its
// own thread, so that the thread serving search and ask is not blocked by pdf.js, mammoth or jieba while a folder is
// ingested. Started by ParsePool; one document at a time. Messages: ParseWorkerRequest in, ParseWorkerResponse out.
// The offline guarantee holds here as in the main thread: Node runs the parent's --require preloads (the network-deny
// preload of the tests) in every worker, and offlineEnvironment.ts set the process's environment before any worker
// started. Nothing here loads onnxruntime.
import '../offlineEnvironment.ts';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { EstimatingTokenCounter, WordPieceTokenCounter, type TokenCounter } from '../chunk/WordPieceTokenCounter.ts';
import { ParseError, type ParseFailureCode } from '../parse/types.ts';
import { ChineseSegmenter } from '../search/ChineseSegmenter.ts';
import { prepareDocument, type PrepareOptions, type PreparedDocument } from './prepareDocument.ts';

/** How a worker builds the same token counter as the engine's: counters hold a vocabulary, which is loaded again. */
export type TokenCounterRecipe =
  { kind: 'wordpiece'; id: string; directory: string } | { kind: 'estimate'; id: string };

export interface ParseWorkerRequest {
  id: number;
  /** The file's bytes (transferred when the buffer is the file's own). */
  bytes: Uint8Array;
  filePath: string;
  tokenizer: TokenCounterRecipe;
  options: PrepareOptions;
}

/** Why a document failed, as plain data: a ParseError's code, or another error's message (and errno code). */
export type ParseWorkerFailure =
  { kind: 'parse'; code: ParseFailureCode; message: string } | { kind: 'error'; message: string; errno: string | null };

export type ParseWorkerResponse =
  | { ready: true }
  | {
      id: number;
      ok: true;
      document: PreparedDocument;
      /** True when every chunk's text was left out (sent as ''): it is `document.text` from charStart to charEnd. */
      chunkTextsElided: boolean;
      heapBytes: number;
    }
  | { id: number; ok: false; failure: ParseWorkerFailure; heapBytes: number };

const port = parentPort!;

// Memory: this worker's heap and the engine thread's are two heaps, and each keeps its high-water mark. Parsing a
// 30 MB text file leaves a few hundred MB of garbage (lines, decoded text, the file's bytes), which V8 frees only when
// it next needs to, while the result is being copied to the engine thread. Collected here before the result is sent,
// the copy does not come on top of that garbage (peak RSS for the 30 MB file: 706 → 630 MiB; 488 inline). Only after
// large documents: a full collection costs 30–100 ms and gains nothing after a small one. `gc` comes from
// V8's flag, reached through a new context (Node takes no V8 flag for one worker on its command line). Afterwards the
// pool replaces a worker whose heap is still large (`heapBytes`), which gives its pages back to the system.
// 160 MiB: a worker's heap holds 80–100 MiB after any corpus document (pdf.js, CMaps, the vocabulary), so only a
// document far larger than those leaves that much behind.
const LARGE_HEAP_BYTES = 160 * 1024 * 1024;
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
/** What this worker's heap holds of the system's memory: the heap V8 committed and the buffers outside it. */
function heapBytes(): number {
  const heap = v8.getHeapStatistics();
  return heap.total_heap_size + heap.external_memory;
}
/** What it holds, garbage included: what a collection could give back. */
function usedBytes(): number {
  const heap = v8.getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}
const EMPTY = new Uint8Array(0);

// jieba's dictionary (~0.3 s) is loaded once per worker, before it says it is ready.
const segmenter = new ChineseSegmenter();
const counters = new Map<string, TokenCounter>();

function tokenCounter(recipe: TokenCounterRecipe): TokenCounter {
  const key = JSON.stringify(recipe);
  let counter = counters.get(key);
  if (!counter) {
    counter =
      recipe.kind === 'wordpiece'
        ? WordPieceTokenCounter.fromDirectory(recipe.directory)
        : new EstimatingTokenCounter();
    // A counter that counts differently would chunk differently from the engine's: refuse rather than drift.
    if (counter.id !== recipe.id)
      throw new Error(`the parse worker's tokenizer is ${counter.id}, not the engine's ${recipe.id}`);
    counters.set(key, counter);
  }
  return counter;
}

/**
 * Leaves each chunk's text out of the message when it is the document text's range (it always is today; the store
 * checks the same): the text of a document crosses to the engine thread once instead of twice — for a 30 MB file,
 * ~20 MB less copied, three times over (here, the message, there). All or nothing: a document that breaks the rule
 * is sent whole.
 */
function elideChunkTexts(document: PreparedDocument): boolean {
  if (!document.chunks.every((chunk) => chunk.text === document.text.slice(chunk.charStart, chunk.charEnd)))
    return false;
  for (const chunk of document.chunks) chunk.text = '';
  return true;
}

function errnoOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

port.on('message', async (request: ParseWorkerRequest) => {
  let result:
    { ok: true; document: PreparedDocument; chunkTextsElided: boolean } | { ok: false; failure: ParseWorkerFailure };
  try {
    const document = await prepareDocument(
      request.bytes,
      request.filePath,
      { tokenCounter: tokenCounter(request.tokenizer), segmenter },
      request.options,
    );
    result = { ok: true, document, chunkTextsElided: elideChunkTexts(document) };
  } catch (error) {
    const failure: ParseWorkerFailure =
      error instanceof ParseError
        ? { kind: 'parse', code: error.reason, message: error.message }
        : { kind: 'error', message: (error as Error).message ?? String(error), errno: errnoOf(error) };
    result = { ok: false, failure };
  }
  request.bytes = EMPTY; // the file's bytes are garbage now too
  if (usedBytes() > LARGE_HEAP_BYTES) collectGarbage();
  port.postMessage({ id: request.id, ...result, heapBytes: heapBytes() } satisfies ParseWorkerResponse);
});
port.postMessage({ ready: true } satisfies ParseWorkerResponse);
