import { loadEngine } from './loadEngine.ts';
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

/**
 * The engine's error classes whose message tells a person what to change (each class says which problems it
 * covers). The engine is loaded for them only when the error is not the CLI's own (a usage error needs no engine).
 */
async function fixableEngineErrors(): Promise<readonly (abstract new (...args: never[]) => Error)[]> {
  const engine = await loadEngine();
  return [
    engine.LibraryError,
    engine.IngestInputError,
    engine.EmbeddingModelError,
    engine.ModelFileError,
    engine.LlmBackendError,
  ];
}

/**
 * Error codes of the same kind that arrive without one of those classes: node:util parseArgs' own
 * (`ERR_PARSE_ARGS_UNKNOWN_OPTION`, `…_INVALID_OPTION_VALUE`), and SQLite's for a library damaged in a way the
 * open-time check did not see (large or read-only files).
 */
const FIXABLE_CODES = /^(ERR_PARSE_ARGS|SQLITE_CORRUPT|SQLITE_NOTADB)/;

/** The exit code for an error that ended a command: the one place that decides it. */
export async function exitCodeFor(error: unknown): Promise<ExitCode> {
  // kb serve's ServeUsageError becomes a UsageError where the CLI calls it (commands/serve.ts).
  if (error instanceof UsageError) return ExitCode.usage;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && FIXABLE_CODES.test(code)) return ExitCode.usage;
  if (!(error instanceof Error)) return ExitCode.failed;
  return (await fixableEngineErrors()).some((type) => error instanceof type) ? ExitCode.usage : ExitCode.failed;
}
