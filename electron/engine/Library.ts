import type { DocumentInfo, IngestSummary, LibraryStats, SearchHit } from '../../shared/types.ts';
import type { TokenCounter } from './chunk/WordPieceTokenCounter.ts';
import { ingestFiles, type IngestOptions } from './ingest/ingestFiles.ts';
import type { ChineseSegmenter } from './search/ChineseSegmenter.ts';
import { lexicalSearch, type LexicalSearchOptions } from './search/lexicalSearch.ts';
import { LibraryStore } from './store/LibraryStore.ts';

/** One open library: ingest into it, search it, list its documents. Holds the SQLite connection until disposed. */
export class Library {
  readonly file: string;
  readonly #store: LibraryStore;
  readonly #segmenter: ChineseSegmenter;
  readonly #tokenCounter: TokenCounter;
  readonly #defaults: IngestOptions;
  #ingesting = false;

  constructor(store: LibraryStore, segmenter: ChineseSegmenter, tokenCounter: TokenCounter, defaults: IngestOptions) {
    this.file = store.file;
    this.#store = store;
    this.#segmenter = segmenter;
    this.#tokenCounter = tokenCounter;
    this.#defaults = defaults;
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
