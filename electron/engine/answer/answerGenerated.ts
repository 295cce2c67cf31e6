import type { Citation } from '../../../shared/types.ts';
import type { ChatModel } from '../llm/ChatModel.ts';
import { answerExactly, type ExactAnswerInput, type ExactAnswerOptions } from './answerExactly.ts';
import { buildAnswerPrompt } from './buildAnswerPrompt.ts';
import type { GeneratedAnswer } from './GenerationReport.ts';
import { repairCitations, SENTENCE_SUPPORT_THRESHOLD } from './repairCitations.ts';

export interface GeneratedAnswerOptions extends ExactAnswerOptions {
  /**
   * Most passages retrieved for the model (then cut to the token budget). Retrieval and the not-found threshold are
   * exact mode's. Defaults to `5`.
   */
  maxPassages?: number;
  /** Most tokens the model may write; the prompt gets the rest of the context. Defaults to `512`. */
  maxAnswerTokens?: number;
  /** Share of a sentence's bigrams a passage must hold to support it. Defaults to `SENTENCE_SUPPORT_THRESHOLD` (0.5). */
  supportThreshold?: number;
  /** Receives the answer text as the model writes it (before citations are checked). Defaults to `undefined`. */
  onToken?: (text: string) => void;
  /** Cancels generation; the answer then holds what was written so far. Defaults to `undefined`. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_PASSAGES = 5;
const DEFAULT_MAX_ANSWER_TOKENS = 512;

/**
 * Generated answer: retrieval and the evidence threshold of exact mode, then a local LLM writes the answer from the
 * numbered passages only (greedy, so the same question on the same library and model gives the same text), streamed
 * through `onToken`. When retrieval finds too little the answer is not_found and the model is not called. Afterwards
 * the [n] markers are checked against the passages given (see repairCitations), and the answer carries the cited
 * passages, renumbered, exactly as exact mode's citations.
 */
export async function answerGenerated(
  input: ExactAnswerInput,
  llm: ChatModel,
  options: GeneratedAnswerOptions = {},
): Promise<GeneratedAnswer> {
  const question = input.analysis.question;
  const retrieved = answerExactly(input, {
    ...(options.coverageThreshold === undefined ? {} : { coverageThreshold: options.coverageThreshold }),
    ...(options.relatedThreshold === undefined ? {} : { relatedThreshold: options.relatedThreshold }),
    maxPassages: options.maxPassages ?? DEFAULT_MAX_PASSAGES,
  });
  // The model writes only from passages that answer the question; possibly related ones are shown as they are.
  if (retrieved.status !== 'answered') return { ...retrieved, mode: 'generate' };

  const maxAnswerTokens = options.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS;
  const supportThreshold = options.supportThreshold ?? SENTENCE_SUPPORT_THRESHOLD;
  const prompt = buildAnswerPrompt(question, retrieved.citations, {
    countPromptTokens: (messages) => llm.countPromptTokens(messages),
    tokenBudget: llm.contextSize - maxAnswerTokens,
  });
  const generated = await llm.generate(prompt.messages, {
    maxTokens: maxAnswerTokens,
    ...(options.onToken ? { onToken: options.onToken } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const repaired = repairCitations(
    generated.text,
    prompt.passages.map((p) => ({ n: p.n, text: `${p.citation.headingPath.join(' ')}\n${p.text}` })),
    supportThreshold,
  );
  const generation = {
    model: llm.modelId,
    stopReason: generated.stopReason,
    promptTokens: generated.promptTokens,
    tokens: generated.tokens,
    firstTokenMs: generated.firstTokenMs,
    totalMs: generated.totalMs,
    passagesGiven: prompt.passages.length,
    passagesDropped: prompt.dropped,
    passageTrimmed: prompt.passages.some((p) => p.trimmed),
    droppedCitations: repaired.droppedCitations,
    unsupportedSentences: repaired.unsupportedSentences,
    repairedSentences: repaired.repairedSentences,
    supportThreshold,
    rawText: generated.text,
  };
  const base = {
    question,
    mode: 'generate' as const,
    evidence: retrieved.evidence,
    notes: retrieved.notes,
    generation,
  };

  if (repaired.declined) {
    return {
      ...base,
      status: 'not_found',
      answer: '',
      citations: [],
      explanation:
        input.analysis.language === 'zh'
          ? `模型读了检索到的 ${prompt.passages.length} 个段落，认为其中没有答案。`
          : `The model read the ${prompt.passages.length} passage(s) retrieved and said they do not contain the answer.`,
    };
  }
  const byNumber = new Map(prompt.passages.map((p) => [p.n, p.citation]));
  const citations: Citation[] = repaired.cited.map((promptNumber, index) => ({
    ...byNumber.get(promptNumber)!,
    n: index + 1,
  }));
  const explanation =
    generated.stopReason === 'abort'
      ? input.analysis.language === 'zh'
        ? '生成已取消：回答不完整。'
        : 'Generation was cancelled: the answer is incomplete.'
      : generated.stopReason === 'maxTokens'
        ? input.analysis.language === 'zh'
          ? `回答达到 ${maxAnswerTokens} 个词元的上限，被截断。`
          : `The answer reached the ${maxAnswerTokens}-token cap and is cut short.`
        : null;
  return { ...base, status: 'answered', answer: repaired.text, citations, explanation };
}
