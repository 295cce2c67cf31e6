// JobRunner: one job at a time, an id at once, exactly one jobDone (finished, failed, thrown before its first
// await, cancelled), and progress thinned to a readable pace with the first and last reports kept.
import { describe, expect, it } from 'vitest';
import type { JobDone } from '../../../shared/engineApi.ts';
import { IngestInputError } from '../../../electron/engine/ingest/walkInputs.ts';
import { JobRunner, PROGRESS_INTERVAL_MS, throttledProgress } from '../../../electron/engine/service/JobRunner.ts';

function runner() {
  const done: JobDone[] = [];
  let ended: (() => void) | null = null;
  const jobs = new JobRunner((d) => {
    done.push(d);
    ended?.();
  });
  const nextDone = () => new Promise<void>((resolve) => (ended = resolve));
  return { jobs, done, nextDone };
}

describe('JobRunner', () => {
  it('runs one job, reports its end once, and is free again after', async () => {
    const { jobs, done, nextDone } = runner();
    const ending = nextDone();
    const { jobId } = jobs.start(async () => 7, {
      done: (n, id) => ({ jobId: id, summary: null, error: null, embedded: n }),
      failed: () => expect.fail(),
    });
    expect(jobs.busy).toBe(true);
    expect(() => jobs.start(async () => 0, { done: () => expect.fail(), failed: () => expect.fail() })).toThrow(
      /check busy first/,
    );
    await ending;
    expect(done).toEqual([{ jobId, summary: null, error: null, embedded: 7 }]);
    await jobs.stopAll();
    expect(jobs.busy).toBe(false);
  });

  it('a job that throws at once or later ends with its failure; a cancelled one sees its signal aborted', async () => {
    const { jobs, done, nextDone } = runner();
    const failed = (error: unknown, jobId: string, signal: AbortSignal): JobDone => ({
      jobId,
      summary: null,
      error: `${signal.aborted ? 'cancelled' : 'failed'}: ${(error as Error).message}`,
    });
    let ending = nextDone();
    const first = jobs.start(
      () => {
        throw new Error('not a folder');
      },
      { done: () => expect.fail(), failed },
    );
    await ending;
    ending = nextDone();
    const second = jobs.start(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))),
      { done: () => expect.fail(), failed },
    );
    expect(jobs.cancel('no-such-job')).toBe(false);
    expect(jobs.cancel(second.jobId)).toBe(true);
    await ending;
    ending = nextDone();
    const third = jobs.start(() => Promise.reject(new IngestInputError('/no/such/folder')), {
      done: () => expect.fail(),
      failed,
    });
    await ending;
    // Each with its failure as a WireError, for a face to word: a KbError's code and params, else 'internal'.
    const internal = (message: string) => ({ name: 'Error', code: 'internal', params: {}, message, kind: 'internal' });
    expect(done).toEqual([
      { jobId: first.jobId, summary: null, error: 'failed: not a folder', failure: internal('not a folder') },
      { jobId: second.jobId, summary: null, error: 'cancelled: stopped', failure: internal('stopped') },
      {
        jobId: third.jobId,
        summary: null,
        error: 'failed: no such file or folder: /no/such/folder',
        failure: {
          name: 'IngestInputError',
          code: 'ingest.input-not-found',
          params: { path: '/no/such/folder' },
          message: 'no such file or folder: /no/such/folder',
          kind: 'user',
        },
      },
    ]);
    expect(first.jobId).not.toBe(second.jobId);
  });

  it('stopAll cancels the running job and waits for its end', async () => {
    const { jobs, done } = runner();
    jobs.start(
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => setTimeout(() => reject(new Error('stopped')), 20)),
        ),
      {
        done: () => expect.fail(),
        failed: (error, jobId) => ({ jobId, summary: null, error: (error as Error).message }),
      },
    );
    await jobs.stopAll();
    expect(done.map((d) => d.error)).toEqual(['stopped']);
  });

  it('thins progress to one report per interval, keeping those marked always', async () => {
    const sent: number[] = [];
    const report = throttledProgress<number>(
      (n) => sent.push(n),
      (n) => n === 0 || n === 999,
    );
    for (let n = 0; n < 1000; n++) report(n);
    // All 1000 within far less than an interval: the first, the last, and at most one other.
    expect(sent[0]).toBe(0);
    expect(sent.at(-1)).toBe(999);
    expect(sent.length).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, PROGRESS_INTERVAL_MS + 5));
    report(500);
    expect(sent.at(-1)).toBe(500);
  });
});
