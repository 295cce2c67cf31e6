// JobRunner: every kind of job has an id (chosen by the caller or made up), a cancel and exactly one `done`
// (finished, failed, thrown before its first await, cancelled); one library-writing job at a time; progress thinned
// to a readable pace with the first and last reports kept.
import { describe, expect, it } from 'vitest';
import type { JobDone, JobEvent } from '../../../shared/engineApi.ts';
import { KbError } from '../../../shared/errors.ts';
import {
  DuplicateJobError,
  JobRunner,
  PROGRESS_INTERVAL_MS,
  throttledProgress,
} from '../../../electron/engine/service/JobRunner.ts';

function runner() {
  const done: JobDone[] = [];
  let ended: (() => void) | null = null;
  const jobs = new JobRunner((event: JobEvent) => {
    if (event.type !== 'done') return;
    done.push(event);
    ended?.();
  });
  const nextDone = () => new Promise<void>((resolve) => (ended = resolve));
  return { jobs, done, nextDone };
}

const exclusive = { exclusive: true };
/** A failure as `done` carries it: a WireError. */
const wire = (message: string) => expect.objectContaining({ message });

describe('JobRunner', () => {
  it('runs one job, reports its end once, and is free again after', async () => {
    const { jobs, done, nextDone } = runner();
    const ending = nextDone();
    const { jobId } = jobs.start(
      'embedding',
      async () => 7,
      {
        done: (n) => ({ embedded: n }),
        failed: () => expect.fail(),
      },
      exclusive,
    );
    expect(jobs.busy).toBe(true);
    expect(() =>
      jobs.start('ingest', async () => 0, { done: () => expect.fail(), failed: () => expect.fail() }, exclusive),
    ).toThrow(/check busy first/);
    await ending;
    expect(done).toEqual([
      { jobId, type: 'done', kind: 'embedding', cancelled: false, summary: null, error: null, embedded: 7 },
    ]);
    await jobs.stopAll();
    expect(jobs.busy).toBe(false);
  });

  it('a job that throws at once or later ends with its failure; a cancelled one sees its signal aborted', async () => {
    const { jobs, done, nextDone } = runner();
    const failed = (error: unknown, _jobId: string, signal: AbortSignal) => ({
      error: new Error(`${signal.aborted ? 'cancelled' : 'failed'}: ${(error as Error).message}`),
    });
    let ending = nextDone();
    const first = jobs.start(
      'ingest',
      () => {
        throw new Error('not a folder');
      },
      { done: () => expect.fail(), failed },
      exclusive,
    );
    await ending;
    ending = nextDone();
    const second = jobs.start(
      'ingest',
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))),
      { done: () => expect.fail(), failed },
      exclusive,
    );
    expect(jobs.cancel('no-such-job')).toBe(false);
    expect(jobs.cancel(second.jobId)).toBe(true);
    await ending;
    expect(done).toEqual([
      expect.objectContaining({
        jobId: first.jobId,
        summary: null,
        cancelled: false,
        error: wire('failed: not a folder'),
      }),
      expect.objectContaining({
        jobId: second.jobId,
        summary: null,
        cancelled: true,
        error: wire('cancelled: stopped'),
      }),
    ]);
    expect(first.jobId).not.toBe(second.jobId);
  });

  it('stopAll cancels the running job and waits for its end', async () => {
    const { jobs, done } = runner();
    jobs.start(
      'ingest',
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => setTimeout(() => reject(new Error('stopped')), 20)),
        ),
      {
        done: () => expect.fail(),
        failed: (error) => ({ error }),
      },
      exclusive,
    );
    await jobs.stopAll();
    expect(done.map((d) => d.error?.message)).toEqual(['stopped']);
  });

  it('takes the caller’s id, refuses one that is running, and runs call-scoped jobs beside a writing one', async () => {
    const { jobs, done } = runner();
    jobs.start(
      'ingest',
      (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
      {
        done: () => ({}),
        failed: () => ({}),
      },
      { jobId: 'ingest-1', exclusive: true },
    );
    expect(() =>
      jobs.start('embedding', async () => 0, { done: () => ({}), failed: () => ({}) }, { jobId: 'ingest-1' }),
    ).toThrow(DuplicateJobError);
    // A generated answer runs while the ingestion writes; its done goes out before its result comes back.
    const answer = await jobs.run('answer', async (_signal, jobId) => `answer of ${jobId}`, 'ask-1');
    expect(answer).toBe('answer of ask-1');
    expect(done.at(-1)).toMatchObject({ jobId: 'ask-1', type: 'done', kind: 'answer', cancelled: false, error: null });
    // A cancelled load: its call fails, and its done says it was cancelled.
    const loading = jobs.run(
      'llmLoad',
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new KbError('llm.cancelled', 'load cancelled'))),
        ),
      'load-1',
    );
    expect(jobs.running('llmLoad')).toBe(true);
    expect(jobs.cancel('load-1')).toBe(true);
    await expect(loading).rejects.toThrow('load cancelled');
    expect(done.at(-1)).toMatchObject({
      jobId: 'load-1',
      kind: 'llmLoad',
      cancelled: true,
      error: { code: 'llm.cancelled', message: 'load cancelled' },
    });
    expect(jobs.running('llmLoad')).toBe(false);
    expect(jobs.cancel('ingest-1')).toBe(true);
    await jobs.stopAll();
    expect(done.at(-1)).toMatchObject({ jobId: 'ingest-1', kind: 'ingest', cancelled: true });
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
