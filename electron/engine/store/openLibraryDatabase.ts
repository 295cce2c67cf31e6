import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.ts';
import type { CodesOf, ErrorProblem } from '../../../shared/errorCodes.ts';
import { KbError } from '../../../shared/errors.ts';

// 'KBL1' as a big-endian int: marks a SQLite file as one of our libraries (PRAGMA application_id).
export const LIBRARY_APPLICATION_ID = 0x4b424c31;
const SQLITE_HEADER = 'SQLite format 3\0';
/**
 * A writable open of a library up to this size first reads every page (PRAGMA quick_check, ~270 MB/s on the 2-core
 * dev machine: under a second), so a damaged library is refused before anything is written to it. Larger libraries
 * are only checked as far as opening reads them: a full check would cost seconds on every open.
 */
const FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** What is wrong with a library, in one word (the code says it more finely, with the facts in its params). */
export type LibraryErrorReason =
  'not-found' | 'not-a-library' | 'newer-version' | 'corrupt' | 'unreadable' | 'read-only' | 'storage';

const REASON_OF: Record<CodesOf<'library'>, LibraryErrorReason> = {
  'library.not-found': 'not-found',
  'library.not-a-library': 'not-a-library',
  'library.newer-version': 'newer-version',
  'library.corrupt': 'corrupt',
  'library.unreadable': 'unreadable',
  'library.read-only': 'read-only',
  'library.read-only-needs-upgrade': 'read-only',
  'library.read-only-folder': 'read-only',
  'library.disk-full': 'storage',
  'library.io-error': 'storage',
  'library.ingest-running': 'unreadable',
  'library.no-conversation': 'not-found',
};

/** A library file that cannot be used. The message says which file, why, and what to do. */
export class LibraryError extends KbError {
  readonly reason: LibraryErrorReason;
  constructor(problem: ErrorProblem<CodesOf<'library'>>, message: string) {
    super(problem.code, message, problem.params);
    this.name = 'LibraryError';
    this.reason = REASON_OF[problem.code];
  }
}

export interface OpenLibraryOptions {
  /** Create the library when the file does not exist. Defaults to `false`. */
  create?: boolean;
  /** Open read-only (no migrations; WAL readers beside a writer). Defaults to `false`. */
  readonly?: boolean;
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const n = readSync(fd, buffer, 0, 16, 0);
    return buffer.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function isSqliteCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/**
 * Opens (or creates) a library database: checks that the file is ours and not from a newer app before anything is
 * written to it, then sets WAL, loads sqlite-vec and applies pending migrations, each in its own transaction.
 * A file that is not a library, is corrupt or is newer than this app is refused and left untouched.
 */
export function openLibraryDatabase(file: string, options: OpenLibraryOptions = {}): Database.Database {
  const exists = existsSync(file);
  if (!exists && !options.create) {
    throw new LibraryError(
      { code: 'library.not-found', params: { file } },
      `no library at ${file}: create one with "kb ingest <folder> --library ${file}"`,
    );
  }
  let size = 0;
  if (exists) {
    let header: string;
    try {
      size = statSync(file).size;
      header = size > 0 ? readHeader(file) : '';
    } catch (error) {
      throw new LibraryError(
        { code: 'library.unreadable', params: { file, detail: (error as Error).message } },
        `cannot read library ${file}: ${(error as Error).message}`,
      );
    }
    if (size > 0 && header !== SQLITE_HEADER) {
      throw new LibraryError(
        { code: 'library.not-a-library', params: { file } },
        `${file} is not a library: it is not a SQLite database (left untouched)`,
      );
    }
  }

  // A library this user cannot write (a read-only file, folder or medium: a colleague's library on a share, a
  // burned disc) opens read-only: search and ask work, and what would write says so (storageError).
  const readonly = options.readonly === true || (exists && !isWritable(file));
  if (!exists && options.create) {
    // A new library in a folder not made yet (`--library ~/kb/client.kb.sqlite` on a first run) gets its folder.
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new LibraryError(
        { code: 'library.unreadable', params: { file, detail: (error as Error).message } },
        `cannot create the folder of library ${file}: ${(error as Error).message}`,
      );
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: !options.create });
  } catch (error) {
    throw new LibraryError(
      { code: 'library.unreadable', params: { file, detail: (error as Error).message } },
      `cannot open library ${file}: ${(error as Error).message}`,
    );
  }
  // First: a second process (the app beside a CLI run, two creating the same new library) waits for the writer
  // instead of failing at once — the checks and migrations below already need it.
  db.pragma('busy_timeout = 5000');
  try {
    let applicationId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    if (applicationId !== LIBRARY_APPLICATION_ID) {
      const tableCount = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
      // Another process creating this same new library marks it (application_id) before it makes its tables: tables
      // seen after a blank mark mean the mark was read before theirs was written. Read it again.
      if (tableCount > 0) applicationId = db.pragma('application_id', { simple: true }) as number;
    }
    if (applicationId !== LIBRARY_APPLICATION_ID) {
      const tableCount = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
      if (applicationId !== 0 || userVersion !== 0 || tableCount > 0) {
        throw new LibraryError(
          { code: 'library.not-a-library', params: { file } },
          `${file} is not a library: it is a SQLite database of another application (left untouched)`,
        );
      }
      if (readonly) {
        throw new LibraryError(
          { code: 'library.not-a-library', params: { file } },
          `${file} is an empty database, not a library yet`,
        );
      }
    }
    if (userVersion > LATEST_SCHEMA_VERSION) {
      throw new LibraryError(
        { code: 'library.newer-version', params: { file, version: userVersion, supported: LATEST_SCHEMA_VERSION } },
        `${file} was written by a newer version of this app (schema ${userVersion}, this app knows up to ` +
          `${LATEST_SCHEMA_VERSION}): update the app to open it; the file was not changed`,
      );
    }
    if (readonly && userVersion < LATEST_SCHEMA_VERSION) {
      throw new LibraryError(
        { code: 'library.read-only-needs-upgrade', params: { file } },
        `${file} was written by an older version of this app and must be updated before it can be read, but it is read-only: make it writable (or copy it to a folder you can write) and open it again; the file was not changed`,
      );
    }
    if (!readonly && size > 0 && size <= FULL_CHECK_MAX_BYTES) {
      // Damage inside the file (a bad sector, a partial copy) passes every check above and would surface later as
      // "database disk image is malformed" — after this connection had written to it. Look at every page first.
      const rows = (db.pragma('quick_check') as { quick_check: string }[]).map((row) => row.quick_check);
      if (rows[0] !== 'ok') {
        // One line for a person: SQLite's first finding, and how many more ("*** in database main ***" is noise).
        const problems = rows
          .flatMap((row) => row.split('\n'))
          .filter((line) => line.trim() !== '' && !line.startsWith('***'));
        const more = problems.length > 1 ? ` and ${problems.length - 1} more` : '';
        const detail = `${problems[0] ?? 'unknown problem'}${more}`;
        throw new LibraryError(
          { code: 'library.corrupt', params: { file, detail } },
          `${file} is damaged (${detail}): restore it from a backup; the file was not changed`,
        );
      }
    }
    sqliteVec.load(db);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a power cut may lose the last transaction but never corrupts the library.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Only a new library gets its mark: rewriting it every time would change the file on every open (a search).
      if (applicationId !== LIBRARY_APPLICATION_ID) db.pragma(`application_id = ${LIBRARY_APPLICATION_ID}`);
      migrate(db);
    }
    // 64 MiB of page cache (default 2 MiB): the binary vector codes of a million chunks, or the FTS index of a
    // large library, stay in memory between queries.
    db.pragma('cache_size = -65536');
    return db;
  } catch (error) {
    db.close();
    if (error instanceof LibraryError) throw error;
    if ((error as { code?: unknown }).code === 'SQLITE_READONLY_DIRECTORY') {
      throw new LibraryError(
        { code: 'library.read-only-folder', params: { file } },
        `${file} is in a folder this user cannot write: SQLite keeps a small index file (-shm) beside a library to read it, and cannot make one there; copy the library to a folder you can write (or make this one writable)`,
      );
    }
    if (isSqliteCorruption(error)) {
      throw new LibraryError(
        { code: 'library.corrupt', params: { file, detail: (error as Error).message } },
        `${file} is damaged (${(error as Error).message}); restore it from a backup`,
      );
    }
    throw error;
  }
}

/**
 * Applies every migration newer than the database, each with its version bump in one IMMEDIATE transaction that
 * reads the version again inside it: two processes opening one new library at once take turns, and the second sees
 * the first one's work (before, both read version 0 and the second failed with "table meta already exists").
 */
export function migrate(db: Database.Database, upTo: number = LATEST_SCHEMA_VERSION): void {
  for (const migration of MIGRATIONS) {
    if (migration.version > upTo) continue;
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** Whether this process may write `file` and create files beside it (WAL keeps -wal and -shm next to the library). */
function isWritable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(path.dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What a write to a read-only library says (an open read-only library, or SQLite's SQLITE_READONLY). */
export function readOnlyLibraryError(file: string): LibraryError {
  return new LibraryError(
    { code: 'library.read-only', params: { file } },
    `${file} is read-only: searching and asking work, but adding, removing or editing needs a library you can write (make the file and its folder writable, or copy it)`,
  );
}

/**
 * A storage failure as a LibraryError a person can act on, naming the library (null for other errors). SQLite's own
 * words ("database or disk is full", "attempt to write a readonly database") say neither which file nor what is kept.
 */
export function storageError(error: unknown, file: string): LibraryError | null {
  if (error instanceof LibraryError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') {
    return new LibraryError(
      { code: 'library.disk-full', params: { file } },
      `the disk holding ${file} is full: what was indexed before stays in the library; free some space and run it again (unchanged files are skipped)`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) return readOnlyLibraryError(file);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    return new LibraryError(
      { code: 'library.io-error', params: { file, sqliteCode: code } },
      `reading or writing ${file} failed (${code}): the drive may be failing, full or disconnected; what was saved before is kept`,
    );
  }
  return null;
}
