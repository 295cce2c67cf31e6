import { KbError } from '../../shared/errors.ts';

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

/**
 * Error codes of the same kind that arrive without a KbError: node:util parseArgs' own
 * (`ERR_PARSE_ARGS_UNKNOWN_OPTION`, `…_INVALID_OPTION_VALUE`), and SQLite's for a library damaged in a way the
 * open-time check did not see (large or read-only files).
 */
const FIXABLE_CODES = /^(ERR_PARSE_ARGS|SQLITE_CORRUPT|SQLITE_NOTADB)/;

/**
 * The exit code for an error that ended a command: the one place that decides it. A KbError says who can put it
 * right (its kind: 'user' → 2, 'internal' → 1), so this needs no engine class and loads nothing.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof KbError) return error.kind === 'user' ? ExitCode.usage : ExitCode.failed;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && FIXABLE_CODES.test(code)) return ExitCode.usage;
  return ExitCode.failed;
}
