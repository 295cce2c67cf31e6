import '../offlineEnvironment.ts'; // before transformers.js loads onnxruntime: see the file
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import type { Reranker } from './Reranker.ts';

/**
 * A cross-encoder reranker (e.g. bge-reranker-base, ONNX export for transformers.js) from a folder on disk. Runs on
 * the engine's thread: 30 pairs per query. Nothing is downloaded.
 */
export class CrossEncoderReranker implements Reranker {
  readonly modelId: string;
  readonly #tokenizer: PreTrainedTokenizer;
  readonly #model: PreTrainedModel;

  private constructor(modelId: string, tokenizer: PreTrainedTokenizer, model: PreTrainedModel) {
    this.modelId = modelId;
    this.#tokenizer = tokenizer;
    this.#model = model;
  }

  static async load(modelDir: string): Promise<CrossEncoderReranker> {
    const dir = path.resolve(modelDir);
    const missing = ['config.json', 'tokenizer.json', path.join('onnx', 'model.onnx')].filter(
      (f) => !existsSync(path.join(dir, f)),
    );
    if (missing.length > 0)
      throw new Error(`${dir} is not a transformers.js reranker folder: missing ${missing.join(', ')}`);
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(dir);
    const name = path.basename(dir);
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const model = await AutoModelForSequenceClassification.from_pretrained(name, { dtype: 'fp32' });
    return new CrossEncoderReranker(name, tokenizer, model);
  }

  async score(question: string, passages: string[]): Promise<number[]> {
    if (passages.length === 0) return [];
    const inputs = this.#tokenizer(new Array<string>(passages.length).fill(question), {
      text_pair: passages,
      padding: true,
      truncation: true,
      max_length: 512,
    });
    const { logits } = (await this.#model(inputs)) as { logits: { data: Float32Array } };
    return Array.from(logits.data);
  }

  async dispose(): Promise<void> {
    await this.#model.dispose();
  }
}
