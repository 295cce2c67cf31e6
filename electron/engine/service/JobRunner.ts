// The long work a face starts and watches (ingestion, embedding): one job at a time per library (SQLite has one
// writer), each with an id, a cancel, progress at a readable pace and exactly one jobDone — written once here
// instead of once per kind of job.
import { toWireError } from '../../../shared/errors.ts';
import { randomUUID } from 'node:crypto';
import type { JobDone, JobStarted } from '../../../shared/engineApi.ts';

/** How often progress is sent at most; the first and the last report always go. */
export const PROGRESS_INTERVAL_MS = 100;

export interface JobHandlers<T> {
  /** The jobDone for a job that finished. */
  done(result: T, jobId: string): JobDone;
  /** The jobDone for a job that threw (its signal says whether it was cancelled). */
  failed(error: unknown, jobId: string, signal: AbortSignal): JobDone;
}

export class JobRunner {
  readonly #jobs = new Map<string, AbortController>();
  readonly #sendDone: (done: JobDone) => void;
  #running: Promise<void> = Promise.resolve();

  constructor(sendDone: (done: JobDone) => void) {
    this.#sendDone = sendDone;
  }

  /** True while a job runs. */
  get busy(): boolean {
    return this.#jobs.size > 0;
  }

  /**
   * Starts `work` as the running job and returns its id at once; its end is one jobDone, never an unhandled
   * rejection. The caller checks `busy` first and refuses with its own reason.
   */
  start<T>(work: (signal: AbortSignal, jobId: string) => Promise<T>, handlers: JobHandlers<T>): JobStarted {
    if (this.busy) throw new Error('JobRunner.start while a job runs: check busy first');
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    let running: Promise<T>;
    try {
      // Called now, not on a later tick: the work's own first checks run before the caller gets the id, as before.
      running = work(controller.signal, jobId);
    } catch (error) {
      running = Promise.reject(error);
    }
    // The job is over before its jobDone goes out: a face that starts the next job on jobDone is not refused.
    const end = (done: () => JobDone): void => {
      this.#jobs.delete(jobId);
      let message: JobDone;
      try {
        message = done();
      } catch (error) {
        // A report that cannot be built still ends the job: no progress bar waits for ever.
        message = { jobId, summary: null, error: error instanceof Error ? error.message : String(error) };
      }
      this.#sendDone(message);
    };
    this.#running = running.then(
      (result) => end(() => handlers.done(result, jobId)),
      // With the failure's code and params, so a face words it in its own language.
      (error: unknown) =>
        end(() => {
          const done = handlers.failed(error, jobId, controller.signal);
          return done.error === null ? done : { ...done, failure: toWireError(error) };
        }),
    );
    return { jobId };
  }

  /** Asks the job to stop (it ends with its jobDone); false when no such job runs. */
  cancel(jobId: string): boolean {
    const controller = this.#jobs.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Cancels every job and resolves when the running one has ended. */
  async stopAll(): Promise<void> {
    for (const controller of this.#jobs.values()) controller.abort();
    await this.#running;
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
