import type { Answer, AnswerMode, DocumentInfo, HistoryEntry, IngestSummary, LibraryStats, SearchHit } from '../../shared/types.ts';
import { answerExactly, DEFAULT_COVERAGE_THRESHOLD } from './answer/answerExactly.ts';
import type { TokenCounter } from './chunk/WordPieceTokenCounter.ts';
import { ingestFiles, type IngestOptions } from './ingest/ingestFiles.ts';
import type { ChineseSegmenter } from './search/ChineseSegmenter.ts';
import { lexicalSearch, type LexicalSearchOptions } from './search/lexicalSearch.ts';
import { AuditTrail, type ConversationInfo } from './store/AuditTrail.ts';
import { LibraryStore } from './store/LibraryStore.ts';

/** Version of the answering logic, recorded with every answer in the audit trail. */
export const ANSWER_ENGINE_VERSION = 'exact-1';

export interface AskOptions {
  /** Defaults to `'exact'`. `'generate'` needs a loaded LLM (not available in this version). */
  mode?: AnswerMode;
  /** Conversation to add the exchange to; a new one is started when absent. */
  conversationId?: number;
  /** Store the exchange in the audit trail. Defaults to `true`; evaluations turn it off. */
  record?: boolean;
  /** Override of the not-found threshold (0..1). Defaults to the calibrated value. */
  coverageThreshold?: number;
}

export interface AskResult {
  answer: Answer;
  /** Where the exchange was recorded (null when `record: false`). */
  conversationId: number | null;
  messageId: number | null;
}

/** One open library: ingest into it, search it, list its documents. Holds the SQLite connection until disposed. */
export class Library {
  readonly file: string;
  readonly #store: LibraryStore;
  readonly #segmenter: ChineseSegmenter;
  readonly #tokenCounter: TokenCounter;
  readonly #defaults: IngestOptions;
  readonly #audit: AuditTrail;
  #ingesting = false;

  constructor(store: LibraryStore, segmenter: ChineseSegmenter, tokenCounter: TokenCounter, defaults: IngestOptions) {
    this.file = store.file;
    this.#store = store;
    this.#segmenter = segmenter;
    this.#tokenCounter = tokenCounter;
    this.#defaults = defaults;
    this.#audit = new AuditTrail(store.database);
  }

  /** Ingests folders and files. One ingestion at a time per library (SQLite has a single writer). */
  async ingest(inputs: string[], options: IngestOptions = {}): Promise<IngestSummary> {
    if (this.#ingesting) throw new Error(`an ingestion into ${this.file} is already running`);
    this.#ingesting = true;
    try {
      return await ingestFiles(
        { store: this.#store, segmenter: this.#segmenter, tokenCounter: this.#tokenCounter },
        inputs,
        { ...this.#defaults, ...options },
      );
    } finally {
      this.#ingesting = false;
    }
  }

  search(query: string, options: LexicalSearchOptions = {}): SearchHit[] {
    return lexicalSearch(this.#store, this.#segmenter, query, options);
  }

  /** Answers a question from the library's passages and records the exchange in the audit trail. */
  ask(question: string, options: AskOptions = {}): AskResult {
    const mode = options.mode ?? 'exact';
    if (mode !== 'exact') {
      throw new Error('generated answers need a local LLM, which this version cannot load yet: use mode "exact"');
    }
    const threshold = options.coverageThreshold ?? DEFAULT_COVERAGE_THRESHOLD;
    const answer = answerExactly(this.#store, this.#segmenter, question, { coverageThreshold: threshold });
    if (options.record === false) return { answer, conversationId: null, messageId: null };
    if (options.conversationId !== undefined && !this.#audit.hasConversation(options.conversationId)) {
      throw new Error(`no conversation ${options.conversationId} in ${this.file}`);
    }
    const conversationId = options.conversationId ?? this.#audit.startConversation(question);
    const settings = { mode, retrieval: 'lexical', coverageThreshold: threshold, engine: ANSWER_ENGINE_VERSION, chunking: this.#tokenCounter.id };
    const messageId = this.#audit.record(conversationId, answer, settings);
    return { answer, conversationId, messageId };
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

  /** The tokenizer that sizes chunks ('wordpiece:…' or 'estimate:…'). */
  get tokenCounterId(): string {
    return this.#tokenCounter.id;
  }

  /** For the engine's own modules and tests. */
  get store(): LibraryStore {
    return this.#store;
  }

  dispose(): void {
    this.#store.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
