// Every migration N is run on a library of version N−1 that holds data — the rows the app at each earlier version
// wrote — and must keep every row and column it found, leave the database intact, and take the rows of version N
// afterwards. A new migration without its version's rows here fails the first test: add them with it.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../electron/engine/store/migrations/index.ts';
import { LIBRARY_APPLICATION_ID, migrate } from '../../electron/engine/store/openLibraryDatabase.ts';
import { tempDir } from './helpers.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

type Db = Database.Database;

/** What a library of each version holds, written with that version's own schema. */
const ROWS_OF_VERSION: Record<number, (db: Db) => void> = {
  1: (db) => {
    db.prepare(
      'INSERT INTO meta (key, value) VALUES (\'embedding_model\', \'{"modelId":"bge-small-zh-v1.5:cls"}\')',
    ).run();
    db.prepare("INSERT INTO sources (path, added_at) VALUES ('/资料/等保', '2026-01-02T03:04:05.000Z')").run();
    db.prepare(
      `INSERT INTO documents (id, path, type, title, size_bytes, mtime_ms, content_hash, status, page_count, encoding, text, pipeline, indexed_at)
       VALUES (1, '/资料/等保/基本要求.md', 'markdown', '网络安全等级保护基本要求', 120, 1700000000000, 'ab12', 'indexed', NULL, 'utf-8',
               '8.1.4.1 身份鉴别 应对登录的用户进行身份标识和鉴别。', 'p7', '2026-01-02T03:04:06.000Z')`,
    ).run();
    db.prepare(
      "INSERT INTO documents (id, path, type, size_bytes, mtime_ms, status, error_code, error) VALUES (2, '/资料/等保/扫描件.pdf', 'pdf', 9, 1, 'failed', 'no-text', 'no extractable text')",
    ).run();
    db.prepare(
      `INSERT INTO chunks (id, document_id, ord, text, heading_path, page_start, page_end, char_start, char_end, token_count)
       VALUES (10, 1, 0, '应对登录的用户进行身份标识和鉴别。', '["8.1.4.1 身份鉴别"]', NULL, NULL, 12, 29, 14)`,
    ).run();
    db.prepare(
      "INSERT INTO chunks_fts (rowid, heading, body) VALUES (10, '8.1.4.1 身份 鉴别', '应 对 登录 的 用户 进行 身份 标识 和 鉴别')",
    ).run();
  },
  2: (db) => {
    db.prepare(
      "INSERT INTO conversations (id, title, created_at) VALUES (1, '三级身份鉴别要求', '2026-01-03T00:00:00.000Z')",
    ).run();
    db.prepare(
      "INSERT INTO messages (id, conversation_id, role, content, created_at) VALUES (1, 1, 'user', '三级身份鉴别要求', '2026-01-03T00:00:00.000Z')",
    ).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, role, content, mode, status, settings, answer_json, created_at)
       VALUES (2, 1, 'assistant', '应对登录的用户进行身份标识和鉴别。[1]', 'exact', 'answered', '{"mode":"exact"}', '{"status":"answered"}', '2026-01-03T00:00:01.000Z')`,
    ).run();
    db.prepare(
      `INSERT INTO message_citations (message_id, n, chunk_ids, document_path, heading_path, char_start, char_end, quote, content_hash)
       VALUES (2, 1, '[10]', '/资料/等保/基本要求.md', '["8.1.4.1 身份鉴别"]', 12, 29, '应对登录的用户进行身份标识和鉴别。', 'ab12')`,
    ).run();
  },
  3: (db) => {
    db.prepare(
      `UPDATE documents SET profile = '{"standard":"GB/T 22239-2019","title":"网络安全等级保护基本要求","year":2019,"kind":"national-standard","sector":null,"region":null}',
              profile_override = '{"title":"基本要求"}' WHERE id = 1`,
    ).run();
    db.prepare(
      "INSERT INTO synonyms (id, ask, means, added_at) VALUES (1, '堡垒机', '[\"运维审计系统\"]', '2026-01-04T00:00:00.000Z')",
    ).run();
  },
};

/** Every row of every ordinary table (FTS shadow tables left out: the index is checked by a query). */
function snapshot(db: Db): Map<string, Record<string, unknown>[]> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'chunks_fts%' ORDER BY name",
    )
    .all() as { name: string }[];
  return new Map(
    tables.map(({ name }) => [
      name,
      db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all() as Record<string, unknown>[],
    ]),
  );
}

function ftsHits(db: Db, term: string): number[] {
  return (
    db.prepare('SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid').all(term) as { rowid: number }[]
  ).map((r) => r.rowid);
}

describe('each migration on a library holding data', () => {
  it('has the rows of every version here', () => {
    expect(
      Object.keys(ROWS_OF_VERSION).map(Number),
      'a migration was added without the rows its version writes (ROWS_OF_VERSION)',
    ).toEqual(MIGRATIONS.map((m) => m.version));
  });

  for (const { version, name } of MIGRATIONS.filter((m) => m.version > 1)) {
    it(`${String(version).padStart(4, '0')}-${name}: a version-${version - 1} library keeps every row and column, stays intact, and takes version ${version}'s rows`, () => {
      const db = new Database(':memory:');
      db.pragma('foreign_keys = ON');
      migrate(db, version - 1);
      for (let v = 1; v < version; v++) ROWS_OF_VERSION[v]!(db);
      const before = snapshot(db);
      expect(
        [...before.values()].every((rows) => rows.length > 0),
        'every table of the old version holds rows',
      ).toBe(true);

      migrate(db, version);
      expect(db.pragma('user_version', { simple: true })).toBe(version);
      const after = snapshot(db);
      for (const [table, rows] of before) {
        // Each old row with its old columns unchanged (new columns may be added beside them).
        const kept = after
          .get(table)
          ?.map((row) => Object.fromEntries(Object.keys(rows[0]!).map((column) => [column, row[column]])));
        expect(kept, table).toEqual(rows);
      }
      expect(ftsHits(db, '鉴别')).toEqual([10]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);

      ROWS_OF_VERSION[version]!(db);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    });
  }

  it(`a version-1 library file with data opens in the app at version ${LATEST_SCHEMA_VERSION}: its documents listed and its passage found`, async () => {
    const { createEngine } = await import('../../electron/engine/index.ts');
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = path.join(temp.dir, 'old.kb.sqlite');
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`application_id = ${LIBRARY_APPLICATION_ID}`);
    migrate(raw, 1);
    ROWS_OF_VERSION[1]!(raw);
    raw.close();

    const engine = await createEngine();
    try {
      const library = await engine.openLibrary(file);
      expect(library.stats()).toMatchObject({
        documents: 2,
        indexed: 1,
        failed: 1,
        chunks: 1,
        schemaVersion: LATEST_SCHEMA_VERSION,
      });
      expect(library.listDocuments().map((d) => [d.path, d.status])).toEqual([
        ['/资料/等保/基本要求.md', 'indexed'],
        ['/资料/等保/扫描件.pdf', 'failed'],
      ]);
      // The FTS row above is hand-segmented: words the app's jieba splits the same way (登录, 用户, 标识).
      const hits = await library.search('登录用户的标识');
      expect(hits.map((hit) => hit.chunkId)).toEqual([10]);
    } finally {
      await engine.dispose();
    }
  });
});
