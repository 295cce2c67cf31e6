// The engine's side of the desktop app: what runs in Electron's utility process (see ./utilityMain.ts). Main sends
// one `start` message carrying a MessagePort; the host creates the engine, opens the library and serves EngineApi
// (EngineService) on that port until main sends `stop`. Plain Node: the parent port is described structurally, so
// a worker thread can stand in for the utility process in tests.
// The engine first: importing it keeps the process offline (electron/engine/offlineEnvironment.ts).
import {
  createEngine,
  ENGINE_LOG_FILE,
  errorFields,
  fileLogger,
  EngineService,
  rpcPortFromEventPort,
  serveEngineRpc,
  SILENT_LOGGER,
  type Engine,
  type EngineHostStart,
  type EngineHostStopped,
  type EngineLogger,
  type EventMessagePortLike,
} from '../engine/index.ts';
import path from 'node:path';

/** `process.parentPort` of an Electron utility process, as much of it as the host uses. */
export interface HostParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly EventMessagePortLike[] }) => void): unknown;
  postMessage(message: EngineHostStopped): void;
}

export interface EngineHostOptions {
  /** Ends the process. Defaults to `process.exit`. */
  exit?: (code: number) => void;
}

function isStart(data: unknown): data is EngineHostStart {
  const start = data as Partial<EngineHostStart> | null;
  return (
    typeof start === 'object' &&
    start !== null &&
    start.kind === 'start' &&
    typeof start.libraryFile === 'string' &&
    typeof start.create === 'boolean' &&
    typeof start.version === 'string' &&
    (start.tokenizerDir === null || typeof start.tokenizerDir === 'string') &&
    (start.dataFolder === undefined || start.dataFolder === null || typeof start.dataFolder === 'string') &&
    (start.logDir === undefined || start.logDir === null || typeof start.logDir === 'string')
  );
}

/** Serves one library on the port main sends, until main says stop. */
export function runEngineHost(parentPort: HostParentPort, options: EngineHostOptions = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let engine: Promise<Engine> | null = null;
  let service: Promise<EngineService> | null = null;
  let stopRpc: (() => void) | null = null;
  let stopping = false;
  let logger: EngineLogger = SILENT_LOGGER;

  parentPort.on('message', ({ data, ports }) => {
    const kind = (data as { kind?: unknown } | null)?.kind;
    if (kind === 'stop') {
      if (stopping) return;
      stopping = true;
      logger.log('info', 'host.stop');
      void (async () => {
        stopRpc?.();
        await service?.then((s) => s.dispose()).catch(() => undefined);
        await engine?.then((e) => e.dispose()).catch(() => undefined);
        parentPort.postMessage({ kind: 'stopped' });
        exit(0);
      })();
      return;
    }
    const port = ports[0];
    if (!isStart(data) || !port || engine !== null) return; // one library per process: main restarts us to switch
    logger = data.logDir ? fileLogger(path.join(data.logDir, ENGINE_LOG_FILE)) : SILENT_LOGGER;
    logger.log('info', 'host.start', {
      version: data.version,
      pid: process.pid,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    });
    engine = createEngine({ tokenizerDir: data.tokenizerDir, logger });
    engine.catch((error: unknown) => logger.log('error', 'host.engine-failed', errorFields(error)));
    service = engine.then(async (e) => {
      const library = await e.openLibrary(data.libraryFile, { create: data.create });
      // The engine owns the local LLM (loaded from Settings) and disposes it; the service holds none of its own.
      return new EngineService(library, {
        version: data.version,
        transport: 'ipc',
        engine: e,
        ...(data.dataFolder ? { dataFolder: data.dataFolder } : {}),
      });
    });
    stopRpc = serveEngineRpc(rpcPortFromEventPort(port), service, logger);
  });
}
