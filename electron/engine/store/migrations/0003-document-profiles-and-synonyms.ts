import type { Database } from 'better-sqlite3';

// Version 3: what each document is (standard number, title, kind, sector, region: detected at indexing, corrected by
// the user), and the library's own thesaurus entries. Never edit after release: add a new migration instead.
export const version = 3;
export const name = 'document-profiles-and-synonyms';

export function up(db: Database): void {
  db.exec(`
    -- JSON of the DocumentProfile read from the document at its last indexing (NULL until then).
    ALTER TABLE documents ADD COLUMN profile TEXT;
    -- JSON of the fields the user set by hand; they win over the detected ones and survive re-indexing.
    ALTER TABLE documents ADD COLUMN profile_override TEXT;

    -- The library's own thesaurus: when a question holds 'ask', the search also looks for each of 'means'
    -- (a JSON array), weighted as the built-in thesaurus's expansions are.
    CREATE TABLE synonyms (
      id INTEGER PRIMARY KEY,
      ask TEXT NOT NULL,
      means TEXT NOT NULL,
      added_at TEXT NOT NULL,
      UNIQUE (ask)
    ) STRICT;
  `);
}
