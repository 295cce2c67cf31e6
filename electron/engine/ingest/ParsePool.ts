// A small pool of parse workers (parseWorker.ts) for ingestion. Our own rather than piscina or tinypool: what it must
// do is narrow and specific — one document per worker at a time, a worker terminated when its document's job is
// cancelled (pdf.js runs synchronously for seconds; only terminate() stops it), a worker that crashes or runs out
// of heap failing that one document with a reason and being replaced, idle workers not keeping `kb` alive — and
// adding a dependency for ~200 lines would also add its own thread and task model to reason about.
import '../offlineEnvironment.ts'; // before any worker starts: see the file
import os from 'node:os';
import { workerFileUrl } from '../workerFile.ts';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { EstimatingTokenCounter, WordPieceTokenCounter, type TokenCounter } from '../chunk/WordPieceTokenCounter.ts';
import { ParseError } from '../parse/types.ts';
import type { ParseWorkerFailure, ParseWorkerRequest, ParseWorkerResponse, TokenCounterRecipe } from './parseWorker.ts';
import type { PrepareOptions, PreparedDocument } from './prepareDocument.ts';

export interface ParsePoolOptions {
  /** Worker threads, at most. Defaults to `os.availableParallelism() - 1`, at least 1: one core stays with the serving thread. */
  size?: number;
  /** V8 heap limits of each worker (a document that needs more fails alone). Defaults to Node's defaults. */
  resourceLimits?: ResourceLimits;
  /** An idle worker is stopped after this many milliseconds (it holds jieba's dictionary and pdf.js). Defaults to `30_000`. */
  idleMs?: number;
  /**
   * A worker whose heap (committed, with its buffers) is larger than this after a document is replaced, so that one
   * large document's high-water mark is not kept beside the engine thread's for the rest of the run. Defaults to
   * `128 MiB` (a worker holds 80–100 MiB after any corpus document; a new one takes ~0.5 s to start).
   */
  retireHeapBytes?: number;
}

/** A parse worker crashed or ran out of memory on a document: that document's failure, with a FailedFile code. */
export class ParseWorkerCrash extends Error {
  readonly code: 'too-large' | 'internal';
  constructor(code: 'too-large' | 'internal', message: string) {
    super(message);
    this.name = 'ParseWorkerCrash';
    this.code = code;
  }
}

/** A parse worker could not start (its file missing from a build, a module that fails to load): no document can be parsed. */
export class ParseWorkerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseWorkerStartError';
  }
}

/** How a worker rebuilds `counter`, or null for a counter it cannot (then ingestion parses on its own thread). */
export function tokenCounterRecipe(counter: TokenCounter): TokenCounterRecipe | null {
  if (counter instanceof WordPieceTokenCounter)
    return { kind: 'wordpiece', id: counter.id, directory: counter.directory };
  if (counter instanceof EstimatingTokenCounter) return { kind: 'estimate', id: counter.id };
  return null;
}

interface Task {
  request: ParseWorkerRequest;
  transfer: ArrayBuffer[];
  resolve: (document: PreparedDocument) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  idleTimer: NodeJS.Timeout | null;
  /** Set once it errored, exited or was terminated: it takes no more tasks. */
  gone: boolean;
}

export class ParsePool {
  readonly size: number;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #idleMs: number;
  readonly #retireHeapBytes: number;
  readonly #workers = new Set<PoolWorker>();
  readonly #queue: Task[] = [];
  #nextId = 1;
  #disposed = false;

  constructor(options: ParsePoolOptions = {}) {
    this.size = Math.max(1, Math.trunc(options.size ?? os.availableParallelism() - 1));
    this.#resourceLimits = options.resourceLimits;
    this.#idleMs = options.idleMs ?? 30_000;
    this.#retireHeapBytes = options.retireHeapBytes ?? 128 * 1024 * 1024;
  }

  /** Workers running now (busy or idle). */
  get workerCount(): number {
    return this.#workers.size;
  }

  /**
   * Prepares one document in a worker. `bytes` may be transferred to the worker (detached here): do not use them
   * after. Rejects with the document's ParseError (or an Error carrying the same message and errno code as inline),
   * a ParseWorkerCrash when the worker died on it, a ParseWorkerStartError, or the signal's reason on cancel — the
   * worker is then terminated at once, even in the middle of pdf.js.
   */
  prepare(
    bytes: Uint8Array,
    filePath: string,
    tokenizer: TokenCounterRecipe,
    options: PrepareOptions,
    signal?: AbortSignal,
  ): Promise<PreparedDocument> {
    if (this.#disposed) return Promise.reject(new Error('the parse pool has been disposed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    // A buffer of its own is moved, not copied (a 100 MiB PDF would be copied once more); small ones share Node's pool.
    const own =
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer &&
      bytes.byteLength > Buffer.poolSize;
    const transfer = own ? [bytes.buffer as ArrayBuffer] : [];
    return new Promise<PreparedDocument>((resolve, reject) => {
      const task: Task = {
        request: { id: this.#nextId++, bytes, filePath, tokenizer, options },
        transfer,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abort(task),
      };
      signal?.addEventListener('abort', task.onAbort, { once: true });
      this.#queue.push(task);
      this.#pump();
    });
  }

  /** Starts a worker now if none runs, so that its start (~0.5 s: jieba's dictionary, pdf.js) overlaps other work. */
  warm(): void {
    if (this.#disposed || this.#workers.size > 0) return;
    this.#idle(this.#start());
  }

  #settle(task: Task): void {
    task.signal?.removeEventListener('abort', task.onAbort);
  }

  #abort(task: Task): void {
    const queued = this.#queue.indexOf(task);
    if (queued !== -1) {
      this.#queue.splice(queued, 1);
    } else {
      const holder = [...this.#workers].find((w) => w.task === task);
      if (!holder) return;
      holder.task = null;
      this.#retire(holder);
    }
    task.reject(task.signal!.reason);
    this.#pump();
  }

  /** Gives queued tasks to idle workers, starting workers up to `size`. */
  #pump(): void {
    while (this.#queue.length > 0) {
      let holder = [...this.#workers].find((w) => !w.gone && w.task === null);
      if (!holder) {
        if (this.#workers.size >= this.size) return;
        holder = this.#start();
      }
      const task = this.#queue.shift()!;
      if (holder.idleTimer) clearTimeout(holder.idleTimer);
      holder.idleTimer = null;
      holder.task = task;
      holder.worker.ref(); // a task in flight keeps the process alive (`kb ingest` awaits it)
      holder.worker.postMessage(task.request, task.transfer);
    }
  }

  #start(): PoolWorker {
    const worker = new Worker(workerFileUrl(import.meta.url, 'parseWorker'), {
      name: 'kb-parse',
      ...(this.#resourceLimits ? { resourceLimits: this.#resourceLimits } : {}),
    });
    const holder: PoolWorker = { worker, ready: false, task: null, idleTimer: null, gone: false };
    this.#workers.add(holder);
    worker.on('message', (message: ParseWorkerResponse) => {
      if ('ready' in message) {
        holder.ready = true;
        return;
      }
      const task = holder.task;
      if (!task || task.request.id !== message.id) return;
      holder.task = null;
      this.#settle(task);
      if (message.ok) {
        const { document } = message;
        if (message.chunkTextsElided)
          for (const chunk of document.chunks) chunk.text = document.text.slice(chunk.charStart, chunk.charEnd);
        task.resolve(document);
      } else {
        task.reject(failureError(message.failure));
      }
      if (message.heapBytes > this.#retireHeapBytes) this.#retire(holder);
      else this.#idle(holder);
      this.#pump();
    });
    worker.on('error', (error: Error & { code?: string }) => this.#lost(holder, error, null));
    worker.on('exit', (code) => this.#lost(holder, null, code));
    return holder;
  }

  /** The worker died (an uncaught error, out of heap, or it exited): its task fails, and a new worker takes the queue. */
  #lost(holder: PoolWorker, error: (Error & { code?: string }) | null, exitCode: number | null): void {
    const wasGone = holder.gone;
    holder.gone = true;
    this.#workers.delete(holder);
    if (holder.idleTimer) clearTimeout(holder.idleTimer);
    const task = holder.task;
    holder.task = null;
    if (task) {
      this.#settle(task);
      task.reject(holder.ready ? crashError(error, exitCode, this.#resourceLimits) : startError(error, exitCode));
    }
    if (!wasGone && !holder.ready) {
      // Not even started: every queued document would fail the same way. They fail with the reason, once each.
      for (const queued of this.#queue.splice(0)) {
        this.#settle(queued);
        queued.reject(startError(error, exitCode));
      }
    }
    this.#pump();
  }

  #idle(holder: PoolWorker): void {
    holder.worker.unref(); // an idle worker does not keep the process alive
    holder.idleTimer = setTimeout(() => this.#retire(holder), this.#idleMs);
    holder.idleTimer.unref();
  }

  #retire(holder: PoolWorker): void {
    holder.gone = true;
    this.#workers.delete(holder);
    if (holder.idleTimer) clearTimeout(holder.idleTimer);
    void holder.worker.terminate();
  }

  /** Stops every worker; queued and running documents are rejected. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const error = new Error('the parse pool has been disposed');
    for (const task of this.#queue.splice(0)) {
      this.#settle(task);
      task.reject(error);
    }
    const workers = [...this.#workers];
    this.#workers.clear();
    for (const holder of workers) {
      holder.gone = true;
      if (holder.idleTimer) clearTimeout(holder.idleTimer);
      if (holder.task) {
        this.#settle(holder.task);
        holder.task.reject(error);
        holder.task = null;
      }
    }
    await Promise.all(workers.map((holder) => holder.worker.terminate()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** The same error as parsing on this thread would have thrown, rebuilt from the worker's plain data. */
function failureError(failure: ParseWorkerFailure): Error {
  if (failure.kind === 'parse') return new ParseError(failure.code, failure.message);
  const error = new Error(failure.message) as NodeJS.ErrnoException;
  if (failure.errno) error.code = failure.errno;
  return error;
}

function crashError(
  error: (Error & { code?: string }) | null,
  exitCode: number | null,
  limits: ResourceLimits | undefined,
): ParseWorkerCrash {
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const limit = limits?.maxOldGenerationSizeMb === undefined ? '' : ` (${limits.maxOldGenerationSizeMb} MiB of heap)`;
    return new ParseWorkerCrash(
      'too-large',
      `reading it needed more memory than the parser may use${limit}: not indexed — it is far larger inside than on disk, or damaged; split it or save a simpler copy and add that`,
    );
  }
  const detail = error ? error.message : `its thread exited with code ${exitCode}`;
  return new ParseWorkerCrash(
    'internal',
    `the parser stopped while reading this file (${detail}): not indexed; the other files are not affected`,
  );
}

function startError(error: Error | null, exitCode: number | null): ParseWorkerStartError {
  const detail = error ? error.message : `it exited with code ${exitCode}`;
  return new ParseWorkerStartError(
    `the document parser could not start (${detail}): nothing was indexed; reinstall the app, or report this`,
  );
}

let shared: ParsePool | null | undefined;

/**
 * The process's parse pool, started on first use: `KB_INGEST_WORKERS` workers when that is set (0: parse on the
 * calling thread, as before the pool — kept for comparison and for hosts that cannot start workers), else
 * ParsePool's default size. Null when parsing runs inline.
 */
export function sharedParsePool(): ParsePool | null {
  if (shared === undefined) {
    const setting = process.env.KB_INGEST_WORKERS;
    if (setting === undefined || setting === '') {
      shared = new ParsePool();
    } else {
      const size = Number(setting);
      if (!Number.isInteger(size) || size < 0)
        throw new Error(
          `KB_INGEST_WORKERS must be a whole number of parse workers (0: parse on the engine's thread), not "${setting}"`,
        );
      shared = size === 0 ? null : new ParsePool({ size });
    }
  }
  return shared;
}
