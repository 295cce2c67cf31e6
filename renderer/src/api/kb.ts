// The renderer's one door to the engine. At start it picks the transport: `window.kb` from the sandboxed preload
// (the desktop app), else the WebSocket of `kb serve` named by the page's own URL (`?token=…`). Store actions call
// the returned client; components never do, and nothing else in the renderer knows which transport it is.
import type { ChooseKind, DesktopEventName, DesktopEvents, KbBridge } from '../../../shared/desktopBridge.ts';
import {
  RPC_PATH,
  type DocumentFile,
  type EngineApi,
  type EngineMethod,
  type JobStarted,
  type RpcEvent,
  type RpcResponse,
} from '../../../shared/engineApi.ts';
import type { ErrorProblem } from '../../../shared/errorCodes.ts';
import { fromWireError, INTERNAL_ERROR_CODE, isWireError, KbError, type ErrorKind } from '../../../shared/errors.ts';
import {
  MAX_UPLOAD_FILE_BYTES,
  UPLOAD_ERROR_HEADER,
  UPLOAD_PATH,
  type StagedFile,
  type StagedUpload,
  type WebBridgeMethod,
} from '../../../shared/webUpload.ts';

/**
 * The events the page can subscribe to: the engine's, and the desktop shell's own two (an ingestion started from
 * the menu's "Add folder…", the menu's "Settings…"), which the browser face never sends.
 */
export type KbEvents = DesktopEvents;
export type KbEventName = DesktopEventName;

export type EventHandler<E extends KbEventName> = (payload: KbEvents[E]) => void;

/** The engine as the renderer sees it: the contract's methods, plus event subscription. */
export interface KbClient extends EngineApi {
  on<E extends KbEventName>(event: E, handler: EventHandler<E>): () => void;
  /**
   * Ingests chosen files by the transport's means: their paths on this machine in the desktop app (nothing
   * copied), their bytes uploaded through the web bridge (with their folders, for files of a chosen folder).
   */
  addFiles(files: File[]): Promise<JobStarted>;
  /**
   * Ingests what was dropped: files and folders as paths in the desktop app (a folder stays a source to re-scan);
   * in the browser the folders are walked and their files uploaded with their folders. Call it in the drop handler
   * itself: the browser empties the DataTransfer when the handler returns.
   */
  addDropped(data: DataTransfer): Promise<JobStarted>;
  /** A native open dialog (desktop app); null in the browser, which has none: the chosen paths, [] when cancelled. */
  readonly choose: ((kind: ChooseKind) => Promise<string[]>) | null;
  /** The path of a dropped file on this machine (desktop app); null in the browser, which does not tell it. */
  pathOf(file: File): string | null;
  /** Shows a document's original: in the file manager (desktop app), or saved as a download (browser). */
  showOriginal(documentId: number): Promise<'revealed' | 'downloaded'>;
}

declare global {
  interface Window {
    /** Present only in the desktop app, where the preload provides it. */
    readonly kb?: KbBridge<File>;
  }
}

/**
 * A call the engine refused or that failed, or a refusal of this page's own: `code` and `params` for describeError
 * to word, `message` in English. `cause`, when set, is the refusal it reports (a PUT's), worded into its `detail`.
 */
export class KbCallError extends KbError {
  constructor(name: string, problem: ErrorProblem, message: string, options?: { cause?: unknown; kind?: ErrorKind }) {
    super(problem.code, message, problem.params, options?.kind ?? 'user');
    if (options && 'cause' in options) this.cause = options.cause;
    this.name = name;
  }
}

/** The error a refused call rejects with: a RemoteError with the engine's code and params (an old server: its message). */
function callError(error: { name: string; message: string }): KbError {
  if (isWireError(error)) return fromWireError(error);
  return fromWireError({
    name: error.name,
    code: INTERNAL_ERROR_CODE,
    params: {},
    message: error.message,
    kind: 'internal',
  });
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
      for (const pending of this.#pending.values()) pending.reject(disconnected(this.#closedReason));
      this.#pending.clear();
    });
  }

  static connect(url: string): Promise<WebSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new WebSocketClient(socket)), { once: true });
      socket.addEventListener(
        'error',
        () =>
          reject(
            new KbCallError(
              'Unreachable',
              { code: 'serve.unreachable', params: {} },
              'cannot reach kb serve: is it running, and is the token in this address the one it printed?',
            ),
          ),
        {
          once: true,
        },
      );
    });
  }

  call(method: EngineMethod | WebBridgeMethod, args: unknown[]): Promise<unknown> {
    if (this.#closedReason) return Promise.reject(disconnected(this.#closedReason));
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
      for (const handler of this.#handlers.get(message.event) ?? [])
        (handler as (payload: unknown) => void)(message.payload);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(callError(message.error));
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
    thesaurus: call('thesaurus'),
    addSynonym: call('addSynonym'),
    removeSynonym: call('removeSynonym'),
    setDocumentProfile: call('setDocumentProfile'),
    on: (event, handler) => socket.on(event, handler),
    // A file of a chosen folder keeps its folders (webkitRelativePath), so same-named files stay apart.
    addFiles: (files) =>
      upload(
        socket,
        files.map((file) => ({ file, name: file.webkitRelativePath || file.name })),
      ),
    addDropped: (data) => {
      // Now, before the handler returns. Items without an entry (made by a script) are taken as plain files.
      const entries = droppedEntries(data);
      const plain = entries.length === 0 ? [...data.files].map((file) => ({ file, name: file.name })) : [];
      return collectFiles(entries).then((files) => upload(socket, [...files, ...plain]));
    },
    choose: null,
    pathOf: () => null,
    showOriginal: async (documentId) => {
      const original = (await socket.call('documentFile', [documentId])) as DocumentFile;
      saveDownload(original);
      return 'downloaded';
    },
  };
}

type Upload = { file: File; name: string };

/**
 * Uploads files to kb serve: each one's bytes streamed by a PUT (the browser reads the File from disk as it sends;
 * nothing is base64-encoded or held whole in the page), then the batch committed with one call, whole or not at all.
 */
async function upload(socket: WebSocketClient, files: Upload[]): Promise<JobStarted> {
  if (files.length === 0)
    throw new KbCallError(
      'NothingToAdd',
      { code: 'upload.nothing-to-add', params: {} },
      'nothing to add: the folder holds no files (hidden files are left out)',
    );
  // Said before anything is sent: the server would refuse it (413), after the earlier files of the batch went up.
  const tooLarge = files.find(({ file }) => file.size > MAX_UPLOAD_FILE_BYTES);
  if (tooLarge) {
    const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
    throw new KbCallError(
      'UploadTooLarge',
      {
        code: 'upload.file-too-large',
        params: {
          name: tooLarge.name,
          sizeMiB: Math.round(tooLarge.file.size / 1024 / 1024),
          limitMiB: Math.round(MAX_UPLOAD_FILE_BYTES / 1024 / 1024),
        },
      },
      `"${tooLarge.name}" is ${mib(tooLarge.file.size)}, over the ${mib(MAX_UPLOAD_FILE_BYTES)} a file may be here: split it, or add it with "kb ingest" on the server`,
    );
  }
  // The page's own token, as for the WebSocket; the PUT goes to the page's own origin.
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const staged: StagedFile[] = [];
  // One file at a time: the server takes a few at once, and the order keeps the progress easy to follow.
  for (const { file, name } of files) {
    let response: Response;
    try {
      response = await fetch(`${UPLOAD_PATH}?token=${encodeURIComponent(token)}`, {
        method: 'PUT',
        body: file,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    } catch {
      throw new KbCallError(
        'Disconnected',
        { code: 'upload.not-sent', params: { name } },
        `"${name}" could not be sent: is kb serve still running? Restart it and reload this page`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const detail = text || `HTTP ${response.status}`;
      throw new KbCallError(
        'UploadRefused',
        { code: 'upload.refused', params: { name, detail } },
        `"${name}" was not uploaded: ${detail}`,
        { cause: uploadRefusal(response, detail) },
      );
    }
    staged.push({ name, uploadId: (JSON.parse(text) as StagedUpload).uploadId });
  }
  return socket.call('commitUploads', [staged]) as Promise<JobStarted>;
}

/** The server's refusal of a PUT, by its code header (see UPLOAD_ERROR_HEADER); undefined from an old server. */
function uploadRefusal(response: Response, message: string): KbError | undefined {
  const header = response.headers.get(UPLOAD_ERROR_HEADER);
  if (!header) return undefined;
  try {
    const { code, params } = JSON.parse(decodeURIComponent(header)) as { code?: unknown; params?: unknown };
    const wire = { name: 'UploadRefusedError', code, params, message, kind: 'user' };
    return isWireError(wire) ? fromWireError(wire) : undefined;
  } catch {
    return undefined;
  }
}

function disconnected(reason: string): KbCallError {
  return new KbCallError('Disconnected', { code: 'serve.disconnected', params: {} }, reason);
}

function droppedEntries(data: DataTransfer): FileSystemEntry[] {
  const entries: FileSystemEntry[] = [];
  for (const item of data.items) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The files under dropped entries, each named by its path below the drop ("制度/口令.md"); hidden ones left out. */
async function collectFiles(entries: FileSystemEntry[]): Promise<Upload[]> {
  const files: Upload[] = [];
  const visit = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.name.startsWith('.')) return;
    const name = entry.fullPath.replace(/^\/+/, '') || entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push({ file, name });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in batches (100 in Chromium) until it answers none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await visit(child);
    }
  };
  for (const entry of entries) await visit(entry);
  return files;
}

/** Saves a document's original through the browser's download. */
function saveDownload(original: DocumentFile): void {
  const binary = atob(original.dataBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes]));
  const link = document.createElement('a');
  link.href = url;
  link.download = original.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** EngineApi through the preload's `window.kb`: IPC to main, which checks and forwards to the engine's process. */
function desktopClient(bridge: KbBridge<File>): KbClient {
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
    thesaurus: () => bridge.thesaurus(),
    addSynonym: (ask, means) => bridge.addSynonym(ask, means),
    removeSynonym: (id) => bridge.removeSynonym(id),
    setDocumentProfile: (documentId, changes) => bridge.setDocumentProfile(documentId, changes),
    on: (event, handler) => {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as (payload: unknown) => void);
      return () => set.delete(handler as (payload: unknown) => void);
    },
    addFiles: (files) => ingestByPath(bridge, files),
    addDropped: (data) => ingestByPath(bridge, [...data.files]),
    choose: (kind) => bridge.choose(kind),
    pathOf: (file) => bridge.pathForFile(file) || null,
    showOriginal: async (documentId) => {
      await bridge.revealDocument(documentId);
      return 'revealed';
    },
  };
}

/** Dropped or chosen files and folders reach the engine as their paths: nothing is copied, a folder stays a folder. */
function ingestByPath(bridge: KbBridge<File>, files: File[]): Promise<JobStarted> {
  const paths = files.map((file) => bridge.pathForFile(file));
  if (paths.some((p) => p === ''))
    return Promise.reject(
      new KbCallError(
        'NoPath',
        { code: 'desktop.no-path', params: {} },
        'a dropped item has no file on this disk: drop files or folders from the file manager',
      ),
    );
  return bridge.ingestPaths(paths);
}

/** Connects to the engine through whichever transport this page has. */
export async function connectKb(): Promise<KbClient> {
  if (window.kb) {
    if (typeof window.kb.libraryInfo !== 'function')
      throw new KbCallError(
        'NoEngine',
        { code: 'desktop.no-engine', params: {} },
        'this build of the desktop app does not connect the engine: reinstall the app',
      );
    return desktopClient(window.kb);
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) {
    throw new KbCallError(
      'NoToken',
      { code: 'serve.no-token', params: {} },
      'this page is not connected to a library: open it from the Offline KB app, or use the address (with its token) that "kb serve" printed',
    );
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}${RPC_PATH}?token=${encodeURIComponent(token)}`;
  return webSocketClient(await WebSocketClient.connect(url));
}
