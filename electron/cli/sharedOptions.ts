// Options that several commands take, declared once so that their help and their checks read the same everywhere.
import type { RetrievalMode } from '../engine/index.ts';
import type { CliOption } from './CliCommand.ts';
import { UsageError } from './UsageError.ts';

/** Options every command takes, added by the dispatcher (a command need not declare them). */
export const EVERY_COMMAND_OPTIONS = {
  help: { type: 'boolean', short: 'h', help: 'this help' },
  verbose: {
    type: 'boolean',
    help: "the engine's log on stderr: files read and failed, searches, answers, timings\n(paths, counts and codes, never document text)",
  },
} as const satisfies Record<string, CliOption>;
export const LIBRARY = {
  type: 'string',
  value: '<file>',
  help: 'the library (*.kb.sqlite); ingest creates it',
} as const satisfies CliOption;
export const JSON_OUTPUT = { type: 'boolean', help: 'machine-readable output on stdout' } as const satisfies CliOption;
export const RETRIEVAL = {
  type: 'string',
  help: 'lexical | vector | hybrid (default: hybrid when the library has an embedding model)',
} as const satisfies CliOption;
export const TOKENIZER = {
  type: 'string',
  value: '<dir>',
  help: "folder with the embedding model's vocab.txt for sizing chunks (or KB_TOKENIZER_DIR);\nwithout it chunk sizes are estimated",
} as const satisfies CliOption;
export const MAX_FILE_MB = {
  type: 'string',
  value: 'N',
  help: 'files larger than N MiB are skipped, with the reason (default: 100)',
} as const satisfies CliOption;
export const CONVERSATION = {
  type: 'string',
  value: 'N',
  help: "a conversation's number, as kb ask and kb history print it",
} as const satisfies CliOption;
export const K = { type: 'string', value: 'N', help: 'how many passages (default: 10)' } as const satisfies CliOption;

export function requireLibrary(values: { library?: string | undefined }): string {
  if (!values.library) throw new UsageError('missing --library <file>');
  return values.library;
}

export function positiveInteger(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function optionalInteger(raw: string | undefined, name: string): number | undefined {
  return raw === undefined ? undefined : positiveInteger(raw, name, 0);
}

export function retrievalOption(value: string | undefined): RetrievalMode | undefined {
  if (value === undefined) return undefined;
  if (value !== 'lexical' && value !== 'vector' && value !== 'hybrid') {
    throw new UsageError(`--retrieval must be lexical, vector or hybrid, got "${value}"`);
  }
  return value;
}
