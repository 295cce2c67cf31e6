import '../offlineEnvironment.ts'; // before the embedding worker (onnxruntime) starts: see the file
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { workerFileUrl } from '../workerFile.ts';
import { Worker } from 'node:worker_threads';
import type { ErrorProblem } from '../../../shared/errorCodes.ts';
import { KbError } from '../../../shared/errors.ts';
import type { EmbeddingWorkerData, EmbeddingWorkerRequest, EmbeddingWorkerResponse } from './embeddingWorker.ts';

/** Turns text into unit vectors for the vector index. */
export interface Embedder {
  /** Identifies the model in the library: folder name plus a hash of its weights' size and config. */
  readonly modelId: string;
  readonly dimension: number;
  /** Passages, with their heading path in front; vectors in input order. */
  embedPassages(texts: string[]): Promise<Float32Array[]>;
  /** A question, with the model's query instruction. */
  embedQuery(text: string): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** An embedding model folder that cannot be used. */
export class EmbeddingModelError extends KbError {
  constructor(problem: ErrorProblem<'embedding.model-invalid' | 'embedding.model-load-failed'>, message: string) {
    super(problem.code, message, problem.params);
    this.name = 'EmbeddingModelError';
  }
}

export interface TransformersEmbedderOptions {
  /**
   * Prefix for questions. Defaults to bge-zh-v1.5's instruction "为这个句子生成表示以用于检索相关文章：" for models whose
   * config names bge and Chinese, else none.
   */
  queryInstruction?: string;
  /** Texts per call into the model. Defaults to `16`: bge-small at 384 tokens stays under ~200 MB of activations. */
  batchSize?: number;
  /**
   * How token vectors become one vector. Defaults to what the folder's `1_Pooling/config.json` says, else `'cls'` for
   * bge models (as BAAI trained them) and `'mean'` for others.
   */
  pooling?: 'cls' | 'mean';
}

const BGE_ZH_QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';
// The bge tokenizer's vocabulary has no uppercase letters ("GB/T" would become [UNK] [UNK]) and its tokenizer.json
// does not lowercase: the engine does, for all of Unicode as the token counter does (WordPieceTokenCounter), so
// that roman numerals (第Ⅲ级 → ⅲ) and full-width letters (ＡＢＣ → ａｂｃ), which the vocabulary has in lowercase
// only, are not [UNK] either, and a chunk's size is counted in the tokens the model reads.
export const lowercaseForBge = (text: string): string => text.toLowerCase();

function detectPooling(dir: string, modelType: string): 'cls' | 'mean' {
  // sentence-transformers says how it pools in 1_Pooling/config.json; bge models pool by [CLS].
  const poolingConfig = path.join(dir, '1_Pooling', 'config.json');
  if (existsSync(poolingConfig)) {
    const config = JSON.parse(readFileSync(poolingConfig, 'utf8')) as Record<string, unknown>;
    if (config.pooling_mode_cls_token === true) return 'cls';
    if (config.pooling_mode_mean_tokens === true) return 'mean';
  }
  return /bge/i.test(modelType) ? 'cls' : 'mean';
}

/**
 * A transformers.js feature-extraction model from a folder on disk (config.json, tokenizer.json, onnx/model.onnx),
 * run in a worker thread. Nothing is downloaded: a folder without the model files is refused with what is missing.
 */
export class TransformersEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly #worker: Worker;
  readonly #queryInstruction: string;
  readonly #batchSize: number;
  readonly #pending = new Map<
    number,
    { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void; count: number }
  >();
  #nextId = 1;
  #disposed = false;

  private constructor(modelId: string, dimension: number, worker: Worker, queryInstruction: string, batchSize: number) {
    this.modelId = modelId;
    this.dimension = dimension;
    this.#worker = worker;
    this.#queryInstruction = queryInstruction;
    this.#batchSize = batchSize;
    worker.on('message', (message: EmbeddingWorkerResponse) => {
      if (!('id' in message)) return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (!message.ok) return pending.reject(new Error(`embedding failed: ${message.error}`));
      const vectors: Float32Array[] = [];
      for (let i = 0; i < pending.count; i++)
        vectors.push(message.vectors.slice(i * message.dimension, (i + 1) * message.dimension));
      pending.resolve(vectors);
    });
    worker.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  /** Loads a model folder; resolves once the model has produced a first vector (so its dimension is known). */
  static async load(modelDir: string, options: TransformersEmbedderOptions = {}): Promise<TransformersEmbedder> {
    const dir = path.resolve(modelDir);
    // Full-precision weights if present, else the int8-quantised export that npm run fetch-models installs.
    const weights = ['model.onnx', 'model_quantized.onnx'].find((file) => existsSync(path.join(dir, 'onnx', file)));
    const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter(
      (file) => !existsSync(path.join(dir, file)),
    );
    if (!weights) missing.push(path.join('onnx', 'model.onnx'));
    if (missing.length > 0 || !weights) {
      throw new EmbeddingModelError(
        { code: 'embedding.model-invalid', params: { folder: dir, missing: missing.join(', ') } },
        `${dir} is not a transformers.js embedding model folder: missing ${missing.join(', ')} ` +
          '(expected the ONNX export of e.g. bge-small-zh-v1.5: config.json, tokenizer.json, onnx/model.onnx or onnx/model_quantized.onnx)',
      );
    }
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      _name_or_path?: string;
      model_type?: string;
    };
    const nameOrPath = `${config._name_or_path ?? ''} ${path.basename(dir)}`;
    const pooling = options.pooling ?? detectPooling(dir, nameOrPath);
    const dtype = weights === 'model.onnx' ? 'fp32' : 'q8';
    const workerData: EmbeddingWorkerData = {
      modelRoot: path.dirname(dir),
      modelName: path.basename(dir),
      pooling,
      dtype,
    };
    const worker = new Worker(workerFileUrl(import.meta.url, 'embeddingWorker'), { workerData });
    const dimension = await new Promise<number>((resolve, reject) => {
      worker.once('message', (message: EmbeddingWorkerResponse) => {
        if ('ready' in message && message.ready) resolve(message.dimension);
        else
          reject(
            new EmbeddingModelError(
              {
                code: 'embedding.model-load-failed',
                params: { folder: dir, detail: 'error' in message ? message.error : 'unknown error' },
              },
              `cannot load the embedding model in ${dir}: ${'error' in message ? message.error : 'unknown error'}`,
            ),
          );
      });
      worker.once('error', (error) =>
        reject(
          new EmbeddingModelError(
            { code: 'embedding.model-load-failed', params: { folder: dir, detail: error.message } },
            `cannot load the embedding model in ${dir}: ${error.message}`,
          ),
        ),
      );
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    // The same model copied elsewhere keeps its id; different weights under the same folder name do not.
    const modelId = `${path.basename(dir)}:${pooling}:${dimension}:${statSync(path.join(dir, 'onnx', weights)).size}`;
    const queryInstruction =
      options.queryInstruction ?? (/bge/i.test(nameOrPath) && /zh/i.test(nameOrPath) ? BGE_ZH_QUERY_INSTRUCTION : '');
    return new TransformersEmbedder(modelId, dimension, worker, queryInstruction, options.batchSize ?? 16);
  }

  #embed(texts: string[]): Promise<Float32Array[]> {
    if (this.#disposed) return Promise.reject(new Error('the embedder has been disposed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, count: texts.length });
      this.#worker.postMessage({ id, texts: texts.map(lowercaseForBge) } satisfies EmbeddingWorkerRequest);
    });
  }

  async embedPassages(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.#batchSize)
      out.push(...(await this.#embed(texts.slice(i, i + this.#batchSize))));
    return out;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.#embed([this.#queryInstruction + text]))[0]!;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const pending of this.#pending.values()) pending.reject(new Error('the embedder has been disposed'));
    this.#pending.clear();
    await this.#worker.terminate();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
