import { showControlCharacters } from '../../shared/showControlCharacters.ts';
import type { EngineLogger } from '../engine/index.ts';

/** Where the CLI writes. Injected so tests can run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or a log (a line every few seconds). */
  stderrIsTty: boolean;
  env: Record<string, string | undefined>;
  /** Where the engine logs: stderr with --verbose, else nowhere. */
  logger?: EngineLogger;
}

/** kb's own terminal escape: a progress line on a terminal redraws itself (carriage return, erase the line). */
export const REDRAW = '\r\x1b[K';

/**
 * The CLI's output as a terminal may receive it. Documents are not trusted, and their text, headings and file names
 * reach stdout and stderr (hits, answers, skip reasons, progress): an escape sequence there could write the
 * clipboard (OSC 52), clear the screen, or draw over a line. Every control character is shown as its visible escape
 * (`\u001b`), in JSON output too (there it is JSON's own escape, so the value read back is unchanged); the one
 * escape written as itself is kb's own redraw at the start of a progress write.
 */
export function terminalSafe(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(showControlCharacters(text)),
    stderr: (text) =>
      io.stderr(
        text.startsWith(REDRAW)
          ? REDRAW + showControlCharacters(text.slice(REDRAW.length))
          : showControlCharacters(text),
      ),
  };
}
