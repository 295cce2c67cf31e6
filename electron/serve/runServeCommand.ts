// `kb serve --library <file> [--port N] [--renderer <dir>]`: opens (or creates) the library, serves the built
// renderer and EngineApi on 127.0.0.1, prints the URL with its token, and runs until Ctrl-C / SIGTERM.
import { KbError } from '../../shared/errors.ts';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, EngineService, type EngineLogger } from '../engine/index.ts';
import { startKbServer } from './startKbServer.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
/** Where `electron-vite build` puts the renderer. */
export const DEFAULT_RENDERER_DIR = path.join(PROJECT_ROOT, 'out/renderer');

export interface ServeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** The engine's log (kb serve --verbose: stderr). */
  logger?: EngineLogger;
}

export interface ServeValues {
  library?: string | undefined;
  port?: string | undefined;
  renderer?: string | undefined;
  tokenizer?: string | undefined;
}

/** A mistake in the command line: the caller prints it and exits with 2. */
export class ServeUsageError extends KbError {
  constructor(message: string) {
    super('serve.usage', message, { detail: message });
    this.name = 'ServeUsageError';
  }
}

export function appVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ??
      'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/**
 * Runs `kb serve` until `stop` resolves (default: SIGINT or SIGTERM). Returns the exit code.
 * `onListening` receives the URL (tests use it instead of parsing stdout).
 */
export async function runServeCommand(
  values: ServeValues,
  io: ServeIo,
  stop?: Promise<void>,
  onListening?: (url: string) => void,
): Promise<number> {
  if (!values.library) throw new ServeUsageError('missing --library <file>');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ServeUsageError(`--port must be a port number (0-65535), got "${values.port}"`);
  const rendererDir = path.resolve(values.renderer ?? DEFAULT_RENDERER_DIR);
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new ServeUsageError(
      `no built renderer in ${rendererDir}: run "npm run build" first (or pass --renderer <dir>)`,
    );
  }
  const engine = await createEngine({
    tokenizerDir: values.tokenizer ?? io.env.KB_TOKENIZER_DIR ?? null,
    ...(io.logger ? { logger: io.logger } : {}),
  });
  try {
    const library = await engine.openLibrary(values.library, { create: true });
    const service = new EngineService(library, { version: appVersion(), transport: 'web', engine });
    const server = await startKbServer({ service, rendererDir, port });
    io.stderr(`kb serve: library ${library.file}, uploads go to ${service.uploadDir}\n`);
    io.stderr('kb serve: listening on 127.0.0.1 only; open this address (the token in it is the key):\n');
    io.stdout(`${server.url}\n`);
    onListening?.(server.url);
    await (stop ??
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }));
    await server.close();
    await service.dispose();
    return 0;
  } finally {
    await engine.dispose();
  }
}
