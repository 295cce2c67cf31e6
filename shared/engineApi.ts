// The contract between the engine and its faces, written once: the methods and events of `EngineApi`, the DTOs they
// carry (from ./types.ts), and a validator for every method's arguments. Electron main (IPC handlers), the preload
// (window.kb), the renderer and the web bridge (`kb serve`) are all typed against this file.
// Plain data only: whatever crosses a process boundary here is JSON-safe (uploads travel as base64 text).
import { KbError, type WireError } from './errors.ts';
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

/** A started ingestion: progress and the end arrive as `ingestProgress` / `jobDone` events with this id. */
export interface JobStarted {
  jobId: string;
}

export interface SearchOptions {
  /** Number of passages, 1..50. Defaults to `10`. */
  k?: number;
}

export interface AskOptions {
  /** Defaults to `'exact'`; `'generate'` needs a loaded LLM (see LibraryInfo.llm). */
  mode?: AnswerMode;
  /** Add the exchange to this conversation; a new one is started when absent. */
  conversationId?: number;
  /**
   * Chosen by the caller for a generated answer: its text streams as `answerToken` events with this id, and
   * `cancelAsk(requestId)` stops it (the partial answer is returned and recorded). Ignored in exact mode.
   */
  requestId?: string;
  /** Token cap of a generated answer, 1..4096. Defaults to the engine's (512). */
  maxAnswerTokens?: number;
}

/** GPU backend for the local LLM: `'auto'` picks Metal / CUDA / Vulkan when present, else the CPU. */
export type GpuMode = 'auto' | 'cpu' | 'metal' | 'cuda' | 'vulkan';
export const GPU_MODES = ['auto', 'cpu', 'metal', 'cuda', 'vulkan'] as const satisfies readonly GpuMode[];

export interface LoadLlmOptions {
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
  ingestPaths(paths: string[]): Promise<JobStarted>;
  /** Ingests uploaded files (the web bridge): written beside the library, then ingested. */
  uploadFiles(files: UploadedFile[]): Promise<JobStarted>;
  /** Stops a job after the file in progress; false when no such job is running. */
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
  rescanSources(paths?: string[]): Promise<JobStarted>;
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
   * Loads a .gguf (its metadata is read and checked first); replaces the model loaded before. Progress arrives as
   * `llmLoadProgress` events.
   */
  loadLlm(path: string, options?: LoadLlmOptions): Promise<LlmModelStatus>;
  /** Frees the loaded LLM (nothing happens when none is loaded). */
  unloadLlm(): Promise<LlmModelStatus>;
  /**
   * Sets the library's embedding model (a transformers.js folder) and (re-)embeds its passages, as a job:
   * `embeddingProgress` events, then `jobDone` (with `embedded`). Cancelled with cancelJob.
   */
  setEmbeddingModel(dir: string): Promise<JobStarted>;
  /** Stops a generated answer (see AskOptions.requestId); false when no such answer is being written. */
  cancelAsk(requestId: string): Promise<boolean>;
  /** The thesaurus in force: the built-in one and the library's own entries. */
  thesaurus(): Promise<ThesaurusInfo>;
  /** Adds a thesaurus entry of the library's own (replaces the meanings when `ask` is there already). */
  addSynonym(ask: string, means: string[]): Promise<ThesaurusInfo>;
  /** Removes an entry of the library's own thesaurus. */
  removeSynonym(id: number): Promise<ThesaurusInfo>;
  /** Corrects what a document is (standard, title, year, kind, sector, region); kept when it is indexed again. */
  setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<DocumentInfo>;
}

export interface JobDone {
  jobId: string;
  /** Null when the job failed before it could summarise (see `error`), and for an embedding-model job. */
  summary: IngestSummary | null;
  error: string | null;
  /** Why it failed, as a code and params for the faces to word (absent when it did not fail). */
  failure?: WireError;
  /** An embedding-model job (setEmbeddingModel): passages (re-)embedded; absent for ingestions. */
  embedded?: number;
}

/** Events the engine pushes to its faces. */
export interface EngineEvents {
  ingestProgress: { jobId: string; progress: IngestProgress };
  /** Progress of a setEmbeddingModel job. */
  embeddingProgress: { jobId: string; progress: EmbeddingProgress };
  jobDone: JobDone;
  /** A piece of a generated answer's text, as the model writes it. */
  answerToken: { requestId: string; text: string };
  /** Loading the local LLM: the file and the share loaded (0..1). */
  llmLoadProgress: { path: string; progress: number };
}

export type EngineMethod = keyof EngineApi;
export type EngineEventName = keyof EngineEvents;

export const ENGINE_METHODS = [
  'libraryInfo',
  'listDocuments',
  'ingestPaths',
  'uploadFiles',
  'cancelJob',
  'removeDocument',
  'listSources',
  'rescanSources',
  'documentFile',
  'search',
  'ask',
  'history',
  'exportConversation',
  'passageContext',
  'modelStatus',
  'inspectLlm',
  'loadLlm',
  'unloadLlm',
  'setEmbeddingModel',
  'cancelAsk',
  'thesaurus',
  'addSynonym',
  'removeSynonym',
  'setDocumentProfile',
] as const satisfies readonly EngineMethod[];

export const ENGINE_EVENTS = [
  'ingestProgress',
  'embeddingProgress',
  'jobDone',
  'answerToken',
  'llmLoadProgress',
] as const satisfies readonly EngineEventName[];

// A test checks that ENGINE_METHODS names every method exactly once; this line makes a missing one a type error.
type _AllMethodsListed = Exclude<EngineMethod, (typeof ENGINE_METHODS)[number]> extends never ? true : never;
export const ALL_METHODS_LISTED: _AllMethodsListed = true;

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

// A request id: short, and plain enough to travel in any log line.
const requestId: Check<string> = (value, what) => {
  const given = text(100)(value, what);
  if (!/^[\w.:-]+$/.test(given)) throw new TypeError(`${what} may hold only letters, digits and . _ : -`);
  return given;
};

function askOptions(value: unknown, what: string): AskOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['mode', 'conversationId', 'requestId', 'maxAnswerTokens'], what);
  const options: AskOptions = {};
  if (record.mode !== undefined) {
    if (record.mode !== 'exact' && record.mode !== 'generate')
      throw new TypeError(`${what}.mode must be "exact" or "generate"`);
    options.mode = record.mode;
  }
  if (record.conversationId !== undefined) options.conversationId = id(record.conversationId, `${what}.conversationId`);
  if (record.requestId !== undefined) options.requestId = requestId(record.requestId, `${what}.requestId`);
  if (record.maxAnswerTokens !== undefined)
    options.maxAnswerTokens = whole(1, 4096)(record.maxAnswerTokens, `${what}.maxAnswerTokens`);
  return options;
}

function loadLlmOptions(value: unknown, what: string): LoadLlmOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['gpu', 'gpuLayers', 'contextSize', 'threads'], what);
  const options: LoadLlmOptions = {};
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

const VALIDATORS: { [M in EngineMethod]: (args: unknown[]) => EngineArgs[M] } = {
  libraryInfo: () => [],
  listDocuments: () => [],
  ingestPaths: (args) => [list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths')],
  uploadFiles: (args) => [list(uploadedFile, MAX_UPLOAD_FILES)(args[0], 'files')],
  cancelJob: (args) => [text(100)(args[0], 'jobId')],
  removeDocument: (args) => [id(args[0], 'documentId')],
  listSources: () => [],
  rescanSources: (args) => (args[0] === undefined ? [] : [list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths')]),
  documentFile: (args) => [id(args[0], 'documentId')],
  search: (args) => [text(MAX_TEXT)(args[0], 'query'), searchOptions(args[1], 'options')],
  ask: (args) => [text(MAX_TEXT)(args[0], 'question'), askOptions(args[1], 'options')],
  history: () => [],
  exportConversation: (args) => [id(args[0], 'conversationId')],
  passageContext: (args) => [passageRef(args[0], 'ref')],
  modelStatus: () => [],
  inspectLlm: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path')],
  loadLlm: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path'), loadLlmOptions(args[1], 'options')],
  unloadLlm: () => [],
  setEmbeddingModel: (args) => [text(MAX_PATH_LENGTH)(args[0], 'dir')],
  cancelAsk: (args) => [requestId(args[0], 'requestId')],
  thesaurus: () => [],
  addSynonym: (args) => [phrase(args[0], 'ask'), list(phrase, MAX_MEANS)(args[1], 'means')],
  removeSynonym: (args) => [id(args[0], 'id')],
  setDocumentProfile: (args) => [id(args[0], 'documentId'), profileChanges(args[1], 'changes')],
};

const MAX_ARITY: { [M in EngineMethod]: number } = {
  libraryInfo: 0,
  listDocuments: 0,
  ingestPaths: 1,
  uploadFiles: 1,
  cancelJob: 1,
  removeDocument: 1,
  listSources: 0,
  rescanSources: 1,
  documentFile: 1,
  search: 2,
  ask: 2,
  history: 0,
  exportConversation: 1,
  passageContext: 1,
  modelStatus: 0,
  inspectLlm: 1,
  loadLlm: 2,
  unloadLlm: 0,
  setEmbeddingModel: 1,
  cancelAsk: 1,
  thesaurus: 0,
  addSynonym: 2,
  removeSynonym: 1,
  setDocumentProfile: 2,
};

export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && (ENGINE_METHODS as readonly string[]).includes(name);
}

/**
 * Checks the arguments of a call that arrived from another process (IPC, WebSocket): returns them typed, or throws
 * InvalidArgumentsError. Extra arguments are refused, not ignored.
 */
export function validateEngineArgs<M extends EngineMethod>(method: M, args: unknown): EngineArgs[M] {
  if (!isEngineMethod(method)) throw new InvalidArgumentsError(String(method), 'no such method');
  if (!Array.isArray(args)) throw new InvalidArgumentsError(method, 'arguments must be an array');
  if (args.length > MAX_ARITY[method])
    throw new InvalidArgumentsError(method, `takes at most ${MAX_ARITY[method]} arguments, got ${args.length}`);
  try {
    return VALIDATORS[method](args) as EngineArgs[M];
  } catch (error) {
    throw new InvalidArgumentsError(method, (error as Error).message);
  }
}

// ——— The web bridge's wire format (kb serve): JSON text frames over one WebSocket. ———

export interface RpcRequest {
  id: number;
  method: EngineMethod;
  args: unknown[];
}

export type RpcResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

export interface RpcEvent<E extends EngineEventName = EngineEventName> {
  event: E;
  payload: EngineEvents[E];
}

/** The path of the bridge's WebSocket; the token goes in its query (`?token=…`), as in the page's URL. */
export const RPC_PATH = '/rpc';
