// The LLM host with a real (tiny) model: loading with metadata and progress, refusing bad files, streaming,
// cancellation, the token cap, determinism within and across processes, one model at a time, dispose.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../electron/engine/llm/ChatModel.ts';
import { LlamaModelHost, type LoadProgress } from '../../../../electron/engine/llm/LlamaModelHost.ts';
import { LlmBackendError } from '../../../../electron/engine/llm/LlmBackendError.ts';
import { ModelFileError } from '../../../../electron/engine/llm/ModelFileError.ts';
import { tempDir } from '../../helpers.ts';
import { DETERMINISM_MESSAGES, STORIES_MODEL } from '../fixtures/testModel.ts';

const run = promisify(execFile);
const GENERATE_ONCE = path.resolve(import.meta.dirname, '../fixtures/generateOnce.ts');
const STORY: ChatMessage[] = [{ role: 'user', text: 'Once upon a time, a little girl named Lily found a red ball.' }];
const quiet = (): void => undefined;

describe('LlamaModelHost', () => {
  let host: LlamaModelHost;
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-llm-'));
    host = await LlamaModelHost.create({ gpu: 'cpu', logger: quiet });
  });
  afterAll(async () => {
    await host.dispose();
    cleanup();
  });

  it('reports the backend it runs on', async () => {
    const gpu = await host.gpuInfo();
    expect(gpu.backend).toBe('cpu');
    expect(gpu.cpuMathCores).toBeGreaterThan(0);
  });

  it.skipIf(process.platform === 'darwin')(
    'refuses a GPU backend this machine does not have, instead of falling back quietly',
    async () => {
      const error = await LlamaModelHost.create({ gpu: 'metal', logger: quiet }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmBackendError);
      expect((error as Error).message).toMatch(/Metal exists only on Macs.*"auto" or "CPU"/);
    },
  );

  it('loads a model after reading its metadata, reporting progress to the end', async () => {
    const progress: LoadProgress[] = [];
    const loaded = await host.load(STORIES_MODEL, { threads: 1, onProgress: (p) => progress.push(p) });
    expect(loaded.info.architecture).toBe('llama');
    expect(loaded.info.contextLength).toBe(2048);
    // The default context is 4096 tokens or the model's training context when smaller.
    expect(loaded.contextSize).toBe(2048);
    expect(loaded.threads).toBe(1);
    expect(loaded.gpuLayers).toBe(0);
    expect(loaded.fit.fits).toBe(true);
    expect(loaded.chatWrapper).not.toBe('ChatGLM3');
    expect(progress[0]).toEqual({ stage: 'metadata', fraction: 0 });
    expect(progress.at(-1)).toEqual({ stage: 'ready', fraction: 1 });
    expect(progress.some((p) => p.stage === 'weights')).toBe(true);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(host.modelId).toBe('stories260K.gguf (llama, F32)');
  });

  it('refuses bad files with a ModelFileError and keeps the model that was loaded', async () => {
    const text = path.join(dir, 'readme.gguf');
    writeFileSync(text, 'not a model');
    const head = path.join(dir, 'head.gguf');
    writeFileSync(head, readFileSync(STORIES_MODEL).subarray(0, 1000));
    const unknown = path.join(dir, 'unknown-arch.gguf');
    const bytes = readFileSync(STORIES_MODEL);
    bytes.write(
      'zzzzz',
      bytes.indexOf(Buffer.from('general.architecture')) + 'general.architecture'.length + 12,
      'latin1',
    );
    writeFileSync(unknown, bytes);

    await expect(host.load(text, { threads: 1 })).rejects.toMatchObject({
      name: 'ModelFileError',
      reason: 'not-gguf',
      code: 'model-file.not-gguf',
    });
    await expect(host.load(head, { threads: 1 })).rejects.toMatchObject({ reason: 'truncated' });
    await expect(host.load(path.join(dir, 'nope.gguf'), { threads: 1 })).rejects.toMatchObject({ reason: 'not-found' });
    const error = await host.load(unknown, { threads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error).toMatchObject({
      reason: 'unsupported-architecture',
      code: 'model-file.unsupported-architecture',
      params: { file: unknown, architecture: 'zzzzz' },
    });
    expect((error as ModelFileError).message).toMatch(/"zzzzz" model, an architecture .* does not know/);
    expect(host.loaded?.info.fileName).toBe('stories260K.gguf');
  });

  it('streams text piece by piece while generating', async () => {
    const pieces: string[] = [];
    let settled = false;
    let piecesBeforeSettled = 0;
    const pending = host.generate(STORY, {
      maxTokens: 32,
      onToken: (text) => {
        pieces.push(text);
        if (!settled) piecesBeforeSettled++;
      },
    });
    const result = await pending.finally(() => (settled = true));
    expect(pieces.length).toBeGreaterThan(10);
    expect(piecesBeforeSettled).toBe(pieces.length);
    expect(pieces.join('')).toBe(result.text);
    expect(result.tokens).toBe(32);
    expect(result.promptTokens).toBe(host.countPromptTokens(STORY));
    expect(result.firstTokenMs).not.toBeNull();
  });

  it('stops cleanly at the token cap with stop reason maxTokens', async () => {
    const result = await host.generate(STORY, { maxTokens: 7 });
    expect(result.stopReason).toBe('maxTokens');
    expect(result.tokens).toBe(7);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('never lets the answer run past the context: the cap shrinks to the room left', async () => {
    await host.load(STORIES_MODEL, { threads: 1, contextSize: 128 });
    const result = await host.generate(STORY, { maxTokens: 100_000 });
    expect(result.stopReason === 'maxTokens' || result.stopReason === 'eos').toBe(true);
    // llama.cpp rounds the context up (to 256 here); the cap follows the context actually allocated.
    expect(result.promptTokens + result.tokens).toBeLessThanOrEqual(host.contextSize);
    const long: ChatMessage[] = [{ role: 'user', text: 'Lily and Tom played in the park. '.repeat(80) }];
    await expect(host.generate(long)).rejects.toThrow(
      /the whole \d+-token context: shorten it or load the model with a larger context size/,
    );
  });

  it('stops when cancelled and returns the text written so far', async () => {
    const controller = new AbortController();
    let pieces = 0;
    const result = await host.generate(STORY, {
      maxTokens: 200,
      signal: controller.signal,
      onToken: () => {
        if (++pieces === 5) controller.abort();
      },
    });
    expect(result.stopReason).toBe('abort');
    expect(result.tokens).toBeLessThan(10);
    expect(result.text.length).toBeGreaterThan(0);

    const before = await host.generate(STORY, { maxTokens: 20, signal: AbortSignal.abort() });
    expect(before).toMatchObject({ text: '', stopReason: 'abort', tokens: 0 });
  });

  it('gives the same text for the same messages, also after other generations and in other processes', async () => {
    await host.load(STORIES_MODEL, { threads: 1, contextSize: 512 });
    const first = await host.generate(DETERMINISM_MESSAGES, { maxTokens: 48 });
    await host.generate(STORY, { maxTokens: 16 });
    const second = await host.generate(DETERMINISM_MESSAGES, { maxTokens: 48 });
    expect(second.text).toBe(first.text);
    expect(first.text.length).toBeGreaterThan(20);

    const outputs = await Promise.all(
      [1, 2].map(
        async () =>
          JSON.parse((await run(process.execPath, [GENERATE_ONCE], { timeout: 60_000 })).stdout) as { text: string },
      ),
    );
    expect(outputs[0]!.text).toBe(first.text);
    expect(outputs[1]!.text).toBe(first.text);
  });

  it('holds one model at a time: a second load replaces the first, unload frees it', async () => {
    const first = await host.load(STORIES_MODEL, { threads: 1, contextSize: 256 });
    expect(host.contextSize).toBe(256);
    const second = await host.load(STORIES_MODEL, { threads: 1, contextSize: 1024 });
    expect(second).not.toBe(first);
    expect(host.loaded).toBe(second);
    expect(host.contextSize).toBe(1024);
    await host.unload();
    expect(host.loaded).toBeNull();
    await expect(host.generate(STORY)).rejects.toThrow(/no model is loaded/);
    expect(() => host.countPromptTokens(STORY)).toThrow(/no model is loaded/);
  });

  it('refuses every use after dispose, and disposing twice is harmless', async () => {
    const other = await LlamaModelHost.create({ gpu: 'cpu', logger: quiet });
    await other.load(STORIES_MODEL, { threads: 1, contextSize: 256 });
    // A generation already running finishes before dispose frees the model.
    const running = other.generate(STORY, { maxTokens: 8 });
    await other[Symbol.asyncDispose]();
    await expect(running).resolves.toMatchObject({ tokens: 8 });
    expect(other.disposed).toBe(true);
    await other.dispose();
    await expect(other.load(STORIES_MODEL)).rejects.toThrow(/disposed/);
    await expect(other.generate(STORY)).rejects.toThrow(/disposed/);
    await expect(other.gpuInfo()).rejects.toThrow(/disposed/);
    expect(() => other.contextSize).toThrow(/disposed/);
  });
});
