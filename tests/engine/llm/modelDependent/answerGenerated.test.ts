// Generated answers end to end with a real (tiny) model: a library built by the engine, retrieval, the prompt in the
// model's tokenizer, streaming, citation checking. stories260K writes children's stories, so only the plumbing is
// asserted, never the answer's quality.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Library } from '../../../../electron/engine/index.ts';
import type {
  ChatMessage,
  ChatModel,
  GenerateOptions,
  GenerationResult,
} from '../../../../electron/engine/llm/ChatModel.ts';
import { LlamaModelHost } from '../../../../electron/engine/llm/LlamaModelHost.ts';
import type { Answer } from '../../../../shared/types.ts';
import type { LibraryAskOptions } from '../../../../electron/engine/Library.ts';
import { tempDir } from '../../helpers.ts';
import { ABSENT_QUESTION, ANSWERED_QUESTION, buildClauseLibrary } from '../fixtures/clauseLibrary.ts';
import { STORIES_MODEL } from '../fixtures/testModel.ts';

/** Passes everything to the host and counts the generations asked for. */
class CountingModel implements ChatModel {
  generations = 0;
  readonly #inner: ChatModel;
  constructor(inner: ChatModel) {
    this.#inner = inner;
  }
  get modelId(): string {
    return this.#inner.modelId;
  }
  get contextSize(): number {
    return this.#inner.contextSize;
  }
  countPromptTokens(messages: readonly ChatMessage[]): number {
    return this.#inner.countPromptTokens(messages);
  }
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerationResult> {
    this.generations++;
    return this.#inner.generate(messages, options);
  }
}

describe('answerGenerated with stories260K', () => {
  let engine: Engine;
  let library: Library;
  let host: LlamaModelHost;
  let model: CountingModel;
  let cleanup: () => void;
  // A generated answer through the library, as the app asks for one (not recorded).
  const generated = async (
    question: string,
    model: ChatModel,
    options: Omit<LibraryAskOptions, 'mode' | 'llm' | 'record'> = {},
  ): Promise<Answer> =>
    (await library.ask(question, { mode: 'generate', llm: model, record: false, ...options })).answer;

  beforeAll(async () => {
    const temp = tempDir('kb-gen-llm-');
    cleanup = temp.cleanup;
    ({ engine, library } = await buildClauseLibrary(temp.dir));
    host = await LlamaModelHost.create({ gpu: 'cpu', logger: () => undefined });
    await host.load(STORIES_MODEL, { threads: 1 });
    model = new CountingModel(host);
  });
  afterAll(async () => {
    await host.dispose();
    await engine.dispose();
    cleanup();
  });

  it('answers not_found for an absent topic without calling the model', async () => {
    const answer = await generated(ABSENT_QUESTION, model);
    expect(model.generations).toBe(0);
    expect(answer).toMatchObject({ mode: 'generate', status: 'not_found', answer: '', citations: [] });
  });

  it('generates from the retrieved passages, streaming, and cites only passages it was given', async () => {
    const pieces: string[] = [];
    const answer = await generated(ANSWERED_QUESTION, model, {
      maxAnswerTokens: 24,
      onToken: (text) => pieces.push(text),
    });
    expect(model.generations).toBe(1);
    expect(answer.mode).toBe('generate');
    expect(answer.status).toBe('answered');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(answer.generation!.rawText);

    const report = answer.generation!;
    expect(report.model).toBe('stories260K.gguf (llama, F32)');
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.tokens).toBeLessThanOrEqual(24);
    // The prompt was measured with the model's own tokenizer and left room for the answer.
    expect(report.promptTokens).toBeLessThanOrEqual(host.contextSize - 24);
    expect(report.passagesGiven).toBeGreaterThan(0);

    const given = (await library.ask(ANSWERED_QUESTION, { record: false })).answer.citations.slice(
      0,
      report.passagesGiven,
    );
    answer.citations.forEach((citation, i) => {
      expect(citation.n).toBe(i + 1);
      expect(given.some((g) => g.quote === citation.quote && g.charStart === citation.charStart)).toBe(true);
    });
    for (const marker of answer.answer.matchAll(/\[(\d+)\]/g))
      expect(Number(marker[1])).toBeLessThanOrEqual(answer.citations.length);
  });

  it('gives the same answer to the same question', async () => {
    const first = await generated(ANSWERED_QUESTION, model, { maxAnswerTokens: 24 });
    const second = await generated(ANSWERED_QUESTION, model, { maxAnswerTokens: 24 });
    expect(second.answer).toBe(first.answer);
    expect(second.generation!.rawText).toBe(first.generation!.rawText);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const answer = await generated(ANSWERED_QUESTION, model, {
      maxAnswerTokens: 200,
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    expect(answer.generation!.stopReason).toBe('abort');
    expect(answer.generation!.tokens).toBeLessThan(5);
    expect(answer.explanation).toMatch(/生成已取消/);
  });
});
