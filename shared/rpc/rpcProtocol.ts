// The one RPC protocol between the engine and its faces, whatever carries it (a MessagePort to the utility process,
// kb serve's WebSocket, Electron IPC): a call `{id, method, args}`, its result `{id, ok, result | error}` with the
// error as a WireError, and events `{event, payload}` pushed without being asked for. The client (RpcClient.ts) and
// the server (serveRpc.ts) are written once against a contract (RpcContract) and a transport (RpcTransport); each
// carrier only adapts its own send and receive.
import { fromWireError, toWireError, type WireError } from '../errors.ts';

/** `method(...args)` on the other side, answered by an RpcResult with the same id. */
export interface RpcCall {
  id: number;
  method: string;
  args: unknown[];
}

/** How a call ended, without its id: what Electron IPC carries (its invoke matches the reply to the call). */
export type RpcOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };

/** The answer to one call. */
export type RpcResult<T = unknown> = { id: number } & RpcOutcome<T>;

/** An event, pushed by the serving side. */
export interface RpcEvent<N extends string = string, P = unknown> {
  event: N;
  payload: P;
}

export type RpcMessage = RpcCall | RpcResult | RpcEvent;

/**
 * One end of a channel that carries RpcMessages as plain values (structured-cloned, or JSON text below the adapter).
 * A MessagePort, a WebSocket in the page, a `ws` socket in kb serve are each made into one by a small adapter.
 */
export interface RpcTransport {
  send(message: RpcMessage): void;
  /** Subscribes to what arrives (not yet checked: anything may); returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Subscribes to the other end going away (a closed port, an exited process); returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  close(): void;
}

/** What a protocol's two ends agree on: the methods that may be called, their argument checks, the events. */
export interface RpcContract<Api, Events> {
  /** Every method, once (the server calls nothing else, the client offers nothing else). */
  readonly methods: readonly (keyof Api & string)[];
  readonly events: readonly (keyof Events & string)[];
  /** The checked arguments of a call that arrived from the other side, or a KbError saying what is wrong. */
  validate<M extends keyof Api & string>(method: M, args: unknown): unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The id of a message that is a call (a safe whole number and no `ok`), else null; method and args are the validator's. */
export function callIdOf(value: unknown): number | null {
  if (!isRecord(value) || 'ok' in value || !Number.isSafeInteger(value.id)) return null;
  return value.id as number;
}

export function isRpcResult(value: unknown): value is RpcResult {
  if (!isRecord(value) || !Number.isSafeInteger(value.id)) return false;
  return value.ok === true ? 'result' in value : value.ok === false && 'error' in value;
}

export function isRpcEvent(value: unknown): value is RpcEvent {
  return isRecord(value) && typeof value.event === 'string' && 'payload' in value && !('id' in value);
}

/** Runs `work` and says how it ended, its error as a WireError (never a rejection). */
export async function settle<T>(work: () => Promise<T> | T): Promise<RpcOutcome<T>> {
  try {
    return { ok: true, result: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

/** The result of an outcome, or its error thrown as a RemoteError (name, code and params kept). */
export function unwrapOutcome<T>(outcome: RpcOutcome<T> | unknown): T {
  if (isRecord(outcome) && outcome.ok === true && 'result' in outcome) return outcome.result as T;
  if (isRecord(outcome) && outcome.ok === false) throw fromWireError(outcome.error);
  throw fromWireError({ malformed: outcome });
}
