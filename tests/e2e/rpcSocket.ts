// A test client of kb serve's WebSocket that sees the wire itself: calls as the protocol's messages
// (shared/rpc/rpcProtocol.ts), every result and event kept in arrival order, so tests can check the order and the
// exact replies. (The page's own client is the generic RpcClient: renderer/src/api/kb.ts.)
import { expect } from 'vitest';
import type { EngineEventName, JobDone, JobEvent } from '../../shared/engineApi.ts';
import type { EngineEventMessage } from '../../shared/rpc/engineRpc.ts';
import type { RpcCall, RpcResult } from '../../shared/rpc/rpcProtocol.ts';

export type RpcResponse = RpcResult;
export type RpcEvent<E extends EngineEventName = EngineEventName> = EngineEventMessage<E>;

export interface RpcSocket {
  socket: WebSocket;
  /** Replies and events, as they arrived. */
  messages: (RpcResponse | RpcEvent)[];
  /** Sends a request and waits (up to a minute) for its reply. */
  call(method: string, args: unknown[]): Promise<RpcResponse>;
}

export async function connectRpc(url: string): Promise<RpcSocket> {
  const socket = new WebSocket(url);
  const messages: (RpcResponse | RpcEvent)[] = [];
  socket.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data)) as RpcResponse | RpcEvent));
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const call = async (method: string, args: unknown[]): Promise<RpcResponse> => {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, args } satisfies RpcCall));
    await expect.poll(() => messages.some((m) => 'id' in m && m.id === id), { timeout: 60_000 }).toBe(true);
    return messages.find((m): m is RpcResponse => 'id' in m && m.id === id)!;
  };
  return { socket, messages, call };
}

/** The `done` event of a job among received messages (of the first job to end when `jobId` is absent). */
export function jobDoneIn(messages: readonly unknown[], jobId?: string): JobDone | undefined {
  return jobEventsIn(messages).find(
    (e): e is JobDone => e.type === 'done' && (jobId === undefined || e.jobId === jobId),
  );
}

/** Every job event among received messages, in arrival order. */
export function jobEventsIn(messages: readonly unknown[]): JobEvent[] {
  return messages
    .filter((m): m is RpcEvent<'job'> => typeof m === 'object' && m !== null && (m as RpcEvent).event === 'job')
    .map((m) => m.payload);
}
