// The renderer's one door to the engine. At start it picks the transport: `window.kb` from the sandboxed preload
// (the desktop app), else the WebSocket of `kb serve` named by the page's own URL (`?token=…`). Store actions call
// the returned client; components never do, and nothing else in the renderer knows which transport it is.
import {
  RPC_PATH,
  type EngineApi,
  type EngineEventName,
  type EngineEvents,
  type EngineMethod,
  type RpcEvent,
  type RpcResponse,
} from '../../../shared/engineApi.ts';

export type EventHandler<E extends EngineEventName> = (payload: EngineEvents[E]) => void;

/** The engine as the renderer sees it: the contract's methods, plus event subscription. */
export interface KbClient extends EngineApi {
  on<E extends EngineEventName>(event: E, handler: EventHandler<E>): () => void;
}

/** What the preload exposes as `window.kb` (see electron/preload): the same client. */
export type KbBridge = KbClient;

declare global {
  interface Window {
    /** Present only in the desktop app, where the preload provides it. */
    readonly kb?: KbBridge;
  }
}

/** A call the engine refused or that failed; `message` is written for a person. */
export class KbCallError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** EngineApi over the `kb serve` WebSocket: JSON requests with ids, replies matched by id, events pushed. */
class WebSocketClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<EngineEventName, Set<(payload: never) => void>>();
  #nextId = 1;
  #closedReason: string | null = null;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => this.#receive(String(event.data)));
    socket.addEventListener('close', () => {
      this.#closedReason = 'the connection to kb serve was closed: restart it and reload this page';
      for (const pending of this.#pending.values()) pending.reject(new KbCallError('Disconnected', this.#closedReason));
      this.#pending.clear();
    });
  }

  static connect(url: string): Promise<WebSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new WebSocketClient(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error('cannot reach kb serve: is it running, and is the token in this address the one it printed?')), {
        once: true,
      });
    });
  }

  call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    if (this.#closedReason) return Promise.reject(new KbCallError('Disconnected', this.#closedReason));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // undefined options would become null in JSON; drop trailing undefined arguments instead.
      while (args.length > 0 && args[args.length - 1] === undefined) args = args.slice(0, -1);
      this.#socket.send(JSON.stringify({ id, method, args }));
    });
  }

  on<E extends EngineEventName>(event: E, handler: EventHandler<E>): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  #receive(text: string): void {
    const message = JSON.parse(text) as RpcResponse | RpcEvent;
    if ('event' in message) {
      for (const handler of this.#handlers.get(message.event) ?? []) (handler as (payload: unknown) => void)(message.payload);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new KbCallError(message.error.name, message.error.message));
  }
}

function webSocketClient(socket: WebSocketClient): KbClient {
  const call =
    <M extends EngineMethod>(method: M) =>
    (...args: Parameters<EngineApi[M]>) =>
      socket.call(method, args) as ReturnType<EngineApi[M]>;
  return {
    libraryInfo: call('libraryInfo'),
    listDocuments: call('listDocuments'),
    ingestPaths: call('ingestPaths'),
    uploadFiles: call('uploadFiles'),
    cancelJob: call('cancelJob'),
    removeDocument: call('removeDocument'),
    search: call('search'),
    ask: call('ask'),
    history: call('history'),
    exportConversation: call('exportConversation'),
    passageContext: call('passageContext'),
    on: (event, handler) => socket.on(event, handler),
  };
}

/** Connects to the engine through whichever transport this page has. */
export async function connectKb(): Promise<KbClient> {
  if (window.kb) {
    // The desktop shell exposes the engine only once main hosts it (utility process): say so rather than fail later.
    if (typeof window.kb.libraryInfo !== 'function') throw new Error('this build of the desktop app does not connect the engine yet: use "kb serve" meanwhile');
    return window.kb;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) {
    throw new Error('this page is not connected to a library: open it from the Offline KB app, or use the address (with its token) that "kb serve" printed');
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}${RPC_PATH}?token=${encodeURIComponent(token)}`;
  return webSocketClient(await WebSocketClient.connect(url));
}

/** Reads a dropped or chosen file as base64, for `uploadFiles`. */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // 32 KiB at a time: String.fromCharCode with a whole PDF's bytes as arguments would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
