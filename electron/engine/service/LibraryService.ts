// EngineApi over one open Library: the object every face (kb serve's WebSocket, Electron's utility process) calls
// after validating its arguments. Turns long work into jobs with ids, progress events and cancellation, and holds the
// the last load of the local LLM (the engine's LlamaModelHost, which the engine owns) for generated answers streamed
// as events.
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, lstat, mkdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  AskOptions,
  AskReply,
  DocumentFile,
  EngineApi,
  EngineEventName,
  EngineEvents,
  GpuMode,
  JobStarted,
  LibraryInfo,
  LlmInspection,
  LlmModelInfo,
  LlmModelStatus,
  LoadLlmOptions,
  ModelStatus,
  PassageContext,
  PassageRef,
  SearchOptions,
  SourceInfo,
  UploadedFile,
} from '../../../shared/engineApi.ts';
import type {
  DocumentInfo,
  DocumentProfileChanges,
  EmbeddingProgress,
  HistoryEntry,
  IngestProgress,
  IngestSummary,
  SearchHit,
  ThesaurusInfo,
} from '../../../shared/types.ts';
import { formatConversationMarkdown } from '../answer/formatAnswer.ts';
import type { Library } from '../Library.ts';
import type { LlamaModelHost } from '../llm/LlamaModelHost.ts';
import type { GgufModelInfo } from '../llm/readGgufInfo.ts';
import { JobRunner, throttledProgress } from './JobRunner.ts';

// Characters of document text shown on each side of a cited passage: about a screen of Chinese.
const CONTEXT_CHARS = 800;
// The largest original file sent to a face (base64 in one message): a PDF page needs the whole file.
const MAX_DOCUMENT_FILE_BYTES = 128 * 1024 * 1024;

export type EngineEventListener = <E extends EngineEventName>(event: E, payload: EngineEvents[E]) => void;

/** What the service needs of the engine for the local LLM (the Engine of createEngine.ts is one). */
export interface LlmProvider {
  /** The engine's one LLM host: the running one, or (with `gpu`) the one on that backend, started on first use. */
  llm(gpu?: GpuMode): Promise<LlamaModelHost>;
  /** The LLM host running now, or null: nothing is started. */
  readonly llmHost: LlamaModelHost | null;
  /** A .gguf file's metadata, read without starting llama.cpp (ModelFileError when unusable). */
  readModelInfo(file: string): Promise<GgufModelInfo>;
}

export interface LibraryServiceOptions {
  /** Folder where uploaded files are written before they are ingested. Defaults to `<library file>.uploads`. */
  uploadDir?: string;
  /** Reported in `libraryInfo().version`. */
  version: string;
  transport: LibraryInfo['transport'];
  /** The engine, for the local LLM. Defaults to `undefined`: no LLM can be loaded (exact answers only). */
  engine?: LlmProvider;
  /** Where the libraries live, reported by modelStatus(). Defaults to the library file's folder. */
  dataFolder?: string;
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

/** A person-readable refusal (wrong state, unknown id): sent to the caller as is. */
export class ServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * The most UTF-8 bytes of one name the upload writes. File systems allow 255 bytes (ext4, APFS; NTFS 255 UTF-16
 * units), and a Chinese character is 3 bytes: a name of 86 Chinese characters failed with a raw ENAMETOOLONG.
 */
const MAX_NAME_BYTES = 240;

/** The longest start of `text` within `maxBytes` UTF-8 bytes, cut between characters. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/**
 * Makes an uploaded file's name safe to write: no folders, no hidden files, no control characters, NFC, and at most
 * MAX_NAME_BYTES (a longer name is cut on a character, keeps its extension and gets a hash of the whole name).
 */
export function safeUploadName(name: string): string {
  // NFC: the same name typed on macOS (NFD) and elsewhere is one file, not two that look alike.
  const base = [...name.normalize('NFC').replace(/[\\/]/g, '_')]
    .filter((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f')
    .join('');
  const trimmed = base.replace(/^[.\s]+/, '').trim();
  if (trimmed === '') return 'upload';
  if (Buffer.byteLength(trimmed) <= MAX_NAME_BYTES) return trimmed;
  // Too long for a file system: cut on a character, keep the extension, and keep names that differ only after
  // the cut apart with a hash of the whole name.
  const extension = /\.[\p{L}\p{N}]{1,10}$/u.exec(trimmed)?.[0] ?? '';
  const tag = `~${createHash('sha256').update(trimmed).digest('hex').slice(0, 8)}`;
  const stem = utf8Prefix(
    trimmed.slice(0, trimmed.length - extension.length),
    MAX_NAME_BYTES - Buffer.byteLength(tag + extension),
  ).trimEnd();
  return `${stem}${tag}${extension}`;
}

/** Moves a file; across file systems (a staging folder on another mount), copies it and removes the original. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

export class LibraryService implements EngineApi {
  readonly #library: Library;
  readonly #options: LibraryServiceOptions;
  readonly #uploadDir: string;
  readonly #listeners = new Set<EngineEventListener>();
  readonly #jobs = new JobRunner((done) => this.#emit('jobDone', done));
  // An upload batch being written (before its ingestion job exists).
  #uploading = false;
  // Why the last load failed (the engine holds the LLM itself).
  #llmError: { path: string; message: string; info: GgufModelInfo | null } | null = null;
  // Loads and unloads one after another.
  #llmQueue: Promise<unknown> = Promise.resolve();
  // Generated answers being written, by request id.
  readonly #asks = new Map<string, AbortController>();

  constructor(library: Library, options: LibraryServiceOptions) {
    this.#library = library;
    this.#options = options;
    this.#uploadDir = options.uploadDir ?? `${library.file}.uploads`;
  }

  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get uploadDir(): string {
    return this.#uploadDir;
  }

  #emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  async libraryInfo(): Promise<LibraryInfo> {
    return {
      file: this.#library.file,
      stats: this.#library.stats(),
      semantic: this.#library.semanticStatus(),
      llm: this.#llmSummary(),
      transport: this.#options.transport,
      version: this.#options.version,
    };
  }

  async listDocuments(): Promise<DocumentInfo[]> {
    return this.#library.listDocuments().filter((document) => document.status !== 'removed');
  }

  async ingestPaths(paths: string[]): Promise<JobStarted> {
    return this.#startIngest(paths);
  }

  async uploadFiles(files: UploadedFile[]): Promise<JobStarted> {
    return this.#saveUploads(
      files.map(({ name, dataBase64 }) => ({
        name,
        place: (target) => writeFile(target, Buffer.from(dataBase64, 'base64')),
      })),
    );
  }

  /**
   * Ingests files kb serve has streamed to disk (its staging folder, one PUT each) under their uploaded names: moved
   * into the upload folder, with uploadFiles' rules (whole batch or nothing, names cut, look-alikes refused). Not an
   * EngineApi method: the paths are the server's own, never a caller's. What is not moved stays for the caller.
   */
  async uploadStagedFiles(files: { name: string; stagedFile: string }[]): Promise<JobStarted> {
    return this.#saveUploads(
      files.map(({ name, stagedFile }) => ({ name, place: (target) => moveFile(stagedFile, target) })),
    );
  }

  async #saveUploads(files: { name: string; place: (target: string) => Promise<void> }[]): Promise<JobStarted> {
    // One batch at a time: a second one written beside the first could not start its ingestion, and the rollback
    // of one must not remove what the other wrote.
    if (this.#jobs.busy || this.#uploading)
      throw new ServiceError('an ingestion is already running: wait for it to finish or cancel it');
    // Each folder of a relative name is cleaned like a file name, so the target stays under the upload folder.
    const targets = files.map((file) => file.name.split('/').map(safeUploadName));
    const seen = new Map<string, string>();
    targets.forEach((parts, i) => {
      const key = parts.join('/');
      const other = seen.get(key);
      if (other !== undefined)
        throw new ServiceError(
          `"${files[i]!.name}" and "${other}" would be written as the same file (${key}): rename one of them and upload again`,
        );
      seen.set(key, files[i]!.name);
    });
    this.#uploading = true;
    // A batch is written whole or not at all: when a file cannot be written, or the ingestion cannot start, what
    // the batch created is removed and what it overwrote (the same name uploaded before) is put back. An overwritten
    // file is moved aside, beside the upload folder (never inside it, where the ingestion would find it), rather than
    // read into memory: it may be a 100 MB PDF.
    const createdFiles: string[] = [];
    const createdFolders: string[] = [];
    const replaced = new Map<string, string>();
    const asideDir = `${this.#uploadDir}.replaced`;
    let writing = '';
    try {
      const uploadRoot = await mkdir(this.#uploadDir, { recursive: true });
      if (uploadRoot !== undefined) createdFolders.push(uploadRoot);
      const sources = new Set<string>();
      for (const [i, parts] of targets.entries()) {
        writing = files[i]!.name;
        const target = path.join(this.#uploadDir, ...parts);
        const folder = await mkdir(path.dirname(target), { recursive: true });
        if (folder !== undefined) createdFolders.push(folder);
        const before = await lstat(target).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (before === null) createdFiles.push(target);
        else if (before.isDirectory()) throw Object.assign(new Error(`${target} is a folder`), { code: 'EISDIR' });
        else {
          await mkdir(asideDir, { recursive: true });
          const aside = path.join(asideDir, randomUUID());
          await rename(target, aside);
          replaced.set(target, aside);
        }
        await files[i]!.place(target);
        // An uploaded folder becomes one source (re-scanned as a folder); a loose file is its own.
        sources.add(path.join(this.#uploadDir, parts[0]!));
      }
      writing = '';
      const started = this.#startIngest([...sources]);
      await Promise.all([...replaced.values()].map((aside) => rm(aside, { force: true })));
      await rmdir(asideDir).catch(() => undefined);
      return started;
    } catch (error) {
      await Promise.all(createdFiles.map((file) => rm(file, { force: true })));
      await Promise.all([...replaced].map(([file, aside]) => rename(aside, file).catch(() => undefined)));
      await rmdir(asideDir).catch(() => undefined);
      // mkdir returned the first folder it made; the ones below it were made too: remove the deepest first.
      for (const folder of createdFolders.reverse())
        await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      if (error instanceof ServiceError) throw error;
      throw new ServiceError(
        `the upload could not be saved (${this.#uploadFailure(error as NodeJS.ErrnoException, writing)}); nothing of it was kept`,
      );
    } finally {
      this.#uploading = false;
    }
  }

  /** Why an uploaded file could not be written, and what to do, for a person. */
  #uploadFailure({ code, message }: NodeJS.ErrnoException, name: string): string {
    const file = name === '' ? 'the upload folder' : `"${name}"`;
    switch (code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return `the disk is full while writing ${file}: free space, then upload again`;
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return `no permission to write ${file} in ${this.#uploadDir}: fix the folder's permissions, then upload again`;
      case 'ENOTDIR':
      case 'EISDIR':
      case 'EEXIST':
        return `${file} clashes with a file or folder of the same name uploaded before, in ${this.#uploadDir}: rename it and upload again`;
      case 'ENAMETOOLONG':
        return `the path of ${file} is too long for this file system: upload it with fewer or shorter folders`;
      default:
        return `${file}: ${message}`;
    }
  }

  async listSources(): Promise<SourceInfo[]> {
    return this.#library.sources();
  }

  async rescanSources(paths?: string[]): Promise<JobStarted> {
    const sources = await this.listSources();
    const known = new Map(sources.map((source) => [source.path, source]));
    // Only what the library was fed can be re-read this way: a path that is not a source is refused, not ingested.
    const unknown = (paths ?? []).find((p) => !known.has(p));
    if (unknown !== undefined)
      throw new ServiceError(`${unknown} is not a source of this library: add it as a folder or file instead`);
    const chosen = paths ? [...new Set(paths)].map((p) => known.get(p)!) : sources;
    if (chosen.length === 0) throw new ServiceError('this library has no sources yet: add a folder or files first');
    const present = chosen.filter((source) => source.kind !== 'missing').map((source) => source.path);
    // A source that is not there (moved, deleted, an unplugged drive) is reported, and its documents stay.
    const missing = chosen
      .filter((source) => source.kind === 'missing')
      .map((source) => ({
        path: source.path,
        reason: 'unreadable' as const,
        detail: 'not found (moved, deleted, or on a drive not connected): its documents stay in the library',
      }));
    if (present.length === 0)
      throw new ServiceError(
        `not found: ${missing.map((m) => m.path).join(', ')} (moved, deleted, or on a drive not connected); the documents from it stay in the library`,
      );
    return this.#startIngest(present, missing);
  }

  async documentFile(documentId: number): Promise<DocumentFile> {
    const read = await this.#library.readDocumentFile(documentId, MAX_DOCUMENT_FILE_BYTES);
    switch (read.state) {
      case 'read':
        return read.file;
      case 'not-in-library':
        throw new ServiceError(`document ${documentId} is not in this library any more`);
      case 'file-gone':
        throw new ServiceError(
          `${read.path} is not there any more (moved or deleted): re-scan its folder, or add the file again`,
        );
      case 'too-large':
        throw new ServiceError(
          `${path.basename(read.path)} is ${Math.round(read.sizeBytes / 1024 / 1024)} MB, over the ${MAX_DOCUMENT_FILE_BYTES / 1024 / 1024} MB that can be shown here: open the file itself`,
        );
      default:
        return read satisfies never;
    }
  }

  #startIngest(inputs: string[], notFound: IngestSummary['skipped'] = []): JobStarted {
    if (this.#jobs.busy)
      throw new ServiceError('an ingestion or embedding is already running: wait for it to finish or cancel it');
    return this.#jobs.start(
      (signal, jobId) => {
        const onProgress = throttledProgress<IngestProgress>(
          (progress) => this.#emit('ingestProgress', { jobId, progress }),
          (progress) => progress.currentFile === null || progress.filesDone === 0,
        );
        return this.#library.ingest(inputs, { signal, onProgress });
      },
      {
        done: (summary, jobId) => ({
          jobId,
          summary: notFound.length > 0 ? { ...summary, skipped: [...notFound, ...summary.skipped] } : summary,
          error: null,
        }),
        failed: (error, jobId) => ({ jobId, summary: null, error: errorText(error) }),
      },
    );
  }

  async cancelJob(jobId: string): Promise<boolean> {
    return this.#jobs.cancel(jobId);
  }

  async removeDocument(documentId: number): Promise<void> {
    if (this.#jobs.busy) throw new ServiceError('documents cannot be removed while an ingestion is running');
    const document = this.#library.removeDocument(documentId);
    if (!document) throw new ServiceError(`no document ${documentId} in this library`);
    // An uploaded copy is ours to delete; a file the user pointed at is theirs and stays.
    if (path.dirname(document.path) === path.resolve(this.#uploadDir))
      await unlink(document.path).catch(() => undefined);
  }

  async thesaurus(): Promise<ThesaurusInfo> {
    return this.#library.thesaurusInfo();
  }

  async addSynonym(ask: string, means: string[]): Promise<ThesaurusInfo> {
    this.#library.addSynonym(ask, means);
    return this.#library.thesaurusInfo();
  }

  async removeSynonym(id: number): Promise<ThesaurusInfo> {
    if (!this.#library.removeSynonym(id)) throw new ServiceError(`no thesaurus entry ${id} in this library`);
    return this.#library.thesaurusInfo();
  }

  async setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<DocumentInfo> {
    if (!this.#library.setDocumentProfile(documentId, changes))
      throw new ServiceError(`no document ${documentId} in this library`);
    return this.#library.listDocuments().find((d) => d.id === documentId)!;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.#library.search(query, { k: options.k ?? 10 });
  }

  async ask(question: string, options: AskOptions = {}): Promise<AskReply> {
    const conversation = options.conversationId === undefined ? {} : { conversationId: options.conversationId };
    if (options.mode !== 'generate') return this.#library.ask(question, { mode: 'exact', ...conversation });
    const host = this.#llmHost;
    if (!host?.loaded)
      throw new ServiceError(
        `generated answers need a local LLM: ${this.#options.engine ? NO_LLM_LOADED : NO_LLM_HERE}`,
      );
    const requestId = options.requestId ?? randomUUID();
    if (this.#asks.has(requestId))
      throw new ServiceError(`an answer with request id ${requestId} is already being written`);
    const controller = new AbortController();
    this.#asks.set(requestId, controller);
    try {
      // Retrieval and the not_found gate come first: the model is only asked when the library holds evidence.
      return await this.#library.ask(question, {
        mode: 'generate',
        llm: host,
        signal: controller.signal,
        onToken: (text) => this.#emit('answerToken', { requestId, text }),
        ...(options.maxAnswerTokens === undefined ? {} : { maxAnswerTokens: options.maxAnswerTokens }),
        ...conversation,
      });
    } finally {
      this.#asks.delete(requestId);
    }
  }

  async cancelAsk(requestId: string): Promise<boolean> {
    const controller = this.#asks.get(requestId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  async modelStatus(): Promise<ModelStatus> {
    return {
      llm: await this.#llmStatus(),
      embedding: this.#library.semanticStatus(),
      dataFolder: this.#options.dataFolder ?? path.dirname(this.#library.file),
      libraryPath: this.#library.file,
    };
  }

  async inspectLlm(file: string): Promise<LlmInspection> {
    const engine = this.#options.engine;
    if (!engine) throw new ServiceError(NO_LLM_HERE);
    const resolved = path.resolve(file);
    // The header alone first: a missing or broken file is refused without starting llama.cpp.
    await engine.readModelInfo(resolved);
    // llama.cpp is started now: from here on modelStatus() reports the GPU it found.
    const host = await engine.llm();
    const { info, fit } = await host.inspect(resolved);
    return { path: resolved, info: modelInfo(info), fit: { fits: fit.fits, summary: fit.summary } };
  }

  loadLlm(file: string, options: LoadLlmOptions = {}): Promise<LlmModelStatus> {
    return this.#llmExclusive(async () => {
      const engine = this.#options.engine;
      if (!engine) throw new ServiceError(NO_LLM_HERE);
      if (this.#asks.size > 0)
        throw new ServiceError('an answer is being written: wait for it or cancel it before changing the model');
      const resolved = path.resolve(file);
      let info: GgufModelInfo | null = null;
      try {
        // The header first: a missing, non-GGUF or truncated file is refused before llama.cpp starts.
        info = await engine.readModelInfo(resolved);
        // The engine's host on that backend: one on another backend is disposed first (one model at a time).
        const host = await engine.llm(options.gpu ?? 'auto');
        await host.load(resolved, {
          ...(options.gpuLayers === undefined ? {} : { gpuLayers: options.gpuLayers }),
          ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
          ...(options.threads === undefined ? {} : { threads: options.threads }),
          onProgress: throttledProgress(
            (progress) => this.#emit('llmLoadProgress', { path: resolved, progress: progress.fraction }),
            (progress) => progress.stage === 'ready',
          ),
        });
        this.#llmError = null;
      } catch (error) {
        this.#llmError = { path: resolved, message: errorText(error), info };
        throw error;
      }
      return this.#llmStatus();
    });
  }

  unloadLlm(): Promise<LlmModelStatus> {
    return this.#llmExclusive(async () => {
      if (this.#asks.size > 0)
        throw new ServiceError('an answer is being written: wait for it or cancel it before unloading the model');
      await this.#llmHost?.unload();
      this.#llmError = null;
      return this.#llmStatus();
    });
  }

  async setEmbeddingModel(dir: string): Promise<JobStarted> {
    if (this.#jobs.busy)
      throw new ServiceError('an ingestion or embedding is already running: wait for it to finish or cancel it');
    const folder = path.resolve(dir);
    const isFolder = await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      throw new ServiceError(
        `${folder} is not a folder: choose the embedding model's folder (config.json, tokenizer.json, onnx/model.onnx), e.g. bge-small-zh-v1.5`,
      );
    }
    return this.#jobs.start(
      (signal, jobId) => {
        const onProgress = throttledProgress<EmbeddingProgress>(
          (progress) => this.#emit('embeddingProgress', { jobId, progress }),
          (progress) => progress.embedded >= progress.total,
        );
        return this.#library.setEmbeddingModel(folder, { signal, onProgress });
      },
      {
        done: ({ reembedded }, jobId) => ({ jobId, summary: null, error: null, embedded: reembedded }),
        failed: (error, jobId, signal) => ({
          jobId,
          summary: null,
          embedded: 0,
          error: signal.aborted
            ? 'cancelled: the model is set; passages not embedded yet are embedded at the next import'
            : errorText(error),
        }),
      },
    );
  }

  #llmExclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#llmQueue.then(run);
    this.#llmQueue = result.catch(() => undefined);
    return result;
  }

  /** The engine's LLM host if it runs (null without an engine). */
  get #llmHost(): LlamaModelHost | null {
    return this.#options.engine?.llmHost ?? null;
  }

  #llmSummary(): LibraryInfo['llm'] {
    const loaded = this.#llmHost?.loaded ? this.#llmHost : null;
    if (loaded)
      return {
        state: 'loaded',
        model: loaded.modelId,
        message: `${loaded.modelId} loaded: generated answers available`,
      };
    if (this.#llmError) return { state: 'error', model: null, message: this.#llmError.message };
    return { state: 'absent', model: null, message: this.#options.engine ? NO_LLM_LOADED : NO_LLM_HERE };
  }

  async #llmStatus(): Promise<LlmModelStatus> {
    const host = this.#llmHost;
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
    const summary = this.#llmSummary();
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
        message: this.#llmError
          ? `${summary.message}. The last load failed: ${this.#llmError.message}`
          : summary.message,
      };
    }
    const failed = this.#llmError;
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

  async history(): Promise<HistoryEntry[]> {
    return this.#library.history();
  }

  async exportConversation(conversationId: number): Promise<string> {
    const entries = this.#library.history(conversationId);
    if (entries.length === 0) throw new ServiceError(`no conversation ${conversationId} in this library`);
    return formatConversationMarkdown(this.#library.file, entries, new Date().toISOString());
  }

  async passageContext(ref: PassageRef): Promise<PassageContext> {
    const context = this.#library.passageContext(ref, CONTEXT_CHARS);
    if (!context) throw new ServiceError(`document ${ref.documentId} is not in this library any more`);
    return context;
  }

  /** Cancels the running job and waits for it to stop; the library itself belongs to the caller. */
  async dispose(): Promise<void> {
    for (const controller of this.#asks.values()) controller.abort();
    await this.#jobs.stopAll();
    // The LLM host is the engine's to dispose.
    await this.#llmQueue;
    this.#listeners.clear();
  }
}
