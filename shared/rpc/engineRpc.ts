// The engine's RPC contract (shared/rpc/rpcProtocol.ts): EngineApi's methods with their argument checks, its events,
// and where kb serve's WebSocket is.
import { ENGINE_EVENTS, type EngineApi, type EngineEventName, type EngineEvents } from '../engineApi.ts';
import { ENGINE_METHODS, validateEngineArgs } from '../engineArgs.ts';
import type { RpcContract, RpcEvent } from './rpcProtocol.ts';

/** The engine's RPC contract: what the client offers and the server answers, over any transport. */
export const ENGINE_CONTRACT: RpcContract<EngineApi, EngineEvents> = {
  methods: ENGINE_METHODS,
  events: ENGINE_EVENTS,
  validate: (method, args) => validateEngineArgs(method, args),
};

/** An engine event as it travels. */
export type EngineEventMessage<E extends EngineEventName = EngineEventName> = RpcEvent<E, EngineEvents[E]>;

/** The path of the bridge's WebSocket; the token goes in its query (`?token=…`), as in the page's URL. */
export const RPC_PATH = '/rpc';
