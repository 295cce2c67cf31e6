// The calling end of the engine's RPC: an EngineApi whose every method is a message on an RpcPort, answered by
// serveEngineRpc on the other side (in the app: main calling the engine's utility process).
import type {
  AskOptions,
  AskReply,
  DocumentFile,
  EngineApi,
  EngineEventName,
  EngineEvents,
  EngineMethod,
  JobStarted,
  LibraryInfo,
  LlmInspection,
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
  HistoryEntry,
  SearchHit,
  ThesaurusInfo,
} from '../../../shared/types.ts';
import type { EngineEventListener } from '../service/EngineEventListener.ts';
import { INTERNAL_ERROR_CODE, isWireError, KbError, type WireError } from '../../../shared/errors.ts';
import { isRpcMessage, type RpcPort } from './rpcPort.ts';

/** A call that failed on the engine's side (its name is the engine's: ServiceError, LibraryError…) or never got there. */
export class EngineRpcError extends KbError {
  constructor(name: string, message: string, wire?: Pick<WireError, 'code' | 'params' | 'kind'>) {
    super(wire?.code ?? INTERNAL_ERROR_CODE, message, wire?.params ?? {}, wire?.kind ?? 'internal');
    this.name = name;
  }
}

const STOPPED = { code: 'engine.stopped', params: {}, kind: 'internal' } as const;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class EngineRpcClient implements EngineApi {
  readonly #port: RpcPort;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<EngineEventListener>();
  readonly #unsubscribe: (() => void)[];
  #nextId = 1;
  #closedReason: string | null = null;

  constructor(port: RpcPort) {
    this.#port = port;
    this.#unsubscribe = [
      port.onMessage((message) => this.#receive(message)),
      port.onClose(() =>
        this.#close('the engine stopped unexpectedly: try again; if it keeps happening, restart the app'),
      ),
    ];
  }

  /** Subscribes to the engine's events; returns the unsubscribe function. */
  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether calls can still be made (false once disposed or the other end went away). */
  get open(): boolean {
    return this.#closedReason === null;
  }

  libraryInfo(): Promise<LibraryInfo> {
    return this.#call('libraryInfo', []);
  }
  listDocuments(): Promise<DocumentInfo[]> {
    return this.#call('listDocuments', []);
  }
  ingestPaths(paths: string[]): Promise<JobStarted> {
    return this.#call('ingestPaths', [paths]);
  }
  uploadFiles(files: UploadedFile[]): Promise<JobStarted> {
    return this.#call('uploadFiles', [files]);
  }
  cancelJob(jobId: string): Promise<boolean> {
    return this.#call('cancelJob', [jobId]);
  }
  removeDocument(documentId: number): Promise<void> {
    return this.#call('removeDocument', [documentId]);
  }
  listSources(): Promise<SourceInfo[]> {
    return this.#call('listSources', []);
  }
  rescanSources(paths?: string[]): Promise<JobStarted> {
    return this.#call('rescanSources', paths === undefined ? [] : [paths]);
  }
  thesaurus(): Promise<ThesaurusInfo> {
    return this.#call('thesaurus', []);
  }
  addSynonym(ask: string, means: string[]): Promise<ThesaurusInfo> {
    return this.#call('addSynonym', [ask, means]);
  }
  removeSynonym(id: number): Promise<ThesaurusInfo> {
    return this.#call('removeSynonym', [id]);
  }
  setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<DocumentInfo> {
    return this.#call('setDocumentProfile', [documentId, changes]);
  }
  documentFile(documentId: number): Promise<DocumentFile> {
    return this.#call('documentFile', [documentId]);
  }
  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.#call('search', options === undefined ? [query] : [query, options]);
  }
  ask(question: string, options?: AskOptions): Promise<AskReply> {
    return this.#call('ask', options === undefined ? [question] : [question, options]);
  }
  history(): Promise<HistoryEntry[]> {
    return this.#call('history', []);
  }
  exportConversation(conversationId: number): Promise<string> {
    return this.#call('exportConversation', [conversationId]);
  }
  passageContext(ref: PassageRef): Promise<PassageContext> {
    return this.#call('passageContext', [ref]);
  }
  modelStatus(): Promise<ModelStatus> {
    return this.#call('modelStatus', []);
  }
  inspectLlm(path: string): Promise<LlmInspection> {
    return this.#call('inspectLlm', [path]);
  }
  loadLlm(path: string, options?: LoadLlmOptions): Promise<LlmModelStatus> {
    return this.#call('loadLlm', options === undefined ? [path] : [path, options]);
  }
  unloadLlm(): Promise<LlmModelStatus> {
    return this.#call('unloadLlm', []);
  }
  setEmbeddingModel(dir: string): Promise<JobStarted> {
    return this.#call('setEmbeddingModel', [dir]);
  }
  cancelAsk(requestId: string): Promise<boolean> {
    return this.#call('cancelAsk', [requestId]);
  }

  /** Rejects the calls still waiting with `reason`, stops listening and closes the port. */
  dispose(reason = 'the engine was stopped'): void {
    if (!this.#close(reason)) return;
    this.#port.close();
  }

  #call<T>(method: EngineMethod, args: unknown[]): Promise<T> {
    if (this.#closedReason !== null)
      return Promise.reject(new EngineRpcError('EngineStopped', this.#closedReason, STOPPED));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#port.postMessage({ kind: 'call', id, method, args });
    });
  }

  #receive(message: unknown): void {
    if (!isRpcMessage(message)) return;
    if (message.kind === 'event') {
      for (const listener of this.#listeners)
        listener(message.event as EngineEventName, message.payload as EngineEvents[EngineEventName]);
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else {
      const { error } = message;
      pending.reject(new EngineRpcError(error.name, error.message, isWireError(error) ? error : undefined));
    }
  }

  /** Returns false when already closed. */
  #close(reason: string): boolean {
    if (this.#closedReason !== null) return false;
    this.#closedReason = reason;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    for (const pending of this.#pending.values()) pending.reject(new EngineRpcError('EngineStopped', reason, STOPPED));
    this.#pending.clear();
    this.#listeners.clear();
    return true;
  }
}
