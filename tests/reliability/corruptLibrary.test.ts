// A library file that is damaged, truncated, not a library, or from a newer app is refused — by the engine and by
// `kb` (exit code 2, one line) — and left byte-for-byte as it was (sha256 before and after). A sound library is not
// rewritten by reading it either.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, LibraryError, type Engine } from '../../electron/engine/index.ts';
import { LIBRARY_APPLICATION_ID } from '../../electron/engine/store/openLibraryDatabase.ts';
import { CORPUS, runKb, sha256File, tempDir, TOKENIZER_DIR } from './helpers.ts';

interface BadLibrary {
  name: string;
  make: (file: string, good: Buffer) => void;
  reason: LibraryError['reason'];
  message: RegExp;
}

const PAGE = 4096;

const BAD_LIBRARIES: BadLibrary[] = [
  {
    name: 'random bytes behind a SQLite header',
    make: (file) =>
      writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(64 * 1024)])),
    reason: 'corrupt',
    message: /is damaged \(file is not a database\); restore it from a backup$/,
  },
  {
    name: 'a library truncated to half',
    make: (file, good) => writeFileSync(file, good.subarray(0, Math.floor(good.length / 2 / PAGE) * PAGE + 100)),
    reason: 'corrupt',
    message: /is damaged \(.*\)[;:] restore it from a backup/,
  },
  {
    name: 'a library truncated to its first page',
    make: (file, good) => writeFileSync(file, good.subarray(0, PAGE)),
    reason: 'corrupt',
    message: /is damaged \(.*\)[;:] restore it from a backup/,
  },
  {
    name: 'a library with garbage over pages in the middle (a bad sector)',
    make: (file, good) => {
      const damaged = Buffer.from(good);
      randomBytes(2 * PAGE).copy(damaged, 6 * PAGE);
      writeFileSync(file, damaged);
    },
    reason: 'corrupt',
    message: /is damaged \(.+\): restore it from a backup; the file was not changed$/,
  },
  {
    name: 'a text file named .kb.sqlite',
    make: (file) => writeFileSync(file, '这不是数据库 — just notes\n'),
    reason: 'not-a-library',
    message: /is not a library: it is not a SQLite database \(left untouched\)$/,
  },
  {
    name: "another application's SQLite database",
    make: (file) => {
      const db = new Database(file);
      db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张三');");
      db.close();
    },
    reason: 'not-a-library',
    message: /is not a library: it is a SQLite database of another application \(left untouched\)$/,
  },
  {
    name: 'a library from a newer version of the app',
    make: (file) => {
      const db = new Database(file);
      db.pragma(`application_id = ${LIBRARY_APPLICATION_ID}`);
      db.pragma('user_version = 99');
      db.exec('CREATE TABLE future (x)');
      db.close();
    },
    reason: 'newer-version',
    message:
      /was written by a newer version of this app \(schema 99, .*\): update the app to open it; the file was not changed$/,
  },
];

describe('a library file that is damaged or not a library', () => {
  let dir: string;
  let cleanup: () => void;
  let engine: Engine;
  let good: Buffer;
  let goodFile: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-corrupt-'));
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    goodFile = path.join(dir, 'good.kb.sqlite');
    const library = await engine.openLibrary(goodFile, { create: true });
    await library.ingest([path.join(CORPUS, 'mlps/law'), path.join(CORPUS, 'mlps/guidance')]);
    await library.dispose();
    good = readFileSync(goodFile);
    expect(good.length).toBeGreaterThan(16 * PAGE);
  });
  afterAll(async () => {
    await engine?.dispose();
    cleanup?.();
  });

  it.each(BAD_LIBRARIES)(
    '$name: refused by the engine with a clear message, untouched',
    async ({ name, make, reason, message }) => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.kb.sqlite`);
      make(file, good);
      const before = sha256File(file);
      for (const create of [false, true]) {
        const error = await engine.openLibrary(file, { create }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${name} (create: ${create}) should be refused`).toBeInstanceOf(LibraryError);
        expect((error as LibraryError).reason).toBe(reason);
        // Its code is worded by the faces; the file is in its params for the sentence.
        expect((error as LibraryError).code).toBe(`library.${reason}`);
        expect((error as LibraryError).params.file).toBe(file);
        expect((error as LibraryError).message).toContain(file);
        expect((error as LibraryError).message).toMatch(message);
        expect((error as LibraryError).message).not.toContain('\n');
      }
      expect(sha256File(file)).toBe(before);
      expect(existsSync(`${file}-wal`) || existsSync(`${file}-journal`), 'no journal left beside it').toBe(false);
    },
  );

  it.each(BAD_LIBRARIES)(
    '$name: kb ingest / search exit 2 with one line, untouched',
    async ({ make, message, name }) => {
      const file = path.join(dir, `cli-${name.replace(/\W+/g, '-')}.kb.sqlite`);
      make(file, good);
      const before = sha256File(file);
      for (const args of [
        ['ingest', path.join(CORPUS, 'mlps/law')],
        ['search', '网络安全'],
      ]) {
        const run = await runKb([...args, '--library', file]);
        expect(run.code, `kb ${args[0]}: ${run.stderr}`).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr.trim()).toMatch(/^kb: /);
        expect(run.stderr.trim()).toMatch(message);
      }
      expect(sha256File(file)).toBe(before);
    },
    60_000,
  );

  it('a sound library is not rewritten by reading it (search, ask, docs)', async () => {
    const file = path.join(dir, 'read-only-use.kb.sqlite');
    copyFileSync(goodFile, file);
    const before = sha256File(file);
    const library = await engine.openLibrary(file);
    expect((await library.search('网络运营者')).length).toBeGreaterThan(0);
    await library.ask('网络运营者应当履行哪些安全保护义务？', { record: false });
    library.listDocuments();
    await library.dispose();
    expect((await runKb(['docs', '--library', file])).code).toBe(0);
    expect((await runKb(['search', '网络运营者', '--library', file])).code).toBe(0);
    expect(sha256File(file)).toBe(before);
  }, 60_000);
});
