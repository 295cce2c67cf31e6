// What answer generation needs from a language model. LlamaModelHost implements it; tests wrap it (to count calls)
// or replace it, so answerGenerated never imports node-llama-cpp.

/** One turn of a conversation, before the chat wrapper renders it into the model's prompt format. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

/**
 * Why generation stopped:
 * - `eos`: the model ended its answer with an end-of-generation token (EOS/EOT);
 * - `stopString`: the model wrote a stop marker of its prompt format (ChatGLM3's `<|user|>`, `<|observation|>`) or a
 *   caller's stop string;
 * - `maxTokens`: the token cap (or the end of the context) was reached; the text is cut there;
 * - `abort`: the caller's AbortSignal fired; the text is what was written until then.
 */
export type { StopReason } from '../../../shared/types.ts';
import type { StopReason } from '../../../shared/types.ts';

export interface GenerateOptions {
  /** Most tokens to generate. Defaults to `512`; never more than the context leaves after the prompt. */
  maxTokens?: number;
  /** Sampling temperature. Defaults to `0`: greedy decoding, the same prompt always gives the same text. */
  temperature?: number;
  /** Seed of the sampler (matters only when `temperature` > 0). Defaults to `42`. */
  seed?: number;
  /** Penalty (> 1) on tokens repeated from the last 64. Defaults to `undefined`: off, as ChatGLM3's own generation config. */
  repeatPenalty?: number;
  /** Further strings that end generation (stop reason `stopString`). Defaults to `[]`. */
  stopStrings?: string[];
  /** Called with each piece of text as the model writes it (a token, or a few when one character spans several). */
  onToken?: (text: string) => void;
  /** Stops generation; the text written so far is returned with stop reason `abort`. */
  signal?: AbortSignal;
}

export interface GenerationResult {
  text: string;
  stopReason: StopReason;
  /** Tokens of the rendered prompt. */
  promptTokens: number;
  /** Tokens generated. */
  tokens: number;
  /** From the call to the first generated token (prompt processing), ms; null when no token came. */
  firstTokenMs: number | null;
  /** From the call to the end, ms. */
  totalMs: number;
}

export interface ChatModel {
  /** Names the model in answers and the audit trail (file name, architecture, quantisation). */
  readonly modelId: string;
  /** Tokens the context holds: prompt and answer together. */
  readonly contextSize: number;
  /** Tokens the messages take once rendered in the model's prompt format, with its own tokenizer. */
  countPromptTokens(messages: readonly ChatMessage[]): number;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<GenerationResult>;
}
