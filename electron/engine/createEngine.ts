import './offlineEnvironment.ts'; // first: every process that runs the engine is kept offline (see the file)
import { EstimatingTokenCounter, WordPieceTokenCounter, type TokenCounter } from './chunk/WordPieceTokenCounter.ts';
import type { IngestOptions } from './ingest/ingestFiles.ts';
import { Library } from './Library.ts';
import type { GgufModelInfo } from './llm/readGgufInfo.ts';
import type { LlamaModelHost } from './llm/LlamaModelHost.ts';
import type { GpuMode } from '../../shared/engineApi.ts';
import { ChineseSegmenter } from './search/ChineseSegmenter.ts';
import { LibraryStore } from './store/LibraryStore.ts';
import { errorFields, SILENT_LOGGER, type EngineLogger } from './log/EngineLogger.ts';

export interface EngineConfig {
  /**
   * Folder holding the embedding model's tokenizer (`vocab.txt`, as in bge-small-zh-v1.5), used to size chunks in
   * the model's own tokens. Defaults to `null`: chunks are sized by an estimate that over-counts slightly.
   */
  tokenizerDir?: string | null;
  /** Default ingestion options (size limits, chunk size) for every library opened by this engine. */
  ingest?: Omit<IngestOptions, 'signal' | 'onProgress'>;
  /**
   * The local LLM's backend when a caller names none (`engine.llm()`; see LlamaModelHostOptions.gpu;
   * CUDA_VISIBLE_DEVICES picks GPUs). Defaults to `'auto'`.
   */
  llmGpu?: GpuMode;
  /**
   * Where the engine writes what it did and what failed (libraries opened, ingestion summaries, failed files, slow or
   * failed calls): events with paths, counts, durations and error codes, never document text, questions or answers.
   * The app gives it a file under `<userData>/logs`, `kb --verbose` stderr. Defaults to logging nothing.
   */
  logger?: EngineLogger;
}

export interface OpenOptions {
  /** Create the library file when it does not exist. Defaults to `false`. */
  create?: boolean;
}

/**
 * The engine: shared, expensive resources (jieba's dictionary, the tokenizer) loaded once, and libraries opened on
 * them. Runs on plain Node: in Electron's utility process, in the CLI, in tests and behind `kb serve`.
 */
export class Engine {
  readonly #segmenter: ChineseSegmenter;
  readonly #tokenCounter: TokenCounter;
  readonly #config: EngineConfig;
  readonly #open = new Set<Library>();
  // The one LLM host and the backend it was asked for.
  #llm: { gpu: GpuMode; host: LlamaModelHost } | null = null;
  #llmQueue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  /** Where this engine logs (EngineConfig.logger); the faces log their own events through it too. */
  get logger(): EngineLogger {
    return this.#config.logger ?? SILENT_LOGGER;
  }

  constructor(config: EngineConfig, segmenter: ChineseSegmenter, tokenCounter: TokenCounter) {
    this.#config = config;
    this.#segmenter = segmenter;
    this.#tokenCounter = tokenCounter;
  }

  /**
   * Opens a library file and loads the embedding model it records (if still present); refuses files that are not
   * libraries, corrupt, or from a newer app (LibraryError).
   */
  async openLibrary(file: string, options: OpenOptions = {}): Promise<Library> {
    if (this.#disposed) throw new Error('the engine has been disposed');
    const logger = this.logger;
    let store: LibraryStore;
    try {
      store = LibraryStore.open(file, { create: options.create });
    } catch (error) {
      logger.log('error', 'library.open-failed', { file, ...errorFields(error) });
      throw error;
    }
    const library = new Library(store, this.#segmenter, this.#tokenCounter, this.#config.ingest ?? {}, logger);
    this.#open.add(library);
    await library.loadRecordedEmbeddingModel();
    const stats = library.stats();
    logger.log('info', 'library.open', {
      file,
      documents: stats.documents,
      chunks: stats.chunks,
      readOnly: store.database.readonly,
      semantic: library.semanticStatus().state,
    });
    return library;
  }

  /**
   * The engine's LLM host, shared by all its libraries: llama.cpp is only started when someone asks for a generated
   * answer. Without `gpu`, the host running now (whatever its backend), else one started on EngineConfig.llmGpu; with
   * `gpu`, the host on that backend. One model in memory at a time: a host on another backend is disposed (its model
   * unloaded) before the new one starts. Load a model with `(await engine.llm()).load(file, options)`.
   */
  llm(gpu?: GpuMode): Promise<LlamaModelHost> {
    if (this.#disposed) return Promise.reject(new Error('the engine has been disposed'));
    // One switch at a time: two callers asking for two backends must not leave two hosts alive.
    const host = this.#llmQueue.then(() => this.#llmOn(gpu));
    this.#llmQueue = host.catch(() => undefined);
    return host;
  }

  /** The LLM host running now, or null when none is (none started yet, or its backend failed): nothing is started. */
  get llmHost(): LlamaModelHost | null {
    return this.#llm && !this.#llm.host.disposed ? this.#llm.host : null;
  }

  async #llmOn(requested: GpuMode | undefined): Promise<LlamaModelHost> {
    const current = this.#llm;
    if (current && !current.host.disposed && (requested === undefined || requested === current.gpu))
      return current.host;
    this.#llm = null;
    // The model on the other backend goes first: VRAM and RAM rarely hold two.
    if (current) await current.host.dispose();
    if (this.#disposed) throw new Error('the engine has been disposed');
    const gpu = requested ?? this.#config.llmGpu ?? 'auto';
    const started = performance.now();
    try {
      // node-llama-cpp takes ~0.5 s to import: only those who ask for a generated answer pay for it.
      const { LlamaModelHost } = await import('./llm/LlamaModelHost.ts');
      const host = await LlamaModelHost.create({ gpu });
      this.logger.log('info', 'llm.backend-started', { gpu, ms: Math.round(performance.now() - started) });
      // A failed start (LlmBackendError) is not kept: a later call may choose another backend.
      this.#llm = { gpu, host };
      return host;
    } catch (error) {
      this.logger.log('error', 'llm.backend-failed', { gpu, ...errorFields(error) });
      throw error;
    }
  }

  /** A .gguf file's metadata, read without loading it or starting llama.cpp's backend (ModelFileError when unusable). */
  async readModelInfo(file: string): Promise<GgufModelInfo> {
    const { readGgufInfo } = await import('./llm/readGgufInfo.ts');
    return readGgufInfo(file);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#llmQueue;
    const llm = this.#llm;
    this.#llm = null;
    await llm?.host.dispose();
    for (const library of this.#open) await library.dispose();
    this.#open.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Builds an engine. Everything it needs comes from `config`: it never asks Electron for a path. */
export async function createEngine(config: EngineConfig = {}): Promise<Engine> {
  const tokenCounter = config.tokenizerDir
    ? WordPieceTokenCounter.fromDirectory(config.tokenizerDir)
    : new EstimatingTokenCounter();
  return new Engine(config, new ChineseSegmenter(), tokenCounter);
}
