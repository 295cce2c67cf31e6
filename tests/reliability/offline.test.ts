// Nothing leaves the machine. Every `kb` run below has fixtures/denyNetwork.ts preloaded with `--require`, which runs
// in the main thread AND in every worker thread (the embedding model's transformers.js/onnxruntime worker) and in
// Node children that inherit the flag (node-llama-cpp's): net/tls/http/https/http2/dgram/dns/fetch/WebSocket record
// the attempt and throw. Where strace exists, the same runs are also traced at the system-call level (connect/sendto/
// sendmsg), which sees native code too (onnxruntime, llama.cpp, SQLite): no AF_INET/AF_INET6 socket may appear.
// Every run has a HOME of its own: onnxruntime-node 1.30 queues Microsoft telemetry there (~/.cache/Microsoft/…:
// a device id, the process path, model names) to send later, unless ORT_DISABLE_TELEMETRY=1 was set before it
// loaded; kb sets it in every entry point, over a user's own value ("0" is passed below), and no such file may appear.
// onnxruntime puts it under XDG_CACHE_HOME when that is set (CI sets it: the control below then found nothing under
// HOME), so each run is given both, or the checks for "no such file" would look where nothing is ever written.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRpc } from '../e2e/rpcSocket.ts';
import { CORPUS, REPO, runKb, SHARED, servedUrl, spawnKb, SYNTHETIC_EMBEDDER, tempDir } from './helpers.ts';

const DENY = path.join(import.meta.dirname, 'fixtures/denyNetwork.ts');
const PROBE = path.join(import.meta.dirname, 'fixtures/tryNetwork.ts');
const STORIES = path.join(SHARED, 'models/stories260K/stories260K.gguf');
/** Where onnxruntime-node keeps its telemetry queue and device id, under HOME. */
const TELEMETRY_DIR = '.cache/Microsoft';
const STRACE_NETWORK = ['strace', '-f', '-qq', '-e', 'trace=connect,sendto,sendmsg,sendmmsg'];
/** A user who turned telemetry on: kb keeps it off all the same. */
const TELEMETRY_ON = { ORT_DISABLE_TELEMETRY: '0', ORT_TELEMETRY_DISABLED: '0' };

/**
 * Variables by which onnxruntime 1.30 takes the process for a CI build or its own unit tests and then sends no
 * telemetry at all (names read from libonnxruntime.so; measured: any of them set, 0 files). They are
 * removed, not emptied: node-llama-cpp refuses an empty `CI`.
 * CI machines set `CI`, which made the control fail there and would make the checks on kb pass without proving anything.
 */
const ORT_CI_MARKERS = [
  'CI',
  'TF_BUILD',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'CIRCLECI',
  'TRAVIS',
  'JENKINS_URL',
  'CODEBUILD_BUILD_ID',
  'BUILDKITE',
  'TEAMCITY_VERSION',
  'APPVEYOR',
  'BITBUCKET_BUILD_NUMBER',
  'ORT_RUNNING_UNIT_TESTS',
];

/**
 * The environment of a user's own machine for onnxruntime: a HOME of the run's own, with the cache directory
 * onnxruntime writes to inside it whatever the caller's XDG_CACHE_HOME, and none of the CI markers.
 */
function ownHome(home: string): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(ORT_CI_MARKERS.map((name) => [name, undefined])),
    HOME: home,
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const STRACE = hasStrace();

interface LogEntry {
  thread: number;
  pid: number;
  armed?: boolean;
  attempt?: string;
  detail?: string;
}

describe('offline guarantee: ingest, search and ask attempt no network access', () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;
  let docs: string;
  let runIndex = 0;

  let home: string;

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('kb-offline-'));
    home = path.join(dir, 'home');
    mkdirSync(home);
    library = path.join(dir, 'offline.kb.sqlite');
    docs = path.join(dir, 'docs');
    mkdirSync(docs);
    cpSync(path.join(CORPUS, 'mlps/law'), path.join(docs, 'law'), { recursive: true });
    writeFileSync(
      path.join(docs, 'policy.md'),
      '# 数据安全管理制度\n\n## 3 备份\n\n应每日对重要数据进行本地备份，并每季度开展一次恢复演练。\n',
    );
  });
  afterAll(() => cleanup?.());

  /** Runs `kb` with the network denied (and traced when strace exists); returns the run, its log and trace. */
  async function offlineKb(
    args: string[],
  ): Promise<{ code: number | null; stdout: string; stderr: string; log: LogEntry[]; inetCalls: string[] }> {
    const index = runIndex++;
    const log = path.join(dir, `network-${index}.log`);
    const trace = path.join(dir, `trace-${index}.txt`);
    const run = await runKb(args, {
      nodeOptions: ['--require', DENY],
      env: { KB_NETWORK_LOG: log, ...ownHome(home), ...TELEMETRY_ON },
      ...(STRACE ? { wrapper: [...STRACE_NETWORK, '-o', trace] } : {}),
    });
    const entries = existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as LogEntry)
      : [];
    const inetCalls =
      STRACE && existsSync(trace)
        ? readFileSync(trace, 'utf8')
            .split('\n')
            .filter((line) => /AF_INET6?\b/.test(line))
        : [];
    return { ...run, log: entries, inetCalls };
  }

  it('the interception works: every way out is refused, in the main thread and in a worker (control)', () => {
    const log = path.join(dir, 'control.log');
    const output = execFileSync(process.execPath, ['--require', DENY, PROBE], {
      env: { ...process.env, KB_NETWORK_LOG: log },
      encoding: 'utf8',
    });
    const { main, worker } = JSON.parse(output) as { main: string[]; worker: string[] };
    const all = [
      'net.connect',
      'net.createConnection',
      'net.Socket.connect',
      'tls.connect',
      'http.get',
      'https.request',
      'fetch',
      'dns.lookup',
      'dns.promises.resolve4',
      'dgram.createSocket',
    ];
    expect(main).toEqual(all);
    expect(worker).toEqual(all);
    const entries = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogEntry);
    expect(entries.filter((e) => e.attempt).length).toBeGreaterThanOrEqual(2 * all.length);
    expect(new Set(entries.filter((e) => e.armed).map((e) => e.thread)).size).toBe(2);
  });

  it.skipIf(!STRACE)(
    'the system-call trace sees a TCP connect when one happens (control; to TEST-NET-1, unroutable)',
    () => {
      const trace = path.join(dir, 'control-trace.txt');
      const script =
        "const s = require('node:net').connect(9, '192.0.2.1'); s.on('error', () => {}); setTimeout(() => s.destroy(), 100);";
      execFileSync('strace', [
        '-f',
        '-qq',
        '-e',
        'trace=connect,sendto,sendmsg,sendmmsg',
        '-o',
        trace,
        process.execPath,
        '-e',
        script,
      ]);
      expect(readFileSync(trace, 'utf8')).toMatch(
        /connect\(\d+, \{sa_family=AF_INET, sin_port=htons\(9\), sin_addr=inet_addr\("192\.0\.2\.1"\)/,
      );
    },
  );

  it('kb ingest with the embedding model (worker thread), search, ask and history: no attempt, no socket', async () => {
    const runs = [
      await offlineKb([
        'ingest',
        docs,
        '--library',
        library,
        '--json',
        '--embedding-model',
        SYNTHETIC_EMBEDDER,
        '--embedding-pooling',
        'mean',
      ]),
      await offlineKb(['search', '重要数据 本地备份', '--library', library, '--json']),
      await offlineKb(['search', '网络运营者', '--library', library, '--json', '--retrieval', 'vector']),
      await offlineKb(['ask', '网络运营者应当履行哪些安全保护义务？', '--library', library, '--json']),
      await offlineKb(['history', '--library', library, '--json']),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.log.filter((e) => e.attempt)).toEqual([]);
      expect(run.inetCalls).toEqual([]);
    }
    // Watched, not merely quiet: the ingestion and the searches ran the model in an armed worker thread.
    for (const run of runs.slice(0, 4))
      expect(
        run.log.some((e) => e.armed && e.thread > 0),
        'an armed worker thread',
      ).toBe(true);
    expect(JSON.parse(runs[0]!.stdout)).toMatchObject({ failed: [] });
    expect((JSON.parse(runs[0]!.stdout) as { chunksEmbedded: number }).chunksEmbedded).toBeGreaterThan(0);
    expect((JSON.parse(runs[1]!.stdout) as { documentPath: string }[])[0]!.documentPath).toBe(
      path.join(docs, 'policy.md'),
    );
    expect(JSON.parse(runs[3]!.stdout)).toMatchObject({ status: 'answered' });
    // onnxruntime ran in all of them (the embedding model), and wrote no telemetry queue or device id.
    expect(existsSync(path.join(home, TELEMETRY_DIR))).toBe(false);
    console.log(
      `offline: ${runs.length} kb runs, 0 network attempts (interception in ${new Set(runs.flatMap((r) => r.log.map((e) => `${e.pid}:${e.thread}`))).size} threads), ${STRACE ? '0 AF_INET/AF_INET6 system calls (strace -f)' : 'strace not installed: system-call check skipped'}`,
    );
  });

  it('an incomplete model folder fails with a message, without trying to download what is missing', async () => {
    const incomplete = path.join(dir, 'incomplete-model');
    cpSync(SYNTHETIC_EMBEDDER, incomplete, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', incomplete]);
    rmSync(path.join(incomplete, 'tokenizer_config.json'));
    const run = await offlineKb([
      'ingest',
      docs,
      '--library',
      path.join(dir, 'incomplete.kb.sqlite'),
      '--embedding-model',
      incomplete,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /^kb: .*is not a transformers.js embedding model folder: missing tokenizer_config.json/m,
    );
    expect(run.log.filter((e) => e.attempt)).toEqual([]);
    expect(run.inetCalls).toEqual([]);
    // transformers.js is told so in the worker itself: remote models off, local folder only.
    const worker = readFileSync(path.join(REPO, 'electron/engine/embed/embeddingWorker.ts'), 'utf8');
    expect(worker).toMatch(/^env\.allowRemoteModels = false;$/m);
    copyFileSync(
      path.join(SYNTHETIC_EMBEDDER, 'tokenizer_config.json'),
      path.join(incomplete, 'tokenizer_config.json'),
    );
  });

  it('a generated answer with a local GGUF (node-llama-cpp, llama.cpp): no attempt, no socket', async () => {
    const run = await offlineKb([
      'ask',
      '网络运营者应当履行哪些安全保护义务？',
      '--library',
      library,
      '--mode',
      'generate',
      '--model',
      STORIES,
      '--gpu',
      'cpu',
      '--threads',
      '1',
      '--max-tokens',
      '8',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: 'generate', generation: { tokens: 8 } });
    expect(run.log.filter((e) => e.attempt)).toEqual([]);
    expect(run.inetCalls).toEqual([]);
  }, 60_000);
  it('onnxruntime without kb writes a telemetry device id and queue under HOME (control: the check sees it)', () => {
    // As kb runs it: transformers.js in a worker thread (measured: onnxruntime 1.30 writes these files from a worker).
    const controlHome = path.join(dir, 'control-home');
    mkdirSync(controlHome);
    const control = path.join(dir, 'control-onnxruntime.mjs');
    const transformers = pathToFileURL(
      createRequire(path.join(REPO, 'package.json')).resolve('@huggingface/transformers'),
    ).href;
    writeFileSync(
      control,
      [
        "import { Worker, isMainThread } from 'node:worker_threads';",
        'if (isMainThread) {',
        '  const worker = new Worker(new URL(import.meta.url));',
        "  await new Promise((resolve, reject) => worker.on('exit', resolve).on('error', reject));",
        '} else {',
        `  const { env, pipeline } = await import(${JSON.stringify(transformers.replace(/\.cjs$/, '.mjs'))});`,
        '  env.allowRemoteModels = false;',
        `  env.localModelPath = ${JSON.stringify(path.dirname(SYNTHETIC_EMBEDDER))};`,
        `  const embed = await pipeline('feature-extraction', ${JSON.stringify(path.basename(SYNTHETIC_EMBEDDER))}, { dtype: 'fp32' });`,
        "  await embed(['备份'], { pooling: 'mean', normalize: true });",
        '}',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ...ownHome(controlHome) };
    delete env['ORT_DISABLE_TELEMETRY'];
    delete env['ORT_TELEMETRY_DISABLED'];
    execFileSync(process.execPath, [control], { env, stdio: 'ignore' });
    expect(existsSync(path.join(controlHome, TELEMETRY_DIR, 'DeveloperTools/.onnxruntime/deviceid'))).toBe(true);
  });

  it('kb serve running for a minute, answering with the embedding model all along: no attempt, no socket, no telemetry file', async () => {
    const log = path.join(dir, 'network-serve.log');
    const trace = path.join(dir, 'trace-serve.txt');
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>kb</title>');
    const { child, done } = spawnKb(['serve', '--library', library, '--renderer', renderer], {
      nodeOptions: ['--require', DENY],
      env: { KB_NETWORK_LOG: log, ...ownHome(home), ...TELEMETRY_ON },
      ...(STRACE ? { wrapper: [...STRACE_NETWORK, '-o', trace] } : {}),
    });
    try {
      const { origin, searchParams } = await servedUrl(child, done);
      const rpc = await connectRpc(`${origin.replace('http:', 'ws:')}/rpc?token=${searchParams.get('token')}`);
      // Searches through the embedding model (a library with vectors searches hybrid by default) until a minute has passed since the model loaded.
      let asked = 0;
      const started = Date.now();
      while (Date.now() - started < 60_000) {
        const reply = await rpc.call('search', [`重要数据 本地备份 ${asked}`, { k: 3 }]);
        expect(reply.ok, JSON.stringify(reply)).toBe(true);
        asked++;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      rpc.socket.close();
      expect(asked).toBeGreaterThan(50);
    } finally {
      // Under strace, SIGTERM to strace only detaches it: the signal goes to kb itself (strace's child), which stops.
      const kbPid = STRACE
        ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0])
        : child.pid!;
      process.kill(kbPid, 'SIGTERM');
    }
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    const entries = existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as LogEntry)
      : [];
    expect(entries.filter((e) => e.attempt)).toEqual([]);
    expect(
      entries.some((e) => e.armed && e.thread > 0),
      'an armed worker thread (the embedding model)',
    ).toBe(true);
    if (STRACE)
      expect(
        readFileSync(trace, 'utf8')
          .split('\n')
          .filter((line) => /AF_INET6?\b/.test(line)),
      ).toEqual([]);
    expect(existsSync(path.join(home, TELEMETRY_DIR))).toBe(false);
  }, 120_000);
});
