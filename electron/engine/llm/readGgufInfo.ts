import { inspectGgufFile } from './inspectGgufFile.ts';

/** What a .gguf file says about its model, read from the header before anything is loaded. Plain data. */
export interface GgufModelInfo {
  /** Absolute path of the file. */
  file: string;
  fileName: string;
  sizeBytes: number;
  /** `general.architecture`, e.g. 'chatglm' (ChatGLM3, GLM-4), 'llama', 'qwen2'. */
  architecture: string;
  /** `general.name`, when the converter wrote one. */
  name: string | null;
  /** `general.size_label`, e.g. '6B', when present. */
  sizeLabel: string | null;
  /** Parameters counted from the tensor table; null when the table is empty. */
  parameters: number | null;
  /** Quantisation (file type), e.g. 'Q4_0', 'Q4_K_M', 'F16'; from the dominant tensor type when the header has none. */
  quantization: string | null;
  /** Context length the model was trained with, in tokens. */
  contextLength: number | null;
  /** Transformer blocks (the unit of `gpuLayers`). */
  layers: number | null;
  /** `tokenizer.ggml.model`: 'llama' (SentencePiece, as ChatGLM3) or 'gpt2' (BPE, as GLM-4). */
  tokenizerModel: string | null;
  /** `tokenizer.ggml.pre`: 'chatglm-spm' for ChatGLM3, 'chatglm-bpe' for GLM-4. */
  tokenizerPre: string | null;
  /** Whether the file carries a Jinja chat template. */
  hasChatTemplate: boolean;
  /** Whether the llama.cpp bundled with node-llama-cpp knows the architecture. */
  supportedByLlamaCpp: boolean;
}

/**
 * Reads a model file's metadata before loading it: architecture, parameters, quantisation, context length, size,
 * layers. A file that is missing, not GGUF, cut short or unreadable gives a ModelFileError, never a crash.
 */
export async function readGgufInfo(file: string): Promise<GgufModelInfo> {
  return (await inspectGgufFile(file)).info;
}
