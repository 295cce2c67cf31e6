import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../electron/engine/store/migrations/index.ts';
import {
  LibraryError,
  LIBRARY_APPLICATION_ID,
  migrate,
  openLibraryDatabase,
} from '../../electron/engine/store/openLibraryDatabase.ts';
import { tempDir } from './helpers.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

function freshFile(): string {
  const temp = tempDir();
  cleanup = temp.cleanup;
  return path.join(temp.dir, 'test.kb.sqlite');
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('0001-initial creates documents, chunks and the FTS index, and the chunk index is used', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table') ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['meta', 'sources', 'documents', 'chunks', 'chunks_fts']));
    // Replacing a document's chunks deletes by document_id: the UNIQUE (document_id, ord) index must serve it.
    const plan = db.prepare('EXPLAIN QUERY PLAN DELETE FROM chunks WHERE document_id = 1').all() as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX/);
    // The FTS trigger removes a chunk's index row with the chunk, also through the document cascade.
    db.pragma('foreign_keys = ON');
    db.prepare(
      "INSERT INTO documents (id, path, size_bytes, mtime_ms, status) VALUES (1, '/a', 1, 1, 'indexed')",
    ).run();
    db.prepare(
      "INSERT INTO chunks (id, document_id, ord, text, heading_path, char_start, char_end, token_count) VALUES (7, 1, 0, 'x', '[]', 0, 1, 1)",
    ).run();
    db.prepare("INSERT INTO chunks_fts (rowid, heading, body) VALUES (7, '', '身份 鉴别')").run();
    expect(db.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '鉴别'").get()).toEqual({ n: 1 });
    db.prepare('DELETE FROM documents WHERE id = 1').run();
    expect(db.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '鉴别'").get()).toEqual({ n: 0 });
    // Clause numbers stay one token ('.' is a token character).
    db.prepare("INSERT INTO chunks_fts (rowid, heading, body) VALUES (8, '8.1.4.1', '')").run();
    expect(db.prepare(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '"8.1.4.1"'`).get()).toEqual({
      n: 1,
    });
    expect(db.prepare(`SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH '"8.1"'`).get()).toEqual({ n: 0 });
  });
});

describe("migration 0003 (document profiles, the library's thesaurus)", () => {
  it('migrates a version-2 library with documents and answers in it, keeping them, and adds the new parts empty', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.prepare(
      "INSERT INTO documents (id, path, title, size_bytes, mtime_ms, status, text) VALUES (1, '/a.md', '1 范围', 1, 1, 'indexed', 'x')",
    ).run();
    db.prepare("INSERT INTO conversations (id, title, created_at) VALUES (1, 'q', 't')").run();
    migrate(db, 3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT path, title, profile, profile_override FROM documents').get()).toEqual({
      path: '/a.md',
      title: '1 范围',
      profile: null,
      profile_override: null,
    });
    expect(db.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 1 });
    db.prepare("INSERT INTO synonyms (ask, means, added_at) VALUES ('小机', '[\"小型机\"]', 't')").run();
    // One entry per phrase people type.
    expect(() => db.prepare("INSERT INTO synonyms (ask, means, added_at) VALUES ('小机', '[]', 't')").run()).toThrow(
      /UNIQUE/,
    );
  });

  it('reads a document indexed before profiles existed as of unknown kind, titled as it was', async () => {
    const { LibraryStore } = await import('../../electron/engine/store/LibraryStore.ts');
    const file = freshFile();
    openLibraryDatabase(file, { create: true }).close();
    const raw = new Database(file);
    raw
      .prepare(
        "INSERT INTO documents (id, path, title, size_bytes, mtime_ms, status, text) VALUES (1, '/a.md', 'Old title', 1, 1, 'indexed', 'x')",
      )
      .run();
    raw.close();
    const store = LibraryStore.open(file);
    expect(store.listDocuments()[0]!.profile).toEqual({
      standard: null,
      title: 'Old title',
      year: null,
      kind: 'other',
      sector: null,
      region: null,
    });
    store.dispose();
  });
});

describe('openLibraryDatabase', () => {
  it('creates a WAL library marked as ours at the latest version', () => {
    const file = freshFile();
    const db = openLibraryDatabase(file, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('application_id', { simple: true })).toBe(LIBRARY_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect((db.prepare('SELECT vec_version() AS v').get() as { v: string }).v).toBe('v0.1.9');
    db.close();
  });

  it('refuses a missing file unless asked to create it', () => {
    expect(() => openLibraryDatabase(freshFile())).toThrow(/no library at/);
  });

  it('refuses a database from a newer version and leaves it untouched', () => {
    const file = freshFile();
    openLibraryDatabase(file, { create: true }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const error = (() => {
      try {
        openLibraryDatabase(file);
      } catch (e) {
        return e as LibraryError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(LibraryError);
    expect(error.reason).toBe('newer-version');
    expect(error.code).toBe('library.newer-version');
    expect(error.params).toEqual({ file, version: LATEST_SCHEMA_VERSION + 1, supported: LATEST_SCHEMA_VERSION });
    expect(error.message).toMatch(/newer version/);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    check.close();
  });

  it('refuses a file that is not SQLite, and a SQLite file of another application, without changing them', () => {
    const text = freshFile();
    writeFileSync(text, 'just some notes, not a database\n');
    expect(() => openLibraryDatabase(text)).toThrow(/not a library: it is not a SQLite database/);

    const foreign = text.replace('test.kb', 'foreign.kb');
    const other = new Database(foreign);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    expect(() => openLibraryDatabase(foreign, { create: true })).toThrow(/SQLite database of another application/);
    const check = new Database(foreign, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.pragma('application_id', { simple: true })).toBe(0);
    check.close();
  });
});
