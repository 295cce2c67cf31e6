import type { Database } from 'better-sqlite3';
import * as m0001 from './0001-initial.ts';
import * as m0002 from './0002-audit-trail.ts';
import * as m0003 from './0003-document-profiles-and-synonyms.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Every migration, in order. The library's `PRAGMA user_version` is the last one applied. */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
