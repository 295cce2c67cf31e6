import type Database from 'better-sqlite3';
import type {
  DocumentInfo,
  DocumentProfile,
  DocumentStatus,
  DocumentType,
  LibraryStats,
} from '../../../shared/types.ts';
import type { Chunk } from '../chunk/chunkDocument.ts';
import type { SynonymEntry } from '../../../shared/types.ts';
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
  type: DocumentType;
  title: string | null;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string;
  pageCount: number | null;
  encoding: string | null;
  text: string;
  pipeline: string;
  /** What the document is, as detected (the user's corrections are kept apart and win). */
  profile: DocumentProfile;
  chunks: Chunk[];
  /** Segmented tokens per chunk, space-joined, for the FTS index: heading path and body. */
  ftsRows: { heading: string; body: string }[];
}

export interface FailedDocumentInput {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  type: DocumentType | null;
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

/** A document's identity as search ranks and answers cite it. */
export interface DocumentProfileRecord {
  documentId: number;
  path: string;
  type: DocumentType | null;
  /** Whether the document has page numbers (PDF): the copy of a clause cited first. */
  paged: boolean;
  profile: DocumentProfile;
}

interface DocumentRow {
  id: number;
  path: string;
  type: DocumentType | null;
  title: string | null;
  size_bytes: number;
  mtime_ms: number;
  content_hash: string | null;
  status: DocumentStatus;
  error_code: string | null;
  error: string | null;
  page_count: number | null;
  encoding: string | null;
  indexed_at: string | null;
  chunk_count: number;
  profile: string | null;
  profile_override: string | null;
}

/** A thesaurus entry of the library's own (see SynonymEntry). */
export type StoredSynonym = SynonymEntry;

const EMPTY_PROFILE: DocumentProfile = {
  standard: null,
  title: null,
  year: null,
  kind: 'other',
  sector: null,
  region: null,
};

/** The detected profile with the user's corrections applied, and which fields those are. */
function effectiveProfile(
  detectedJson: string | null,
  overrideJson: string | null,
  fallbackTitle: string | null,
): { profile: DocumentProfile; edited: (keyof DocumentProfile)[] } {
  // Profiles written by an older version lack newer fields: they read as unknown.
  const detected = detectedJson
    ? { ...EMPTY_PROFILE, ...(JSON.parse(detectedJson) as Partial<DocumentProfile>) }
    : { ...EMPTY_PROFILE, title: fallbackTitle };
  const override = overrideJson ? (JSON.parse(overrideJson) as Record<string, string>) : {};
  // '' set by hand means "none" (a general standard: no sector).
  const applied = Object.fromEntries(
    Object.entries(override).map(([key, value]) => [key, value === '' ? null : value]),
  ) as Partial<DocumentProfile>;
  return { profile: { ...detected, ...applied }, edited: Object.keys(override) as (keyof DocumentProfile)[] };
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
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      addSource: db.prepare('INSERT INTO sources (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING'),
      listSources: db.prepare<[], { path: string; added_at: string }>(
        'SELECT path, added_at FROM sources ORDER BY path',
      ),
      documentState: db.prepare<
        [string],
        {
          id: number;
          path: string;
          size_bytes: number;
          mtime_ms: number;
          content_hash: string | null;
          status: DocumentStatus;
          pipeline: string | null;
          error_code: string | null;
          error: string | null;
        }
      >(
        'SELECT id, path, size_bytes, mtime_ms, content_hash, status, pipeline, error_code, error FROM documents WHERE path = ?',
      ),
      touchDocument: db.prepare('UPDATE documents SET size_bytes = ?, mtime_ms = ? WHERE id = ?'),
      upsertDocument: db.prepare<unknown[], { id: number }>(`
        INSERT INTO documents (path, type, title, size_bytes, mtime_ms, content_hash, status, error_code, error,
                               page_count, encoding, text, pipeline, indexed_at, profile)
        VALUES (@path, @type, @title, @sizeBytes, @mtimeMs, @contentHash, @status, @errorCode, @error,
                @pageCount, @encoding, @text, @pipeline, @indexedAt, @profile)
        ON CONFLICT (path) DO UPDATE SET
          type = excluded.type, title = excluded.title, size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms,
          content_hash = excluded.content_hash, status = excluded.status, error_code = excluded.error_code,
          error = excluded.error, page_count = excluded.page_count, encoding = excluded.encoding, text = excluded.text,
          pipeline = excluded.pipeline, indexed_at = excluded.indexed_at, profile = excluded.profile
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
        SELECT d.id, d.path, d.type, d.title, d.size_bytes, d.mtime_ms, d.content_hash, d.status, d.error_code, d.error,
               d.page_count,
               d.encoding, d.indexed_at, d.profile, d.profile_override,
               (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunk_count
        FROM documents d WHERE d.status != 'removed' ORDER BY d.path`),
      indexedProfiles: db.prepare<
        [],
        {
          id: number;
          path: string;
          type: DocumentType | null;
          title: string | null;
          page_count: number | null;
          profile: string | null;
          profile_override: string | null;
        }
      >(
        "SELECT id, path, type, title, page_count, profile, profile_override FROM documents WHERE status = 'indexed' ORDER BY path",
      ),
      profileOverride: db.prepare<[number], { profile_override: string | null; status: DocumentStatus }>(
        'SELECT profile_override, status FROM documents WHERE id = ?',
      ),
      setProfileOverride: db.prepare('UPDATE documents SET profile_override = ? WHERE id = ?'),
      listSynonyms: db.prepare<[], { id: number; ask: string; means: string; added_at: string }>(
        'SELECT id, ask, means, added_at FROM synonyms ORDER BY id',
      ),
      addSynonym: db.prepare<[string, string, string], { id: number }>(
        'INSERT INTO synonyms (ask, means, added_at) VALUES (?, ?, ?) ON CONFLICT (ask) DO UPDATE SET means = excluded.means RETURNING id',
      ),
      removeSynonym: db.prepare('DELETE FROM synonyms WHERE id = ?'),
      textContains: db.prepare<[string], { found: number }>(
        "SELECT EXISTS (SELECT 1 FROM documents WHERE status = 'indexed' AND instr(lower(text), ?) > 0) AS found",
      ),
      chunksContaining: db.prepare<[string, number], { id: number }>(
        "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'indexed' AND instr(lower(c.text), ?) > 0 ORDER BY c.id LIMIT ?",
      ),
      averageChunkLength: db.prepare<[], { n: number | null }>('SELECT avg(length(text)) AS n FROM chunks'),
      headingMatch: db.prepare<[string, number], { id: number }>(
        'SELECT rowid AS id FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid LIMIT ?',
      ),
      lexical: db.prepare<[string, number], { id: number; score: number }>(
        `SELECT rowid AS id, bm25(chunks_fts, ${BM25_WEIGHT_HEADING}, ${BM25_WEIGHT_BODY}) AS score
         FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score, rowid LIMIT ?`,
      ),
      chunkById: db.prepare<[number], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ? AND d.status = 'indexed'`),
      chunksByIds: db.prepare<[string], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.id IN (SELECT value FROM json_each(?)) AND d.status = 'indexed'`),
      documentFrequency: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?',
      ),
      chunkCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks'),
      clauseChunks: db.prepare<[number, string], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.document_id = ? AND c.heading_path = ? AND d.status = 'indexed' ORDER BY c.ord`),
      chunksEndingWithHeading: db.prepare<[number, string], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.document_id = ? AND c.heading_path LIKE ? ESCAPE '\\' AND d.status = 'indexed' ORDER BY c.ord`),
      chunksUnderHeading: db.prepare<[{ documentId: number; prefix: string }], ChunkRow>(`
        SELECT c.id, c.document_id, c.ord, c.text, c.heading_path, c.page_start, c.page_end, c.char_start, c.char_end,
               d.path, d.title
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.document_id = @documentId AND substr(c.heading_path, 1, length(@prefix)) = @prefix AND d.status = 'indexed' ORDER BY c.ord`),
      headingPaths: db.prepare<[number], { heading_path: string }>(
        'SELECT heading_path FROM chunks WHERE document_id = ? GROUP BY heading_path ORDER BY min(ord)',
      ),
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
        profile: JSON.stringify(input.profile),
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
        profile: null,
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
      errorCode: row.error_code,
      error: row.error,
      chunkCount: row.chunk_count,
      pageCount: row.page_count,
      encoding: row.encoding,
      indexedAt: row.indexed_at,
      ...(({ profile, edited }) => ({ profile, profileEdited: edited }))(
        effectiveProfile(row.profile, row.profile_override, row.title),
      ),
    }));
  }

  /** Every indexed document's identity (profile with the user's corrections), by path. */
  documentProfiles(): DocumentProfileRecord[] {
    this.#live();
    return this.#statements.indexedProfiles.all().map((row) => ({
      documentId: row.id,
      path: row.path,
      type: row.type,
      paged: row.page_count !== null,
      profile: effectiveProfile(row.profile, row.profile_override, row.title).profile,
    }));
  }

  /**
   * Sets (a value) or clears (null → back to the detected value) fields of a document's profile by hand. Returns
   * false when there is no such document.
   */
  setProfileOverride(
    documentId: number,
    changes: Partial<Record<keyof DocumentProfile, string | null>>,
    clear: (keyof DocumentProfile)[] = [],
  ): boolean {
    this.#live();
    const row = this.#statements.profileOverride.get(documentId);
    if (!row || row.status === 'removed') return false;
    const override = row.profile_override ? (JSON.parse(row.profile_override) as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(changes)) override[key] = value;
    for (const key of clear) delete override[key];
    this.#statements.setProfileOverride.run(Object.keys(override).length ? JSON.stringify(override) : null, documentId);
    return true;
  }

  listSynonyms(): StoredSynonym[] {
    this.#live();
    return this.#statements.listSynonyms
      .all()
      .map((row) => ({ id: row.id, ask: row.ask, means: JSON.parse(row.means) as string[], addedAt: row.added_at }));
  }

  /** Adds a thesaurus entry (or replaces the meanings of an existing `ask`); returns its id. */
  addSynonym(ask: string, means: string[]): number {
    this.#live();
    return this.#statements.addSynonym.get(ask, JSON.stringify(means), new Date().toISOString())!.id;
  }

  removeSynonym(id: number): boolean {
    this.#live();
    return this.#statements.removeSynonym.run(id).changes > 0;
  }

  /**
   * Whether any indexed document's text holds `needle` (lowercase; compared with the text lowercased). Decides
   * "not in the library at all" claims by the text itself, not by how the segmenter happened to cut it.
   */
  textContains(needle: string): boolean {
    this.#live();
    return this.#statements.textContains.get(needle.toLowerCase())!.found === 1;
  }

  /**
   * Chunks whose text holds `needle` (lowercase), by scanning the text: for a word the index cut differently than the
   * question (the index has no token for it). A full scan, so only used when the index finds nothing.
   */
  chunksContaining(needle: string, limit: number): number[] {
    this.#live();
    return this.#statements.chunksContaining.all(needle.toLowerCase(), limit).map((row) => row.id);
  }

  /** Mean chunk length in characters (bm25's length normalisation); 1 for an empty library. */
  averageChunkLength(): number {
    this.#live();
    return this.#statements.averageChunkLength.get()!.n ?? 1;
  }

  /** Chunk ids matching an FTS5 expression (no ranking), in id order: direct look-ups of clause numbers and codes. */
  chunksMatching(matchExpression: string, limit: number): number[] {
    this.#live();
    return this.#statements.headingMatch.all(matchExpression, limit).map((row) => row.id);
  }

  /** FTS5 candidates for an FTS5 MATCH expression, best first; ties by chunk id. */
  lexicalCandidates(matchExpression: string, limit: number): LexicalCandidate[] {
    this.#live();
    return this.#statements.lexical.all(matchExpression, limit).map((row) => ({ chunkId: row.id, bm25: row.score }));
  }

  /** Chunks of indexed documents by id, in one query (those removed meanwhile are left out); in no set order. */
  chunks(chunkIds: number[]): StoredChunk[] {
    this.#live();
    return chunkIds.length ? this.#statements.chunksByIds.all(JSON.stringify(chunkIds)).map(toStoredChunk) : [];
  }

  /** A chunk of an indexed document, or null (removed meanwhile). */
  chunk(chunkId: number): StoredChunk | null {
    this.#live();
    const row = this.#statements.chunkById.get(chunkId);
    return row ? toStoredChunk(row) : null;
  }

  /** Number of chunks matching an FTS5 expression (a concept's alternatives OR'd), for its idf. */
  matchCount(matchExpression: string): number {
    this.#live();
    return this.#statements.documentFrequency.get(matchExpression)!.n;
  }

  /**
   * SQLite's data_version: it changes when another connection (another Library, another process: `kb ingest` while
   * the app searches) commits to the file, never for this connection's own writes.
   */
  dataVersion(): number {
    this.#live();
    return this.#db.pragma('data_version', { simple: true }) as number;
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

  /**
   * Chunks of one document whose last heading ends with `title` ("身份鉴别": 7.1.4.1 and 8.1.4.1 alike), in order:
   * the same control point at every level.
   */
  chunksEndingWithHeading(documentId: number, title: string): StoredChunk[] {
    this.#live();
    const escaped = JSON.stringify(title)
      .slice(1, -1)
      .replace(/[\\%_]/g, (ch) => `\\${ch}`);
    return this.#statements.chunksEndingWithHeading.all(documentId, `%${escaped}"]`).map(toStoredChunk);
  }

  /** Chunks of one document under a heading (its heading path a prefix of theirs, the heading's own chunks too), in order. */
  chunksUnderHeading(documentId: number, headingPath: string[]): StoredChunk[] {
    this.#live();
    const own = JSON.stringify(headingPath);
    const prefix = headingPath.length ? `${own.slice(0, -1)},` : '[';
    const rows = this.#statements.chunksUnderHeading
      .all({ documentId, prefix })
      .concat(this.#statements.clauseChunks.all(documentId, own));
    return rows.sort((a, b) => a.ord - b.ord).map(toStoredChunk);
  }

  /** The distinct heading paths of a document's chunks, in document order: its outline. */
  headingPaths(documentId: number): string[][] {
    this.#live();
    return this.#statements.headingPaths.all(documentId).map((row) => JSON.parse(row.heading_path) as string[]);
  }

  /** The pages (first, last) of the chunks covering [charStart, charEnd) of a document; nulls for formats without pages. */
  pagesOfRange(
    documentId: number,
    charStart: number,
    charEnd: number,
  ): { pageStart: number | null; pageEnd: number | null } {
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
