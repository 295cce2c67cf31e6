// The calling end of the RPC, written once: an object with one method per contract method, each a call on the
// transport answered by its RpcResult, plus event subscription. Built from the contract's method list (as Signal's
// ClientInterfaceWrap and VS Code's ProxyChannel do), so a new method needs no code here or in any face.
import { KbError } from '../errors.ts';
import { isRpcEvent, isRpcResult, unwrapOutcome, type RpcContract, type RpcTransport } from './rpcProtocol.ts';

export type RpcEventListener<Events> = <E extends keyof Events>(event: E, payload: Events[E]) => void;

/** What a client adds to the API it offers. */
export interface RpcClientControls<Events> {
  /** Subscribes to the other side's events; returns the unsubscribe function. */
  onEvent(listener: RpcEventListener<Events>): () => void;
  /** Whether calls can still be made (false once disposed or the other end went away). */
  readonly open: boolean;
  /** Rejects the calls still waiting with `reason`, stops listening and closes the transport. */
  dispose(reason?: string): void;
}

export type RpcClient<Api, Events> = Api & RpcClientControls<Events>;

/** A call that cannot be answered: the other end went away, or the client was disposed. */
export class RpcClosedError extends KbError {
  constructor(name: string, reason: string) {
    super('rpc.closed', reason, {}, 'internal');
    this.name = name;
  }
}

export interface RpcClientOptions {
  /** The name of the error calls fail with once the other end is gone. Defaults to `'Disconnected'`. */
  closedName?: string;
  /** Why calls fail when the other end went away, for a person. Defaults to `'the other side closed the connection'`. */
  closedReason?: string;
  /** Why calls fail after dispose() without a reason. Defaults to `'the connection was closed'`. */
  disposedReason?: string;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export function createRpcClient<Api, Events>(
  transport: RpcTransport,
  contract: RpcContract<Api, Events>,
  options: RpcClientOptions = {},
): RpcClient<Api, Events> {
  const closedName = options.closedName ?? 'Disconnected';
  const pending = new Map<number, Pending>();
  const listeners = new Set<RpcEventListener<Events>>();
  const events = new Set<string>(contract.events);
  let nextId = 1;
  let closedReason: string | null = null;

  const receive = (message: unknown): void => {
    if (isRpcEvent(message)) {
      // An event the contract does not name is dropped: listeners are typed by the contract.
      if (!events.has(message.event)) return;
      for (const listener of listeners) listener(message.event as keyof Events, message.payload as never);
      return;
    }
    if (!isRpcResult(message)) return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    try {
      waiting.resolve(unwrapOutcome(message));
    } catch (error) {
      waiting.reject(error as Error);
    }
  };

  /** Returns false when already closed. */
  const close = (reason: string): boolean => {
    if (closedReason !== null) return false;
    closedReason = reason;
    for (const unsubscribe of unsubscribers) unsubscribe();
    for (const waiting of pending.values()) waiting.reject(new RpcClosedError(closedName, reason));
    pending.clear();
    listeners.clear();
    return true;
  };

  const unsubscribers = [
    transport.onMessage(receive),
    transport.onClose(() => close(options.closedReason ?? 'the other side closed the connection')),
  ];

  const call = (method: string, given: unknown[]): Promise<unknown> => {
    if (closedReason !== null) return Promise.reject(new RpcClosedError(closedName, closedReason));
    // Trailing undefined arguments are dropped: JSON would turn them into null, which the validators refuse.
    let args = given;
    while (args.length > 0 && args[args.length - 1] === undefined) args = args.slice(0, -1);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      transport.send({ id, method, args });
    });
  };

  const client: Record<string, unknown> = Object.fromEntries(
    contract.methods.map((method) => [method, (...args: unknown[]) => call(method, args)]),
  );
  const controls: RpcClientControls<Events> = {
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get open() {
      return closedReason === null;
    },
    dispose(reason = options.disposedReason ?? 'the connection was closed') {
      if (close(reason)) transport.close();
    },
  };
  Object.defineProperties(client, Object.getOwnPropertyDescriptors(controls));
  return client as RpcClient<Api, Events>;
}
