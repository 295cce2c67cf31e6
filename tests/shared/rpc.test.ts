// shared/rpc: the one client and server, over an in-memory transport pair (JSON-cloned, as a WebSocket would carry
// it): calls answered by id, errors as WireErrors thrown back as RemoteErrors, events filtered by the contract, only
// contract methods served, a busy limit, and calls failed when the other end goes.
import { describe, expect, it } from 'vitest';
import { KbError, RemoteError } from '../../shared/errors.ts';
import { createRpcClient, RpcClosedError } from '../../shared/rpc/RpcClient.ts';
import type { RpcContract, RpcMessage, RpcTransport } from '../../shared/rpc/rpcProtocol.ts';
import { serveRpc } from '../../shared/rpc/serveRpc.ts';

interface TestApi {
  add(a: number, b: number): Promise<number>;
  fail(): Promise<void>;
  slow(): Promise<string>;
}
interface TestEvents {
  tick: { n: number };
}

const CONTRACT: RpcContract<TestApi, TestEvents> = {
  methods: ['add', 'fail', 'slow'],
  events: ['tick'],
  validate(method, args) {
    if (!['add', 'fail', 'slow'].includes(method)) throw new KbError('args.invalid', `${method}: no such method`);
    if (!Array.isArray(args)) throw new KbError('args.invalid', `${method}: arguments must be an array`);
    return args;
  },
};

/** Two connected transports; what is sent is JSON-cloned and delivered on a later tick. */
function transportPair(): [RpcTransport, RpcTransport, () => void] {
  const ends = [0, 1].map(() => ({ listeners: new Set<(m: unknown) => void>(), closers: new Set<() => void>() }));
  let closed = false;
  const closeBoth = (): void => {
    if (closed) return;
    closed = true;
    for (const end of ends) for (const closer of end.closers) closer();
  };
  const make = (self: number): RpcTransport => ({
    send(message: RpcMessage) {
      if (closed) return;
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      setTimeout(() => ends[1 - self]!.listeners.forEach((listener) => listener(copy)));
    },
    onMessage(listener) {
      ends[self]!.listeners.add(listener);
      return () => ends[self]!.listeners.delete(listener);
    },
    onClose(listener) {
      ends[self]!.closers.add(listener);
      return () => ends[self]!.closers.delete(listener);
    },
    close: closeBoth,
  });
  return [make(0), make(1), closeBoth];
}

function connected(options: { maxInFlight?: number } = {}) {
  const [clientEnd, serverEnd, closeBoth] = transportPair();
  const ticks = new Set<(payload: TestEvents['tick']) => void>();
  let release: (value: string) => void = () => undefined;
  const implementation = {
    add: async (a: number, b: number) => a + b,
    fail: async () => {
      throw new KbError('library.read-only', 'the library is read-only', { file: 'a.kb.sqlite' });
    },
    slow: () => new Promise<string>((resolve) => (release = resolve)),
    secret: async () => 'never served',
  };
  serveRpc(serverEnd, {
    contract: CONTRACT,
    implementation,
    subscribe: (_api, forward) => {
      const listener = (payload: TestEvents['tick']): void => forward('tick', payload);
      ticks.add(listener);
      return () => ticks.delete(listener);
    },
    ...options,
  });
  const client = createRpcClient(clientEnd, CONTRACT, { closedName: 'EngineStopped', closedReason: 'gone' });
  return {
    client,
    serverEnd,
    clientEnd,
    closeBoth,
    tick: (n: number) => ticks.forEach((t) => t({ n })),
    release: (value: string) => release(value),
  };
}

describe('RpcClient and serveRpc', () => {
  it('offers exactly the contract’s methods and answers them', async () => {
    const { client } = connected();
    expect(typeof client.add).toBe('function');
    expect((client as unknown as Record<string, unknown>).secret).toBeUndefined();
    await expect(client.add(2, 3)).resolves.toBe(5);
  });

  it('throws a failure back as a RemoteError with its name, code and params', async () => {
    const { client } = connected();
    const error = await client.fail().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      name: 'KbError',
      code: 'library.read-only',
      params: { file: 'a.kb.sqlite' },
      message: 'the library is read-only',
    });
  });

  it('never calls what the contract does not name, whatever the message says', async () => {
    const [clientEnd, serverEnd] = transportPair();
    const replies: unknown[] = [];
    serveRpc(serverEnd, { contract: CONTRACT, implementation: { secret: async () => 'leaked' } as never });
    clientEnd.onMessage((message) => replies.push(message));
    clientEnd.send({ id: 1, method: 'secret', args: [] });
    clientEnd.send({ id: 2, method: 'constructor', args: [] });
    await expect.poll(() => replies.length).toBe(2);
    expect(replies).toEqual([
      expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: 'args.invalid' }) }),
      expect.objectContaining({ id: 2, ok: false, error: expect.objectContaining({ code: 'args.invalid' }) }),
    ]);
  });

  it('forwards events the contract names and drops others', async () => {
    const { client, tick, serverEnd } = connected();
    const seen: unknown[] = [];
    client.onEvent((event, payload) => seen.push([event, payload]));
    await client.add(0, 0); // the server has subscribed by now
    tick(1);
    serverEnd.send({ event: 'unknown', payload: 1 });
    tick(2);
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([
      ['tick', { n: 1 }],
      ['tick', { n: 2 }],
    ]);
  });

  it('answers calls past maxInFlight at once with a BusyError', async () => {
    const { client, release } = connected({ maxInFlight: 1 });
    const first = client.slow();
    await expect(client.add(1, 1)).rejects.toMatchObject({ name: 'BusyError', code: 'rpc.busy' });
    release('done');
    await expect(first).resolves.toBe('done');
  });

  it('fails waiting and later calls when the other end goes away', async () => {
    const { client, closeBoth } = connected();
    const waiting = client.slow();
    closeBoth();
    await expect(waiting).rejects.toBeInstanceOf(RpcClosedError);
    await expect(client.add(1, 2)).rejects.toMatchObject({
      name: 'EngineStopped',
      code: 'rpc.closed',
      message: 'gone',
    });
    expect(client.open).toBe(false);
  });
});
