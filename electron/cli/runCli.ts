import { terminalSafe, type CliIo } from './CliIo.ts';
import { KB_COMMANDS } from './commands/kbCommands.ts';
import { exitCodeFor, ExitCode } from './exitCodeFor.ts';
import { loadEngine } from './loadEngine.ts';
import { formatCommandUsage, formatUsage } from './formatUsage.ts';
import { parseCommandLine } from './parseCommandLine.ts';
import { KbError } from '../../shared/errors.ts';

export type { CliIo } from './CliIo.ts';

/** SQLite's words for a full disk or a read-only file, as the library's error (null: not such an error). */
async function storageErrorFor(thrown: unknown, libraryFile: string): Promise<Error | null> {
  return (await loadEngine()).storageError(thrown, libraryFile);
}

/** Runs the `kb` command line. Returns the exit code; never throws for a mistake a person can fix. */
export async function runCli(argv: string[], given: CliIo): Promise<number> {
  let io = terminalSafe(given);
  // The library the command names, for storage errors.
  let libraryFile: string | undefined;
  let verbose = false;
  try {
    const line = parseCommandLine(argv, KB_COMMANDS);
    switch (line.kind) {
      case 'usage':
        io.stdout(formatUsage(KB_COMMANDS));
        return line.exitCode;
      case 'help':
        io.stdout(formatCommandUsage(line.names, line.command));
        return ExitCode.ok;
      case 'run':
        if (typeof line.values.library === 'string') libraryFile = line.values.library;
        // --verbose: the engine's log, debug level, on stderr (through terminalSafe like every other line).
        verbose = line.values.verbose === true;
        if (verbose) {
          const stderr = io.stderr;
          const { lineLogger } = await loadEngine();
          io = { ...io, logger: lineLogger((text) => stderr(`${text}\n`), 'debug') };
        }
        return await line.command.run(line.positionals, line.values, io);
      default:
        return line satisfies never;
    }
  } catch (thrown) {
    // SQLite's words for a full disk or a read-only file name neither the library nor what is kept.
    // A KbError is worded already: the engine is not loaded for it (a usage error answers without it).
    const error =
      (libraryFile && !(thrown instanceof KbError) ? await storageErrorFor(thrown, libraryFile) : null) ?? thrown;
    const exitCode = exitCodeFor(error);
    io.stderr(`kb: ${error instanceof Error ? error.message : String(error)}\n`);
    // --verbose: what a script or a bug report can match on, beside the sentence.
    if (verbose && error instanceof KbError)
      io.stderr(`kb: error code ${error.code} ${JSON.stringify(error.params)} (${error.kind})\n`);
    if (exitCode === ExitCode.failed && io.env.KB_DEBUG) io.stderr(`${error instanceof Error ? error.stack : ''}\n`);
    return exitCode;
  }
}
