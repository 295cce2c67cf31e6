// The models part of EngineApi on a real engine and library (EngineService, as kb serve and the utility process
// run it): the local LLM loaded from a path (stories260K, a real 1.2 MB Llama GGUF that writes children's stories,
// so only the plumbing is asserted), bad files refused, generated answers streamed as events and cancelled, the
// not_found gate before generation; the embedding model set as a job with progress; the same over kb serve's socket.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { EngineService } from '../../electron/engine/service/EngineService.ts';
import type { EngineEventListener } from '../../electron/engine/service/EngineEventListener.ts';
import { startKbServer, type KbServer } from '../../electron/serve/startKbServer.ts';
import type { JobEvent, JobKind } from '../../shared/engineApi.ts';
import { connectRpc } from './rpcSocket.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const STORIES = path.join(SHARED, 'models/stories260K/stories260K.gguf');
const EMBEDDER = path.join(SHARED, 'models/synthetic-zh-embedder');
// Always one thread on the 2-core test machines (the default thread count makes 40 tokens take a minute).
const LOAD = { gpu: 'cpu', threads: 1 } as const;
const ANSWERED = '安全计算环境的身份鉴别有哪些要求？';
const ABSENT = '量子密钥分发设备的出厂检验规程是什么？';
const CLAUSES = [
  '# GB/T 22239-2019 网络安全等级保护基本要求',
  '## 8.1.4 安全计算环境',
  '### 8.1.4.1 身份鉴别',
  '本项要求包括：',
  'a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；',
  'b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施。',
  '### 8.1.4.2 访问控制',
  'a）应对登录的用户分配账户和权限；',
  'b）应重命名或删除默认账户，修改默认账户的默认口令。',
  '',
].join('\n');

let dir: string;
let engine: Engine;
let service: EngineService;
const events: { event: string; payload: unknown }[] = [];

/** The job events of one type (and kind) received so far. */
function jobEventsOf<T extends JobEvent['type'], K extends JobKind>(
  type: T,
  kind?: K,
): Extract<Extract<JobEvent, { type: T }>, { kind: K }>[] {
  return events
    .filter((e) => e.event === 'job')
    .map((e) => e.payload as JobEvent)
    .filter((p) => p.type === type && (kind === undefined || p.kind === kind)) as Extract<
    Extract<JobEvent, { type: T }>,
    { kind: K }
  >[];
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-models-'));
  mkdirSync(path.join(dir, 'docs'));
  writeFileSync(path.join(dir, 'docs', '基本要求.md'), CLAUSES);
  engine = await createEngine();
  const library = await engine.openLibrary(path.join(dir, 'models.kb.sqlite'), { create: true });
  expect((await library.ingest([path.join(dir, 'docs')])).indexed).toBe(1);
  service = new EngineService(library, { version: '0.0.0-test', transport: 'web', engine, dataFolder: dir });
  service.onEvent(((event, payload) => events.push({ event, payload })) as EngineEventListener);
});

afterAll(async () => {
  await service?.dispose();
  await engine?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('EngineService: the local LLM', () => {
  it('reports no LLM, the embedding status and where the library lives before anything is loaded', async () => {
    const status = await service.modelStatus();
    expect(status).toMatchObject({
      dataFolder: dir,
      libraryPath: path.join(dir, 'models.kb.sqlite'),
      embedding: { state: 'off' },
    });
    expect(status.llm).toMatchObject({
      state: 'absent',
      path: null,
      info: null,
      fit: null,
      gpu: null,
      message: expect.stringMatching(/no local LLM loaded.*\.gguf/),
    });
    await expect(service.ask(ANSWERED, { mode: 'generate' })).rejects.toMatchObject({
      name: 'ServiceError',
      message: expect.stringMatching(/need a local LLM/),
    });
  });

  it('refuses files that are not usable GGUF models with a reason, before llama.cpp is asked', async () => {
    const text = path.join(dir, 'notes.gguf');
    writeFileSync(text, 'not a model');
    const head = path.join(dir, 'head.gguf');
    writeFileSync(head, readFileSync(STORIES).subarray(0, 1000));
    await expect(service.loadLlm(text, LOAD)).rejects.toMatchObject({
      name: 'ModelFileError',
      message: expect.stringMatching(/not a GGUF model file/),
    });
    await expect(service.loadLlm(head, LOAD)).rejects.toMatchObject({
      name: 'ModelFileError',
      code: 'model-file.truncated',
    });
    await expect(service.loadLlm(path.join(dir, 'missing.gguf'), LOAD)).rejects.toMatchObject({
      name: 'ModelFileError',
      code: 'model-file.not-found',
    });
    const status = await service.modelStatus();
    expect(status.llm).toMatchObject({ state: 'error', path: path.join(dir, 'missing.gguf') });
    expect((await service.libraryInfo()).llm.state).toBe('error');
  });

  it('inspects a .gguf before loading it: metadata and the fit estimate, nothing loaded; bad files refused', async () => {
    const inspected = await service.inspectLlm(STORIES);
    expect(inspected).toMatchObject({
      path: STORIES,
      info: {
        fileName: 'stories260K.gguf',
        architecture: 'llama',
        quantization: 'F32',
        contextLength: 2048,
        sizeBytes: readFileSync(STORIES).length,
      },
      fit: { fits: true, summary: expect.stringMatching(/Fits\./) },
    });
    const status = await service.modelStatus();
    expect(status.llm.state).not.toBe('loaded');
    // Checking started llama.cpp, so the backend it found is known before anything is loaded.
    expect(status.llm.gpu).toMatchObject({ backend: expect.stringMatching(/^(cpu|cuda|metal|vulkan)$/) });
    await expect(service.inspectLlm(path.join(dir, 'notes.gguf'))).rejects.toMatchObject({
      name: 'ModelFileError',
      message: expect.stringMatching(/not a GGUF model file/),
    });
    await expect(service.inspectLlm(dir)).rejects.toMatchObject({
      name: 'ModelFileError',
      code: 'model-file.not-a-file',
    });
  });

  it('loads stories260K after reading its metadata: architecture, size, quantisation, fit, backend', async () => {
    const progressBefore = jobEventsOf('progress', 'llmLoad').length;
    const loaded = await service.loadLlm(STORIES, { ...LOAD, jobId: 'load-1' });
    // Load progress arrives as events of the caller's job, for the file, rising to 1; then the job's done.
    const progress = jobEventsOf('progress', 'llmLoad').slice(progressBefore);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((p) => p.jobId === 'load-1' && p.progress.path === STORIES)).toBe(true);
    const fractions = progress.map((p) => p.progress.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)!.progress.fraction).toBe(1);
    expect(jobEventsOf('done', 'llmLoad').at(-1)).toMatchObject({ jobId: 'load-1', cancelled: false, error: null });
    expect(loaded).toMatchObject({
      state: 'loaded',
      path: STORIES,
      info: {
        fileName: 'stories260K.gguf',
        architecture: 'llama',
        quantization: 'F32',
        contextLength: 2048,
        sizeBytes: readFileSync(STORIES).length,
      },
      fit: { fits: true, summary: expect.stringMatching(/Fits\./) },
      runtime: { threads: 1, gpuLayers: 0, contextSize: 2048 },
      gpu: { backend: 'cpu' },
    });
    expect(loaded.info?.parameters).toBeGreaterThan(200_000);
    // The model is in the engine's one host, not in one the service keeps for itself.
    expect(engine.llmHost?.loaded?.info.file).toBe(STORIES);
    expect((await service.libraryInfo()).llm).toMatchObject({
      state: 'loaded',
      model: 'stories260K.gguf (llama, F32)',
    });
  });

  it('streams a generated answer as token events of its job, then returns it with citations checked', async () => {
    events.length = 0;
    const reply = await service.ask(ANSWERED, { mode: 'generate', jobId: 'gen-1', maxAnswerTokens: 48 });
    const tokens = jobEventsOf('token');
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.every((t) => t.jobId === 'gen-1')).toBe(true);
    const answer = reply.answer;
    expect(answer).toMatchObject({ mode: 'generate', status: 'answered' });
    expect(answer.generation).toMatchObject({
      model: 'stories260K.gguf (llama, F32)',
      stopReason: 'maxTokens',
      tokens: 48,
    });
    expect(tokens.map((t) => t.text).join('')).toBe(answer.generation?.rawText);
    expect(answer.generation?.passagesGiven).toBeGreaterThan(0);
    // The tiny model writes English stories: nothing it says is found in the clauses.
    expect(answer.generation?.unsupportedSentences.length).toBeGreaterThan(0);
    expect(reply.messageId).not.toBeNull();
  });

  it('answers not_found without generating when the library holds no evidence', async () => {
    events.length = 0;
    const reply = await service.ask(ABSENT, { mode: 'generate', jobId: 'gen-2' });
    expect(reply.answer.status).toBe('not_found');
    expect(reply.answer.generation).toBeUndefined();
    expect(jobEventsOf('token')).toEqual([]);
  });

  it('cancels an answer being written (the partial answer is returned), and says false for unknown ids', async () => {
    events.length = 0;
    const cancelled = new Promise<boolean>((resolve) => {
      const off = service.onEvent(((event, payload) => {
        if (event !== 'job' || (payload as JobEvent).type !== 'token') return;
        off();
        resolve(service.cancelJob('gen-3'));
      }) as EngineEventListener);
    });
    const reply = await service.ask(ANSWERED, { mode: 'generate', jobId: 'gen-3', maxAnswerTokens: 400 });
    expect(await cancelled).toBe(true);
    expect(reply.answer.generation?.stopReason).toBe('abort');
    expect(reply.answer.generation?.tokens).toBeLessThan(400);
    expect(jobEventsOf('done', 'answer').at(-1)).toMatchObject({ jobId: 'gen-3', cancelled: true, error: null });
    expect(await service.cancelJob('gen-3')).toBe(false);
  });

  it('unloads: generated answers are refused again, exact ones still work', async () => {
    const status = await service.unloadLlm();
    expect(status).toMatchObject({ state: 'absent', info: null, gpu: { backend: 'cpu' } });
    await expect(service.ask(ANSWERED, { mode: 'generate' })).rejects.toThrow(/need a local LLM/);
    expect((await service.ask(ANSWERED)).answer.status).toBe('answered');
  });

  it('refuses a GPU backend this machine does not have, with a reason', async () => {
    const error = await service
      .loadLlm(STORIES, { gpu: process.platform === 'darwin' ? 'vulkan' : 'metal', threads: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'LlmBackendError', message: expect.stringMatching(/"auto" or "CPU"/) });
  });
});

describe('EngineService: the embedding model', () => {
  it('refuses a path that is not a folder before starting a job', async () => {
    await expect(service.setEmbeddingModel(path.join(dir, 'no-such-model'))).rejects.toMatchObject({
      name: 'ServiceError',
      message: expect.stringMatching(/is not a folder/),
    });
  });

  it('sets a model as a job: progress events, then done with the passages embedded, and semantic search on', async () => {
    events.length = 0;
    const { jobId } = await service.setEmbeddingModel(EMBEDDER);
    await expect.poll(() => jobEventsOf('done').some((d) => d.jobId === jobId), { timeout: 60_000 }).toBe(true);
    const done = jobEventsOf('done').find((d) => d.jobId === jobId)!;
    const chunks = (await service.libraryInfo()).stats.chunks;
    expect(done).toEqual({
      jobId,
      type: 'done',
      kind: 'embedding',
      cancelled: false,
      summary: null,
      error: null,
      embedded: chunks,
    });
    expect(jobEventsOf('progress', 'embedding').at(-1)).toMatchObject({
      jobId,
      progress: { embedded: chunks, total: chunks },
    });
    expect((await service.modelStatus()).embedding).toMatchObject({
      state: 'on',
      modelPath: EMBEDDER,
      embeddedChunks: chunks,
    });
  });

  it('reports a folder that holds no model in its done, leaving the model set before', async () => {
    events.length = 0;
    const { jobId } = await service.setEmbeddingModel(path.join(dir, 'docs'), { jobId: 'embed-docs' });
    expect(jobId).toBe('embed-docs');
    await expect.poll(() => jobEventsOf('done').some((d) => d.jobId === jobId), { timeout: 60_000 }).toBe(true);
    expect(jobEventsOf('done').find((d) => d.jobId === jobId)).toMatchObject({
      summary: null,
      error: { message: expect.any(String) },
    });
    expect((await service.modelStatus()).embedding).toMatchObject({ state: 'on', modelPath: EMBEDDER });
  });
});

describe('without an engine (a face that cannot load models)', () => {
  it('says so', async () => {
    const library = await engine.openLibrary(path.join(dir, 'bare.kb.sqlite'), { create: true });
    const bare = new EngineService(library, { version: '0', transport: 'web' });
    await expect(bare.loadLlm(STORIES)).rejects.toMatchObject({
      name: 'ServiceError',
      message: expect.stringMatching(/no local LLM can be loaded here/),
    });
    expect((await bare.modelStatus()).llm.state).toBe('absent');
    await bare.dispose();
  });

  it('a model load is a job like the others: cancelJob stops it while it waits on the file, and its done says so', async () => {
    const library = await engine.openLibrary(path.join(dir, 'stuck.kb.sqlite'), { create: true });
    // A file system that never answers (an unplugged network drive): the header read hangs.
    const stuck = new EngineService(library, {
      version: '0',
      transport: 'web',
      engine: { llm: () => engine.llm(), llmHost: null, readModelInfo: () => new Promise(() => undefined) },
    });
    const ends: JobEvent[] = [];
    stuck.onEvent(((event, payload) => event === 'job' && ends.push(payload as JobEvent)) as EngineEventListener);
    const loading = stuck.loadLlm('/mnt/gone/model.gguf', { jobId: 'stuck-1' });
    await expect(stuck.loadLlm('/mnt/gone/other.gguf', { jobId: 'stuck-1' })).rejects.toMatchObject({
      code: 'job.duplicate-id',
    });
    expect(await stuck.cancelJob('stuck-1')).toBe(true);
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(ends).toEqual([
      expect.objectContaining({ jobId: 'stuck-1', type: 'done', kind: 'llmLoad', cancelled: true }),
    ]);
    // A cancelled load is no failure of a model: nothing is reported as broken.
    expect((await stuck.modelStatus()).llm).toMatchObject({ state: 'absent', path: null });
    expect(await stuck.cancelJob('stuck-1')).toBe(false);
    await stuck.dispose();
  });
});

describe('kb serve: the models over the WebSocket', () => {
  let server: KbServer;
  beforeAll(async () => {
    const rendererDir = path.join(dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kb</title>');
    server = await startKbServer({ service, rendererDir });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('loads a model, streams answer tokens to the socket before the reply, and validates arguments', async () => {
    const { socket, messages, call } = await connectRpc(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    try {
      expect(await call('loadLlm', [STORIES, { gpu: 'tpu' }])).toMatchObject({
        ok: false,
        error: { name: 'InvalidArgumentsError', message: expect.stringMatching(/gpu must be one of/) },
      });
      expect(await call('loadLlm', [STORIES, { threads: 0 }])).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/threads must be between 1 and 256/) },
      });
      expect(await call('ask', ['q', { mode: 'generate', jobId: 'a b' }])).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/jobId may hold only/) },
      });
      expect(await call('loadLlm', [STORIES, LOAD])).toMatchObject({
        ok: true,
        result: { state: 'loaded', info: { architecture: 'llama' } },
      });
      const reply = await call('ask', [ANSWERED, { mode: 'generate', jobId: 'ws-1', maxAnswerTokens: 16 }]);
      expect(reply).toMatchObject({ ok: true, result: { answer: { mode: 'generate', status: 'answered' } } });
      const replyAt = messages.indexOf(reply);
      const tokenAt = messages.findIndex(
        (m) => 'event' in m && m.event === 'job' && m.payload.type === 'token' && m.payload.jobId === 'ws-1',
      );
      expect(tokenAt).toBeGreaterThanOrEqual(0);
      expect(tokenAt).toBeLessThan(replyAt);
      expect(await call('modelStatus', [])).toMatchObject({
        ok: true,
        result: { llm: { state: 'loaded' }, embedding: { state: 'on' } },
      });
      expect(await call('unloadLlm', [])).toMatchObject({ ok: true, result: { state: 'absent' } });
    } finally {
      socket.close();
    }
  });
});
