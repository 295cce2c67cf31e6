// The renderer's one door to the engine. At start it picks the transport: `window.kb` from the sandboxed preload
// (the desktop app), else the WebSocket of `kb serve` named by the page's own URL (`?token=…`). Store actions call
// the returned client; components never do, and nothing else in the renderer knows which transport it is.
import {
  RPC_PATH,
  type EngineApi,
  type EngineEvents,
  type EngineMethod,
  type JobStarted,
  type RpcEvent,
  type RpcResponse,
} from '../../../shared/engineApi.ts';

/** Events the desktop shell pushes besides the engine's (see electron/preload/kbBridge.ts: DesktopEvents). */
export interface KbEvents extends EngineEvents {
  /** An ingestion started from the app's menu ("Add folder…"): adopt it like one the page started. */
  jobStarted: JobStarted;
  /** The menu's "Settings…" item. */
  openSettings: null;
}
export type KbEventName = keyof KbEvents;

export type EventHandler<E extends KbEventName> = (payload: KbEvents[E]) => void;

/** The engine as the renderer sees it: the contract's methods, plus event subscription. */
export interface KbClient extends EngineApi {
  on<E extends KbEventName>(event: E, handler: EventHandler<E>): () => void;
  /**
   * Ingests dropped or chosen files by the transport's means: their paths on this machine in the desktop app
   * (nothing copied), their bytes uploaded through the web bridge.
   */
  addFiles(files: File[]): Promise<JobStarted>;
}

/** What the preload exposes as `window.kb` (electron/preload/kbBridge.ts repeats this until it moves to shared/). */
export interface KbBridge extends EngineApi {
  onEvent(listener: (event: KbEventName, payload: unknown) => void): () => void;
  pathForFile(file: File): string;
}

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
  readonly #handlers = new Map<KbEventName, Set<(payload: never) => void>>();
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

  on<E extends KbEventName>(event: E, handler: EventHandler<E>): () => void {
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
    listSources: call('listSources'),
    rescanSources: call('rescanSources'),
    documentFile: call('documentFile'),
    search: call('search'),
    ask: call('ask'),
    history: call('history'),
    exportConversation: call('exportConversation'),
    passageContext: call('passageContext'),
    modelStatus: call('modelStatus'),
    inspectLlm: call('inspectLlm'),
    loadLlm: call('loadLlm'),
    unloadLlm: call('unloadLlm'),
    setEmbeddingModel: call('setEmbeddingModel'),
    cancelAsk: call('cancelAsk'),
    on: (event, handler) => socket.on(event, handler),
    addFiles: async (files) => {
      const uploads = [];
      for (const file of files) uploads.push({ name: file.name, dataBase64: await fileToBase64(file) });
      return socket.call('uploadFiles', [uploads]) as Promise<JobStarted>;
    },
  };
}

/** EngineApi through the preload's `window.kb`: IPC to main, which checks and forwards to the engine's process. */
function desktopClient(bridge: KbBridge): KbClient {
  const handlers = new Map<KbEventName, Set<(payload: unknown) => void>>();
  bridge.onEvent((event, payload) => {
    for (const handler of handlers.get(event) ?? []) handler(payload);
  });
  return {
    libraryInfo: () => bridge.libraryInfo(),
    listDocuments: () => bridge.listDocuments(),
    ingestPaths: (paths) => bridge.ingestPaths(paths),
    uploadFiles: (files) => bridge.uploadFiles(files),
    cancelJob: (jobId) => bridge.cancelJob(jobId),
    removeDocument: (documentId) => bridge.removeDocument(documentId),
    listSources: () => bridge.listSources(),
    rescanSources: (paths) => bridge.rescanSources(paths),
    documentFile: (documentId) => bridge.documentFile(documentId),
    search: (query, options) => bridge.search(query, options),
    ask: (question, options) => bridge.ask(question, options),
    history: () => bridge.history(),
    exportConversation: (conversationId) => bridge.exportConversation(conversationId),
    passageContext: (ref) => bridge.passageContext(ref),
    modelStatus: () => bridge.modelStatus(),
    inspectLlm: (path) => bridge.inspectLlm(path),
    loadLlm: (path, options) => bridge.loadLlm(path, options),
    unloadLlm: () => bridge.unloadLlm(),
    setEmbeddingModel: (dir) => bridge.setEmbeddingModel(dir),
    cancelAsk: (requestId) => bridge.cancelAsk(requestId),
    on: (event, handler) => {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as (payload: unknown) => void);
      return () => set.delete(handler as (payload: unknown) => void);
    },
    addFiles: async (files) => {
      const paths = files.map((file) => bridge.pathForFile(file));
      if (paths.some((p) => p === '')) throw new KbCallError('NoPath', 'a dropped item has no file on this disk: drop files or folders from the file manager');
      return bridge.ingestPaths(paths);
    },
  };
}

/** Connects to the engine through whichever transport this page has. */
export async function connectKb(): Promise<KbClient> {
  if (window.kb) {
    if (typeof window.kb.libraryInfo !== 'function') throw new Error('this build of the desktop app does not connect the engine: reinstall the app');
    return desktopClient(window.kb);
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
