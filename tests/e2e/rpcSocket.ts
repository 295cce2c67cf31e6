// A test client of kb serve's WebSocket: JSON requests with ids, every reply and event kept in arrival order.
import { expect } from 'vitest';
import type { RpcEvent, RpcResponse } from '../../shared/engineApi.ts';

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
    socket.send(JSON.stringify({ id, method, args }));
    await expect.poll(() => messages.some((m) => 'id' in m && m.id === id), { timeout: 60_000 }).toBe(true);
    return messages.find((m): m is RpcResponse => 'id' in m && m.id === id)!;
  };
  return { socket, messages, call };
}
