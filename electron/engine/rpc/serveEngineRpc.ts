// The serving end of the engine's RPC: answers calls arriving on an RpcPort with an EngineApi (in the app, the
// EngineService of the utility process) and pushes its events. Arguments are checked again here, with the same
// validators as main's IPC handlers: the port is a process boundary, and only EngineApi methods may be called.
import { validateEngineArgs, type EngineApi } from '../../../shared/engineApi.ts';
import { toWireError, type WireError } from '../../../shared/errors.ts';
import type { EngineEventListener } from '../service/EngineEventListener.ts';
import { errorFields, SILENT_LOGGER, type EngineLogger } from '../log/EngineLogger.ts';
import { isRpcMessage, type RpcPort, type RpcReplyMessage } from './rpcPort.ts';

/** An EngineApi that also pushes events (EngineService is one). */
export interface ServedEngine extends EngineApi {
  onEvent(listener: EngineEventListener): () => void;
}

/** A failure as it travels: its name (ServiceError, LibraryError…), message, and code and params to word it by. */
export function rpcError(error: unknown): WireError {
  return toWireError(error);
}

/** A call slower than this is logged at info (the rest at debug): where a user's "it hung" starts. */
const SLOW_CALL_MS = 2000;

/**
 * Serves `engine` on `port` until the returned function is called or the port closes. `engine` may be a promise
 * (the library is still opening): calls wait for it, and if it fails every call is answered with that failure —
 * e.g. "not a library" — so the caller learns why instead of waiting.
 */
export function serveEngineRpc(
  port: RpcPort,
  engine: ServedEngine | Promise<ServedEngine>,
  logger: EngineLogger = SILENT_LOGGER,
): () => void {
  const ready = Promise.resolve(engine);
  let stopped = false;
  let unsubscribeEvents: (() => void) | null = null;
  ready.then(
    (served) => {
      if (stopped) return;
      unsubscribeEvents = served.onEvent((event, payload) => port.postMessage({ kind: 'event', event, payload }));
    },
    () => undefined, // answered per call below
  );

  const reply = (message: RpcReplyMessage): void => {
    if (!stopped) port.postMessage(message);
  };

  const unsubscribeMessages = port.onMessage((message) => {
    if (!isRpcMessage(message) || message.kind !== 'call' || !Number.isSafeInteger(message.id)) return;
    const { id } = message;
    const started = performance.now();
    // The method's name only: arguments hold questions and file names.
    const method = typeof message.method === 'string' ? message.method.slice(0, 64) : typeof message.method;
    void (async () => {
      try {
        const args = validateEngineArgs(message.method, message.args) as unknown[];
        const served = await ready;
        const result: unknown = await (served[message.method] as (...a: unknown[]) => Promise<unknown>).apply(
          served,
          args,
        );
        reply({ kind: 'reply', id, ok: true, result });
        const ms = Math.round(performance.now() - started);
        logger.log(ms >= SLOW_CALL_MS ? 'info' : 'debug', 'rpc.call', { method, ms });
      } catch (error) {
        reply({ kind: 'reply', id, ok: false, error: rpcError(error) });
        logger.log('warn', 'rpc.call-failed', {
          method,
          ms: Math.round(performance.now() - started),
          ...errorFields(error),
        });
      }
    })();
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribeMessages();
    unsubscribeClose();
    unsubscribeEvents?.();
  };
  const unsubscribeClose = port.onClose(stop);
  return stop;
}
