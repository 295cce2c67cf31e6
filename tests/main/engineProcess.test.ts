// EngineProcess (main's side of the utility process) with a worker thread running the real engine host in place of
// utilityProcess.fork, and worker_threads ports in place of MessageChannelMain: start, switch library, events,
// a crash, dispose.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobDone } from '../../shared/engineApi.ts';
import { EngineProcess, type EngineChildProcess } from '../../electron/main/EngineProcess.ts';
import {
  lineLogger,
  rpcPortFromEventPort,
  serveEngineRpc,
  type EngineEventListener,
  type ServedEngine,
} from '../../electron/engine/index.ts';
import { asUtilityProcess, eventChannel } from './fixtures/workerPorts.ts';

const MLPS = path.resolve(import.meta.dirname, '../../../shared/corpus/mlps');
const WORKER = path.join(import.meta.dirname, 'fixtures/engineHostWorker.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'kb-engine-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'policy.md'), '# 口令策略\n\n口令长度不少于十二位，且每九十天更换一次。\n');

function engineProcess(logDir?: string) {
  const children: ReturnType<typeof asUtilityProcess>[] = [];
  const mainLog: string[] = [];
  const engine = new EngineProcess({
    fork: () => {
      const child = asUtilityProcess(new Worker(WORKER));
      children.push(child);
      return child;
    },
    createChannel: eventChannel,
    version: '0.1.0',
    tokenizerDir: null,
    ...(logDir ? { logDir, logger: lineLogger((line) => mainLog.push(line)) } : {}),
  });
  return { engine, children, mainLog };
}

describe('EngineProcess', () => {
  it('serves a library, switches to another by restarting the process, and stops on dispose', async () => {
    const { engine, children } = engineProcess();
    const first = path.join(dir, 'first.kb.sqlite');
    const second = path.join(dir, 'second.kb.sqlite');
    await engine.start({ file: first, create: true });
    expect((await engine.api.libraryInfo()).file).toBe(first);

    const done = new Promise<JobDone>((resolve) =>
      engine.onEvent((event, payload) => event === 'job' && payload.type === 'done' && resolve(payload)),
    );
    const { jobId } = await engine.api.ingestPaths([path.join(dir, 'policy.md')]);
    expect(await done).toMatchObject({ jobId, error: null, summary: { indexed: 1 } });

    const firstExit = new Promise((resolve) => children[0]!.worker.once('exit', resolve));
    await engine.start({ file: second, create: true });
    expect(await firstExit).toBe(0);
    expect(engine.library).toEqual({ file: second, create: true });
    expect((await engine.api.libraryInfo()).file).toBe(second);
    expect(await engine.api.listDocuments()).toEqual([]);
    expect(children).toHaveLength(2);

    await engine.dispose();
    await expect(engine.api.libraryInfo()).rejects.toThrow(/app is closing/);
  });

  it('after a crash, ends the running job with a reason and starts again on the next call', async () => {
    const logDir = path.join(dir, 'logs');
    const { engine, children, mainLog } = engineProcess(logDir);
    await engine.start({ file: path.join(dir, 'crash.kb.sqlite'), create: true });
    const done = new Promise<JobDone>((resolve) =>
      engine.onEvent((event, payload) => event === 'job' && payload.type === 'done' && resolve(payload)),
    );
    // Eleven standards take well over a second to index: the process dies long before the job could end.
    // The id is the caller's: main knows the job before the engine has answered.
    const { jobId } = await engine.api.ingestPaths([MLPS], { jobId: 'crash-1' });
    expect(jobId).toBe('crash-1');
    children[0]!.kill();
    expect(await done).toEqual({
      jobId,
      type: 'done',
      kind: 'ingest',
      cancelled: false,
      summary: null,
      error: expect.objectContaining({
        code: 'engine.stopped',
        message: expect.stringMatching(/engine stopped unexpectedly \(exit code 1\); what was indexed before stays/),
      }),
    });
    // The next call starts a new process on the same library, which kept what was committed (one document = one transaction).
    expect((await engine.api.libraryInfo()).file).toBe(path.join(dir, 'crash.kb.sqlite'));
    expect(children).toHaveLength(2);
    await engine.dispose();
    // What support reads afterwards: main saw the crash and the job it ended; the engine's own log has both runs.
    const library = path.join(dir, 'crash.kb.sqlite');
    expect(mainLog.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      `[info] engine.start library=${library} create=true`,
      `[error] engine.crashed library=${library} exitCode=1 jobsEnded=1`,
      `[info] engine.start library=${library} create=true`,
    ]);
    const engineLog = readFileSync(path.join(logDir, 'engine.log'), 'utf8');
    expect(engineLog.match(/\[info\] host\.start version=0\.1\.0 /g)).toHaveLength(2);
    expect(engineLog).toMatch(/\[info\] ingest\.start file=\S+crash\.kb\.sqlite inputs=1\n/);
    expect(engineLog).toMatch(/\[info\] host\.stop\n$/);
  });

  it('a job that ended before the reply naming it is not ended again when the process goes', async () => {
    // A stand-in engine process whose ingestion fails at once: its done is sent before the call's reply.
    const listeners = new Set<EngineEventListener>();
    const fake = {
      onEvent: (listener: EngineEventListener) => (listeners.add(listener), () => listeners.delete(listener)),
      libraryInfo: async () => ({ file: 'fake' }),
      ingestPaths: async () => {
        for (const listener of listeners)
          listener('job', { jobId: 'e-1', type: 'done', kind: 'ingest', cancelled: false, summary: null, error: null });
        return { jobId: 'e-1' };
      },
    } as unknown as ServedEngine;
    let exit: (code: number) => void = () => undefined;
    const child: EngineChildProcess = {
      postMessage: (message, transfer = []) => {
        if (message.kind === 'start') serveEngineRpc(rpcPortFromEventPort(transfer[0]!), fake);
      },
      once: (_event, listener) => (exit = listener),
      kill: () => (exit(1), true),
    };
    const engine = new EngineProcess({
      fork: () => child,
      createChannel: eventChannel,
      version: '0',
      tokenizerDir: null,
    });
    const ends: JobDone[] = [];
    engine.onEvent((event, payload) => event === 'job' && payload.type === 'done' && ends.push(payload));
    await engine.start({ file: 'fake.kb.sqlite', create: true });
    expect(await engine.api.ingestPaths(['/a'])).toEqual({ jobId: 'e-1' });
    // And one whose id the caller chose, ended before its reply too.
    fake.ingestPaths = async () => {
      for (const listener of listeners)
        listener('job', { jobId: 'c-1', type: 'done', kind: 'ingest', cancelled: false, summary: null, error: null });
      return { jobId: 'c-1' };
    };
    expect(await engine.api.ingestPaths(['/a'], { jobId: 'c-1' })).toEqual({ jobId: 'c-1' });
    child.kill();
    await new Promise((resolve) => setTimeout(resolve, 10)); // the crash is handled when the exit is heard
    expect(ends.map((d) => d.jobId)).toEqual(['e-1', 'c-1']);
    await engine.dispose();
  });
});
