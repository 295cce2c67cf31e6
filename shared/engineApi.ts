// The contract between the engine and its faces, written once: the methods and events of `EngineApi`, the DTOs they
// carry (from ./types.ts), and a validator for every method's arguments. Electron main (IPC handlers), the preload
// (window.kb), the renderer and the web bridge (`kb serve`) are all typed against this file.
// Plain data only: whatever crosses a process boundary here is JSON-safe (uploads travel as base64 text).
import { KbError, type WireError } from './errors.ts';
import type { RpcContract, RpcEvent } from './rpc/rpcProtocol.ts';
import { DOCUMENT_KINDS } from './types.ts';
import type {
  AnswerMode,
  Citation,
  DocumentInfo,
  DocumentProfileChanges,
  ThesaurusInfo,
  EmbeddingProgress,
  HistoryEntry,
  IngestProgress,
  IngestSummary,
  LibraryStats,
  SearchHit,
  SemanticSearchStatus,
  Answer,
} from './types.ts';

/** Whether generated answers are possible, and if not, why (for a person). */
export interface LlmStatus {
  state: 'loaded' | 'absent' | 'error';
  /** The loaded model, e.g. 'chatglm3-6b.Q4_0.gguf'. */
  model: string | null;
  message: string;
}

/** The library this face is bound to, and the state of its optional parts. */
export interface LibraryInfo {
  /** Absolute path of the library file. */
  file: string;
  stats: LibraryStats;
  semantic: SemanticSearchStatus;
  llm: LlmStatus;
  /** How files reach the engine: as paths on this machine (Electron), or as uploaded bytes (the web bridge). */
  transport: 'ipc' | 'web';
  /** Version of the app or server, e.g. "0.1.0". */
  version: string;
}

/**
 * A file sent by the web bridge: its name and its bytes as base64. The name may keep the folders of a chosen folder
 * ("GB/T 22239/附录A.pdf", `/` only, never `..`), so files with one name in two folders stay two files.
 */
export interface UploadedFile {
  name: string;
  dataBase64: string;
}

/** A folder or file the library was fed, which `rescanSources` can read again. */
export interface SourceInfo {
  /** Absolute path on the machine that ingested it. */
  path: string;
  /** What is there now: a folder, a file, or nothing (moved, deleted, an unplugged drive). */
  kind: 'folder' | 'file' | 'missing';
  /** Documents of the library that came from it (not removed). */
  documents: number;
  /** ISO 8601 time it was first added. */
  addedAt: string;
}

/** The original file of a document, for showing it (a PDF page rendered by pdf.js) or saving a copy. */
export interface DocumentFile {
  documentId: number;
  /** The file's name, without folders. */
  fileName: string;
  type: DocumentInfo['type'];
  sizeBytes: number;
  dataBase64: string;
  /** False when the file on disk is no longer the one indexed (its sha256 differs): pages and quotes may not match. */
  matchesIndex: boolean;
}

/** A .gguf file's metadata and the memory estimate, read without loading it. */
export interface LlmInspection {
  /** Absolute path of the file. */
  path: string;
  info: LlmModelInfo;
  fit: { fits: boolean; summary: string };
}

/** A started job (ingestion, embedding): its progress and its end arrive as `job` events with this id. */
export interface JobStarted {
  jobId: string;
}

/**
 * The options of every method that starts a job (ingestion, embedding, a generated answer, loading the LLM). The
 * caller chooses the id, so it can listen for the job's events before the call is even sent: none is missed.
 */
export interface JobOptions {
  /**
   * Up to 100 letters, digits and `. _ : -`; unique among the jobs running. Defaults to a random id (returned in
   * JobStarted, or unknown to the caller for ask and loadLlm: then it cannot cancel).
   */
  jobId?: string;
}

export interface SearchOptions {
  /** Number of passages, 1..50. Defaults to `10`. */
  k?: number;
}

export interface AskOptions extends JobOptions {
  /** Defaults to `'exact'`; `'generate'` needs a loaded LLM (see LibraryInfo.llm). */
  mode?: AnswerMode;
  /** Add the exchange to this conversation; a new one is started when absent. */
  conversationId?: number;
  // A generated answer is a job (JobOptions.jobId): its text streams as `token` job events, `cancelJob(jobId)` stops
  // it (the partial answer is returned and recorded). An exact answer is no job: it is there at once.
  /** Token cap of a generated answer, 1..4096. Defaults to the engine's (512). */
  maxAnswerTokens?: number;
}

/** GPU backend for the local LLM: `'auto'` picks Metal / CUDA / Vulkan when present, else the CPU. */
export type GpuMode = 'auto' | 'cpu' | 'metal' | 'cuda' | 'vulkan';
export const GPU_MODES = ['auto', 'cpu', 'metal', 'cuda', 'vulkan'] as const satisfies readonly GpuMode[];

export interface LoadLlmOptions extends JobOptions {
  /** Defaults to `'auto'`. A named backend that does not work here is refused (never a silent CPU fall-back). */
  gpu?: GpuMode;
  /** Layers offloaded to the GPU: `'auto'` (as many as fit) or a number (0 = CPU only). Defaults to `'auto'`. */
  gpuLayers?: 'auto' | number;
  /** Context size in tokens (64..131072). Defaults to 4096, or the model's training context when smaller. */
  contextSize?: number;
  /** CPU threads (1..256). Defaults to the physical cores. */
  threads?: number;
}

/** What a .gguf file says about its model (read from its header before loading). */
export interface LlmModelInfo {
  fileName: string;
  sizeBytes: number;
  /** `general.architecture`, e.g. 'chatglm', 'llama'. */
  architecture: string;
  name: string | null;
  /** Parameters counted from the tensor table. */
  parameters: number | null;
  /** e.g. 'Q4_K_M', 'F16'. */
  quantization: string | null;
  /** Training context, tokens. */
  contextLength: number | null;
}

/** The local LLM's state: the file, its metadata, the memory estimate, the GPU llama.cpp found. */
export interface LlmModelStatus {
  state: 'absent' | 'loaded' | 'error';
  /** The file loaded (or that failed to load). */
  path: string | null;
  info: LlmModelInfo | null;
  /** The memory estimate made before loading: whether it fits, and in words. */
  fit: { fits: boolean; summary: string } | null;
  /** How the model runs, once loaded. */
  runtime: { gpuLayers: number; contextSize: number; threads: number; chatWrapper: string; loadMs: number } | null;
  /** The backend llama.cpp runs on and the GPUs it sees; null until llama.cpp has been started. */
  gpu: {
    backend: 'metal' | 'cuda' | 'vulkan' | 'cpu';
    devices: string[];
    vramTotalBytes: number;
    vramFreeBytes: number;
  } | null;
  /** For a person: what is loaded, or what went wrong and what to do. */
  message: string;
}

/** Every model the app can use, and where its data lives. */
export interface ModelStatus {
  llm: LlmModelStatus;
  embedding: SemanticSearchStatus;
  /** The folder the libraries live in. */
  dataFolder: string;
  /** Absolute path of the library file. */
  libraryPath: string;
}

export interface AskReply {
  answer: Answer;
  conversationId: number | null;
  messageId: number | null;
}

/** What `passageContext` needs of a citation or search hit: the document and the character range. */
export type PassageRef = Pick<Citation, 'documentId' | 'charStart' | 'charEnd'>;

/** A passage in its surroundings: the text before it, the passage itself, the text after it. */
export interface PassageContext {
  documentId: number;
  documentPath: string;
  documentTitle: string | null;
  documentType: DocumentInfo['type'];
  before: string;
  quote: string;
  after: string;
  /** Whether the document goes on before `before` / after `after`. */
  moreBefore: boolean;
  moreAfter: boolean;
  /** The pages the passage is on (1-based; null for formats without pages). */
  pageStart: number | null;
  pageEnd: number | null;
}

/** The engine as its faces see it. Every method is async: it crosses a process or a network boundary. */
export interface EngineApi {
  libraryInfo(): Promise<LibraryInfo>;
  listDocuments(): Promise<DocumentInfo[]>;
  /** Ingests files and folders by path (Electron: dropped files' paths). One ingestion at a time. */
  ingestPaths(paths: string[], options?: JobOptions): Promise<JobStarted>;
  /** Ingests uploaded files (the web bridge): written beside the library, then ingested. */
  uploadFiles(files: UploadedFile[], options?: JobOptions): Promise<JobStarted>;
  /**
   * Stops a job of any kind (an ingestion after the file in progress, an embedding, a generated answer, loading the
   * LLM); it ends with its `done` event, `cancelled: true`. False when no such job is running.
   */
  cancelJob(jobId: string): Promise<boolean>;
  /** Removes a document and its passages from the library (the file itself is left alone). */
  removeDocument(documentId: number): Promise<void>;
  /** The folders and files the library was fed, and what is there now. */
  listSources(): Promise<SourceInfo[]>;
  /**
   * Reads sources again (all when `paths` is absent; else each must be one of listSources()): new and changed files
   * are indexed, deleted ones removed. A missing source is reported as skipped and its documents stay. A job, like
   * ingestPaths.
   */
  rescanSources(paths?: string[], options?: JobOptions): Promise<JobStarted>;
  /** The original file of an indexed document (refused above 128 MB, or when it is gone). */
  documentFile(documentId: number): Promise<DocumentFile>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  ask(question: string, options?: AskOptions): Promise<AskReply>;
  /** Every recorded exchange, oldest first. */
  history(): Promise<HistoryEntry[]>;
  /** A conversation as a Markdown working paper. */
  exportConversation(conversationId: number): Promise<string>;
  passageContext(ref: PassageRef): Promise<PassageContext>;
  /** The local LLM, the embedding model, the GPU, and where the library lives. */
  modelStatus(): Promise<ModelStatus>;
  /** Reads a .gguf's header and estimates whether it fits, without loading it (ModelFileError when unusable). */
  inspectLlm(path: string): Promise<LlmInspection>;
  /**
   * Loads a .gguf (its metadata is read and checked first); replaces the model loaded before. A job: progress
   * arrives as `job` events (kind `llmLoad`), and cancelJob stops it (the call then fails, cancelled).
   */
  loadLlm(path: string, options?: LoadLlmOptions): Promise<LlmModelStatus>;
  /** Frees the loaded LLM (nothing happens when none is loaded). */
  unloadLlm(): Promise<LlmModelStatus>;
  /**
   * Sets the library's embedding model (a transformers.js folder) and (re-)embeds its passages, as a job:
   * progress events, then `done` (with `embedded`). Cancelled with cancelJob.
   */
  setEmbeddingModel(dir: string, options?: JobOptions): Promise<JobStarted>;
  /** The thesaurus in force: the built-in one and the library's own entries. */
  thesaurus(): Promise<ThesaurusInfo>;
  /** Adds a thesaurus entry of the library's own (replaces the meanings when `ask` is there already). */
  addSynonym(ask: string, means: string[]): Promise<ThesaurusInfo>;
  /** Removes an entry of the library's own thesaurus. */
  removeSynonym(id: number): Promise<ThesaurusInfo>;
  /** Corrects what a document is (standard, title, year, kind, sector, region); kept when it is indexed again. */
  setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<DocumentInfo>;
}

/** What a job is: an ingestion (ingestPaths, uploadFiles, rescanSources, kb serve's commitUploads), an embedding (setEmbeddingModel), a generated answer (ask), loading the local LLM (loadLlm). */
export type JobKind = 'ingest' | 'embedding' | 'answer' | 'llmLoad';
export const JOB_KINDS = ['ingest', 'embedding', 'answer', 'llmLoad'] as const satisfies readonly JobKind[];

/** Loading the local LLM: the file and the share loaded (0..1). */
export interface LlmLoadProgress {
  path: string;
  fraction: number;
}

/** The end of a job, exactly one per job that started (a refused call starts none). */
export interface JobDone {
  jobId: string;
  type: 'done';
  kind: JobKind;
  /** Whether it ended because cancelJob asked it to. */
  cancelled: boolean;
  /** Why it failed, or what a cancel left undone; null when it finished. */
  error: WireError | null;
  /** An ingestion's summary; null when it failed before it could summarise, and for other kinds. */
  summary: IngestSummary | null;
  /** An embedding job: passages (re-)embedded. */
  embedded?: number;
}

/** What a job reports while it runs, and its end: one event type for every kind of job. */
export type JobEvent =
  | { jobId: string; type: 'progress'; kind: 'ingest'; progress: IngestProgress }
  | { jobId: string; type: 'progress'; kind: 'embedding'; progress: EmbeddingProgress }
  | { jobId: string; type: 'progress'; kind: 'llmLoad'; progress: LlmLoadProgress }
  /** A piece of a generated answer's text, as the model writes it. */
  | { jobId: string; type: 'token'; kind: 'answer'; text: string }
  | JobDone;

/** Events the engine pushes to its faces. */
export interface EngineEvents {
  job: JobEvent;
}

export type EngineMethod = keyof EngineApi;
export type EngineEventName = keyof EngineEvents;

export const ENGINE_EVENTS = ['job'] as const satisfies readonly EngineEventName[];

// ——— Input validation: every face checks what it receives before the engine sees it. ———

/** Arguments that do not fit a method's signature. The message says which argument and why, for a developer. */
export class InvalidArgumentsError extends KbError {
  constructor(method: string, problem: string) {
    super('args.invalid', `${method}: ${problem}`, { method, detail: problem });
    this.name = 'InvalidArgumentsError';
  }
}

// Limits that keep one message from exhausting memory or the engine's patience.
const MAX_TEXT = 2_000; // a question or query longer than this is not a question
const MAX_PATHS = 10_000;
const MAX_PATH_LENGTH = 4_096; // PATH_MAX on Linux
/** Files in one upload batch (kb serve's commitUploads counts the same way). */
export const MAX_UPLOAD_FILES = 1_000;
const MAX_FILE_NAME = 255;
const MAX_UPLOAD_NAME = 1_024;

type Check<T> = (value: unknown, what: string) => T;

const fail = (what: string, expected: string, value: unknown): never => {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new TypeError(`${what} must be ${expected}, got ${got}`);
};

const text =
  (max: number): Check<string> =>
  (value, what) => {
    if (typeof value !== 'string') return fail(what, 'a string', value);
    if (value.trim() === '') throw new TypeError(`${what} must not be empty`);
    if (value.length > max) throw new TypeError(`${what} is longer than ${max} characters`);
    return value;
  };

const id: Check<number> = (value, what) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    return fail(what, 'a whole number ≥ 0', value);
  return value;
};

const list =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (value, what) => {
    if (!Array.isArray(value)) return fail(what, 'an array', value);
    if (value.length === 0) throw new TypeError(`${what} must not be empty`);
    if (value.length > max) throw new TypeError(`${what} has more than ${max} items`);
    return value.map((v, i) => item(v, `${what}[${i}]`));
  };

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(what, 'an object', value);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw new TypeError(`${what} has an unknown field "${extra}"`);
}

/** An uploaded file's name (kb serve's commitUploads checks it the same way). */
export const uploadName: Check<string> = (value, what) => {
  const name = text(MAX_UPLOAD_NAME)(value, what);
  // A name, or folders below the upload folder: uploads are written into one folder and must stay there.
  if (/[\\\0]/.test(name) || name.startsWith('/'))
    throw new TypeError(`${what} must be a file name, or a relative path with / between folders`);
  const segments = name.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw new TypeError(`${what} must not contain empty, "." or ".." folders`);
  if (segments.some((segment) => segment.length > MAX_FILE_NAME))
    throw new TypeError(`${what} has a name longer than ${MAX_FILE_NAME} characters`);
  return name;
};

const base64: Check<string> = (value, what) => {
  if (typeof value !== 'string') return fail(what, 'a base64 string', value);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new TypeError(`${what} is not base64`);
  return value;
};

const uploadedFile: Check<UploadedFile> = (value, what) => {
  const record = plainObject(value, what);
  onlyKeys(record, ['name', 'dataBase64'], what);
  return { name: uploadName(record.name, `${what}.name`), dataBase64: base64(record.dataBase64, `${what}.dataBase64`) };
};

function optionalObject(value: unknown, what: string): Record<string, unknown> | null {
  return value === undefined || value === null ? null : plainObject(value, what);
}

function searchOptions(value: unknown, what: string): SearchOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['k'], what);
  if (record.k === undefined) return {};
  const k = id(record.k, `${what}.k`);
  if (k < 1 || k > 50) throw new TypeError(`${what}.k must be between 1 and 50`);
  return { k };
}

const whole =
  (min: number, max: number): Check<number> =>
  (value, what) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(what, 'a whole number', value);
    if (value < min || value > max) throw new TypeError(`${what} must be between ${min} and ${max}`);
    return value;
  };

// A job id: short, and plain enough to travel in any log line.
const jobIdCheck: Check<string> = (value, what) => {
  const given = text(100)(value, what);
  if (!/^[\w.:-]+$/.test(given)) throw new TypeError(`${what} may hold only letters, digits and . _ : -`);
  return given;
};

function askOptions(value: unknown, what: string): AskOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['mode', 'conversationId', 'jobId', 'maxAnswerTokens'], what);
  const options: AskOptions = {};
  if (record.mode !== undefined) {
    if (record.mode !== 'exact' && record.mode !== 'generate')
      throw new TypeError(`${what}.mode must be "exact" or "generate"`);
    options.mode = record.mode;
  }
  if (record.conversationId !== undefined) options.conversationId = id(record.conversationId, `${what}.conversationId`);
  if (record.jobId !== undefined) options.jobId = jobIdCheck(record.jobId, `${what}.jobId`);
  if (record.maxAnswerTokens !== undefined)
    options.maxAnswerTokens = whole(1, 4096)(record.maxAnswerTokens, `${what}.maxAnswerTokens`);
  return options;
}

function loadLlmOptions(value: unknown, what: string): LoadLlmOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['gpu', 'gpuLayers', 'contextSize', 'threads', 'jobId'], what);
  const options: LoadLlmOptions = {};
  if (record.jobId !== undefined) options.jobId = jobIdCheck(record.jobId, `${what}.jobId`);
  if (record.gpu !== undefined) {
    if (!(GPU_MODES as readonly unknown[]).includes(record.gpu))
      throw new TypeError(`${what}.gpu must be one of ${GPU_MODES.map((m) => `"${m}"`).join(', ')}`);
    options.gpu = record.gpu as GpuMode;
  }
  if (record.gpuLayers !== undefined)
    options.gpuLayers = record.gpuLayers === 'auto' ? 'auto' : whole(0, 1000)(record.gpuLayers, `${what}.gpuLayers`);
  if (record.contextSize !== undefined)
    options.contextSize = whole(64, 131_072)(record.contextSize, `${what}.contextSize`);
  if (record.threads !== undefined) options.threads = whole(1, 256)(record.threads, `${what}.threads`);
  return options;
}

/** The options of a method that starts an ingestion or an embedding. */
export function jobOptions(value: unknown, what: string): JobOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['jobId'], what);
  return record.jobId === undefined ? {} : { jobId: jobIdCheck(record.jobId, `${what}.jobId`) };
}

function passageRef(value: unknown, what: string): PassageRef {
  const record = plainObject(value, what);
  const ref = {
    documentId: id(record.documentId, `${what}.documentId`),
    charStart: id(record.charStart, `${what}.charStart`),
    charEnd: id(record.charEnd, `${what}.charEnd`),
  };
  if (ref.charEnd < ref.charStart) throw new TypeError(`${what}.charEnd must not be before charStart`);
  return ref;
}

// A thesaurus phrase: what people type, or the documents' wording. Long enough for 两种或两种以上组合的鉴别技术.
const MAX_PHRASE = 60;
const MAX_MEANS = 12;
const PROFILE_FIELDS = ['standard', 'title', 'year', 'kind', 'sector', 'region'] as const;

const phrase: Check<string> = (value, what) => text(MAX_PHRASE)(value, what).trim();

function profileChanges(value: unknown, what: string): DocumentProfileChanges {
  const record = plainObject(value, what);
  onlyKeys(record, [...PROFILE_FIELDS], what);
  if (Object.keys(record).length === 0) throw new TypeError(`${what} must change at least one field`);
  const changes: DocumentProfileChanges = {};
  for (const field of PROFILE_FIELDS) {
    const given = record[field];
    if (given === undefined) continue;
    if (given === null) changes[field] = null;
    else if (typeof given !== 'string') fail(`${what}.${field}`, 'a string or null', given);
    else if ((given as string).length > 200) throw new TypeError(`${what}.${field} is longer than 200 characters`);
    else if (field === 'kind' && !(DOCUMENT_KINDS as readonly string[]).includes(given as string)) {
      throw new TypeError(`${what}.kind must be one of ${DOCUMENT_KINDS.join(', ')}`);
    } else changes[field] = (given as string).trim();
  }
  return changes;
}

/** The checked arguments of each method, as a tuple. */
export type EngineArgs = { [M in EngineMethod]: Parameters<EngineApi[M]> };

/**
 * A method's argument checks: the most arguments it takes, and the check that returns them typed; for a method that
 * starts a job, its kind and which argument holds its JobOptions.
 */
interface MethodArgs<M extends EngineMethod> {
  arity: number;
  check(args: unknown[]): EngineArgs[M];
  job?: { kind: JobKind; optionsAt: number };
}

/**
 * Every EngineApi method and its argument checks: the one list the faces are built from (preload, main's IPC
 * handlers, the RPC client and server, the renderer's clients). A method missing here is a type error.
 */
const ENGINE_ARGS: { [M in EngineMethod]: MethodArgs<M> } = {
  libraryInfo: { arity: 0, check: () => [] },
  listDocuments: { arity: 0, check: () => [] },
  ingestPaths: {
    arity: 2,
    check: (args) => [list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths'), jobOptions(args[1], 'options')],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  uploadFiles: {
    arity: 2,
    check: (args) => [list(uploadedFile, MAX_UPLOAD_FILES)(args[0], 'files'), jobOptions(args[1], 'options')],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  cancelJob: { arity: 1, check: (args) => [text(100)(args[0], 'jobId')] },
  removeDocument: { arity: 1, check: (args) => [id(args[0], 'documentId')] },
  listSources: { arity: 0, check: () => [] },
  rescanSources: {
    arity: 2,
    // null: JSON's form of an absent first argument when options follow.
    check: (args) => [
      args[0] === undefined || args[0] === null ? undefined : list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths'),
      jobOptions(args[1], 'options'),
    ],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  documentFile: { arity: 1, check: (args) => [id(args[0], 'documentId')] },
  search: { arity: 2, check: (args) => [text(MAX_TEXT)(args[0], 'query'), searchOptions(args[1], 'options')] },
  ask: {
    arity: 2,
    check: (args) => [text(MAX_TEXT)(args[0], 'question'), askOptions(args[1], 'options')],
    job: { kind: 'answer', optionsAt: 1 },
  },
  history: { arity: 0, check: () => [] },
  exportConversation: { arity: 1, check: (args) => [id(args[0], 'conversationId')] },
  passageContext: { arity: 1, check: (args) => [passageRef(args[0], 'ref')] },
  modelStatus: { arity: 0, check: () => [] },
  inspectLlm: { arity: 1, check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path')] },
  loadLlm: {
    arity: 2,
    check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path'), loadLlmOptions(args[1], 'options')],
    job: { kind: 'llmLoad', optionsAt: 1 },
  },
  unloadLlm: { arity: 0, check: () => [] },
  setEmbeddingModel: {
    arity: 2,
    check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'dir'), jobOptions(args[1], 'options')],
    job: { kind: 'embedding', optionsAt: 1 },
  },
  thesaurus: { arity: 0, check: () => [] },
  addSynonym: { arity: 2, check: (args) => [phrase(args[0], 'ask'), list(phrase, MAX_MEANS)(args[1], 'means')] },
  removeSynonym: { arity: 1, check: (args) => [id(args[0], 'id')] },
  setDocumentProfile: { arity: 2, check: (args) => [id(args[0], 'documentId'), profileChanges(args[1], 'changes')] },
};

/** Every EngineApi method, once, in the order of ENGINE_ARGS. */
export const ENGINE_METHODS = Object.freeze(Object.keys(ENGINE_ARGS)) as readonly EngineMethod[];

/** The methods that start a job. */
export const JOB_METHODS = ENGINE_METHODS.filter((method) => ENGINE_ARGS[method].job !== undefined);

/**
 * The job a call starts, from its checked arguments: its kind and the id the caller chose (undefined: the engine
 * chooses one). Null for a method that starts none.
 */
export function jobOfCall(method: EngineMethod, args: readonly unknown[]): { kind: JobKind; jobId?: string } | null {
  const job = ENGINE_ARGS[method].job;
  if (!job) return null;
  const jobId = (args[job.optionsAt] as JobOptions | undefined)?.jobId;
  return jobId === undefined ? { kind: job.kind } : { kind: job.kind, jobId };
}

export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.hasOwn(ENGINE_ARGS, name);
}

/**
 * Checks the arguments of a call that arrived from another process (IPC, WebSocket): returns them typed, or throws
 * InvalidArgumentsError. Extra arguments are refused, not ignored.
 */
export function validateEngineArgs<M extends EngineMethod>(method: M, args: unknown): EngineArgs[M] {
  if (!isEngineMethod(method)) throw new InvalidArgumentsError(String(method), 'no such method');
  if (!Array.isArray(args)) throw new InvalidArgumentsError(method, 'arguments must be an array');
  const { arity, check } = ENGINE_ARGS[method];
  if (args.length > arity)
    throw new InvalidArgumentsError(method, `takes at most ${arity} arguments, got ${args.length}`);
  try {
    return check(args) as EngineArgs[M];
  } catch (error) {
    throw new InvalidArgumentsError(method, (error as Error).message);
  }
}

/** The engine's RPC contract: what the client offers and the server answers, over any transport. */
export const ENGINE_CONTRACT: RpcContract<EngineApi, EngineEvents> = {
  methods: ENGINE_METHODS,
  events: ENGINE_EVENTS,
  validate: (method, args) => validateEngineArgs(method, args),
};

/** An engine event as it travels. */
export type EngineEventMessage<E extends EngineEventName = EngineEventName> = RpcEvent<E, EngineEvents[E]>;

/** The path of the bridge's WebSocket; the token goes in its query (`?token=…`), as in the page's URL. */
export const RPC_PATH = '/rpc';
