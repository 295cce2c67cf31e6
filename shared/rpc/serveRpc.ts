// The serving end of the RPC, written once: each call that arrives on a transport is checked against the contract
// (a contract method, arguments that pass its validator), run on the implementation, and answered with its result
// or its error as a WireError; the implementation's events are forwarded. The transport is a process or network
// boundary: nothing but the contract's methods is ever called, whatever the message says.
import { KbError, toWireError } from '../errors.ts';
import { callIdOf, type RpcContract, type RpcOutcome, type RpcTransport } from './rpcProtocol.ts';

/** A connection that has too many calls unanswered already (see ServeRpcOptions.maxInFlight). */
export class RpcBusyError extends KbError {
  constructor(maxInFlight: number) {
    super(
      'rpc.busy',
      `${maxInFlight} calls are unanswered on this connection already: wait for their replies`,
      { maxInFlight },
      'internal',
    );
    this.name = 'BusyError';
  }
}

export interface ServeRpcOptions<Api, Events> {
  contract: RpcContract<Api, Events>;
  /** What answers the calls. A promise (the library is still opening): calls wait for it; if it fails, each call is answered with that failure. */
  implementation: Api | Promise<Api>;
  /** Subscribes to the implementation's events; returns the unsubscribe function. Defaults to no events. */
  subscribe?(
    implementation: Api,
    forward: <E extends keyof Events & string>(event: E, payload: Events[E]) => void,
  ): () => void;
  /** Calls one transport may have unanswered; more are answered at once with a BusyError. Defaults to no limit. */
  maxInFlight?: number;
  /** Something arrived that is not a call. Defaults to ignoring it. */
  onInvalidMessage?(message: unknown): void;
  /** Called when each call is answered (for a log): its method name only, never its arguments; the error as thrown. */
  onAnswered?(method: string, ms: number, failure: { error: unknown } | null): void;
}

/** Serves until the returned function is called or the transport closes. */
export function serveRpc<Api, Events>(transport: RpcTransport, options: ServeRpcOptions<Api, Events>): () => void {
  const { contract } = options;
  const methods = new Set<string>(contract.methods);
  const ready = Promise.resolve(options.implementation);
  let stopped = false;
  let inFlight = 0;
  let unsubscribeEvents: (() => void) | null = null;
  ready.then(
    (implementation) => {
      if (stopped || !options.subscribe) return;
      unsubscribeEvents = options.subscribe(implementation, (event, payload) => {
        if (!stopped) transport.send({ event, payload });
      });
    },
    () => undefined, // answered per call below
  );

  const answer = async (message: Record<string, unknown>, id: number): Promise<void> => {
    const started = Date.now();
    // The method's name only, cut short: arguments hold questions and file names.
    const name = typeof message.method === 'string' ? message.method.slice(0, 64) : typeof message.method;
    let failure: { error: unknown } | null = null;
    let outcome: RpcOutcome;
    try {
      const method = message.method as keyof Api & string;
      const args = contract.validate(method, message.args);
      // Checked here as well as by the validator: no other member of the implementation is reachable.
      if (!methods.has(method)) throw new Error(`${name}: no such method`);
      const implementation = await ready;
      const call = implementation[method] as (...a: unknown[]) => Promise<unknown>;
      outcome = { ok: true, result: await call.apply(implementation, args) };
    } catch (error) {
      failure = { error };
      outcome = { ok: false, error: toWireError(error) };
    }
    if (!stopped) transport.send({ id, ...outcome });
    options.onAnswered?.(name, Date.now() - started, failure);
  };

  const unsubscribeMessages = transport.onMessage((message) => {
    if (stopped) return;
    const id = callIdOf(message);
    if (id === null) return options.onInvalidMessage?.(message);
    if (options.maxInFlight !== undefined && inFlight >= options.maxInFlight) {
      transport.send({ id, ok: false, error: toWireError(new RpcBusyError(options.maxInFlight)) });
      return;
    }
    inFlight++;
    void answer(message as Record<string, unknown>, id).finally(() => inFlight--);
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribeMessages();
    unsubscribeClose();
    unsubscribeEvents?.();
  };
  const unsubscribeClose = transport.onClose(stop);
  return stop;
}
