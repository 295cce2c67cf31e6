// A parse worker: prepares documents (parse → structure → chunk → profile → segment, see prepareDocument.ts) on its
// own thread, so that the thread serving search and ask is not blocked by pdf.js, mammoth or jieba while a folder is
// ingested. Started by ParsePool; one document at a time. Messages: ParseWorkerRequest in, ParseWorkerResponse out.
// The offline guarantee holds here as in the main thread: Node runs the parent's --require preloads (the network-deny
// preload of the tests) in every worker, and offlineEnvironment.ts set the process's environment before any worker
// started. Nothing here loads onnxruntime.
import '../offlineEnvironment.ts';
import { parentPort } from 'node:worker_threads';
import { EstimatingTokenCounter, WordPieceTokenCounter, type TokenCounter } from '../chunk/WordPieceTokenCounter.ts';
import { ParseError, type ParseFailureCode } from '../parse/types.ts';
import { ChineseSegmenter } from '../search/ChineseSegmenter.ts';
import { prepareDocument, type PrepareOptions, type PreparedDocument } from './prepareDocument.ts';

/** How a worker builds the same token counter as the engine's: counters hold a vocabulary, which is loaded again. */
export type TokenCounterRecipe = { kind: 'wordpiece'; id: string; directory: string } | { kind: 'estimate'; id: string };

export interface ParseWorkerRequest {
  id: number;
  /** The file's bytes (transferred when the buffer is the file's own). */
  bytes: Uint8Array;
  filePath: string;
  tokenizer: TokenCounterRecipe;
  options: PrepareOptions;
}

/** Why a document failed, as plain data: a ParseError's code, or another error's message (and errno code). */
export type ParseWorkerFailure = { kind: 'parse'; code: ParseFailureCode; message: string } | { kind: 'error'; message: string; errno: string | null };

export type ParseWorkerResponse =
  | { ready: true }
  | { id: number; ok: true; document: PreparedDocument }
  | { id: number; ok: false; failure: ParseWorkerFailure };

const port = parentPort!;
// jieba's dictionary (~0.3 s) is loaded once per worker, before it says it is ready.
const segmenter = new ChineseSegmenter();
const counters = new Map<string, TokenCounter>();

function tokenCounter(recipe: TokenCounterRecipe): TokenCounter {
  const key = JSON.stringify(recipe);
  let counter = counters.get(key);
  if (!counter) {
    counter = recipe.kind === 'wordpiece' ? WordPieceTokenCounter.fromDirectory(recipe.directory) : new EstimatingTokenCounter();
    // A counter that counts differently would chunk differently from the engine's: refuse rather than drift.
    if (counter.id !== recipe.id) throw new Error(`the parse worker's tokenizer is ${counter.id}, not the engine's ${recipe.id}`);
    counters.set(key, counter);
  }
  return counter;
}

function errnoOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

port.on('message', async (request: ParseWorkerRequest) => {
  let response: ParseWorkerResponse;
  try {
    const document = await prepareDocument(request.bytes, request.filePath, { tokenCounter: tokenCounter(request.tokenizer), segmenter }, request.options);
    response = { id: request.id, ok: true, document };
  } catch (error) {
    const failure: ParseWorkerFailure =
      error instanceof ParseError
        ? { kind: 'parse', code: error.code, message: error.message }
        : { kind: 'error', message: (error as Error).message ?? String(error), errno: errnoOf(error) };
    response = { id: request.id, ok: false, failure };
  }
  port.postMessage(response);
});
port.postMessage({ ready: true } satisfies ParseWorkerResponse);
