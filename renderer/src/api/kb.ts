// The renderer's one door to the engine. At start it picks the transport: `window.kb` from the sandboxed preload
// (the desktop app), else the WebSocket of `kb serve` named by the page's own URL (`?token=…`). Store actions call
// the returned client; components never do, and nothing else in the renderer knows which transport it is.
import type { ChooseKind, DesktopEventName, DesktopEvents, KbBridge } from '../../../shared/desktopBridge.ts';
import type { DocumentFile, EngineApi, EngineEvents, JobOptions, JobStarted } from '../../../shared/engineApi.ts';
import { ENGINE_METHODS } from '../../../shared/engineArgs.ts';
import { RPC_PATH } from '../../../shared/rpc/engineRpc.ts';
import { jsonTransport } from '../../../shared/rpc/jsonTransport.ts';
import { createRpcClient, type RpcClient } from '../../../shared/rpc/RpcClient.ts';
import { unwrapOutcome, type RpcTransport } from '../../../shared/rpc/rpcProtocol.ts';
import type { ErrorProblem } from '../../../shared/errorCodes.ts';
import { fromWireError, isWireError, KbError, type ErrorKind } from '../../../shared/errors.ts';
import {
  MAX_UPLOAD_FILE_BYTES,
  UPLOAD_ERROR_HEADER,
  UPLOAD_PATH,
  WEB_BRIDGE_CONTRACT,
  type StagedFile,
  type StagedUpload,
  type WebBridgeApi,
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
  addFiles(files: File[], options?: JobOptions): Promise<JobStarted>;
  /**
   * Ingests what was dropped: files and folders as paths in the desktop app (a folder stays a source to re-scan);
   * in the browser the folders are walked and their files uploaded with their folders. Call it in the drop handler
   * itself: the browser empties the DataTransfer when the handler returns.
   */
  addDropped(data: DataTransfer, options?: JobOptions): Promise<JobStarted>;
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
 * A refusal of this page's own (nothing to add, a file too large, no path, kb serve unreachable): `code` and `params`
 * for describeError to word, `message` in English. `cause`, when set, is the refusal it reports (a PUT's), worded
 * into its `detail`. Refusals of the engine arrive as RemoteError (shared/errors.ts), with the engine's code.
 */
export class KbCallError extends KbError {
  constructor(name: string, problem: ErrorProblem, message: string, options?: { cause?: unknown; kind?: ErrorKind }) {
    super(problem.code, message, problem.params, options?.kind ?? 'user');
    if (options && 'cause' in options) this.cause = options.cause;
    this.name = name;
  }
}

/** kb serve's RPC as the page holds it: EngineApi, commitUploads, and its events. */
type ServeClient = RpcClient<EngineApi & WebBridgeApi, EngineEvents>;

/** The RPC's transport over the browser's WebSocket: JSON text frames. */
function webSocketTransport(socket: WebSocket): RpcTransport {
  return jsonTransport({
    send: (text) => socket.send(text),
    onText(listener) {
      const receive = (event: MessageEvent): void => listener(String(event.data));
      socket.addEventListener('message', receive);
      return () => socket.removeEventListener('message', receive);
    },
    onClose(listener) {
      socket.addEventListener('close', listener);
      return () => socket.removeEventListener('close', listener);
    },
    close: () => socket.close(),
  });
}

function openWebSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => resolve(socket), { once: true });
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
      { once: true },
    );
  });
}

/** Per-event handler sets over one onEvent subscription. */
function eventHandlers(subscribe: (listener: (event: KbEventName, payload: unknown) => void) => void): KbClient['on'] {
  const handlers = new Map<KbEventName, Set<(payload: unknown) => void>>();
  subscribe((event, payload) => {
    for (const handler of handlers.get(event) ?? []) handler(payload);
  });
  return (event, handler) => {
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(handler as (payload: unknown) => void);
    return () => set.delete(handler as (payload: unknown) => void);
  };
}

/** EngineApi over the `kb serve` WebSocket: the generic RPC client of shared/rpc. */
function webSocketClient(rpc: ServeClient): KbClient {
  const engine = Object.fromEntries(ENGINE_METHODS.map((method) => [method, rpc[method]])) as unknown as EngineApi;
  return {
    ...engine,
    on: eventHandlers((listener) => rpc.onEvent(listener as (event: string, payload: unknown) => void)),
    // A file of a chosen folder keeps its folders (webkitRelativePath), so same-named files stay apart.
    addFiles: (files, options) =>
      upload(
        rpc,
        files.map((file) => ({ file, name: file.webkitRelativePath || file.name })),
        options,
      ),
    addDropped: (data, options) => {
      // Now, before the handler returns. Items without an entry (made by a script) are taken as plain files.
      const entries = droppedEntries(data);
      const plain = entries.length === 0 ? [...data.files].map((file) => ({ file, name: file.name })) : [];
      return collectFiles(entries).then((files) => upload(rpc, [...files, ...plain], options));
    },
    choose: null,
    pathOf: () => null,
    showOriginal: async (documentId) => {
      saveDownload(await rpc.documentFile(documentId));
      return 'downloaded';
    },
  };
}

type Upload = { file: File; name: string };

/**
 * Uploads files to kb serve: each one's bytes streamed by a PUT (the browser reads the File from disk as it sends;
 * nothing is base64-encoded or held whole in the page), then the batch committed with one call, whole or not at all.
 */
async function upload(rpc: ServeClient, files: Upload[], options: JobOptions = {}): Promise<JobStarted> {
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
  return rpc.commitUploads(staged, options);
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
  // Each method's outcome back into a result, or a RemoteError with the engine's name, code and params.
  const engine = Object.fromEntries(
    ENGINE_METHODS.map((method) => [
      method,
      (...args: unknown[]) =>
        (bridge[method] as (...a: unknown[]) => Promise<unknown>)(...args).then((outcome) => unwrapOutcome(outcome)),
    ]),
  ) as unknown as EngineApi;
  return {
    ...engine,
    on: eventHandlers((listener) => bridge.onEvent(listener as Parameters<KbBridge['onEvent']>[0])),
    addFiles: (files, options) => ingestByPath(bridge, engine, files, options),
    addDropped: (data, options) => ingestByPath(bridge, engine, [...data.files], options),
    choose: (kind) => bridge.choose(kind),
    pathOf: (file) => bridge.pathForFile(file) || null,
    showOriginal: async (documentId) => {
      await bridge.revealDocument(documentId);
      return 'revealed';
    },
  };
}

/** Dropped or chosen files and folders reach the engine as their paths: nothing is copied, a folder stays a folder. */
function ingestByPath(
  bridge: KbBridge<File>,
  engine: EngineApi,
  files: File[],
  options: JobOptions = {},
): Promise<JobStarted> {
  const paths = files.map((file) => bridge.pathForFile(file));
  if (paths.some((p) => p === ''))
    return Promise.reject(
      new KbCallError(
        'NoPath',
        { code: 'desktop.no-path', params: {} },
        'a dropped item has no file on this disk: drop files or folders from the file manager',
      ),
    );
  return engine.ingestPaths(paths, options);
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
  const rpc = createRpcClient(webSocketTransport(await openWebSocket(url)), WEB_BRIDGE_CONTRACT, {
    closedName: 'Disconnected',
    closedReason: 'the connection to kb serve was closed: restart it and reload this page',
  });
  return webSocketClient(rpc);
}
