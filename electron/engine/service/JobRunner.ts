// Every kind of long work a face starts and watches (ingestion, embedding, a generated answer, loading the LLM) is
// a job here: an id the caller may choose, a cancel, progress at a readable pace and exactly one `done` event —
// written once here instead of once per kind of job. Ingestion and embedding write the library: one of those at a
// time per library (SQLite has one writer); answers and loads run beside them.
import { randomUUID } from 'node:crypto';
import type { JobDone, JobEvent, JobKind, JobStarted } from '../../../shared/engineApi.ts';
import type { IngestSummary } from '../../../shared/types.ts';
import { KbError, toWireError } from '../../../shared/errors.ts';

/** How often progress is sent at most; the first and the last report always go. */
export const PROGRESS_INTERVAL_MS = 100;

/** How a job ended, as its handlers say it: what `done` carries besides the id, kind and cancel. */
export interface JobEnd {
  summary?: IngestSummary | null;
  embedded?: number;
  /** Why it failed (or what a cancel left undone), as thrown: sent as a WireError. */
  error?: unknown;
}

export interface JobHandlers<T> {
  /** The end of a job that finished. */
  done(result: T, jobId: string): JobEnd;
  /** The end of a job that threw (its signal says whether it was cancelled). */
  failed(error: unknown, jobId: string, signal: AbortSignal): JobEnd;
}

/** A job id given twice while the first job runs: its events could not be told apart. */
export class DuplicateJobError extends KbError {
  constructor(jobId: string) {
    super('job.duplicate-id', `a job with id ${jobId} is running already: choose another id`, { jobId });
    this.name = 'DuplicateJobError';
  }
}

interface RunningJob {
  controller: AbortController;
  kind: JobKind;
  exclusive: boolean;
}

export class JobRunner {
  readonly #jobs = new Map<string, RunningJob>();
  readonly #send: (event: JobEvent) => void;
  readonly #ends = new Set<Promise<unknown>>();

  constructor(send: (event: JobEvent) => void) {
    this.#send = send;
  }

  /** True while a job that writes the library (started with `exclusive`) runs. */
  get busy(): boolean {
    return [...this.#jobs.values()].some((job) => job.exclusive);
  }

  /** Whether a job of this kind runs. */
  running(kind: JobKind): boolean {
    return [...this.#jobs.values()].some((job) => job.kind === kind);
  }

  /**
   * Starts `work` as a job and returns its id at once; its end is one `done` event, never an unhandled rejection.
   * For an exclusive job the caller checks `busy` first and refuses with its own reason.
   */
  start<T>(
    kind: JobKind,
    work: (signal: AbortSignal, jobId: string) => Promise<T>,
    handlers: JobHandlers<T>,
    options: { jobId?: string; exclusive?: boolean } = {},
  ): JobStarted {
    if (options.exclusive && this.busy) throw new Error('JobRunner.start while a job runs: check busy first');
    const { jobId, controller } = this.#claim(kind, options.jobId, options.exclusive ?? false);
    let running: Promise<T>;
    try {
      // Called now, not on a later tick: the work's own first checks run before the caller gets the id, as before.
      running = work(controller.signal, jobId);
    } catch (error) {
      running = Promise.reject(error);
    }
    this.#track(
      running.then(
        (result) => this.#end(jobId, () => handlers.done(result, jobId)),
        (error: unknown) => this.#end(jobId, () => handlers.failed(error, jobId, controller.signal)),
      ),
    );
    return { jobId };
  }

  /**
   * Runs `work` as a job whose result is the call's own (a generated answer, a model load): its `done` event goes
   * out before the returned promise settles, with the failure or the cancel.
   */
  async run<T>(kind: JobKind, work: (signal: AbortSignal, jobId: string) => Promise<T>, jobId?: string): Promise<T> {
    const claimed = this.#claim(kind, jobId, false);
    const running = (async () => work(claimed.controller.signal, claimed.jobId))();
    this.#track(running.catch(() => undefined));
    try {
      const result = await running;
      this.#end(claimed.jobId, () => ({}));
      return result;
    } catch (error) {
      this.#end(claimed.jobId, () => ({ error }));
      throw error;
    }
  }

  /** Asks a job of any kind to stop (it ends with its `done`, cancelled); false when no such job runs. */
  cancel(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  /** Cancels every job and resolves when they have ended. */
  async stopAll(): Promise<void> {
    for (const job of this.#jobs.values()) job.controller.abort();
    await Promise.all([...this.#ends]);
  }

  #claim(kind: JobKind, given: string | undefined, exclusive: boolean): { jobId: string; controller: AbortController } {
    const jobId = given ?? randomUUID();
    if (this.#jobs.has(jobId)) throw new DuplicateJobError(jobId);
    const controller = new AbortController();
    this.#jobs.set(jobId, { controller, kind, exclusive });
    return { jobId, controller };
  }

  #track(end: Promise<unknown>): void {
    this.#ends.add(end);
    void end.finally(() => this.#ends.delete(end));
  }

  /** The job is over before its `done` goes out: a face that starts the next job on `done` is not refused. */
  #end(jobId: string, describe: () => JobEnd): void {
    const job = this.#jobs.get(jobId);
    if (!job) return;
    this.#jobs.delete(jobId);
    let end: JobEnd;
    try {
      end = describe();
    } catch (error) {
      // A report that cannot be built still ends the job: no progress bar waits for ever.
      end = { error };
    }
    const done: JobDone = {
      jobId,
      type: 'done',
      kind: job.kind,
      cancelled: job.controller.signal.aborted,
      error: end.error === undefined ? null : toWireError(end.error),
      summary: end.summary ?? null,
      ...(end.embedded === undefined ? {} : { embedded: end.embedded }),
    };
    this.#send(done);
  }
}

/**
 * `send` at most once per PROGRESS_INTERVAL_MS: a folder of small files reports thousands of steps a second, more
 * than a page can draw. Reports for which `always` is true (the first, the last) are never dropped.
 */
export function throttledProgress<P>(
  send: (progress: P) => void,
  always: (progress: P) => boolean,
): (progress: P) => void {
  let lastSent = 0;
  return (progress) => {
    const now = Date.now();
    if (!always(progress) && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    send(progress);
  };
}
