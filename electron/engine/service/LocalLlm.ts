// The local LLM as a library's service uses it: loads and unloads one after another, why the last load failed, and
// generated answers and loads as jobs of the service's JobRunner (ids, token and progress events, cancelJob). The LLM
// host itself is the engine's.
import path from 'node:path';
import type {
  GpuMode,
  JobEvent,
  LibraryInfo,
  LlmInspection,
  LlmModelInfo,
  LlmModelStatus,
  LoadLlmOptions,
} from '../../../shared/engineApi.ts';
import type { ChatModel } from '../llm/ChatModel.ts';
import type { LlamaModelHost } from '../llm/LlamaModelHost.ts';
import type { GgufModelInfo } from '../llm/readGgufInfo.ts';
import { throttledProgress, type JobRunner } from './JobRunner.ts';
import { ServiceError } from './ServiceError.ts';

/** What the service needs of the engine for the local LLM (the Engine of createEngine.ts is one). */
export interface LlmProvider {
  /** The engine's one LLM host: the running one, or (with `gpu`) the one on that backend, started on first use. */
  llm(gpu?: GpuMode): Promise<LlamaModelHost>;
  /** The LLM host running now, or null: nothing is started. */
  readonly llmHost: LlamaModelHost | null;
  /** A .gguf file's metadata, read without starting llama.cpp (ModelFileError when unusable). */
  readModelInfo(file: string): Promise<GgufModelInfo>;
}

const NO_LLM_HERE = 'no local LLM can be loaded here: exact answers only (they quote the clauses verbatim)';
const NO_LLM_LOADED =
  'no local LLM loaded: exact answers only (they quote the clauses verbatim). Load a .gguf model in Settings for generated answers';

function modelInfo(info: GgufModelInfo): LlmModelInfo {
  return {
    fileName: info.fileName,
    sizeBytes: info.sizeBytes,
    architecture: info.architecture,
    name: info.name,
    parameters: info.parameters,
    quantization: info.quantization,
    contextLength: info.contextLength,
  };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `promise`, or the signal's reason as soon as it is aborted (what the promise does then is not waited for). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export class LocalLlm {
  readonly #engine: LlmProvider | undefined;
  readonly #jobs: JobRunner;
  readonly #emit: (event: JobEvent) => void;
  #lastFailure: { path: string; message: string; info: GgufModelInfo | null } | null = null;
  // Loads and unloads one after another.
  #queue: Promise<unknown> = Promise.resolve();

  /** `engine` undefined: no LLM can be loaded here (exact answers only). */
  constructor(engine: LlmProvider | undefined, jobs: JobRunner, emit: (event: JobEvent) => void) {
    this.#engine = engine;
    this.#jobs = jobs;
    this.#emit = emit;
  }

  /** The engine's LLM host if it runs (null without an engine). */
  get #host(): LlamaModelHost | null {
    return this.#engine?.llmHost ?? null;
  }

  /**
   * Writes a generated answer with the loaded model, as a job (`jobId`, or one made up): `write` gets the model, the
   * signal that cancelJob aborts, and the function that sends the answer's text as the job's token events.
   */
  async generate<T>(
    jobId: string | undefined,
    write: (llm: ChatModel, signal: AbortSignal, onToken: (text: string) => void) => Promise<T>,
  ): Promise<T> {
    const host = this.#host;
    if (!host?.loaded)
      throw new ServiceError(`generated answers need a local LLM: ${this.#engine ? NO_LLM_LOADED : NO_LLM_HERE}`, {
        code: this.#engine ? 'service.no-llm-loaded' : 'service.no-llm-here',
        params: {},
      });
    return this.#jobs.run(
      'answer',
      (signal, id) => write(host, signal, (text) => this.#emit({ jobId: id, type: 'token', kind: 'answer', text })),
      jobId,
    );
  }

  /** A .gguf file's metadata and whether it fits, nothing loaded (llama.cpp is started). */
  async inspect(file: string): Promise<LlmInspection> {
    const engine = this.#engine;
    if (!engine) throw new ServiceError(NO_LLM_HERE, { code: 'service.no-llm-here', params: {} });
    const resolved = path.resolve(file);
    // The header alone first: a missing or broken file is refused without starting llama.cpp.
    await engine.readModelInfo(resolved);
    // llama.cpp is started now: from here on modelStatus() reports the GPU it found.
    const host = await engine.llm();
    const { info, fit } = await host.inspect(resolved);
    return { path: resolved, info: modelInfo(info), fit: { fits: fit.fits, summary: fit.summary } };
  }

  /**
   * Loads a model into the engine's host on the backend asked for, one load or unload at a time: a job from the call
   * on (waiting for another load included), its progress as the job's events, cancelJob stops it.
   */
  load(file: string, options: LoadLlmOptions = {}): Promise<LlmModelStatus> {
    const engine = this.#engine;
    if (!engine) return Promise.reject(new ServiceError(NO_LLM_HERE, { code: 'service.no-llm-here', params: {} }));
    return this.#jobs.run(
      'llmLoad',
      (signal, jobId) =>
        this.#exclusive(async () => {
          signal.throwIfAborted();
          if (this.#jobs.running('answer'))
            throw new ServiceError('an answer is being written: wait for it or cancel it before changing the model', {
              code: 'service.answer-being-written',
              params: {},
            });
          const resolved = path.resolve(file);
          let info: GgufModelInfo | null = null;
          try {
            // The header first: a missing, non-GGUF or truncated file is refused before llama.cpp starts.
            info = await untilAborted(engine.readModelInfo(resolved), signal);
            // The engine's host on that backend: one on another backend is disposed first (one model at a time).
            const host = await engine.llm(options.gpu ?? 'auto');
            await host.load(resolved, {
              ...(options.gpuLayers === undefined ? {} : { gpuLayers: options.gpuLayers }),
              ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
              ...(options.threads === undefined ? {} : { threads: options.threads }),
              signal,
              onProgress: throttledProgress(
                (progress) =>
                  this.#emit({
                    jobId,
                    type: 'progress',
                    kind: 'llmLoad',
                    progress: { path: resolved, fraction: progress.fraction },
                  }),
                (progress) => progress.stage === 'ready',
              ),
            });
            this.#lastFailure = null;
          } catch (error) {
            // A cancelled load is no failure of the model: what was there before is reported as it is.
            if (!signal.aborted) this.#lastFailure = { path: resolved, message: errorText(error), info };
            throw error;
          }
          return this.status();
        }),
      options.jobId,
    );
  }

  unload(): Promise<LlmModelStatus> {
    return this.#exclusive(async () => {
      if (this.#jobs.running('answer'))
        throw new ServiceError('an answer is being written: wait for it or cancel it before unloading the model', {
          code: 'service.answer-being-written',
          params: {},
        });
      await this.#host?.unload();
      this.#lastFailure = null;
      return this.status();
    });
  }

  /** One line on the local LLM, for libraryInfo(). */
  summary(): LibraryInfo['llm'] {
    const loaded = this.#host?.loaded ? this.#host : null;
    if (loaded)
      return {
        state: 'loaded',
        model: loaded.modelId,
        message: `${loaded.modelId} loaded: generated answers available`,
      };
    if (this.#lastFailure) return { state: 'error', model: null, message: this.#lastFailure.message };
    return { state: 'absent', model: null, message: this.#engine ? NO_LLM_LOADED : NO_LLM_HERE };
  }

  /** The model loaded (or why none is), its runtime and the GPU llama.cpp found. */
  async status(): Promise<LlmModelStatus> {
    const host = this.#host;
    const gpu = host ? await host.gpuInfo().catch(() => null) : null;
    const gpuStatus = gpu
      ? {
          backend: gpu.backend,
          devices: gpu.devices,
          vramTotalBytes: gpu.vramTotalBytes,
          vramFreeBytes: gpu.vramFreeBytes,
        }
      : null;
    const loaded = host?.loaded ?? null;
    const summary = this.summary();
    if (loaded) {
      return {
        state: 'loaded',
        path: loaded.info.file,
        info: modelInfo(loaded.info),
        fit: { fits: loaded.fit.fits, summary: loaded.fit.summary },
        runtime: {
          gpuLayers: loaded.gpuLayers,
          contextSize: loaded.contextSize,
          threads: loaded.threads,
          chatWrapper: loaded.chatWrapper,
          loadMs: loaded.loadMs,
        },
        gpu: gpuStatus,
        message: this.#lastFailure
          ? `${summary.message}. The last load failed: ${this.#lastFailure.message}`
          : summary.message,
      };
    }
    const failed = this.#lastFailure;
    return {
      state: summary.state,
      path: failed?.path ?? null,
      info: failed?.info ? modelInfo(failed.info) : null,
      fit: null,
      runtime: null,
      gpu: gpuStatus,
      message: summary.message,
    };
  }

  /** Waits for a load or unload under way (the service's JobRunner cancels the jobs); the host stays the engine's. */
  async dispose(): Promise<void> {
    await this.#queue;
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
