import {
  getLlama,
  LlamaChat,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
} from 'node-llama-cpp';
import { ChatGLM3ChatWrapper } from './ChatGLM3ChatWrapper.ts';
import type { ChatMessage, ChatModel, GenerateOptions, GenerationResult, StopReason } from './ChatModel.ts';
import { estimateModelFit, type ModelFitEstimate } from './estimateModelFit.ts';
import { inspectGgufFile } from './inspectGgufFile.ts';
import { isChatGLM3 } from './isChatGLM3.ts';
import { LlmBackendError } from './LlmBackendError.ts';
import { ModelFileError } from './ModelFileError.ts';
import type { GgufModelInfo } from './readGgufInfo.ts';
import type { GpuMode } from '../../../shared/engineApi.ts';

export interface LlamaModelHostOptions {
  /**
   * Compute backend. `'auto'`: Metal on Apple Silicon, else CUDA or Vulkan when a prebuilt llama.cpp binary for it
   * works on this machine, else the CPU. A named backend that cannot start is an LlmBackendError, never a silent fall
   * back to the CPU. `'cpu'`: CPU only.
   *
   * Several NVIDIA GPUs: llama.cpp splits the offloaded layers across every CUDA device it can see (node-llama-cpp
   * has no tensor-split option). Choose the devices with the `CUDA_VISIBLE_DEVICES` environment variable of the
   * engine process (e.g. `CUDA_VISIBLE_DEVICES=0,1` for both A4000s, `=1` for the second only), set before it starts.
   *
   * Defaults to `'auto'`.
   */
  gpu?: GpuMode;
  /**
   * Receives llama.cpp's log lines at `warn` and above.
   * Defaults to `undefined`: node-llama-cpp's console logger (stderr).
   */
  logger?: (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug', message: string) => void;
}

export interface LoadProgress {
  /** `metadata`: reading the header and estimating memory; `weights`: llama.cpp reading the file; `context`: allocating the KV cache. */
  stage: 'metadata' | 'weights' | 'context' | 'ready';
  /** 0..1 of the whole load. */
  fraction: number;
}

export interface LoadOptions {
  /** Layers to offload to the GPU: `'auto'` (as many as fit beside the context) or a number (0 = CPU only). Defaults to `'auto'`. */
  gpuLayers?: 'auto' | number;
  /** Context size in tokens (prompt and answer together). Defaults to `4096`, or the model's training context when smaller. */
  contextSize?: number;
  /** CPU threads for evaluation. Defaults to the number of physical cores (llama.cpp's count of math cores). */
  threads?: number;
  /** Called as the load advances. Defaults to `undefined`. */
  onProgress?: (progress: LoadProgress) => void;
  /** Cancels the load (a model loaded before is gone once the new weights start loading). Defaults to `undefined`. */
  signal?: AbortSignal;
}

export interface LoadedModelInfo {
  info: GgufModelInfo;
  /** The memory estimate made before loading. */
  fit: ModelFitEstimate;
  /** Layers actually offloaded to the GPU. */
  gpuLayers: number;
  /** Context size actually allocated, tokens. */
  contextSize: number;
  threads: number;
  /** The prompt format in use, e.g. 'ChatGLM3', 'Llama 2 Chat', 'Jinja'. */
  chatWrapper: string;
  /** Wall time of the load, ms. */
  loadMs: number;
}

export interface GpuInfo {
  /** The backend llama.cpp runs on. */
  backend: 'metal' | 'cuda' | 'vulkan' | 'cpu';
  /** GPU device names (several for a multi-GPU CUDA machine). */
  devices: string[];
  vramTotalBytes: number;
  vramFreeBytes: number;
  /** The GPU shares the CPU's memory (Apple Silicon). */
  unifiedMemory: boolean;
  /** Physical cores llama.cpp counts for math: the default thread count. */
  cpuMathCores: number;
  /** The llama.cpp release inside node-llama-cpp's prebuilt binaries. */
  llamaCppRelease: string;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chatWrapper: ChatWrapper;
  details: LoadedModelInfo;
}

// 4096 tokens: a ~1,500-token RAG prompt and a 512-token answer with room to spare; ChatGLM3-6B was trained on 8192.
const DEFAULT_CONTEXT_SIZE = 4096;
const DEFAULT_MAX_TOKENS = 512;
// Any fixed number: with temperature 0 the seed is unused, with sampling it makes runs repeatable.
const DEFAULT_SEED = 42;
const BACKEND_HINTS: Record<string, string> = {
  metal: 'Metal exists only on Macs with Apple Silicon',
  cuda: 'CUDA needs an NVIDIA GPU and its driver, and CUDA_VISIBLE_DEVICES (if set) must name at least one device',
  vulkan: 'Vulkan needs a GPU driver with Vulkan support',
};

function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.text };
      case 'user':
        return { type: 'user', text: message.text };
      case 'assistant':
        return { type: 'model', response: [message.text] };
      default:
        return message.role satisfies never;
    }
  });
  // The turn the model writes.
  history.push({ type: 'model', response: [] });
  return history;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/**
 * The local LLM: llama.cpp through node-llama-cpp's prebuilt binaries (never a build from source), one model at a
 * time. Load and unload are explicit; loading reads the file's metadata first, refuses files and architectures
 * llama.cpp cannot use with a ModelFileError, and reports progress. Holds native memory: `dispose()` (or `await using`)
 * on shutdown; nothing works after that.
 */
export class LlamaModelHost implements ChatModel {
  readonly #llama: Llama;
  #loaded: Loaded | null = null;
  #disposed = false;
  // Loads, unloads and generations run one after another: one model, one context sequence.
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(llama: Llama) {
    this.#llama = llama;
  }

  /** Starts llama.cpp on the chosen backend. Throws LlmBackendError when that backend has no working binary here. */
  static async create(options: LlamaModelHostOptions = {}): Promise<LlamaModelHost> {
    const gpu = options.gpu ?? 'auto';
    const logger = options.logger;
    let llama: Llama;
    try {
      llama = await getLlama({
        // node-llama-cpp names the CPU `false`; the engine has one name per backend, GpuMode's.
        gpu: gpu === 'cpu' ? false : gpu,
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        ...(logger
          ? {
              logger: (level: LlamaLogLevel, message: string) =>
                logger(level === 'log' ? 'info' : level === 'disabled' ? 'debug' : level, message),
            }
          : {}),
      });
    } catch (error) {
      const which = gpu === 'cpu' ? 'CPU' : gpu;
      const hint = BACKEND_HINTS[gpu];
      throw new LlmBackendError(
        { code: 'llm.backend-failed', params: { backend: String(which), detail: errorText(error) } },
        `llama.cpp could not start on the ${which} backend: ${error instanceof Error ? error.message : String(error)}. ` +
          `${hint ? `${hint}. ` : ''}The app uses node-llama-cpp's prebuilt binaries only; choose GPU "auto" or "CPU".`,
        { cause: error },
      );
    }
    if (gpu !== 'auto' && (llama.gpu === false ? 'cpu' : llama.gpu) !== gpu) {
      // node-llama-cpp falls back quietly (e.g. 'metal' on Linux gives the CPU): a backend chosen by name must be real.
      await llama.dispose();
      throw new LlmBackendError(
        {
          code: 'llm.backend-fallback',
          params: { backend: String(gpu), actual: llama.gpu === false ? 'CPU' : String(llama.gpu) },
        },
        `The ${gpu} backend was asked for, but llama.cpp started on ${llama.gpu === false ? 'the CPU' : llama.gpu} instead: ` +
          `${BACKEND_HINTS[gpu] ? `${BACKEND_HINTS[gpu]}. ` : ''}Choose GPU "auto" or "CPU".`,
      );
    }
    return new LlamaModelHost(llama);
  }

  /** The backend llama.cpp runs on and the GPUs it sees. */
  async gpuInfo(): Promise<GpuInfo> {
    this.#assertAlive();
    const [devices, vram] = await Promise.all([this.#llama.getGpuDeviceNames(), this.#llama.getVramState()]);
    return {
      backend: this.#llama.gpu === false ? 'cpu' : this.#llama.gpu,
      devices,
      vramTotalBytes: vram.total,
      vramFreeBytes: vram.free,
      unifiedMemory: vram.unifiedSize > 0,
      cpuMathCores: this.#llama.cpuMathCores,
      llamaCppRelease: this.#llama.llamaCppRelease.release,
    };
  }

  /** The model loaded now, or null. */
  get loaded(): LoadedModelInfo | null {
    return this.#loaded?.details ?? null;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Loads a .gguf model, replacing the one loaded before (which is unloaded first, so two never share memory).
   * Reads and checks the metadata, estimates memory, then loads the weights and allocates the context.
   */
  /**
   * Reads a .gguf's header and estimates, with this host's llama.cpp, whether it would fit with these settings:
   * nothing is loaded. ModelFileError when the file is unusable (as `load` would refuse it).
   */
  async inspect(
    file: string,
    options: Pick<LoadOptions, 'gpuLayers' | 'contextSize'> = {},
  ): Promise<{ info: GgufModelInfo; fit: ModelFitEstimate }> {
    this.#assertAlive();
    const { info, insights } = await inspectGgufFile(file, this.#llama);
    const contextSize =
      options.contextSize ?? Math.min(DEFAULT_CONTEXT_SIZE, info.contextLength ?? DEFAULT_CONTEXT_SIZE);
    const fit = await estimateModelFit(insights, this.#llama, { gpuLayers: options.gpuLayers ?? 'auto', contextSize });
    return { info, fit };
  }

  load(file: string, options: LoadOptions = {}): Promise<LoadedModelInfo> {
    return this.#exclusive(() => this.#load(file, options));
  }

  /** Frees the loaded model and its context. Does nothing when no model is loaded. */
  unload(): Promise<void> {
    return this.#exclusive(() => this.#unloadNow());
  }

  get modelId(): string {
    const { info } = this.#requireLoaded().details;
    return `${info.fileName} (${info.architecture}${info.quantization ? `, ${info.quantization}` : ''})`;
  }

  get contextSize(): number {
    return this.#requireLoaded().context.contextSize;
  }

  countPromptTokens(messages: readonly ChatMessage[]): number {
    return this.#countPromptTokens(this.#requireLoaded(), messages);
  }

  /**
   * Writes the assistant's turn after `messages`. Greedy (temperature 0) with a fixed seed unless told otherwise, so
   * the same messages give the same text; each call starts from an empty context, so earlier calls cannot change it.
   * Streams text through `onToken`; an abort or the token cap ends it cleanly with the text so far.
   */
  generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.#exclusive(() => this.#generate(messages, options));
  }

  /** Unloads the model and stops llama.cpp. Waits for a running load or generation. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue.catch(() => undefined);
    await this.#unloadNow();
    await this.#llama.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #assertAlive(): void {
    if (this.#disposed) throw new Error('this LlamaModelHost has been disposed: create a new one to load a model');
  }

  /** @param alive whether to refuse after dispose (queued work accepted before dispose still runs). */
  #requireLoaded(alive = true): Loaded {
    if (alive) this.#assertAlive();
    if (!this.#loaded) throw new Error('no model is loaded: load a .gguf model first');
    return this.#loaded;
  }

  #countPromptTokens(loaded: Loaded, messages: readonly ChatMessage[]): number {
    const { contextText } = loaded.chatWrapper.generateContextState({ chatHistory: toHistory(messages) });
    return contextText.tokenize(loaded.model.tokenizer).length;
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    try {
      this.#assertAlive();
    } catch (error) {
      return Promise.reject(error);
    }
    // Work accepted before dispose() still runs: dispose waits for it.
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #unloadNow(): Promise<void> {
    const loaded = this.#loaded;
    this.#loaded = null;
    if (!loaded) return;
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  async #load(file: string, options: LoadOptions): Promise<LoadedModelInfo> {
    const started = performance.now();
    // llama.cpp's weight-loading callbacks can arrive after the next stage began: only forward progress moves on.
    let reached = -1;
    const progress = (report: LoadProgress): void => {
      if (report.fraction < reached) return;
      reached = report.fraction;
      options.onProgress?.(report);
    };
    const threads = options.threads ?? this.#llama.cpuMathCores;
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be a whole number of at least 1, got ${threads}`);
    const gpuLayers = options.gpuLayers ?? 'auto';
    if (gpuLayers !== 'auto' && (!Number.isInteger(gpuLayers) || gpuLayers < 0)) {
      throw new RangeError(`gpuLayers must be "auto" or a whole number of at least 0, got ${gpuLayers}`);
    }

    progress({ stage: 'metadata', fraction: 0 });
    const { info, insights } = await inspectGgufFile(file, this.#llama);
    if (!info.supportedByLlamaCpp) {
      throw new ModelFileError(
        { code: 'model-file.unsupported-architecture', params: { file: info.file, architecture: info.architecture } },
        `${info.file} is a "${info.architecture}" model, an architecture the llama.cpp in this app (release ` +
          `${this.#llama.llamaCppRelease.release}) does not know. Choose a GGUF of a supported model (ChatGLM3-6B is ` +
          '"chatglm"), or update the app.',
      );
    }
    const contextSize =
      options.contextSize ?? Math.min(DEFAULT_CONTEXT_SIZE, info.contextLength ?? DEFAULT_CONTEXT_SIZE);
    if (!Number.isInteger(contextSize) || contextSize < 64)
      throw new RangeError(`contextSize must be a whole number of at least 64 tokens, got ${contextSize}`);
    const fit = await estimateModelFit(insights, this.#llama, { gpuLayers, contextSize });
    options.signal?.throwIfAborted();
    progress({ stage: 'metadata', fraction: 0.05 });

    // One model at a time: the old one goes before the new one takes memory.
    await this.#unloadNow();

    let model: LlamaModel;
    try {
      model = await this.#llama.loadModel({
        modelPath: info.file,
        gpuLayers: gpuLayers === 'auto' ? { fitContext: { contextSize } } : gpuLayers,
        onLoadProgress: (fraction) => progress({ stage: 'weights', fraction: 0.05 + fraction * 0.85 }),
        ...(options.signal ? { loadSignal: options.signal } : {}),
      });
    } catch (error) {
      if (isAbort(error, options.signal)) throw error;
      throw new ModelFileError(
        { code: 'model-file.load-failed', params: { file: info.file, detail: errorText(error) } },
        `llama.cpp could not load ${info.file}: ${error instanceof Error ? error.message : String(error)}. Memory estimate: ` +
          `${fit.summary} If the file is damaged, copy it again.`,
        { cause: error },
      );
    }

    let context: LlamaContext;
    progress({ stage: 'context', fraction: 0.9 });
    try {
      context = await model.createContext({ contextSize, threads, sequences: 1 });
    } catch (error) {
      await model.dispose();
      if (isAbort(error, options.signal)) throw error;
      throw new ModelFileError(
        { code: 'model-file.context-failed', params: { file: info.file, contextSize, detail: errorText(error) } },
        `The model loaded but its ${contextSize}-token context could not be allocated: ` +
          `${error instanceof Error ? error.message : String(error)}. Use a smaller context size or fewer GPU layers. ${fit.summary}`,
        { cause: error },
      );
    }

    const chatWrapper: ChatWrapper = isChatGLM3(info) ? new ChatGLM3ChatWrapper() : resolveChatWrapper(model);
    const details: LoadedModelInfo = {
      info,
      fit,
      gpuLayers: model.gpuLayers,
      contextSize: context.contextSize,
      threads,
      chatWrapper: chatWrapper.wrapperName,
      loadMs: Math.round(performance.now() - started),
    };
    this.#loaded = { model, context, sequence: context.getSequence(), chatWrapper, details };
    progress({ stage: 'ready', fraction: 1 });
    return details;
  }

  async #generate(messages: readonly ChatMessage[], options: GenerateOptions): Promise<GenerationResult> {
    const loaded = this.#requireLoaded(false);
    const started = performance.now();
    const promptTokens = this.#countPromptTokens(loaded, messages);
    const room = loaded.context.contextSize - promptTokens;
    if (room < 1) {
      throw new RangeError(
        `the prompt takes ${promptTokens} tokens, the whole ${loaded.context.contextSize}-token context: shorten it or load the model with a larger context size`,
      );
    }
    // Capped by the room left so that llama.cpp never shifts the context (which would silently drop the prompt's start).
    const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, room);
    let firstTokenAt: number | null = null;
    let tokens = 0;
    const result = (text: string, stopReason: StopReason): GenerationResult => ({
      text,
      stopReason,
      promptTokens,
      tokens,
      firstTokenMs: firstTokenAt === null ? null : Math.round(firstTokenAt - started),
      totalMs: Math.round(performance.now() - started),
    });
    if (options.signal?.aborted) return result('', 'abort');

    // Each generation starts from an empty sequence: its output depends on its messages only.
    await loaded.sequence.clearHistory();
    const chat = new LlamaChat({ contextSequence: loaded.sequence, chatWrapper: loaded.chatWrapper });
    try {
      const response = await chat.generateResponse(toHistory(messages), {
        maxTokens,
        temperature: options.temperature ?? 0,
        seed: options.seed ?? DEFAULT_SEED,
        repeatPenalty: options.repeatPenalty === undefined ? false : { penalty: options.repeatPenalty, lastTokens: 64 },
        ...(options.stopStrings?.length ? { customStopTriggers: options.stopStrings } : {}),
        ...(options.signal ? { signal: options.signal, stopOnAbortSignal: true } : {}),
        onToken: (generated) => {
          firstTokenAt ??= performance.now();
          tokens += generated.length;
        },
        onTextChunk: (text) => options.onToken?.(text),
      });
      const reason = response.metadata.stopReason;
      switch (reason) {
        case 'eogToken':
          return result(response.response, 'eos');
        case 'stopGenerationTrigger':
        case 'customStopTrigger':
          return result(response.response, 'stopString');
        case 'maxTokens':
          return result(response.response, 'maxTokens');
        case 'abort':
          return result(response.response, 'abort');
        case 'functionCalls':
          // No functions are offered, so this cannot happen; treated as the end of the turn.
          return result(response.response, 'eos');
        default:
          return reason satisfies never;
      }
    } catch (error) {
      // An abort before the first token throws instead of returning.
      if (isAbort(error, options.signal)) return result('', 'abort');
      throw error;
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  }
}
