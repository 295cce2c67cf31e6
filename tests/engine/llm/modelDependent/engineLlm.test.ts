// The engine owns the one LLM host for every backend: asked for another backend it disposes the host it has (and the
// model in it) before starting the next, so two models are never in memory; concurrent switches leave one host; a
// backend that fails leaves none, and the next call starts again; dispose takes the host with it.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../../electron/engine/index.ts';
import { LlmBackendError } from '../../../../electron/engine/llm/LlmBackendError.ts';
import { STORIES_MODEL } from '../fixtures/testModel.ts';

let engine: Engine | null = null;

afterEach(async () => {
  await engine?.dispose();
  engine = null;
});

describe('Engine.llm: one LLM host for every backend', () => {
  it('starts on the configured backend when first asked, and keeps one host while the backend stays', async () => {
    engine = await createEngine({ llmGpu: 'cpu' });
    expect(engine.llmHost).toBeNull();
    const host = await engine.llm();
    expect((await host.gpuInfo()).backend).toBe('cpu');
    expect(engine.llmHost).toBe(host);
    expect(await engine.llm()).toBe(host);
    expect(await engine.llm('cpu')).toBe(host);
  });

  it('disposes the host and its model before starting one on another backend', async () => {
    engine = await createEngine({ llmGpu: 'cpu' });
    const first = await engine.llm();
    await first.load(STORIES_MODEL, { threads: 1 });
    expect(first.loaded).not.toBeNull();
    const second = await engine.llm('auto');
    expect(second).not.toBe(first);
    expect(first.disposed).toBe(true);
    expect(second.loaded).toBeNull();
    expect(engine.llmHost).toBe(second);
    // Without a backend named, the one running now is kept, whatever it is.
    expect(await engine.llm()).toBe(second);
  });

  it('leaves one host alive when two backends are asked for at once', async () => {
    engine = await createEngine();
    const [a, b] = await Promise.all([engine.llm('cpu'), engine.llm('auto')]);
    expect(a).not.toBe(b);
    expect(a.disposed).toBe(true);
    expect(b.disposed).toBe(false);
    expect(engine.llmHost).toBe(b);
  });

  it.skipIf(process.platform === 'darwin')(
    'keeps no host when the backend asked for cannot start, and starts again on the next call',
    async () => {
      engine = await createEngine({ llmGpu: 'cpu' });
      const before = await engine.llm();
      await expect(engine.llm('metal')).rejects.toBeInstanceOf(LlmBackendError);
      expect(before.disposed).toBe(true);
      expect(engine.llmHost).toBeNull();
      const again = await engine.llm();
      expect((await again.gpuInfo()).backend).toBe('cpu');
    },
  );

  it('disposes its host with it and refuses to start one after', async () => {
    engine = await createEngine({ llmGpu: 'cpu' });
    const host = await engine.llm();
    await engine.dispose();
    expect(host.disposed).toBe(true);
    expect(engine.llmHost).toBeNull();
    await expect(engine.llm()).rejects.toThrow(/disposed/);
  });
});
