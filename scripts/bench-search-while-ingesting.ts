// Search latency through the real RPC while the same process ingests: npm run bench:search-while-ingesting [-- --rounds 3]
// Each round starts a real `kb serve` twice on a copy of one base library (4 MB of Chinese news from crud-rag, so
// that searches have real work from the start) — once with ingestion's parse workers (the default), once with
// KB_INGEST_WORKERS=0 (parsing on the thread that answers, as before the pool) — asks it to ingest the mlps and
// mlps-office corpora (11 Markdown standards, 3 PDF, 2 DOCX), and meanwhile sends `search` over the WebSocket one
// after another (a reply, 20 ms, the next), recording each round trip. The same searches on the idle server before
// the ingestion (base library) and after it (base + corpus) bracket them. Prints each round, then medians over the
// rounds and the ratio inline/workers. The order of the two alternates from round to round. Not a test: machines are
// shared and noisy.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { JobDone, JobStarted } from '../shared/engineApi.ts';
import type { EngineEventMessage as RpcEvent } from '../shared/rpc/engineRpc.ts';
import type { RpcResult as RpcResponse } from '../shared/rpc/rpcProtocol.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(REPO, '../shared');
const CORPORA = [path.join(SHARED, 'corpus/mlps'), path.join(SHARED, 'corpus/mlps-office')];
const BASE_CORPUS = path.join(SHARED, 'corpus/crud-rag/news_part1.txt');
const TOKENIZER_DIR = path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer');
const QUERIES = [
  '三级系统对身份鉴别有哪些要求？',
  '登录失败处理',
  '数据备份恢复',
  '安全审计记录应保存多久',
  '访问控制策略',
  '入侵防范',
  '恶意代码防范',
  '定级对象如何确定安全保护等级',
  '测评过程中的风险分析',
  '高风险判定 弱口令',
];
// A user types, reads, types again: a short pause between searches, so that they sample the whole ingestion.
const PAUSE_MS = 20;
const IDLE_SEARCHES = 40;

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const rounds = Number(values.rounds ?? 3);

interface Rpc {
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Resolves with the first event of that name whose payload passes `match`. */
  event<T>(name: string, match: (payload: T) => boolean): Promise<T>;
  close(): void;
}

async function connect(url: string): Promise<Rpc> {
  const socket = new WebSocket(url);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const waiters: { name: string; match: (payload: unknown) => boolean; resolve: (payload: unknown) => void }[] = [];
  socket.addEventListener('message', (e) => {
    const message = JSON.parse(String(e.data)) as RpcResponse | RpcEvent;
    if ('id' in message) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.result);
      else call?.reject(new Error(`${message.error.name}: ${message.error.message}`));
      return;
    }
    for (const waiter of [...waiters]) {
      if (waiter.name === message.event && waiter.match(message.payload)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message.payload);
      }
    }
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
  let nextId = 1;
  return {
    call: (method, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, args }));
      }),
    event: <T>(name: string, match: (payload: T) => boolean) =>
      new Promise<T>((resolve) =>
        waiters.push({
          name,
          match: match as (payload: unknown) => boolean,
          resolve: resolve as (payload: unknown) => void,
        }),
      ),
    close: () => socket.close(),
  };
}

/** Starts `kb serve` on a copy of the base library; resolves with its WebSocket address once it listens. */
function startServe(dir: string, base: string, inline: boolean): Promise<{ child: ChildProcess; rpcUrl: string }> {
  copyFileSync(base, path.join(dir, 'bench.kb.sqlite'));
  // kb serve wants a built page to serve; the benchmark needs only its RPC.
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>bench</title>');
  const env: NodeJS.ProcessEnv = { ...process.env, KB_TOKENIZER_DIR: TOKENIZER_DIR };
  if (inline) env.KB_INGEST_WORKERS = '0';
  else delete env.KB_INGEST_WORKERS;
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin/kb.js'), 'serve', '--library', path.join(dir, 'bench.kb.sqlite'), '--renderer', dir],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
      if (match) resolve({ child, rpcUrl: `ws://127.0.0.1:${match[1]}/rpc?token=${match[2]}` });
    });
    child.on('exit', (code) => reject(new Error(`kb serve exited ${code}: ${stderr}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface RoundResult {
  during: { p50: number; p95: number; max: number; count: number };
  before: { p50: number; p95: number };
  after: { p50: number; p95: number };
  ingestMs: number;
  /** The same ingestion with no searches meanwhile (a server of its own). */
  quietIngestMs: number;
  indexed: number;
  chunks: number;
}

async function timedSearch(rpc: Rpc, i: number): Promise<number> {
  const started = performance.now();
  await rpc.call('search', [QUERIES[i % QUERIES.length]!, { k: 10 }]);
  return performance.now() - started;
}

async function idleSearches(rpc: Rpc): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < IDLE_SEARCHES; i++) {
    times.push(await timedSearch(rpc, i));
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Ingests the corpus into a fresh copy of the base library with nothing else asked meanwhile: the job's time. */
async function quietIngest(base: string, inline: boolean): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-siw-'));
  const { child, rpcUrl } = await startServe(dir, base, inline);
  try {
    const rpc = await connect(rpcUrl);
    const started = performance.now();
    const { jobId } = (await rpc.call('ingestPaths', [CORPORA])) as JobStarted;
    await rpc.event<JobDone>('job', (payload) => payload.type === 'done' && payload.jobId === jobId);
    const elapsed = performance.now() - started;
    rpc.close();
    return elapsed;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function round(base: string, inline: boolean): Promise<RoundResult> {
  const quietIngestMs = await quietIngest(base, inline);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-siw-'));
  const { child, rpcUrl } = await startServe(dir, base, inline);
  try {
    const rpc = await connect(rpcUrl);
    // Warm: the first search of a process reads jieba's and the thesaurus' tables.
    for (let i = 0; i < 3; i++) await timedSearch(rpc, i);
    const before = await idleSearches(rpc);
    const started = performance.now();
    const { jobId } = (await rpc.call('ingestPaths', [CORPORA])) as JobStarted;
    let done: JobDone | null = null;
    const finished = rpc
      .event<JobDone>('job', (payload) => payload.type === 'done' && payload.jobId === jobId)
      .then((payload) => {
        done = payload;
        return performance.now() - started;
      });
    const during: number[] = [];
    for (let i = 0; done === null; i++) {
      during.push(await timedSearch(rpc, i));
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    const ingestMs = await finished;
    const summary = (done as JobDone | null)?.summary;
    if (!summary || summary.failed.length > 0) throw new Error(`the corpus did not ingest: ${JSON.stringify(done)}`);
    const after = await idleSearches(rpc);
    rpc.close();
    const d = [...during].sort((a, b) => a - b);
    return {
      during: { p50: percentile(d, 50), p95: percentile(d, 95), max: d.at(-1)!, count: d.length },
      before,
      after,
      ingestMs,
      quietIngestMs,
      indexed: summary.indexed,
      chunks: summary.chunksWritten,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number): string => `${n.toFixed(1).padStart(7)} ms`;
const workers = Math.max(1, os.availableParallelism() - 1);
console.log(
  `node ${process.version}, ${os.availableParallelism()} cores; kb serve on a library of ${path.basename(BASE_CORPUS)} ingests mlps + mlps-office; ` +
    `search k=10 over the WebSocket, ${PAUSE_MS} ms between searches; ${rounds} rounds; parse pool: ${workers} worker(s)`,
);
const baseDir = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-siw-base-'));
const base = path.join(baseDir, 'base.kb.sqlite');
execFileSync(process.execPath, [path.join(REPO, 'bin/kb.js'), 'ingest', BASE_CORPUS, '--library', base, '--json'], {
  env: { ...process.env, KB_TOKENIZER_DIR: TOKENIZER_DIR },
  stdio: 'ignore',
});
console.log(
  'round  parsing  searches    during p50    during p95    during max  idle before p50/p95   idle after p50/p95   ingest (while searched / alone)',
);
const results: Record<'pool' | 'inline', RoundResult[]> = { pool: [], inline: [] };
try {
  for (let r = 0; r < rounds; r++) {
    const order: ('pool' | 'inline')[] = r % 2 === 0 ? ['pool', 'inline'] : ['inline', 'pool'];
    for (const mode of order) {
      const result = await round(base, mode === 'inline');
      results[mode].push(result);
      console.log(
        `${String(r + 1).padStart(5)}  ${mode.padEnd(7)} ${String(result.during.count).padStart(9)}  ${ms(result.during.p50)}  ${ms(result.during.p95)}  ${ms(result.during.max)}  ` +
          `${ms(result.before.p50)} ${ms(result.before.p95)}  ${ms(result.after.p50)} ${ms(result.after.p95)}  ${(result.ingestMs / 1000).toFixed(2).padStart(6)} s / ${(result.quietIngestMs / 1000).toFixed(2).padStart(5)} s  ` +
          `(${result.indexed} files, ${result.chunks} chunks)`,
      );
    }
  }
} finally {
  rmSync(baseDir, { recursive: true, force: true });
}
const summary = (mode: 'pool' | 'inline') => ({
  p50: median(results[mode].map((r) => r.during.p50)),
  p95: median(results[mode].map((r) => r.during.p95)),
  before50: median(results[mode].map((r) => r.before.p50)),
  before95: median(results[mode].map((r) => r.before.p95)),
  after50: median(results[mode].map((r) => r.after.p50)),
  after95: median(results[mode].map((r) => r.after.p95)),
  ingest: median(results[mode].map((r) => r.ingestMs)),
  quiet: median(results[mode].map((r) => r.quietIngestMs)),
});
const pool = summary('pool');
const inline = summary('inline');
console.log(
  `\nmedians over ${rounds} rounds            during p50    during p95  idle before p50/p95   idle after p50/p95   ingest (while searched / alone)`,
);
for (const [name, s] of [
  ['parse workers (default)', pool],
  ['inline (KB_INGEST_WORKERS=0)', inline],
] as const) {
  console.log(
    `${name.padEnd(31)} ${ms(s.p50)}  ${ms(s.p95)}  ${ms(s.before50)} ${ms(s.before95)}  ${ms(s.after50)} ${ms(s.after95)}  ${(s.ingest / 1000).toFixed(2).padStart(6)} s / ${(s.quiet / 1000).toFixed(2).padStart(5)} s`,
  );
}
console.log(
  `inline / workers: search p50 ×${(inline.p50 / pool.p50).toFixed(1)}, p95 ×${(inline.p95 / pool.p95).toFixed(1)} while ingesting; ingest time ×${(inline.ingest / pool.ingest).toFixed(2)} while searched, ×${(inline.quiet / pool.quiet).toFixed(2)} alone`,
);
