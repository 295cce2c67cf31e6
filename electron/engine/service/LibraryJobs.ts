// One library's long work as jobs (ingestion, re-scan, uploads' ingestion, embedding): one at a time (SQLite has one
// writer), each reporting its progress events and one jobDone through the JobRunner.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobStarted } from '../../../shared/engineApi.ts';
import type { EmbeddingProgress, IngestProgress, IngestSummary } from '../../../shared/types.ts';
import type { Library } from '../Library.ts';
import type { EngineEventListener } from './EngineEventListener.ts';
import { JobRunner, throttledProgress } from './JobRunner.ts';
import { ServiceError } from './ServiceError.ts';

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class LibraryJobs {
  readonly #library: Library;
  readonly #emit: EngineEventListener;
  readonly #jobs: JobRunner;

  constructor(library: Library, emit: EngineEventListener) {
    this.#library = library;
    this.#emit = emit;
    this.#jobs = new JobRunner((done) => emit('jobDone', done));
  }

  /** True while a job runs. */
  get busy(): boolean {
    return this.#jobs.busy;
  }

  /**
   * Ingests folders and files as a job; `notFound` (sources a re-scan could not find) is reported in its summary's
   * skipped files, first.
   */
  ingest(inputs: string[], notFound: IngestSummary['skipped'] = []): JobStarted {
    this.#refuseWhenBusy();
    return this.#jobs.start(
      (signal, jobId) => {
        const onProgress = throttledProgress<IngestProgress>(
          (progress) => this.#emit('ingestProgress', { jobId, progress }),
          (progress) => progress.currentFile === null || progress.filesDone === 0,
        );
        return this.#library.ingest(inputs, { signal, onProgress });
      },
      {
        done: (summary, jobId) => ({
          jobId,
          summary: notFound.length > 0 ? { ...summary, skipped: [...notFound, ...summary.skipped] } : summary,
          error: null,
        }),
        failed: (error, jobId) => ({ jobId, summary: null, error: errorText(error) }),
      },
    );
  }

  /** Sets the library's embedding model (a folder) as a job that (re-)embeds its passages. */
  async setEmbeddingModel(dir: string): Promise<JobStarted> {
    this.#refuseWhenBusy();
    const folder = path.resolve(dir);
    const isFolder = await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      throw new ServiceError(
        `${folder} is not a folder: choose the embedding model's folder (config.json, tokenizer.json, onnx/model.onnx), e.g. bge-small-zh-v1.5`,
      );
    }
    // Again: a job may have started while the folder was looked at (JobRunner would refuse it without a reason).
    this.#refuseWhenBusy();
    return this.#jobs.start(
      (signal, jobId) => {
        const onProgress = throttledProgress<EmbeddingProgress>(
          (progress) => this.#emit('embeddingProgress', { jobId, progress }),
          (progress) => progress.embedded >= progress.total,
        );
        return this.#library.setEmbeddingModel(folder, { signal, onProgress });
      },
      {
        done: ({ reembedded }, jobId) => ({ jobId, summary: null, error: null, embedded: reembedded }),
        failed: (error, jobId, signal) => ({
          jobId,
          summary: null,
          embedded: 0,
          error: signal.aborted
            ? 'cancelled: the model is set; passages not embedded yet are embedded at the next import'
            : errorText(error),
        }),
      },
    );
  }

  /** Asks a job to stop (it ends with its jobDone); false when no such job runs. */
  cancel(jobId: string): boolean {
    return this.#jobs.cancel(jobId);
  }

  /** Cancels the running job and resolves when it has ended. */
  stopAll(): Promise<void> {
    return this.#jobs.stopAll();
  }

  #refuseWhenBusy(): void {
    if (this.#jobs.busy)
      throw new ServiceError('an ingestion or embedding is already running: wait for it to finish or cancel it', {
        code: 'service.job-running',
        params: {},
      });
  }
}
