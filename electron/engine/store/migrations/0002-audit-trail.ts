import type { Database } from 'better-sqlite3';

// Version 2: the audit trail. Every question and answer is kept with what it cited, verbatim, so that an auditor can
// show later what the tool said and why, even after the documents were re-indexed or removed.
export const version = 2;
export const name = 'audit-trail';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE conversations (
      id INTEGER PRIMARY KEY,
      title TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
      role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      content TEXT NOT NULL,
      -- For answers: exact | generate, answered | not_found, the settings in force and the whole answer object.
      mode TEXT,
      status TEXT,
      settings TEXT,
      answer_json TEXT,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX messages_conversation ON messages (conversation_id, id);

    -- Citations are copied, not referenced: chunk ids change when a document is re-indexed.
    CREATE TABLE message_citations (
      message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      n INTEGER NOT NULL,
      chunk_ids TEXT NOT NULL,
      document_path TEXT NOT NULL,
      heading_path TEXT NOT NULL,
      page_start INTEGER,
      page_end INTEGER,
      char_start INTEGER NOT NULL,
      char_end INTEGER NOT NULL,
      quote TEXT NOT NULL,
      content_hash TEXT,
      PRIMARY KEY (message_id, n)
    ) STRICT;
  `);
}
