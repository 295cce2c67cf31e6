import type Database from 'better-sqlite3';
import type { DocumentInfo, DocumentStatus, DocumentTypeName, LibraryStats } from '../../../shared/types.ts';
import type { Chunk } from '../chunk/chunkDocument.ts';
import { openLibraryDatabase, type OpenLibraryOptions } from './openLibraryDatabase.ts';

/** What the store keeps of a document between ingestions, to decide whether a file changed. */
export interface StoredDocumentState {
  id: number;
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  status: DocumentStatus;
  pipeline: string | null;
  errorCode: string | null;
  error: string | null;
}

export interface IndexedDocumentInput {
  path: string;
  type: DocumentTypeName;
  title: string | null;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  pageCount: number | null;
  encoding: string | null;
  text: string;
  pipeline: string;
  chunks: Chunk[];
  /** Segmented tokens per chunk, space-joined, for the FTS index: heading path and body. */
  ftsRows: { heading: string; body: string }[];
}

export interface FailedDocumentInput {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  type: DocumentTypeName | null;
  code: string;
  reason: string;
  pipeline: string;
}

export interface LexicalCandidate {
  chunkId: number;
  /** bm25 as FTS5 gives it: lower (more negative) is better. */
  bm25: number;
}

export interface StoredChunk {
  chunkId: number;
  documentId: number;
  ord: number;
  text: string;
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
  charStart: number;
  charEnd: number;
  documentPath: string;
  documentTitle: string | null;
}

interface DocumentRow {
  id: number;
  path: string;
  type: DocumentTypeName | null;
  title: string | null;
  size_bytes: number;
  mtime_ms: number;
  content_hash: string | null;
  status: DocumentStatus;
  error: string | null;
  page_count: number | null;
  encoding: string | null;
  indexed_at: string | null;
  chunk_count: number;
}

interface ChunkRow {
  id: number;
  document_id: number;
  ord: number;
  text: string;
  heading_path: string;
  page_start: number | null;
  page_end: number | null;
  char_start: number;
  char_end: number;
  path: string;
  title: string | null;
}

// FTS5 bm25 column weights (heading path, body). A heading names what a clause is about ("8.1.4.1 身份鉴别"),
// so a match there counts double. Chosen on the MLPS dev questions (see scripts/eval-mlps.ts).
const BM25_WEIGHT_HEADING = 2.0;
const BM25_WEIGHT_BODY = 1.0;

function toStoredChunk(row: ChunkRow): StoredChunk {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    ord: row.ord,
    text: row.text,
    headingPath: JSON.parse(row.heading_path) as string[],
    pageStart: row.page_start,
    pageEnd: row.page_end,
    charStart: row.char_start,
    charEnd: row.char_end,
    documentPath: row.path,
    documentTitle: row.title,
  };
}

/**
 * The typed boundary over one library's SQLite file: every SQL statement of the engine lives here, prepared once.
 * Owns the database connection; `dispose()` closes it and any later use throws.
 */
export class LibraryStore {
  readonly file: string;
  readonly #db: Database.Database;
  #disposed = false;
  readonly #statements;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    this.#statements = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      addSource: db.prepare('INSERT INTO sources (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING'),
      listSources: db.prepare<[], { path: string; added_at: string }>('SELECT path, added_at FROM sources ORDER BY path'),
      documentState: db.prepare<[string], { id: number; path: string; size_bytes: number; mtime_ms: number; content_hash: string | null; status: DocumentStatus; pipeline: string | null; error_code: string | null; error: string | null }>(
        'SELECT id, path, size_bytes, mtime_ms, content_hash, status, pipeline, error_code, error FROM documents WHERE path = ?',
      ),
      touchDocument: db.prepare('UPDATE documents SET size_bytes = ?, mtime_ms = ? WHERE id = ?'),
      upsertDocument: db.prepare<unknown[], { id: number }>(`
        INSERT INTO documents (path, type, title, size_bytes, mtime_ms, content_hash, status, error_code, error,
                               page_count, encoding, text, pipeline, indexed_at)
        VALUES (@path, @type, @title, @sizeBytes, @mtimeMs, @contentHash, @status, @errorCode, @error,
                @pageCount, @encoding, @text, @pipeline, @indexedAt)
        ON CONFLICT (path) DO UPDATE SET
          type = excluded.type, title = excluded.title, size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms,
          content_hash = excluded.content_hash, status = excluded.status, error_code = excluded.error_code,
          error = excluded.error, page_count = excluded.page_count, encoding = excluded.encoding, text = excluded.text,
          pipeline = excluded.pipeline, indexed_at = excluded.indexed_at
        RETURNING id`),
      deleteChunksOfDocument: db.prepare('DELETE FROM chunks WHERE document_id = ?'),
      insertChunk: db.prepare<unknown[], { id: number }>(`
        INSERT INTO chunks (document_id, ord, text, heading_path, page_start, page_end, char_start, char_end, token_count)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      insertFts: db.prepare('INSERT INTO chunks_fts (rowid, heading, body) VALUES (?, ?, ?)'),
      markRemoved: db.prepare(
        "UPDATE documents SET status = 'removed', text = NULL, error_code = NULL, error = NULL WHERE id = ?",
      ),
      documentsUnder: db.prepare<[{ prefix: string }], { id: number; path: string }>(
        "SELECT id, path FROM documents WHERE status != 'removed' AND substr(path, 1, length(@prefix)) = @prefix",
      ),
      listDocuments: db.prepare<[], DocumentRow>(`
        SELECT d.id, d.path, d.type, d.title, d.size_bytes, d.mtime_ms, d.content_hash, d.status, d.error, d.page_count,
               d.encoding, d.indexed_at,
               (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count
        FROM documents d WHERE d.status != 'removed' ORDER BY d.path`),
      lexical: db.prepare<[string, number], { id: number; score: number }>(
        `SELECT rowid AS id, bm25(chunks_fts, ${BM25_WEIGHT_HEADING}, ${BM25_WEIGHT_BODY}) AS score
         FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score, rowid LIMIT ?`,
      ),
      chunkById: db.prepare<[number], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ? AND d.status = 'indexed'`),
      documentFrequency: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?'),
      chunkCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks'),
      clauseChunks: db.prepare<[number, string], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.document_id = ? AND c.heading_path = ? AND d.status = 'indexed' ORDER BY c.ord`),
      pagesOfRange: db.prepare<[number, number, number], { page_start: number | null; page_end: number | null }>(
        'SELECT min(page_start) AS page_start, max(page_end) AS page_end FROM chunks WHERE document_id = ? AND char_start < ? AND char_end > ?',
      ),
      documentSlice: db.prepare<[number, number, number], { text: string | null }>(
        'SELECT substr(text, ? + 1, ?) AS text FROM documents WHERE id = ?',
      ),
      stats: db.prepare<[], { documents: number; indexed: number; failed: number; chunks: number }>(`
        SELECT (SELECT count(*) FROM documents WHERE status != 'removed') AS documents,
               (SELECT count(*) FROM documents WHERE status = 'indexed') AS indexed,
               (SELECT count(*) FROM documents WHERE status = 'failed') AS failed,
               (SELECT count(*) FROM chunks) AS chunks`),
    };
  }

  /** Opens a library file (see `openLibraryDatabase` for what is refused). */
  static open(file: string, options: OpenLibraryOptions = {}): LibraryStore {
    return new LibraryStore(file, openLibraryDatabase(file, options));
  }

  #live(): void {
    if (this.#disposed) throw new Error(`library ${this.file} is closed`);
  }

  getMeta(key: string): string | null {
    this.#live();
    return this.#statements.getMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.#live();
    this.#statements.setMeta.run(key, value);
  }

  addSource(sourcePath: string): void {
    this.#live();
    this.#statements.addSource.run(sourcePath, new Date().toISOString());
  }

  listSources(): string[] {
    this.#live();
    return this.#statements.listSources.all().map((row) => row.path);
  }

  /** The sources with the time each was first added (ISO 8601). */
  listSourceRecords(): { path: string; addedAt: string }[] {
    this.#live();
    return this.#statements.listSources.all().map((row) => ({ path: row.path, addedAt: row.added_at }));
  }

  documentState(documentPath: string): StoredDocumentState | null {
    this.#live();
    const row = this.#statements.documentState.get(documentPath);
    if (!row) return null;
    return {
      id: row.id,
      path: row.path,
      sizeBytes: row.size_bytes,
      mtimeMs: row.mtime_ms,
      contentHash: row.content_hash,
      status: row.status,
      pipeline: row.pipeline,
      errorCode: row.error_code,
      error: row.error,
    };
  }

  /** Records a new size/mtime for a file whose content did not change, so the next run needs no read. */
  touchDocument(id: number, sizeBytes: number, mtimeMs: number): void {
    this.#live();
    this.#statements.touchDocument.run(sizeBytes, Math.trunc(mtimeMs), id);
  }

  /**
   * Replaces a document and all its chunks and index rows in one transaction: all of the new version or none.
   * `withChunkIds` runs inside that transaction with the new chunk ids (the vectors are written there).
   */
  writeIndexedDocument(input: IndexedDocumentInput, withChunkIds?: (chunkIds: number[]) => void): number {
    this.#live();
    return this.#db.transaction(() => {
      const { id } = this.#statements.upsertDocument.get({
        path: input.path,
        type: input.type,
        title: input.title,
        sizeBytes: input.sizeBytes,
        mtimeMs: Math.trunc(input.mtimeMs),
        contentHash: input.contentHash,
        status: 'indexed',
        errorCode: null,
        error: null,
        pageCount: input.pageCount,
        encoding: input.encoding,
        text: input.text,
        pipeline: input.pipeline,
        indexedAt: new Date().toISOString(),
      })!;
      this.#statements.deleteChunksOfDocument.run(id);
      const chunkIds: number[] = [];
      input.chunks.forEach((chunk, index) => {
        const { id: chunkId } = this.#statements.insertChunk.get(
          id,
          chunk.ord,
          chunk.text,
          JSON.stringify(chunk.headingPath),
          chunk.pageStart,
          chunk.pageEnd,
          chunk.charStart,
          chunk.charEnd,
          chunk.tokenCount,
        )!;
        const fts = input.ftsRows[index]!;
        this.#statements.insertFts.run(BigInt(chunkId), fts.heading, fts.body);
        chunkIds.push(chunkId);
      });
      withChunkIds?.(chunkIds);
      return id;
    })();
  }

  /** Marks a document failed (its old chunks go: what is in the library must match the file on disk). */
  writeFailedDocument(input: FailedDocumentInput): void {
    this.#live();
    this.#db.transaction(() => {
      const { id } = this.#statements.upsertDocument.get({
        path: input.path,
        type: input.type,
        title: null,
        sizeBytes: input.sizeBytes,
        mtimeMs: Math.trunc(input.mtimeMs),
        contentHash: input.contentHash,
        status: 'failed',
        errorCode: input.code,
        error: input.reason,
        pageCount: null,
        encoding: null,
        text: null,
        pipeline: input.pipeline,
        indexedAt: null,
      })!;
      this.#statements.deleteChunksOfDocument.run(id);
    })();
  }

  /** Documents (not yet removed) whose path starts with `prefix`. */
  documentsUnder(prefix: string): { id: number; path: string }[] {
    this.#live();
    return this.#statements.documentsUnder.all({ prefix });
  }

  markRemoved(ids: number[]): void {
    this.#live();
    this.#db.transaction(() => {
      for (const id of ids) {
        this.#statements.deleteChunksOfDocument.run(id);
        this.#statements.markRemoved.run(id);
      }
    })();
  }

  listDocuments(): DocumentInfo[] {
    this.#live();
    return this.#statements.listDocuments.all().map((row) => ({
      id: row.id,
      path: row.path,
      type: row.type,
      title: row.title,
      sizeBytes: row.size_bytes,
      contentHash: row.content_hash,
      status: row.status,
      error: row.error,
      chunkCount: row.chunk_count,
      pageCount: row.page_count,
      encoding: row.encoding,
      indexedAt: row.indexed_at,
    }));
  }

  /** FTS5 candidates for an FTS5 MATCH expression, best first; ties by chunk id. */
  lexicalCandidates(matchExpression: string, limit: number): LexicalCandidate[] {
    this.#live();
    return this.#statements.lexical.all(matchExpression, limit).map((row) => ({ chunkId: row.id, bm25: row.score }));
  }

  /** A chunk of an indexed document, or null (removed meanwhile). */
  chunk(chunkId: number): StoredChunk | null {
    this.#live();
    const row = this.#statements.chunkById.get(chunkId);
    return row ? toStoredChunk(row) : null;
  }

  /** Number of chunks whose index row holds `term` (one segmenter token), for idf. */
  documentFrequency(term: string): number {
    this.#live();
    return this.#statements.documentFrequency.get(`"${term.replace(/"/g, '""')}"`)!.n;
  }

  chunkCount(): number {
    this.#live();
    return this.#statements.chunkCount.get()!.n;
  }

  /** All chunks of one clause (same document, same heading path), in document order. */
  clauseChunks(documentId: number, headingPath: string[]): StoredChunk[] {
    this.#live();
    return this.#statements.clauseChunks.all(documentId, JSON.stringify(headingPath)).map(toStoredChunk);
  }

  /** The pages (first, last) of the chunks covering [charStart, charEnd) of a document; nulls for formats without pages. */
  pagesOfRange(documentId: number, charStart: number, charEnd: number): { pageStart: number | null; pageEnd: number | null } {
    this.#live();
    const row = this.#statements.pagesOfRange.get(documentId, Math.max(charEnd, charStart + 1), charStart);
    return { pageStart: row?.page_start ?? null, pageEnd: row?.page_end ?? null };
  }

  /** A slice [start, end) of a document's extracted text. */
  documentSlice(documentId: number, charStart: number, charEnd: number): string {
    this.#live();
    return this.#statements.documentSlice.get(charStart, charEnd - charStart, documentId)?.text ?? '';
  }

  stats(): LibraryStats {
    this.#live();
    const row = this.#statements.stats.get()!;
    return { ...row, schemaVersion: this.#db.pragma('user_version', { simple: true }) as number };
  }

  /** Runs a read-only check of the file's integrity; returns 'ok' or SQLite's list of problems. */
  integrityCheck(): string {
    this.#live();
    const rows = this.#db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('\n');
  }

  /** The connection, for migrations' tests and future stores in the engine. Not for callers outside the engine. */
  get database(): Database.Database {
    this.#live();
    return this.#db;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#db.close();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
