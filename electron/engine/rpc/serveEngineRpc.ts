// The serving end of the engine's RPC over a port: the generic server of shared/rpc with the engine's contract, in
// the app answering main with the EngineService of the utility process. Every call is logged by method name.
import type { EngineApi } from '../../../shared/engineApi.ts';
import { ENGINE_CONTRACT } from '../../../shared/rpc/engineRpc.ts';
import { serveRpc } from '../../../shared/rpc/serveRpc.ts';
import type { EngineEventListener } from '../service/EngineEventListener.ts';
import { errorFields, SILENT_LOGGER, type EngineLogger } from '../log/EngineLogger.ts';
import type { RpcPort } from './rpcPort.ts';

/** An EngineApi that also pushes events (EngineService is one). */
export interface ServedEngine extends EngineApi {
  onEvent(listener: EngineEventListener): () => void;
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
  return serveRpc(port, {
    contract: ENGINE_CONTRACT,
    implementation: engine,
    subscribe: (served, forward) => (served as ServedEngine).onEvent(forward),
    onAnswered: (method, ms, failure) => {
      if (!failure) logger.log(ms >= SLOW_CALL_MS ? 'info' : 'debug', 'rpc.call', { method, ms });
      else logger.log('warn', 'rpc.call-failed', { method, ms, ...errorFields(failure.error) });
    },
  });
}
