// What the engine tells whoever runs it, for a person reading a log after something went wrong: an engine in a
// separate process can crash, and its users cannot send telemetry, so the log file is what support gets.
// Each entry is an event name and a few fields — paths, counts, durations, error codes — never document text,
// questions or answers (an auditor's client files must not leak into a log that is mailed around). The fields'
// type allows only short scalars; strings are cut and escaped so a file name cannot forge a line.
import log from 'electron-log/node';

/** The engine's log file in the app's log folder (`<userData>/logs`); main writes main.log beside it. */
export const ENGINE_LOG_FILE = 'engine.log';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** A log entry's fields: scalars only (a path, a count, a duration in ms, an error code). */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface EngineLogger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** Logs nothing: the default for an engine whose runner did not ask for a log. */
export const SILENT_LOGGER: EngineLogger = { log: () => undefined };

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** Longest string field kept: a path fits, a paragraph passed by mistake does not. */
const MAX_FIELD_CHARS = 300;

function fieldValue(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  const cut = value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value;
  // Plain words stay bare; anything with spaces, quotes, '=' or controls is quoted as JSON, which escapes newlines
  // and terminal escapes (a file named "a\n[error] forged.md" stays on its own line).
  return /^[\p{L}\p{N}_./:@+,-]+$/u.test(cut) ? cut : JSON.stringify(cut);
}

/** `event key=value …`: one line, the fields in the order given, undefined ones left out. */
export function formatLogEntry(event: string, fields: LogFields = {}): string {
  const parts = [fieldValue(event)];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) parts.push(`${key}=${fieldValue(value)}`);
  }
  return parts.join(' ');
}

/** A whole log line: `2026-12-07T14:45:18.839Z [info] library.open file=/x.kb.sqlite documents=12`. */
function logLine(date: Date, level: string, text: string): string {
  return `${date.toISOString()} [${level}] ${text}`;
}

/** A logger that writes lines of at least `minLevel` with `write` (tests, and `kb --verbose` on stderr). */
export function lineLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): EngineLogger {
  const min = LEVELS.indexOf(minLevel);
  return {
    log(level, event, fields) {
      if (LEVELS.indexOf(level) < min) return;
      write(logLine(new Date(), level, formatLogEntry(event, fields)));
    },
  };
}

/** Bytes a log file may reach before it is moved to `<name>.old.log` and a new one begun (electron-log's rotation). */
export const MAX_LOG_FILE_BYTES = 5 * 1024 * 1024;

let fileLoggers = 0;

/**
 * A logger appending to `file` (its folder is created), rotated at MAX_LOG_FILE_BYTES, by electron-log's file
 * transport — its node entry, which needs no Electron, so the app's main process and the engine's utility process
 * log the same way. Console, IPC and remote transports are off: nothing leaves the file.
 */
export function fileLogger(file: string, minLevel: LogLevel = 'info'): EngineLogger {
  const logger = log.create({ logId: `kb-file-${++fileLoggers}` });
  // Every transport but the file off (console, remote; ipc exists only inside Electron).
  for (const [name, transport] of Object.entries(logger.transports))
    if (name !== 'file' && transport) transport.level = false;
  logger.transports.file.level = minLevel;
  logger.transports.file.maxSize = MAX_LOG_FILE_BYTES;
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.format = ({ message, level, data }) => [logLine(message.date, level, data.join(' '))];
  return {
    log(level, event, fields) {
      logger[level](formatLogEntry(event, fields));
    },
  };
}

/** An error as log fields: its class, its code when it has one, and its message cut short (never a stack). */
export function errorFields(error: unknown): { error: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { error: typeof error, message: String(error).slice(0, MAX_FIELD_CHARS) };
  const code = (error as { code?: unknown }).code;
  return { error: error.name, ...(typeof code === 'string' ? { code } : {}), message: error.message };
}
