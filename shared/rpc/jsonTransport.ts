// An RpcTransport over a channel of text frames (a WebSocket in the page, a `ws` socket in kb serve): each message
// one JSON text. A text that is not JSON arrives as `undefined`, which is no call, result or event.
import type { RpcTransport } from './rpcProtocol.ts';

/** What a text channel's adapter gives: send a text, hear texts and the close. */
export interface TextChannel {
  send(text: string): void;
  /** Subscribes to received texts; returns the unsubscribe function. */
  onText(listener: (text: string) => void): () => void;
  /** Subscribes to the other end going away; returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  close(): void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function jsonTransport(channel: TextChannel): RpcTransport {
  return {
    send: (message) => channel.send(JSON.stringify(message)),
    onMessage: (listener) => channel.onText((text) => listener(parseJson(text))),
    onClose: (listener) => channel.onClose(listener),
    close: () => channel.close(),
  };
}
