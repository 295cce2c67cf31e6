import type { GgufModelInfo } from './readGgufInfo.ts';

/**
 * Whether a GGUF is ChatGLM3 (and so needs ChatGLM3ChatWrapper). llama.cpp converts both ChatGLM3 and GLM-4 to the
 * architecture `chatglm`; they differ in their tokenizer: ChatGLM3's is SentencePiece (`tokenizer.ggml.model` 'llama',
 * pre-tokenizer 'chatglm-spm'), GLM-4's is BPE ('gpt2', 'chatglm-bpe') with a different prompt format (`<sop>`)
 * that its own chat template describes.
 */
export function isChatGLM3(info: Pick<GgufModelInfo, 'architecture' | 'tokenizerModel' | 'tokenizerPre'>): boolean {
  if (info.architecture !== 'chatglm') return false;
  return info.tokenizerPre !== 'chatglm-bpe' && info.tokenizerModel !== 'gpt2';
}
