// The engine's RPC end to end, with no Electron: the real engine host (runEngineHost, what out/main/engineHost.js
// runs in the utility process) in a worker thread, reached over a real worker_threads MessageChannel by the same
// EngineRpcClient main uses. A small library is built and questioned through it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobDone, JobEvent } from '../../shared/engineApi.ts';
import { createEngineRpcClient, rpcPortFromEventPort } from '../../electron/engine/index.ts';
import { RemoteError } from '../../shared/errors.ts';
import { rpcPortFromNode } from '../../electron/engine/rpc/rpcPort.ts';
import { serveEngineRpc, type ServedEngine } from '../../electron/engine/rpc/serveEngineRpc.ts';
import { asEventPort } from './fixtures/workerPorts.ts';

const WORKER = path.join(import.meta.dirname, 'fixtures/engineHostWorker.ts');
// A real 1.2 MB Llama GGUF (English children's stories): the plumbing only.
const STORIES = path.resolve(import.meta.dirname, '../../../shared/models/stories260K/stories260K.gguf');
const dir = mkdtempSync(path.join(tmpdir(), 'kb-rpc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const docs = path.join(dir, 'docs');
mkdirSync(docs);
writeFileSync(
  path.join(docs, '基本要求.md'),
  [
    '# 8 第三级安全要求',
    '## 8.1.4 安全计算环境',
    '### 8.1.4.1 身份鉴别',
    '本项要求包括：',
    'a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；',
    'b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施。',
    '### 8.1.4.2 访问控制',
    '本项要求包括：',
    'a）应对登录的用户分配账户和权限；',
    'b）应重命名或删除默认账户，修改默认账户的默认口令。',
    '',
  ].join('\n'),
);

/** Starts the host in a worker, as main starts the utility process: a `start` message carrying one port. */
function startHost(libraryFile: string, create: boolean, dataFolder?: string) {
  const worker = new Worker(WORKER);
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(
    {
      kind: 'start',
      libraryFile,
      create,
      version: '9.9.9',
      tokenizerDir: null,
      port: port2,
      ...(dataFolder ? { dataFolder } : {}),
    },
    [port2],
  );
  const client = createEngineRpcClient(rpcPortFromEventPort(asEventPort(port1)));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const stop = async (): Promise<{ stopped: unknown; code: number }> => {
    const stopped = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage({ kind: 'stop' });
    return { stopped: await stopped, code: await exited };
  };
  return { worker, client, stop };
}

describe('engine host over a MessagePort', () => {
  it('ingests a folder, pushes progress, and answers a question with a citation', async () => {
    const file = path.join(dir, 'a.kb.sqlite');
    const { client, stop } = startHost(file, true);
    try {
      const info = await client.libraryInfo();
      expect(info).toMatchObject({ file, transport: 'ipc', version: '9.9.9' });

      const progress: JobEvent[] = [];
      const done = new Promise<JobDone>((resolve) =>
        client.onEvent((event, payload) => {
          if (event === 'job' && payload.type === 'progress') progress.push(payload);
          if (event === 'job' && payload.type === 'done') resolve(payload);
        }),
      );
      const { jobId } = await client.ingestPaths([docs]);
      const result = await done;
      expect(result).toMatchObject({ jobId, error: null, summary: { indexed: 1 } });
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.jobId === jobId && p.kind === 'ingest')).toBe(true);

      const documents = await client.listDocuments();
      expect(documents).toHaveLength(1);
      expect(documents[0]).toMatchObject({ status: 'indexed' });

      const reply = await client.ask('对登录用户的身份鉴别有哪些要求？');
      expect(reply.answer.status).toBe('answered');
      expect(reply.answer.answer).toContain('身份标识具有唯一性');
      const citation = reply.answer.citations[0]!;
      expect(citation.headingPath.join(' › ')).toContain('8.1.4.1 身份鉴别');
      expect(reply.conversationId).toEqual(expect.any(Number));

      const context = await client.passageContext(citation);
      expect(context.quote).toContain('身份鉴别');
      expect((await client.search('访问控制', { k: 3 }))[0]?.headingPath.join(' › ')).toContain('8.1.4.2');
      expect(await client.history()).toHaveLength(1);
      expect(await client.exportConversation(reply.conversationId!)).toContain('身份鉴别');
      expect(await client.cancelJob('no-such-job')).toBe(false);
    } finally {
      const { stopped, code } = await stop();
      expect(stopped).toEqual({ kind: 'stopped' });
      expect(code).toBe(0);
    }
  });

  it('sends the engine’s refusals back with their name, and checks arguments on its side too', async () => {
    const { client, stop } = startHost(path.join(dir, 'b.kb.sqlite'), true);
    try {
      await expect(client.exportConversation(404)).rejects.toMatchObject({
        name: 'ServiceError',
        message: 'no conversation 404 in this library',
      });
      await expect(client.search('')).rejects.toThrow(RemoteError);
      await expect(client.search('')).rejects.toMatchObject({
        name: 'InvalidArgumentsError',
        message: 'search: query must not be empty',
      });
      await expect(client.ask('q', { mode: 'generate' })).rejects.toThrow(/need a local LLM/);
    } finally {
      await stop();
    }
  });

  it('loads a local LLM in the host and streams a generated answer to the client as events', async () => {
    const { client, stop } = startHost(path.join(dir, 'llm.kb.sqlite'), true, dir);
    try {
      const status = await client.modelStatus();
      expect(status).toMatchObject({
        dataFolder: dir,
        libraryPath: path.join(dir, 'llm.kb.sqlite'),
        llm: { state: 'absent' },
        embedding: { state: 'off' },
      });
      await expect(client.loadLlm(path.join(docs, '基本要求.md'))).rejects.toMatchObject({
        name: 'ModelFileError',
        message: expect.stringMatching(/not a GGUF model file/),
      });
      const done = new Promise<JobDone>((resolve) =>
        client.onEvent((event, payload) => event === 'job' && payload.type === 'done' && resolve(payload)),
      );
      await client.ingestPaths([docs]);
      await done;
      // One thread on the 2-core test machines.
      expect(await client.loadLlm(STORIES, { gpu: 'cpu', threads: 1 })).toMatchObject({
        state: 'loaded',
        info: { architecture: 'llama' },
        fit: { fits: true },
      });
      const tokens: Extract<JobEvent, { type: 'token' }>[] = [];
      const ends: JobDone[] = [];
      client.onEvent((event, payload) => {
        if (event === 'job' && payload.type === 'token') tokens.push(payload);
        if (event === 'job' && payload.type === 'done') ends.push(payload);
      });
      const reply = await client.ask('对登录用户的身份鉴别有哪些要求？', {
        mode: 'generate',
        jobId: 'rpc-1',
        maxAnswerTokens: 16,
      });
      expect(reply.answer.generation).toMatchObject({ stopReason: 'maxTokens', tokens: 16 });
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.every((t) => t.jobId === 'rpc-1')).toBe(true);
      expect(tokens.map((t) => t.text).join('')).toBe(reply.answer.generation?.rawText);
      // A generated answer is a job like the others: its done came before its reply.
      expect(ends).toContainEqual(expect.objectContaining({ jobId: 'rpc-1', kind: 'answer', cancelled: false }));
      expect(await client.cancelJob('rpc-1')).toBe(false);
      expect((await client.unloadLlm()).state).toBe('absent');
    } finally {
      expect((await stop()).code).toBe(0);
    }
  });

  it('answers every call with the reason when the library cannot be opened', async () => {
    const notALibrary = path.join(dir, 'notes.txt');
    writeFileSync(notALibrary, 'plain text, not SQLite');
    const { client, stop } = startHost(notALibrary, false);
    try {
      await expect(client.libraryInfo()).rejects.toMatchObject({ name: 'LibraryError' });
      await expect(client.listDocuments()).rejects.toMatchObject({ name: 'LibraryError' });
    } finally {
      expect((await stop()).code).toBe(0);
    }
  });

  it('fails pending and later calls when the other end goes away', async () => {
    const { client, worker } = startHost(path.join(dir, 'c.kb.sqlite'), true);
    await client.libraryInfo();
    await worker.terminate();
    await expect(client.listDocuments()).rejects.toMatchObject({ name: 'EngineStopped' });
  });
});

describe('serveEngineRpc', () => {
  it('calls only EngineApi methods, never other members of the served object', async () => {
    const { port1, port2 } = new MessageChannel();
    const served = {
      libraryInfo: async () => 'info',
      dispose: async () => 'disposed!',
      onEvent: () => () => undefined,
    } as unknown as ServedEngine;
    const stopServing = serveEngineRpc(rpcPortFromNode(port2), served);
    const replies: unknown[] = [];
    const answered = new Promise<void>((resolve) =>
      port1.on('message', (message) => {
        replies.push(message);
        if (replies.length === 2) resolve();
      }),
    );
    port1.postMessage({ id: 1, method: 'dispose', args: [] });
    port1.postMessage({ id: 2, method: 'libraryInfo', args: [] });
    await answered;
    expect(replies).toContainEqual({
      id: 1,
      ok: false,
      error: {
        name: 'InvalidArgumentsError',
        code: 'args.invalid',
        params: { method: 'dispose', detail: 'no such method' },
        message: 'dispose: no such method',
        kind: 'user',
      },
    });
    expect(replies).toContainEqual({ id: 2, ok: true, result: 'info' });
    stopServing();
    port1.close();
  });
});
