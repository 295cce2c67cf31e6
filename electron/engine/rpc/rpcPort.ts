// The RPC's transports over message ports (shared/rpc/rpcProtocol.ts: RpcTransport): Node's `worker_threads`
// MessagePort (tests, workers) and ports that deliver `{ data }` events (Electron's MessagePortMain in main,
// `process.parentPort` in a utility process). Messages are structured-cloned as they are: no JSON here.
// 'electron' NOT imported here: the engine runs on plain Node; Electron's port shapes are described structurally.
import type { RpcTransport } from '../../../shared/rpc/rpcProtocol.ts';

/** One end of a message channel, as the RPC needs it. */
export type RpcPort = RpcTransport;

/** The part of Node's `worker_threads` MessagePort used here: messages arrive as the value itself. */
export interface NodeMessagePortLike {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  close(): void;
}

/** An RpcPort over a `worker_threads` MessagePort. */
export function rpcPortFromNode(port: NodeMessagePortLike): RpcPort {
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      port.on('message', listener);
      return () => port.off('message', listener);
    },
    onClose(listener) {
      port.on('close', listener);
      return () => port.off('close', listener);
    },
    close: () => port.close(),
  };
}

/**
 * The part of Electron's MessagePortMain used here (messages arrive as `{ data }` events, and nothing is delivered
 * until `start()`); described here so that the engine need not import Electron's types.
 */
export interface EventMessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** An RpcPort over a port that delivers `{ data }` events (Electron's MessagePortMain); starts the port. */
export function rpcPortFromEventPort(port: EventMessagePortLike): RpcPort {
  const rpcPort: RpcPort = {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const unwrap = (event: { data: unknown }): void => listener(event.data);
      port.on('message', unwrap);
      return () => port.off('message', unwrap);
    },
    onClose(listener) {
      port.on('close', listener);
      return () => port.off('close', listener);
    },
    close: () => port.close(),
  };
  port.start();
  return rpcPort;
}
