import { KbError } from '../../shared/errors.ts';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  Answer,
  AnswerMode,
  DocumentInfo,
  DocumentProfile,
  DocumentProfileChanges,
  ThesaurusInfo,
  EmbeddingProgress,
  HistoryEntry,
  IngestSummary,
  LibraryStats,
  SearchHit,
  SemanticSearchStatus,
} from '../../shared/types.ts';
import type { DocumentFile, PassageContext, PassageRef, SourceInfo } from '../../shared/engineApi.ts';
import {
  answerExactly,
  DEFAULT_ANSWER_THRESHOLD,
  DEFAULT_RELATED_THRESHOLD,
  type ExactAnswerInput,
} from './answer/answerExactly.ts';
import { analyzeQuestion, type QuestionAnalysis } from './question/analyzeQuestion.ts';
import { Thesaurus } from './question/Thesaurus.ts';
import { answerGenerated } from './answer/answerGenerated.ts';
import type { ChatModel } from './llm/ChatModel.ts';
import type { TokenCounter } from './chunk/WordPieceTokenCounter.ts';
import { TransformersEmbedder, type Embedder } from './embed/TransformersEmbedder.ts';
import { ingestFiles, type IngestOptions } from './ingest/ingestFiles.ts';
import {
  watchLibraryFolders,
  type LibraryFolderWatcher,
  type WatchLibraryFoldersOptions,
} from './ingest/watchLibraryFolders.ts';
import type { ChineseSegmenter } from './search/ChineseSegmenter.ts';
import { RERANK_DEPTH, rerankHits, type Reranker } from './search/Reranker.ts';
import { PassageSearch, type RetrievalMode } from './search/searchPassages.ts';
import { AuditTrail, type ConversationInfo } from './store/AuditTrail.ts';
import type { LibraryStore, StoredSynonym } from './store/LibraryStore.ts';
import { readOnlyLibraryError, storageError } from './store/openLibraryDatabase.ts';
import { passageForEmbedding, VectorIndex } from './store/VectorIndex.ts';
import { errorFields, SILENT_LOGGER, type EngineLogger } from './log/EngineLogger.ts';

/** Version of the answering logic, recorded with every answer in the audit trail. */
export const ANSWER_ENGINE_VERSION = 'exact-2';
/** Version of the generated-answer logic (prompt, citation checks), recorded with every generated answer. */
export const GENERATED_ENGINE_VERSION = 'generate-2';

// Chunks embedded per step when (re-)embedding a library: progress is reported after each.
const EMBED_STEP = 64;

export interface LibraryAskOptions {
  /** Defaults to `'exact'`. `'generate'` needs `llm`. */
  mode?: AnswerMode;
  /** The LLM that writes generated answers: the engine's host with a model loaded (`await engine.llm()`). */
  llm?: ChatModel;
  /** Receives a generated answer's text as the model writes it. */
  onToken?: (text: string) => void;
  /** Cancels a generated answer (the partial answer is returned and recorded). */
  signal?: AbortSignal;
  /** Token cap of a generated answer. Defaults to `512`. */
  maxAnswerTokens?: number;
  /** Conversation to add the exchange to; a new one is started when absent. */
  conversationId?: number;
  /** Store the exchange in the audit trail. Defaults to `true`; evaluations turn it off. */
  record?: boolean;
  /** Override of the coverage from which an answer is sure (0..1). Defaults to the calibrated value. */
  coverageThreshold?: number;
  /** Override of the coverage from which related passages are offered (0..1). Defaults to the calibrated value. */
  relatedThreshold?: number;
  /** Defaults to `'hybrid'` with an embedding model, else `'lexical'`. */
  retrieval?: RetrievalMode;
}

export interface AskResult {
  answer: Answer;
  /** Where the exchange was recorded (null when `record: false`). */
  conversationId: number | null;
  messageId: number | null;
  /** Why the exchange was not recorded although recording was asked for (a read-only library). */
  notRecorded?: string;
}

export interface LibrarySearchOptions {
  /** Number of passages. Defaults to `10`. */
  k?: number;
  /** Defaults to `'hybrid'` with an embedding model, else `'lexical'`. Vector modes without a model are refused. */
  retrieval?: RetrievalMode;
}

export interface EmbeddingOptions {
  onProgress?: (progress: EmbeddingProgress) => void;
  signal?: AbortSignal;
}

export interface SetEmbeddingModelOptions extends EmbeddingOptions {
  /** Pooling override (see TransformersEmbedderOptions.pooling); recorded with the model. */
  pooling?: 'cls' | 'mean';
}

/** What reading a document's original file found (Library.readDocumentFile); the caller words the refusals. */
export type DocumentFileRead =
  | { state: 'read'; file: DocumentFile }
  /** No such document, or it was removed. */
  | { state: 'not-in-library' }
  /** The document is in the library, its file is not on disk any more (moved, deleted, an unplugged drive). */
  | { state: 'file-gone'; path: string }
  | { state: 'too-large'; path: string; sizeBytes: number };

/** One open library: ingest into it, search it, ask it. Holds the SQLite connection (and embedder) until disposed. */
const STORES = new WeakMap<Library, LibraryStore>();

/**
 * The store under a library, for the engine's tests and inspection tools only: not on Library's face, and not
 * exported from the engine's entry — faces go through Library's own methods.
 */
export function storeOf(library: Library): LibraryStore {
  return STORES.get(library)!;
}

export class Library {
  readonly file: string;
  readonly #store: LibraryStore;
  readonly #segmenter: ChineseSegmenter;
  readonly #tokenCounter: TokenCounter;
  readonly #defaults: IngestOptions;
  readonly #audit: AuditTrail;
  readonly #vectors: VectorIndex;
  readonly #search: PassageSearch;
  #thesaurus: Thesaurus;
  #embedder: Embedder | null = null;
  #reranker: Reranker | null = null;
  #semanticProblem: string | null = null;
  #ingesting = false;
  readonly #watchers = new Set<LibraryFolderWatcher>();
  readonly #logger: EngineLogger;

  constructor(
    store: LibraryStore,
    segmenter: ChineseSegmenter,
    tokenCounter: TokenCounter,
    defaults: IngestOptions,
    logger: EngineLogger = SILENT_LOGGER,
  ) {
    this.file = store.file;
    this.#logger = logger;
    STORES.set(this, store);
    this.#store = store;
    this.#segmenter = segmenter;
    this.#tokenCounter = tokenCounter;
    this.#defaults = defaults;
    this.#audit = new AuditTrail(store.database);
    this.#vectors = new VectorIndex(store);
    this.#search = new PassageSearch(store, this.#vectors, segmenter);
    this.#thesaurus = Thesaurus.create(store.listSynonyms());
  }

  /**
   * Loads the embedding model recorded in the library, if any. A model that is gone or changed leaves semantic search
   * off, with the reason in `semanticStatus()`; lexical search still works.
   */
  async loadRecordedEmbeddingModel(): Promise<void> {
    const recorded = this.#vectors.model();
    if (!recorded) return;
    if (!existsSync(recorded.modelPath)) {
      this.#semanticProblem = `the embedding model folder ${recorded.modelPath} is gone: choose it again (kb ingest … --embedding-model <dir>)`;
      this.#logger.log('warn', 'embedding.model-missing', { file: this.file, model: recorded.modelPath });
      return;
    }
    try {
      const pooling = recorded.modelId.split(':')[1] === 'mean' ? 'mean' : 'cls';
      const embedder = await TransformersEmbedder.load(recorded.modelPath, { pooling });
      if (embedder.modelId !== recorded.modelId || embedder.dimension !== recorded.dimension) {
        await embedder.dispose();
        this.#semanticProblem = `the model in ${recorded.modelPath} is not the one this library was embedded with (${recorded.modelId}): set it again to re-embed`;
        this.#logger.log('warn', 'embedding.model-changed', {
          file: this.file,
          model: recorded.modelPath,
          recorded: recorded.modelId,
          found: embedder.modelId,
        });
        return;
      }
      this.#embedder = embedder;
    } catch (error) {
      this.#semanticProblem = (error as Error).message;
      this.#logger.log('error', 'embedding.model-failed', {
        file: this.file,
        model: recorded.modelPath,
        ...errorFields(error),
      });
    }
  }

  /**
   * Sets the library's embedding model. A different model than before drops the old vectors and re-embeds every
   * chunk (with progress); vectors of two models are never mixed.
   */
  async setEmbeddingModel(modelDir: string, options: SetEmbeddingModelOptions = {}): Promise<{ reembedded: number }> {
    const embedder = await TransformersEmbedder.load(modelDir, { pooling: options.pooling });
    this.#logger.log('info', 'embedding.model-set', {
      file: this.file,
      model: modelDir,
      modelId: embedder.modelId,
      dimension: embedder.dimension,
    });
    await this.#embedder?.dispose();
    this.#embedder = embedder;
    this.#semanticProblem = null;
    this.#vectors.setModel({ modelId: embedder.modelId, dimension: embedder.dimension, modelPath: modelDir });
    return { reembedded: await this.embedMissingChunks(options) };
  }

  /** Embeds chunks that have no vector yet (after a model change, or chunks indexed before the model was set). */
  async embedMissingChunks(options: EmbeddingOptions = {}): Promise<number> {
    const embedder = this.#embedder;
    if (!embedder) return 0;
    const total = this.#store.chunkCount() - this.#vectors.embeddedCount();
    const started = performance.now();
    let embedded = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const batch = this.#vectors.chunksWithoutVectors(EMBED_STEP);
      if (batch.length === 0) break;
      const vectors = await embedder.embedPassages(batch.map((c) => passageForEmbedding(c.headingPath, c.text)));
      this.#vectors.write(batch.map((c, i) => ({ chunkId: c.chunkId, vector: vectors[i]! })));
      embedded += batch.length;
      const seconds = (performance.now() - started) / 1000;
      options.onProgress?.({ embedded, total, chunksPerSecond: seconds > 0 ? embedded / seconds : 0 });
    }
    return embedded;
  }

  semanticStatus(): SemanticSearchStatus {
    const model = this.#vectors.model();
    const base = {
      modelId: model?.modelId ?? null,
      modelPath: model?.modelPath ?? null,
      dimension: model?.dimension ?? null,
      embeddedChunks: this.#vectors.embeddedCount(),
    };
    if (this.#embedder) {
      return {
        ...base,
        state: 'on',
        message: `semantic search on: ${base.modelId}, ${base.dimension} dimensions, ${base.embeddedChunks} of ${this.#store.chunkCount()} chunks embedded`,
      };
    }
    if (this.#semanticProblem)
      return { ...base, state: 'error', message: `semantic search off: ${this.#semanticProblem}` };
    return {
      ...base,
      state: 'off',
      message:
        'semantic search off: no embedding model set (lexical search only). Turn it on with kb ingest <folder> --library <file> --embedding-model <bge-small-zh-v1.5 folder>',
    };
  }

  /** Ingests folders and files. One ingestion at a time per library (SQLite has a single writer). */
  async ingest(inputs: string[], options: IngestOptions = {}): Promise<IngestSummary> {
    if (this.#ingesting)
      throw new KbError('library.ingest-running', `an ingestion into ${this.file} is already running`, {
        file: this.file,
      });
    if (this.#store.database.readonly) throw readOnlyLibraryError(this.file);
    this.#ingesting = true;
    this.#logger.log('info', 'ingest.start', { file: this.file, inputs: inputs.length });
    try {
      const embedding = this.#embedder ? { embedder: this.#embedder, vectors: this.#vectors } : null;
      const summary = await ingestFiles(
        { store: this.#store, segmenter: this.#segmenter, tokenCounter: this.#tokenCounter, embedding },
        inputs,
        {
          ...this.#defaults,
          ...options,
        },
      );
      if (!summary.cancelled) summary.chunksEmbedded += await this.embedMissingChunks({ signal: options.signal });
      this.#logIngestSummary(summary);
      return summary;
    } catch (error) {
      const failure = storageError(error, this.file) ?? error;
      this.#logger.log(options.signal?.aborted ? 'info' : 'error', 'ingest.stopped', {
        file: this.file,
        ...errorFields(failure),
      });
      throw failure;
    } finally {
      this.#ingesting = false;
      this.#search.invalidate();
    }
  }

  /** One line for the run, and one per file that failed (its path and code: what support asks for first). */
  #logIngestSummary(summary: IngestSummary): void {
    const { filesSeen, indexed, unchanged, removed, chunksWritten, chunksEmbedded, bytesRead, elapsedMs, cancelled } =
      summary;
    this.#logger.log('info', 'ingest.done', {
      file: this.file,
      filesSeen,
      indexed,
      unchanged,
      skipped: summary.skipped.length,
      failed: summary.failed.length,
      removed,
      chunksWritten,
      chunksEmbedded,
      bytesRead,
      ms: Math.round(elapsedMs),
      cancelled,
    });
    for (const failed of summary.failed)
      this.#logger.log('warn', 'ingest.file-failed', { path: failed.path, code: failed.code, reason: failed.reason });
  }

  #retrieval(requested: RetrievalMode | undefined): RetrievalMode {
    const retrieval = requested ?? (this.#embedder ? 'hybrid' : 'lexical');
    if (retrieval !== 'lexical' && !this.#embedder) {
      const detail = this.semanticStatus().message;
      throw new KbError('embedding.retrieval-unavailable', `${retrieval} retrieval is not available: ${detail}`, {
        retrieval,
        detail,
      });
    }
    return retrieval;
  }

  /** Adds (or, with null, removes) a reranking stage after retrieval. The library does not own the reranker. */
  setReranker(reranker: Reranker | null): void {
    this.#reranker = reranker;
  }

  /**
   * Reads a question once (language, levels, named standards, sectors, regions, clause numbers, content words and
   * their expansions): what search, the evidence gate and the audit record all use.
   */
  analyze(question: string): QuestionAnalysis {
    return analyzeQuestion(question, {
      thesaurus: this.#thesaurus,
      segmenter: this.#segmenter,
      documents: this.#search.documents(),
      libraryHasWord: (word) => this.#search.hasWord(word),
    });
  }

  async search(query: string, options: LibrarySearchOptions = {}): Promise<SearchHit[]> {
    const started = performance.now();
    const hits = await this.#searchAnalysed(this.analyze(query), options);
    // The query's length, never its words: questions can name a client's systems.
    this.#logger.log('debug', 'search', {
      retrieval: options.retrieval ?? null,
      queryChars: query.length,
      hits: hits.length,
      ms: Math.round(performance.now() - started),
    });
    return hits;
  }

  async #searchAnalysed(analysis: QuestionAnalysis, options: LibrarySearchOptions): Promise<SearchHit[]> {
    const k = options.k ?? 10;
    const retrieval = this.#retrieval(options.retrieval);
    const queryVector = retrieval === 'lexical' ? undefined : await this.#embedder!.embedQuery(analysis.question);
    const depth = this.#reranker ? Math.max(k, RERANK_DEPTH) : k;
    const hits = this.#search.search(analysis, { k: depth, retrieval, ...(queryVector ? { queryVector } : {}) });
    return this.#reranker ? (await rerankHits(this.#reranker, analysis.question, hits)).slice(0, k) : hits;
  }

  /** Answers a question from the library's passages and records the exchange in the audit trail. */
  async ask(question: string, options: LibraryAskOptions = {}): Promise<AskResult> {
    const mode = options.mode ?? 'exact';
    const llm = options.llm;
    if (mode === 'generate' && !llm) {
      throw new KbError(
        'llm.not-loaded',
        'generated answers need a local LLM: load a .gguf model first, or use mode "exact"',
      );
    }
    const retrieval = this.#retrieval(options.retrieval);
    const started = performance.now();
    const threshold = options.coverageThreshold ?? DEFAULT_ANSWER_THRESHOLD;
    const relatedThreshold = options.relatedThreshold ?? DEFAULT_RELATED_THRESHOLD;
    const analysis = this.analyze(question);
    const hits = await this.#searchAnalysed(analysis, { k: 10, retrieval });
    const input: ExactAnswerInput = {
      store: this.#store,
      analysis,
      weighed: this.#search.weigh(analysis),
      hits,
      documents: new Map(this.#search.documents().map((d) => [d.documentId, d])),
      singletonIdf: this.#search.singletonIdf(),
      libraryHolds: (text) => this.#search.holds(text),
    };
    const answer: Answer =
      mode === 'generate'
        ? await answerGenerated(input, llm!, {
            coverageThreshold: threshold,
            relatedThreshold,
            ...(options.onToken ? { onToken: options.onToken } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.maxAnswerTokens ? { maxAnswerTokens: options.maxAnswerTokens } : {}),
          })
        : answerExactly(input, { coverageThreshold: threshold, relatedThreshold });
    this.#logger.log('debug', 'ask', {
      mode,
      retrieval,
      questionChars: question.length,
      status: answer.status,
      citations: answer.citations.length,
      ms: Math.round(performance.now() - started),
    });
    if (options.record === false) return { answer, conversationId: null, messageId: null };
    if (this.#store.database.readonly) {
      // The answer stands; only its record cannot be written.
      return {
        answer,
        conversationId: null,
        messageId: null,
        notRecorded: `${this.file} is read-only: this answer is not recorded in its history`,
      };
    }
    if (options.conversationId !== undefined && !this.#audit.hasConversation(options.conversationId)) {
      throw new KbError('library.no-conversation', `no conversation ${options.conversationId} in ${this.file}`, {
        conversationId: options.conversationId,
      });
    }
    const conversationId = options.conversationId ?? this.#audit.startConversation(question);
    const settings = {
      mode,
      retrieval,
      embeddingModel: retrieval === 'lexical' ? null : this.#embedder!.modelId,
      reranker: this.#reranker?.modelId ?? null,
      coverageThreshold: threshold,
      relatedThreshold,
      engine: mode === 'generate' ? GENERATED_ENGINE_VERSION : ANSWER_ENGINE_VERSION,
      llm: mode === 'generate' ? llm!.modelId : null,
      chunking: this.#tokenCounter.id,
      thesaurus: this.#thesaurus.version,
    };
    const messageId = this.#audit.record(conversationId, answer, settings);
    return { answer, conversationId, messageId };
  }

  /** The library's own thesaurus entries (the built-in ones are in Thesaurus.builtinEntries()). */
  listSynonyms(): StoredSynonym[] {
    return this.#store.listSynonyms();
  }

  /**
   * Adds a thesaurus entry of the library's own: questions holding `ask` are also searched for each of `means`
   * (replacing the meanings when `ask` is already there). Returns its id.
   */
  addSynonym(ask: string, means: string[]): number {
    const id = this.#store.addSynonym(ask, means);
    this.#thesaurus = Thesaurus.create(this.#store.listSynonyms());
    return id;
  }

  /** Removes a thesaurus entry of the library's own; false when there is none with that id. */
  removeSynonym(id: number): boolean {
    const removed = this.#store.removeSynonym(id);
    if (removed) this.#thesaurus = Thesaurus.create(this.#store.listSynonyms());
    return removed;
  }

  /** The thesaurus in force: built-in version plus a digest of the library's own entries. */
  get thesaurusVersion(): string {
    return this.#thesaurus.version;
  }

  /** The thesaurus in force, with the library's own entries. */
  thesaurusInfo(): ThesaurusInfo {
    return {
      version: this.#thesaurus.version,
      builtinEntries: Thesaurus.builtinEntries().length,
      own: this.#store.listSynonyms(),
    };
  }

  /**
   * Corrects what a document is (its standard number, title, year, kind, sector, region): a value sets a field ('' =
   * none), null returns it to the detected one. The corrections survive re-indexing. False when there is no such
   * document.
   */
  setDocumentProfile(documentId: number, changes: DocumentProfileChanges): boolean {
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null)) as Partial<
      Record<keyof DocumentProfile, string>
    >;
    const clear = Object.entries(changes)
      .filter(([, value]) => value === null)
      .map(([key]) => key as keyof DocumentProfile);
    const done = this.#store.setProfileOverride(documentId, set, clear);
    this.#search.invalidate();
    return done;
  }

  /** A document's outline: the heading paths of its passages, in document order. */
  documentOutline(documentId: number): string[][] {
    return this.#store.headingPaths(documentId);
  }

  /**
   * Removes a document from the library (its passages go; the audit trail keeps what was cited). Returns what it was,
   * or null when there is no such document (or it was removed before).
   */
  removeDocument(documentId: number): DocumentInfo | null {
    const document = this.document(documentId);
    if (!document) return null;
    this.#store.markRemoved([documentId]);
    this.#search.invalidate();
    return document;
  }

  /** A document of this library, or null when there is none with that id or it was removed. */
  document(documentId: number): DocumentInfo | null {
    return this.#store.listDocuments().find((d) => d.id === documentId && d.status !== 'removed') ?? null;
  }

  /**
   * A document's original file, read whole when it is at most `maxBytes` (it travels in one message), with whether
   * it is still the file that was indexed.
   */
  async readDocumentFile(documentId: number, maxBytes: number): Promise<DocumentFileRead> {
    const document = this.document(documentId);
    if (!document) return { state: 'not-in-library' };
    const size = await stat(document.path).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) return { state: 'file-gone', path: document.path };
    if (size > maxBytes) return { state: 'too-large', path: document.path, sizeBytes: size };
    const bytes = await readFile(document.path);
    return {
      state: 'read',
      file: {
        documentId,
        fileName: path.basename(document.path),
        type: document.type,
        sizeBytes: bytes.length,
        dataBase64: bytes.toString('base64'),
        matchesIndex: document.contentHash === createHash('sha256').update(bytes).digest('hex'),
      },
    };
  }

  /** Recorded answers, oldest first: of one conversation, or all. */
  history(conversationId: number | null = null): HistoryEntry[] {
    return this.#audit.history(conversationId);
  }

  conversations(): ConversationInfo[] {
    return this.#audit.conversations();
  }

  listDocuments(): DocumentInfo[] {
    return this.#store.listDocuments();
  }

  stats(): LibraryStats {
    return this.#store.stats();
  }

  /** The folders and files this library was fed, what is there now, and how many of its documents came from each. */
  async sources(): Promise<SourceInfo[]> {
    const sources: SourceInfo[] = [];
    for (const { path: sourcePath, addedAt } of this.#store.listSourceRecords()) {
      const kind = await stat(sourcePath).then(
        (s): SourceInfo['kind'] => (s.isDirectory() ? 'folder' : 'file'),
        (): SourceInfo['kind'] => 'missing',
      );
      // A folder's documents are those under it (the separator keeps /a/b from counting /a/bc); a file is its own.
      const documents =
        kind === 'file'
          ? this.#store.documentsUnder(sourcePath).filter((d) => d.path === sourcePath).length
          : this.#store.documentsUnder(sourcePath.endsWith(path.sep) ? sourcePath : sourcePath + path.sep).length;
      sources.push({ path: sourcePath, kind, documents, addedAt });
    }
    return sources;
  }

  /** The paths of the folders and files this library was fed, without looking at the disk. */
  sourcePaths(): string[] {
    return this.#store.listSources();
  }

  /**
   * A passage with up to `contextChars` characters of its document either side, and its pages; null when the
   * document is not indexed in this library (removed, failed, or never there).
   */
  passageContext(ref: PassageRef, contextChars: number): PassageContext | null {
    const document = this.#store.listDocuments().find((d) => d.id === ref.documentId && d.status === 'indexed');
    if (!document) return null;
    const start = Math.max(0, ref.charStart - contextChars);
    const after = this.#store.documentSlice(ref.documentId, ref.charEnd, ref.charEnd + contextChars + 1);
    return {
      documentId: document.id,
      documentPath: document.path,
      documentTitle: document.title,
      documentType: document.type,
      before: this.#store.documentSlice(ref.documentId, start, ref.charStart),
      quote: this.#store.documentSlice(ref.documentId, ref.charStart, ref.charEnd),
      after: after.slice(0, contextChars),
      moreBefore: start > 0,
      moreAfter: after.length > contextChars,
      ...this.#store.pagesOfRange(ref.documentId, ref.charStart, ref.charEnd),
    };
  }

  /** Watches the library's source folders and re-ingests changes, debounced; rescans at start. Closed by dispose(). */
  watch(options: WatchLibraryFoldersOptions = {}): LibraryFolderWatcher {
    const watcher = watchLibraryFolders(this, options);
    this.#watchers.add(watcher);
    return watcher;
  }

  async dispose(): Promise<void> {
    for (const watcher of this.#watchers) await watcher.close();
    this.#watchers.clear();
    await this.#embedder?.dispose();
    this.#embedder = null;
    this.#store.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
