import { EmbeddingModelError } from '../embed/TransformersEmbedder.ts';
import { IngestInputError } from '../ingest/walkInputs.ts';
import { LlmBackendError } from '../llm/LlmBackendError.ts';
import { ModelFileError } from '../llm/ModelFileError.ts';
import { LibraryError } from '../store/openLibraryDatabase.ts';
import { UsageError } from './UsageError.ts';

/** kb's exit codes, as scripts that call it rely on them. */
export const ExitCode = {
  ok: 0,
  /** Something kb did not expect: a bug or the machine (KB_DEBUG=1 prints the stack). */
  failed: 1,
  /** Something the person can fix: the command line, a library, an input, a model file or a GPU backend. */
  usage: 2,
  /** Stopped by Ctrl-C; what was done before is kept (128 + SIGINT, as a shell reports it). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Error classes whose message tells a person what to change (each class says which problems it covers). */
const FIXABLE_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  UsageError, // kb serve's ServeUsageError becomes one where the CLI calls it (commands/serve.ts)
  LibraryError,
  IngestInputError,
  EmbeddingModelError,
  ModelFileError,
  LlmBackendError,
];

/**
 * Error codes of the same kind that arrive without one of those classes: node:util parseArgs' own
 * (`ERR_PARSE_ARGS_UNKNOWN_OPTION`, `…_INVALID_OPTION_VALUE`), and SQLite's for a library damaged in a way the
 * open-time check did not see (large or read-only files).
 */
const FIXABLE_CODES = /^(ERR_PARSE_ARGS|SQLITE_CORRUPT|SQLITE_NOTADB)/;

/** The exit code for an error that ended a command: the one place that decides it. */
export function exitCodeFor(error: unknown): ExitCode {
  if (FIXABLE_ERRORS.some((type) => error instanceof type)) return ExitCode.usage;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && FIXABLE_CODES.test(code) ? ExitCode.usage : ExitCode.failed;
}
