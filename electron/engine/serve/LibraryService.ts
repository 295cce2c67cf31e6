// EngineApi over one open Library: the object every face (kb serve's WebSocket, later Electron's utility process)
// calls after validating its arguments. Turns long work into jobs with ids, progress events and cancellation.
import { randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  AskOptions,
  AskReply,
  EngineApi,
  EngineEventName,
  EngineEvents,
  JobStarted,
  LibraryInfo,
  PassageContext,
  PassageRef,
  SearchOptions,
  UploadedFile,
} from '../../../shared/engineApi.ts';
import type { DocumentInfo, HistoryEntry, IngestProgress, SearchHit } from '../../../shared/types.ts';
import { formatConversationMarkdown } from '../answer/formatAnswer.ts';
import type { Library } from '../Library.ts';

// Characters of document text shown on each side of a cited passage: about a screen of Chinese.
const CONTEXT_CHARS = 800;
// Progress events at most every 100 ms: enough for a smooth bar, few enough not to flood a WebSocket.
const PROGRESS_INTERVAL_MS = 100;

export type EngineEventListener = <E extends EngineEventName>(event: E, payload: EngineEvents[E]) => void;

export interface LibraryServiceOptions {
  /** Folder where uploaded files are written before they are ingested. Defaults to `<library file>.uploads`. */
  uploadDir?: string;
  /** Reported in `libraryInfo().version`. */
  version: string;
  transport: LibraryInfo['transport'];
}

/** A person-readable refusal (wrong state, unknown id): sent to the caller as is. */
export class ServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Makes an uploaded file's name safe to write: no folders, no hidden files, no control characters. */
export function safeUploadName(name: string): string {
  const base = [...name.replace(/[\\/]/g, '_')].filter((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f').join('');
  const trimmed = base.replace(/^[.\s]+/, '').trim();
  return trimmed === '' ? 'upload' : trimmed.slice(0, 200);
}

export class LibraryService implements EngineApi {
  readonly #library: Library;
  readonly #options: LibraryServiceOptions;
  readonly #uploadDir: string;
  readonly #listeners = new Set<EngineEventListener>();
  readonly #jobs = new Map<string, AbortController>();
  #running: Promise<void> = Promise.resolve();

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
      // kb serve loads no LLM: generated answers need the desktop app or `kb ask --mode generate --model …`.
      llm: { state: 'absent', model: null, message: 'no local LLM loaded: exact answers only (they quote the clauses verbatim)' },
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
    if (this.#jobs.size > 0) throw new ServiceError('an ingestion is already running: wait for it to finish or cancel it');
    await mkdir(this.#uploadDir, { recursive: true });
    const written: string[] = [];
    for (const file of files) {
      const target = path.join(this.#uploadDir, safeUploadName(file.name));
      await writeFile(target, Buffer.from(file.dataBase64, 'base64'));
      written.push(target);
    }
    return this.#startIngest([...new Set(written)]);
  }

  #startIngest(inputs: string[]): JobStarted {
    if (this.#jobs.size > 0) throw new ServiceError('an ingestion is already running: wait for it to finish or cancel it');
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    let lastSent = 0;
    const onProgress = (progress: IngestProgress): void => {
      const now = Date.now();
      if (progress.currentFile !== null && progress.filesDone > 0 && now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      this.#emit('ingestProgress', { jobId, progress });
    };
    // The job runs on; its end is the jobDone event, never an unhandled rejection.
    this.#running = this.#library
      .ingest(inputs, { signal: controller.signal, onProgress })
      .then(
        (summary) => this.#emit('jobDone', { jobId, summary, error: null }),
        (error: unknown) => this.#emit('jobDone', { jobId, summary: null, error: (error as Error).message }),
      )
      .finally(() => this.#jobs.delete(jobId));
    return { jobId };
  }

  async cancelJob(jobId: string): Promise<boolean> {
    const controller = this.#jobs.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  async removeDocument(documentId: number): Promise<void> {
    if (this.#jobs.size > 0) throw new ServiceError('documents cannot be removed while an ingestion is running');
    const document = this.#library.listDocuments().find((d) => d.id === documentId && d.status !== 'removed');
    if (!document) throw new ServiceError(`no document ${documentId} in this library`);
    this.#library.store.markRemoved([documentId]);
    // An uploaded copy is ours to delete; a file the user pointed at is theirs and stays.
    if (path.dirname(document.path) === path.resolve(this.#uploadDir)) await unlink(document.path).catch(() => undefined);
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.#library.search(query, { k: options.k ?? 10 });
  }

  async ask(question: string, options: AskOptions = {}): Promise<AskReply> {
    if (options.mode === 'generate') throw new ServiceError('generated answers need a local LLM, and none is loaded here: use exact mode');
    return this.#library.ask(question, { mode: 'exact', ...(options.conversationId === undefined ? {} : { conversationId: options.conversationId }) });
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
    const document = this.#library.listDocuments().find((d) => d.id === ref.documentId && d.status === 'indexed');
    if (!document) throw new ServiceError(`document ${ref.documentId} is not in this library any more`);
    const store = this.#library.store;
    const start = Math.max(0, ref.charStart - CONTEXT_CHARS);
    const before = store.documentSlice(ref.documentId, start, ref.charStart);
    const quote = store.documentSlice(ref.documentId, ref.charStart, ref.charEnd);
    const after = store.documentSlice(ref.documentId, ref.charEnd, ref.charEnd + CONTEXT_CHARS + 1);
    return {
      documentId: document.id,
      documentPath: document.path,
      documentTitle: document.title,
      documentType: document.type,
      before,
      quote,
      after: after.slice(0, CONTEXT_CHARS),
      moreBefore: start > 0,
      moreAfter: after.length > CONTEXT_CHARS,
    };
  }

  /** Cancels the running job and waits for it to stop; the library itself belongs to the caller. */
  async dispose(): Promise<void> {
    for (const controller of this.#jobs.values()) controller.abort();
    await this.#running;
    this.#listeners.clear();
  }
}
