// The calling end of the engine's RPC over a port (in the app: main calling the engine's utility process): the
// generic client of shared/rpc built from the engine's contract.
import type { EngineApi, EngineEvents } from '../../../shared/engineApi.ts';
import { ENGINE_CONTRACT } from '../../../shared/rpc/engineRpc.ts';
import { createRpcClient, type RpcClient } from '../../../shared/rpc/RpcClient.ts';
import type { RpcPort } from './rpcPort.ts';

/** EngineApi over a port, with onEvent, open and dispose. */
export type EngineRpcClient = RpcClient<EngineApi, EngineEvents>;

export function createEngineRpcClient(port: RpcPort): EngineRpcClient {
  return createRpcClient(port, ENGINE_CONTRACT, {
    closedName: 'EngineStopped',
    closedReason: 'the engine stopped unexpectedly: try again; if it keeps happening, restart the app',
    disposedReason: 'the engine was stopped',
  });
}
