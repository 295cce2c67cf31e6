import type { Database } from 'better-sqlite3';

// Version 1: documents, chunks and the lexical index. Never edit after release: add a new migration instead.
export const version = 1;
export const name = 'initial';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    -- Folders and files the user added; re-ingesting a folder removes documents that disappeared from it.
    CREATE TABLE sources (
      path TEXT PRIMARY KEY,
      added_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE documents (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      type TEXT,
      title TEXT,
      size_bytes INTEGER NOT NULL,
      mtime_ms INTEGER NOT NULL,
      content_hash TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'indexed', 'failed', 'removed')),
      error_code TEXT,
      error TEXT,
      page_count INTEGER,
      encoding TEXT,
      -- The extracted, normalised text that chunk character ranges point into.
      text TEXT,
      -- Which parsing/chunking pipeline (version, tokenizer, chunk size) produced the chunks: a change re-indexes.
      pipeline TEXT,
      indexed_at TEXT
    ) STRICT;
    CREATE INDEX documents_status ON documents (status);

    CREATE TABLE chunks (
      id INTEGER PRIMARY KEY,
      document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
      ord INTEGER NOT NULL,
      text TEXT NOT NULL,
      -- JSON array of headings from the document root.
      heading_path TEXT NOT NULL,
      page_start INTEGER,
      page_end INTEGER,
      char_start INTEGER NOT NULL,
      char_end INTEGER NOT NULL,
      token_count INTEGER NOT NULL,
      UNIQUE (document_id, ord)
    ) STRICT;

    -- Contentless FTS5 over jieba-segmented text (space-joined tokens): the default tokenizer cannot split
    -- Chinese, trigram cannot match two-character words. '.' is a token character so clause numbers such as
    -- 8.1.4.1 stay whole (the segmenter strips every other dot). porter stems English.
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
      heading,
      body,
      content = '',
      contentless_delete = 1,
      tokenize = "porter unicode61 remove_diacritics 2 tokenchars '.'"
    );

    -- A chunk's index row goes with it, also when a document delete cascades.
    CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
      DELETE FROM chunks_fts WHERE rowid = old.id;
    END;
  `);
}
