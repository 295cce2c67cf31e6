// The contract between the engine and its faces, written once: the methods and events of `EngineApi`, the DTOs they
// carry (from ./types.ts) and the jobs. Each method's argument checks are in ./engineArgs.ts (the one table every face
// is built from), the RPC contract over it in ./rpc/engineRpc.ts. Electron main (IPC handlers), the preload
// (window.kb), the renderer and the web bridge (`kb serve`) are all typed against this file.
// Plain data only: whatever crosses a process boundary here is JSON-safe (uploads travel as base64 text).
import type { WireError } from './errors.ts';
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
