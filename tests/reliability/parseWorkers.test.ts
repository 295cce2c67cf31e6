// Ingestion's parse workers in the real `kb`: the thread that answers searches is free while a file is parsed, and
// the offline guarantee reaches the workers. (tests/engine/parsePool.test.ts: same output, a worker out of heap, cancel.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStarted } from '../../shared/engineApi.ts';
import { connectRpc, jobDoneIn } from '../e2e/rpcSocket.ts';
import { makePdf } from '../engine/parse/fixtures.ts';
import { CORPUS, runKb, servedUrl, spawnKb, tempDir } from './helpers.ts';

const DENY = path.join(import.meta.dirname, 'fixtures/denyNetwork.ts');

describe('parse workers in kb', () => {
  let dir: string;
  let cleanup: () => void;
  let longPdf: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('kb-parse-workers-'));
    // 1500 pages: seconds of pdf.js (3 s for 1000 pages on the 2-core CI machine).
    longPdf = path.join(dir, 'long', 'audit-handbook.pdf');
    mkdirSync(path.dirname(longPdf));
    const pages = Array.from({ length: 1500 }, (_, p) =>
      Array.from(
        { length: 45 },
        (_, l) => `Page ${p + 1} line ${l + 1}: audit records shall be retained and protected.`,
      ),
    );
    writeFileSync(longPdf, makePdf({ pages }));
  });
  afterAll(() => cleanup?.());

  it('kb ingest of the office corpus parses in an armed worker thread (network-deny preload), with no attempt', async () => {
    const log = path.join(dir, 'network.log');
    const run = await runKb(
      ['ingest', path.join(CORPUS, 'mlps-office'), '--library', path.join(dir, 'offline.kb.sqlite'), '--json'],
      {
        nodeOptions: ['--require', DENY],
        env: { KB_NETWORK_LOG: log },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ indexed: 5, failed: [] });
    const entries = existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { thread: number; armed?: boolean; attempt?: string })
      : [];
    expect(entries.filter((e) => e.attempt)).toEqual([]);
    // No embedding model here: the only worker thread is the parse worker, and it was armed.
    expect(
      entries.some((e) => e.armed && e.thread > 0),
      'an armed parse worker',
    ).toBe(true);
  });

  /** The longest search round trip over kb serve's WebSocket while it ingests the long PDF; and the job's time. */
  async function searchWhileParsing(
    env: Record<string, string>,
  ): Promise<{ longestMs: number; searches: number; jobMs: number }> {
    const library = path.join(dir, `serve-${Object.keys(env).length}.kb.sqlite`);
    const { child, done } = spawnKb(['serve', '--library', library], { env });
    try {
      const url = await servedUrl(child, done);
      const rpc = await connectRpc(`ws://127.0.0.1:${url.port}/rpc?${url.searchParams.toString()}`);
      await rpc.call('search', ['审计记录', { k: 5 }]);
      const started = performance.now();
      const reply = await rpc.call('ingestPaths', [[path.dirname(longPdf)]]);
      const { jobId } = (reply as { result: JobStarted }).result;
      const finished = () => jobDoneIn(rpc.messages, jobId) !== undefined;
      const times: number[] = [];
      while (!finished()) {
        const t = performance.now();
        await rpc.call('search', ['audit records retained', { k: 5 }]);
        times.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const jobMs = performance.now() - started;
      const jobDone = jobDoneIn(rpc.messages)!;
      expect(jobDone.summary).toMatchObject({ indexed: 1, failed: [] });
      rpc.socket.close();
      return { longestMs: Math.max(...times), searches: times.length, jobMs };
    } finally {
      child.kill('SIGTERM');
      await done;
    }
  }

  it('kb serve answers searches while it parses a long PDF; parsing on its own thread (KB_INGEST_WORKERS=0) blocked them for the whole parse', async () => {
    const pool = await searchWhileParsing({});
    const inline = await searchWhileParsing({ KB_INGEST_WORKERS: '0' });
    console.log(
      `parse workers: longest search during a 1500-page PDF ingestion ${pool.longestMs.toFixed(0)} ms (${pool.searches} searches, job ${pool.jobMs.toFixed(0)} ms); ` +
        `inline: ${inline.longestMs.toFixed(0)} ms (${inline.searches} searches, job ${inline.jobMs.toFixed(0)} ms)`,
    );
    expect(pool.searches).toBeGreaterThan(10);
    // Inline, one search waits for most of the parse; with the worker, none waits for more than a slice of it.
    expect(inline.longestMs).toBeGreaterThan(inline.jobMs / 3);
    expect(pool.longestMs).toBeLessThan(inline.longestMs / 3);
  }, 180_000);
});
