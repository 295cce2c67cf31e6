// The engine's RPC over a MessagePort, transport-agnostic: everything here talks to an `RpcPort`, and two small
// adapters make one out of the ports that exist — Node's `worker_threads` MessagePort (tests, workers) and ports
// that deliver `{ data }` events (Electron's MessagePortMain in main, `process.parentPort` in a utility process).
// 'electron' NOT imported here: the engine runs on plain Node; Electron's port shapes are described structurally.
import type { EngineEventName, EngineEvents, EngineMethod } from '../../../shared/engineApi.ts';
import type { WireError } from '../../../shared/errors.ts';

/** A call: `method(...args)` on the other side, answered by a response with the same id. */
export interface RpcCallMessage {
  kind: 'call';
  id: number;
  method: EngineMethod;
  args: unknown[];
}

/** The answer to one call. Errors travel as a WireError: name, code and params to word it by, an English message. */
export type RpcReplyMessage =
  { kind: 'reply'; id: number; ok: true; result: unknown } | { kind: 'reply'; id: number; ok: false; error: WireError };

/** An engine event, pushed without being asked for. */
export interface RpcEventMessage<E extends EngineEventName = EngineEventName> {
  kind: 'event';
  event: E;
  payload: EngineEvents[E];
}

export type RpcMessage = RpcCallMessage | RpcReplyMessage | RpcEventMessage;

/** One end of a message channel, as the RPC needs it. Messages are structured-cloned plain data. */
export interface RpcPort {
  postMessage(message: RpcMessage): void;
  /** Subscribes to incoming messages; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Subscribes to the other end going away (closed port, exited process); returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  close(): void;
}

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
    postMessage: (message) => port.postMessage(message),
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
    postMessage: (message) => port.postMessage(message),
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

/** Whether an incoming value has the shape of one of our messages (anything else on the port is ignored). */
export function isRpcMessage(value: unknown): value is RpcMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'call' || kind === 'reply' || kind === 'event';
}
