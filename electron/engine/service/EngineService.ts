// EngineApi over one open Library: the object every face (kb serve's WebSocket, Electron's utility process) calls
// after validating its arguments. It delegates: reads and writes to the Library, long work that writes it to
// LibraryJobs, uploads to the UploadFolder, the local LLM to LocalLlm (the engine owns the host); every kind of job
// (ingestion, embedding, answer, model load) runs on its one JobRunner, so cancelJob stops any of them. What it adds
// is the wording of a refusal when the library has no such thing.
import path from 'node:path';
import type {
  AskOptions,
  AskReply,
  DocumentFile,
  EngineApi,
  EngineEventName,
  EngineEvents,
  JobEvent,
  JobOptions,
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
import { formatConversationMarkdown } from '../answer/formatAnswer.ts';
import type { Library } from '../Library.ts';
import type { EngineEventListener } from './EngineEventListener.ts';
import { JobRunner } from './JobRunner.ts';
import { LibraryJobs } from './LibraryJobs.ts';
import { LocalLlm, type LlmProvider } from './LocalLlm.ts';
import { planRescan } from './planRescan.ts';
import { ServiceError } from './ServiceError.ts';
import { UploadFolder } from './UploadFolder.ts';

// Characters of document text shown on each side of a cited passage: about a screen of Chinese.
const CONTEXT_CHARS = 800;
// The largest original file sent to a face (base64 in one message): a PDF page needs the whole file.
const MAX_DOCUMENT_FILE_BYTES = 128 * 1024 * 1024;

export interface EngineServiceOptions {
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

export class EngineService implements EngineApi {
  readonly #library: Library;
  readonly #options: EngineServiceOptions;
  readonly #listeners = new Set<EngineEventListener>();
  readonly #runner: JobRunner;
  readonly #jobs: LibraryJobs;
  readonly #uploads: UploadFolder;
  readonly #llm: LocalLlm;

  constructor(library: Library, options: EngineServiceOptions) {
    this.#library = library;
    this.#options = options;
    const emitJob = (event: JobEvent): void => this.#emit('job', event);
    this.#runner = new JobRunner(emitJob);
    this.#jobs = new LibraryJobs(library, this.#runner, emitJob);
    this.#uploads = new UploadFolder(options.uploadDir ?? `${library.file}.uploads`, this.#jobs);
    this.#llm = new LocalLlm(options.engine, this.#runner, emitJob);
  }

  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get uploadDir(): string {
    return this.#uploads.dir;
  }

  #emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    for (const listener of this.#listeners) listener(event, payload);
  }

  async libraryInfo(): Promise<LibraryInfo> {
    return {
      file: this.#library.file,
      stats: this.#library.stats(),
      semantic: this.#library.semanticStatus(),
      llm: this.#llm.summary(),
      transport: this.#options.transport,
      version: this.#options.version,
    };
  }

  async listDocuments(): Promise<DocumentInfo[]> {
    return this.#library.listDocuments().filter((document) => document.status !== 'removed');
  }

  async ingestPaths(paths: string[], options: JobOptions = {}): Promise<JobStarted> {
    return this.#jobs.ingest(paths, options);
  }

  uploadFiles(files: UploadedFile[], options: JobOptions = {}): Promise<JobStarted> {
    return this.#uploads.saveUploaded(files, options);
  }

  /**
   * Ingests files kb serve has streamed to disk (its staging folder, one PUT each) under their uploaded names: moved
   * into the upload folder, with uploadFiles' rules (whole batch or nothing, names cut, look-alikes refused). Not an
   * EngineApi method: the paths are the server's own, never a caller's. What is not moved stays for the caller.
   */
  uploadStagedFiles(files: { name: string; stagedFile: string }[], options: JobOptions = {}): Promise<JobStarted> {
    return this.#uploads.moveStaged(files, options);
  }

  async listSources(): Promise<SourceInfo[]> {
    return this.#library.sources();
  }

  async rescanSources(paths?: string[], options: JobOptions = {}): Promise<JobStarted> {
    const { present, missing } = planRescan(await this.#library.sources(), paths);
    return this.#jobs.ingest(present, options, missing);
  }

  async documentFile(documentId: number): Promise<DocumentFile> {
    const read = await this.#library.readDocumentFile(documentId, MAX_DOCUMENT_FILE_BYTES);
    switch (read.state) {
      case 'read':
        return read.file;
      case 'not-in-library':
        throw new ServiceError(`document ${documentId} is not in this library any more`, {
          code: 'service.document-not-found',
          params: { documentId },
        });
      case 'file-gone':
        throw new ServiceError(
          `${read.path} is not there any more (moved or deleted): re-scan its folder, or add the file again`,
          { code: 'service.original-missing', params: { file: read.path } },
        );
      case 'too-large':
        throw new ServiceError(
          `${path.basename(read.path)} is ${Math.round(read.sizeBytes / 1024 / 1024)} MB, over the ${MAX_DOCUMENT_FILE_BYTES / 1024 / 1024} MB that can be shown here: open the file itself`,
        );
      default:
        return read satisfies never;
    }
  }

  async cancelJob(jobId: string): Promise<boolean> {
    return this.#runner.cancel(jobId);
  }

  async removeDocument(documentId: number): Promise<void> {
    if (this.#jobs.busy)
      throw new ServiceError('documents cannot be removed while an ingestion is running', {
        code: 'service.job-running',
        params: {},
      });
    const document = this.#library.removeDocument(documentId);
    if (!document)
      throw new ServiceError(`no document ${documentId} in this library`, {
        code: 'service.document-not-found',
        params: { documentId },
      });
    await this.#uploads.deleteCopy(document.path);
  }

  async thesaurus(): Promise<ThesaurusInfo> {
    return this.#library.thesaurusInfo();
  }

  async addSynonym(ask: string, means: string[]): Promise<ThesaurusInfo> {
    this.#library.addSynonym(ask, means);
    return this.#library.thesaurusInfo();
  }

  async removeSynonym(id: number): Promise<ThesaurusInfo> {
    if (!this.#library.removeSynonym(id))
      throw new ServiceError(`no thesaurus entry ${id} in this library`, {
        code: 'service.synonym-not-found',
        params: { id },
      });
    return this.#library.thesaurusInfo();
  }

  async setDocumentProfile(documentId: number, changes: DocumentProfileChanges): Promise<DocumentInfo> {
    if (!this.#library.setDocumentProfile(documentId, changes))
      throw new ServiceError(`no document ${documentId} in this library`, {
        code: 'service.document-not-found',
        params: { documentId },
      });
    return this.#library.listDocuments().find((d) => d.id === documentId)!;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.#library.search(query, { k: options.k ?? 10 });
  }

  async ask(question: string, options: AskOptions = {}): Promise<AskReply> {
    const conversation = options.conversationId === undefined ? {} : { conversationId: options.conversationId };
    if (options.mode !== 'generate') return this.#library.ask(question, { mode: 'exact', ...conversation });
    // Retrieval and the not_found gate come first: the model is only asked when the library holds evidence.
    return this.#llm.generate(options.jobId, (llm, signal, onToken) =>
      this.#library.ask(question, {
        mode: 'generate',
        llm,
        signal,
        onToken,
        ...(options.maxAnswerTokens === undefined ? {} : { maxAnswerTokens: options.maxAnswerTokens }),
        ...conversation,
      }),
    );
  }

  async modelStatus(): Promise<ModelStatus> {
    return {
      llm: await this.#llm.status(),
      embedding: this.#library.semanticStatus(),
      dataFolder: this.#options.dataFolder ?? path.dirname(this.#library.file),
      libraryPath: this.#library.file,
    };
  }

  inspectLlm(file: string): Promise<LlmInspection> {
    return this.#llm.inspect(file);
  }

  loadLlm(file: string, options: LoadLlmOptions = {}): Promise<LlmModelStatus> {
    return this.#llm.load(file, options);
  }

  unloadLlm(): Promise<LlmModelStatus> {
    return this.#llm.unload();
  }

  // Not async: an async wrapper would resolve the reply a few ticks after the job's own, later than its done may go.
  setEmbeddingModel(dir: string, options: JobOptions = {}): Promise<JobStarted> {
    return this.#jobs.setEmbeddingModel(dir, options);
  }

  async history(): Promise<HistoryEntry[]> {
    return this.#library.history();
  }

  async exportConversation(conversationId: number): Promise<string> {
    const entries = this.#library.history(conversationId);
    if (entries.length === 0)
      throw new ServiceError(`no conversation ${conversationId} in this library`, {
        code: 'service.conversation-not-found',
        params: { conversationId },
      });
    return formatConversationMarkdown(this.#library.file, entries, new Date().toISOString());
  }

  async passageContext(ref: PassageRef): Promise<PassageContext> {
    const context = this.#library.passageContext(ref, CONTEXT_CHARS);
    if (!context)
      throw new ServiceError(`document ${ref.documentId} is not in this library any more`, {
        code: 'service.document-not-found',
        params: { documentId: ref.documentId },
      });
    return context;
  }

  /**
   * Cancels every job (ingestion, embedding, answers, a load) and waits for them; the library (and the engine's LLM
   * host) belong to the caller.
   */
  async dispose(): Promise<void> {
    await this.#runner.stopAll();
    await this.#llm.dispose();
    this.#listeners.clear();
  }
}
