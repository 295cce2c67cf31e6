// One library's long work that writes it as jobs (ingestion, re-scan, uploads' ingestion, embedding): one at a time
// (SQLite has one writer), each reporting its progress and one `done` as `job` events through the service's JobRunner,
// which also runs the other kinds of job (answers, model loads) beside them.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobEvent, JobOptions, JobStarted } from '../../../shared/engineApi.ts';
import { KbError } from '../../../shared/errors.ts';
import type { EmbeddingProgress, IngestProgress, IngestSummary } from '../../../shared/types.ts';
import type { Library } from '../Library.ts';
import { throttledProgress, type JobRunner } from './JobRunner.ts';
import { ServiceError } from './ServiceError.ts';

export class LibraryJobs {
  readonly #library: Library;
  readonly #emit: (event: JobEvent) => void;
  readonly #jobs: JobRunner;

  constructor(library: Library, jobs: JobRunner, emit: (event: JobEvent) => void) {
    this.#library = library;
    this.#emit = emit;
    this.#jobs = jobs;
  }

  /** True while a job that writes the library runs. */
  get busy(): boolean {
    return this.#jobs.busy;
  }

  /**
   * Ingests folders and files as a job; `notFound` (sources a re-scan could not find) is reported in its summary's
   * skipped files, first.
   */
  ingest(inputs: string[], options: JobOptions = {}, notFound: IngestSummary['skipped'] = []): JobStarted {
    this.#refuseWhenBusy();
    return this.#jobs.start(
      'ingest',
      (signal, jobId) => {
        const onProgress = throttledProgress<IngestProgress>(
          (progress) => this.#emit({ jobId, type: 'progress', kind: 'ingest', progress }),
          (progress) => progress.currentFile === null || progress.filesDone === 0,
        );
        return this.#library.ingest(inputs, { signal, onProgress });
      },
      {
        done: (summary) => ({
          summary: notFound.length > 0 ? { ...summary, skipped: [...notFound, ...summary.skipped] } : summary,
        }),
        failed: (error) => ({ error }),
      },
      { ...options, exclusive: true },
    );
  }

  /** Sets the library's embedding model (a folder) as a job that (re-)embeds its passages. */
  async setEmbeddingModel(dir: string, options: JobOptions = {}): Promise<JobStarted> {
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
      'embedding',
      (signal, jobId) => {
        const onProgress = throttledProgress<EmbeddingProgress>(
          (progress) => this.#emit({ jobId, type: 'progress', kind: 'embedding', progress }),
          (progress) => progress.embedded >= progress.total,
        );
        return this.#library.setEmbeddingModel(folder, { signal, onProgress });
      },
      {
        done: ({ reembedded }) => ({ embedded: reembedded }),
        failed: (error, _jobId, signal) => ({
          embedded: 0,
          error: signal.aborted
            ? new KbError(
                'embedding.cancelled',
                'cancelled: the model is set; passages not embedded yet are embedded at the next import',
              )
            : error,
        }),
      },
      { ...options, exclusive: true },
    );
  }

  #refuseWhenBusy(): void {
    if (this.#jobs.busy)
      throw new ServiceError('an ingestion or embedding is already running: wait for it to finish or cancel it', {
        code: 'service.job-running',
        params: {},
      });
  }
}
