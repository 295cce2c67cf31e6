// Model metadata read before loading, the refusal of files that are not whole GGUF models, and the memory estimate.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateModelFit } from '../../../../electron/engine/llm/estimateModelFit.ts';
import { inspectGgufFile } from '../../../../electron/engine/llm/inspectGgufFile.ts';
import { ModelFileError } from '../../../../electron/engine/llm/ModelFileError.ts';
import { readGgufInfo } from '../../../../electron/engine/llm/readGgufInfo.ts';
import { tempDir } from '../../helpers.ts';
import { STORIES_MODEL } from '../fixtures/testModel.ts';

async function refusal(file: string): Promise<ModelFileError> {
  const error = await readGgufInfo(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelFileError);
  return error as ModelFileError;
}

describe('readGgufInfo', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('kb-gguf-')));
  afterAll(() => cleanup());

  it('reads architecture, parameters, quantisation, context length, size and layers of a real GGUF', async () => {
    const info = await readGgufInfo(STORIES_MODEL);
    expect(info).toMatchObject({
      fileName: 'stories260K.gguf',
      sizeBytes: 1_185_376,
      architecture: 'llama',
      parameters: 292_800,
      quantization: 'F32',
      contextLength: 2048,
      layers: 5,
      tokenizerModel: 'llama',
      supportedByLlamaCpp: true,
    });
  });

  it('refuses a text file renamed .gguf, saying it is not a GGUF model', async () => {
    const file = path.join(dir, 'notes.gguf');
    writeFileSync(file, '这不是模型文件，只是一段文字。\n');
    const error = await refusal(file);
    expect(error).toMatchObject({ reason: 'not-gguf', code: 'model-file.not-gguf', params: { file } });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a GGUF model file.*convert/s);
  });

  it('refuses the first 1000 bytes of the real model as cut short', async () => {
    const file = path.join(dir, 'head.gguf');
    writeFileSync(file, readFileSync(STORIES_MODEL).subarray(0, 1000));
    const error = await refusal(file);
    expect(error).toMatchObject({ reason: 'truncated', code: 'model-file.truncated', params: { file } });
    expect(error.message).toMatch(/cut short.*copy the model file again/s);
  });

  it('refuses a model missing its last weights (an interrupted copy)', async () => {
    const file = path.join(dir, 'partial.gguf');
    const bytes = readFileSync(STORIES_MODEL);
    writeFileSync(file, bytes.subarray(0, bytes.length - 64 * 1024));
    const error = await refusal(file);
    expect(error).toMatchObject({ reason: 'truncated', code: 'model-file.truncated', params: { file } });
    expect(error.message).toMatch(
      /incomplete: it holds 1,119,840 of the at least 1,1\d\d,\d{3} bytes its header describes/,
    );
  });

  it('refuses a missing path, an empty file and a folder with their own reasons', async () => {
    expect((await refusal(path.join(dir, 'missing.gguf'))).code).toBe('model-file.not-found');
    const empty = path.join(dir, 'empty.gguf');
    writeFileSync(empty, '');
    expect((await refusal(empty)).code).toBe('model-file.truncated');
    const folder = path.join(dir, 'folder.gguf');
    mkdirSync(folder);
    expect((await refusal(folder)).code).toBe('model-file.not-a-file');
  });

  it('reports an architecture this llama.cpp does not know', async () => {
    const file = path.join(dir, 'unknown-arch.gguf');
    copyFileSync(STORIES_MODEL, file);
    const bytes = readFileSync(file);
    const key = Buffer.from('general.architecture');
    // key, then the value type (u32) and the string length (u64), then the 5 bytes of 'llama'.
    const at = bytes.indexOf(key) + key.length + 4 + 8;
    expect(bytes.subarray(at, at + 5).toString()).toBe('llama');
    bytes.write('zzzzz', at, 'latin1');
    writeFileSync(file, bytes);
    const info = await readGgufInfo(file);
    expect(info.architecture).toBe('zzzzz');
    expect(info.supportedByLlamaCpp).toBe(false);
  });
});

describe('estimateModelFit', () => {
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, progressLogs: false });
  });
  afterAll(async () => {
    await llama.dispose();
  });

  it('says in words that a small model fits on the CPU', async () => {
    const { insights } = await inspectGgufFile(STORIES_MODEL, llama);
    const fit = await estimateModelFit(insights, llama, { contextSize: 2048 });
    expect(fit.fits).toBe(true);
    expect(fit.gpuLayers).toBe(0);
    expect(fit.ramBytes).toBeGreaterThan(1_000_000);
    expect(fit.summary).toMatch(/^On the CPU .*2048-token context.*RAM.*Fits\.$/);
  });

  it('says what to change when the memory is too small', async () => {
    const { insights } = await inspectGgufFile(STORIES_MODEL, llama);
    const memory = {
      ramFreeBytes: 1024 * 1024,
      ramTotalBytes: 8 * 1024 ** 3,
      vramFreeBytes: 0,
      vramTotalBytes: 0,
      unified: false,
    };
    const fit = await estimateModelFit(insights, llama, { contextSize: 2048, memory });
    expect(fit.fits).toBe(false);
    expect(fit.summary).toMatch(/Does not fit in RAM: use a smaller quantisation/);
  });
});
