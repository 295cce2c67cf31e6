// `kb serve`: the built renderer and EngineApi over one WebSocket, on 127.0.0.1 only, behind a random token.
// For browser tests and a later team server; the desktop app never uses it. The WebSocket is `ws` (our own RFC 6455
// server re-joined its buffer on every chunk: a 64 MiB message took 16 s), behind our own checks; uploaded files come
// as one streamed PUT each (shared/webUpload.ts says why), not as base64 inside a message.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EngineApi, JobOptions, JobStarted } from '../../shared/engineApi.ts';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';
import { RPC_PATH } from '../../shared/rpc/engineRpc.ts';
import { contentTypeOf } from '../../shared/contentTypes.ts';
import { jsonTransport } from '../../shared/rpc/jsonTransport.ts';
import type { RpcTransport } from '../../shared/rpc/rpcProtocol.ts';
import { serveRpc } from '../../shared/rpc/serveRpc.ts';
import { toWireError } from '../../shared/errors.ts';
import {
  MAX_UPLOAD_FILE_BYTES,
  UPLOAD_ERROR_HEADER,
  UPLOAD_PATH,
  WEB_BRIDGE_CONTRACT,
  type StagedFile,
  type WebBridgeApi,
} from '../../shared/webUpload.ts';
import type { EngineService } from '../engine/index.ts';
import { UploadRefusedError, UploadStaging } from './UploadStaging.ts';

// Loopback only: the server hands out a whole library to whoever has the token, so it must not face a network.
export const SERVE_HOST = '127.0.0.1';
// ws's maxPayload: 256 MiB per message, room for uploadFiles' base64 (which the page no longer sends: it streams);
// a frame announcing more is refused (1009) on its header, before any of it is buffered.
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Open WebSockets at once: the app needs one per tab; more are refused (503) rather than each costing memory. */
export const MAX_CONNECTIONS = 16;
/** Calls one connection may have unanswered; more are answered at once with an error, never queued without end. */
export const MAX_CALLS_IN_FLIGHT = 32;
/**
 * Replies a client has not read yet that a connection keeps (ws's bufferedAmount): a client that asks and never
 * reads is dropped at this backlog instead of holding the server's memory (400 unread 2 MB replies held 850 MB).
 */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
// A client is pinged this often, and dropped when it has not answered the one before: a socket whose other end
// vanished without a FIN (a machine asleep, a pulled cable) would otherwise count against MAX_CONNECTIONS for ever.
const HEARTBEAT_MS = 30_000;
// How long, and how much, a refused request's body is still read (and thrown away) after the answer: see refuse().
const LINGER_MS = 2_000;
const LINGER_BYTES = 64 * 1024 * 1024;
// How long close() waits for clients to answer its close frame before it cuts them off (ws would wait 30 s).
const CLOSE_GRACE_MS = 1_000;
/** Close codes sent here (RFC 6455 §7.4.1); ws sends 1002, 1007 and 1009 itself for bad frames. */
const CLOSE_CODE = { goingAway: 1001, protocolError: 1002, unsupportedData: 1003 } as const;

export interface KbServerOptions {
  service: EngineService;
  /** The built renderer (`out/renderer` after `electron-vite build`). */
  rendererDir: string;
  /** Defaults to `0`: a free port chosen by the system. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** Where streamed uploads wait for their commit; emptied at start. Defaults to `<service.uploadDir>.staging`. */
  stagingDir?: string;
  /** The most bytes one uploaded file may have; more is refused (413). Defaults to `MAX_UPLOAD_FILE_BYTES` (100 MiB). */
  maxUploadBytes?: number;
  /** How often each client is pinged, in ms; one that did not answer the ping before is dropped. Defaults to `30_000`. */
  heartbeatMs?: number;
}

export interface KbServer {
  /** The page to open, token included: http://127.0.0.1:<port>/?token=… */
  url: string;
  port: number;
  token: string;
  /** Closes every connection and the listening socket (the service and library stay open). */
  close(): Promise<void>;
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A Host header naming this server on loopback; anything else is a DNS-rebinding attempt or a stray request. */
function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `${SERVE_HOST}:${port}` || host === `localhost:${port}`;
}

/**
 * The request target as a URL, or null when it is not the origin form a browser sends (`/path?query`, RFC 9112
 * §3.2.1). Parsed under a fixed origin, never as a reference: `//host/rpc` is the path `//host/rpc` here, not another
 * host, and a target URL cannot parse (`//[`) is refused, not thrown — parsing runs before any check and for
 * anyone who can reach the port, a page on another site included (`new WebSocket('ws://127.0.0.1:PORT//[')`).
 */
export function requestTarget(raw: string | undefined): URL | null {
  if (raw === undefined || !raw.startsWith('/')) return null;
  return URL.parse(`http://kb.invalid${raw}`);
}

/** The one `token` query parameter; a repeated one (`?token=a&token=b`) counts as none, whichever is right. */
function tokenOf(url: URL): string | null {
  const tokens = url.searchParams.getAll('token');
  return tokens.length === 1 ? tokens[0]! : null;
}

/** A browser always sends Origin on a WebSocket or a PUT: only the page this server served may use it (no cross-site use). */
function isOwnOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || isOwnHost(origin.replace(/^http:\/\//, ''), port);
}

/**
 * Answers a request that will not be served (an upload refused, a foreign Host). The client may still be sending a
 * body (a PUT of 1 GiB), and a socket closed with bytes unread is reset: the client could lose this answer with it
 * (2 of 5 PUTs with a 1 GiB Content-Length saw EPIPE, not the 413). So what still comes is read and thrown away, for
 * at most LINGER_MS or LINGER_BYTES, then the connection is cut; memory stays at one chunk.
 */
function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(reason)),
      ...headers,
    })
    .end(reason);
  if (request.complete) return;
  const socket = request.socket;
  const cut = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS).unref();
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  request.once('end', () => clearTimeout(timer));
  request.resume();
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

/** A text message's bytes as one Buffer (ws hands a Buffer with its default binaryType; the others for completeness). */
function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Serves files from the renderer folder; never outside it. */
async function serveStatic(request: IncomingMessage, response: ServerResponse, rendererDir: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const target = requestTarget(request.url);
  let pathname: string;
  try {
    if (!target) throw new URIError('not an origin-form request target');
    pathname = decodeURIComponent(target.pathname);
  } catch {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request target');
    return;
  }
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  if (pathname.includes('\0') || !file.startsWith(root + path.sep)) {
    response.writeHead(404).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    response
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(pathname === '/' ? `No renderer build in ${root}: run npm run build first.` : 'Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page's URL: never send it anywhere as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Starts the server; resolves once it listens. */
export async function startKbServer(options: KbServerOptions): Promise<KbServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const { service } = options;
  // Each open WebSocket, and whether it answered the last heartbeat ping.
  const connections = new Map<WebSocket, { alive: boolean }>();
  const staging = await UploadStaging.create(options.stagingDir ?? `${service.uploadDir}.staging`, {
    maxFileBytes: options.maxUploadBytes ?? MAX_UPLOAD_FILE_BYTES,
  });
  // noServer: the upgrade listener below runs every check (Host, target, token, Origin, the connection limit) and
  // hands ws only what passed. No compression: it would let a small frame inflate past maxPayload's intent, and
  // JSON over loopback gains nothing from it.
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  let port = 0;

  // What the WebSocket serves: the service's EngineApi methods, and commitUploads.
  const bridge = {
    ...(Object.fromEntries(
      ENGINE_METHODS.map((method) => [method, (service[method] as (...a: unknown[]) => unknown).bind(service)]),
    ) as unknown as EngineApi),
    commitUploads,
  } satisfies EngineApi & WebBridgeApi;

  async function commitUploads(files: StagedFile[], options: JobOptions = {}): Promise<JobStarted> {
    const stagedFiles = await staging.take(files.map((file) => file.uploadId));
    try {
      return await service.uploadStagedFiles(
        files.map((file, i) => ({ name: file.name, stagedFile: stagedFiles[i]! })),
        options,
      );
    } finally {
      // Moved in on success; on a refusal whatever was not moved goes too: a commit uses up its uploads.
      await staging.discard(stagedFiles);
    }
  }

  function onRequest(request: IncomingMessage, response: ServerResponse, expectsContinue: boolean): void {
    if (!isOwnHost(request.headers.host, port)) return refuse(request, response, 421, 'Misdirected request');
    const url = requestTarget(request.url);
    if (url?.pathname === UPLOAD_PATH) return void receiveUpload(request, response, url, expectsContinue);
    if (expectsContinue) response.writeContinue();
    serveStatic(request, response, options.rendererDir).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  }

  /** PUT /upload?token=…: one file's bytes, streamed to the staging folder; refused before its body when it cannot be taken. */
  async function receiveUpload(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    expectsContinue: boolean,
  ): Promise<void> {
    if (request.method !== 'PUT')
      return refuse(request, response, 405, `Method not allowed: PUT a file's bytes to ${UPLOAD_PATH}`, {
        Allow: 'PUT',
      });
    if (!sameToken(tokenOf(url), token))
      return refuse(request, response, 401, 'Unauthorized: the token is missing or wrong');
    if (!isOwnOrigin(request.headers.origin, port)) return refuse(request, response, 403, 'Forbidden origin');
    try {
      const length = request.headers['content-length'];
      staging.check(length === undefined ? null : Number(length));
      // Only now may a client that waits for "100 Continue" send its body.
      if (expectsContinue) response.writeContinue();
      const staged = await staging.receive(request);
      const body = JSON.stringify(staged);
      response
        .writeHead(201, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(body)),
          'Cache-Control': 'no-store',
        })
        .end(body);
    } catch (error) {
      // The refusal's code and params beside the English body, so that the page words it in its language.
      const wire = toWireError(error);
      const codeHeader = {
        [UPLOAD_ERROR_HEADER]: encodeURIComponent(JSON.stringify({ code: wire.code, params: wire.params })),
      };
      if (error instanceof UploadRefusedError) refuse(request, response, error.status, error.message, codeHeader);
      else refuse(request, response, 500, `the upload could not be stored: ${wire.message}`, codeHeader);
    }
  }

  const server = createServer((request, response) => {
    try {
      onRequest(request, response, false);
    } catch {
      // Nothing a client sends may end the server: whatever went wrong, this one request goes.
      response.destroy();
    }
  });
  // A client that asks before sending its body (Expect: 100-continue) learns of a refusal (401, 413) without sending it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    try {
      onRequest(request, response, true);
    } catch {
      response.destroy();
    }
  });
  // A request that is not HTTP (bad framing, huge headers): answered 400 / 431 and closed, as Node does without a
  // listener, and never an 'error' that could reach the process.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands over the raw socket without an 'error' listener: a client resetting it must not throw.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(request, socket, head);
    } catch {
      // Nothing a client sends may end the server: whatever went wrong, this one connection goes.
      socket.destroy();
    }
  });

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestTarget(request.url);
    if (!isOwnHost(request.headers.host, port)) return rejectUpgrade(socket, 421, 'Misdirected request');
    if (!url) return rejectUpgrade(socket, 400, 'Bad request target');
    if (url.pathname !== RPC_PATH) return rejectUpgrade(socket, 404, 'Not found');
    if (!sameToken(tokenOf(url), token))
      return rejectUpgrade(socket, 401, 'Unauthorized: the token is missing or wrong');
    if (!isOwnOrigin(request.headers.origin, port)) return rejectUpgrade(socket, 403, 'Forbidden origin');
    if (connections.size >= MAX_CONNECTIONS)
      return rejectUpgrade(socket, 503, `Service Unavailable: ${MAX_CONNECTIONS} connections are open already`);
    // ws answers a handshake it cannot complete (no key, another version) with 400 itself. Its callback runs in
    // this same turn, so the count above cannot be passed by two upgrades at once.
    sockets.handleUpgrade(request, socket, head, serveConnection);
  }

  function serveConnection(ws: WebSocket): void {
    const peer = { alive: true };
    connections.set(ws, peer);
    ws.on('close', () => connections.delete(ws));
    ws.on('pong', () => (peer.alive = true));
    // ws has already closed the connection with the matching code (1002 bad framing, 1007 bad UTF-8, 1009 over
    // maxPayload) when it reports the error: this listener only keeps it from reaching the process.
    ws.on('error', () => ws.terminate());
    serveRpc(wsTransport(ws), {
      contract: WEB_BRIDGE_CONTRACT,
      implementation: bridge,
      subscribe: (_bridge, forward) => service.onEvent(forward),
      maxInFlight: MAX_CALLS_IN_FLIGHT,
      onInvalidMessage: () => ws.close(CLOSE_CODE.protocolError, 'not a call'),
    });
  }

  /** The RPC's transport over one client's socket: JSON text frames; a binary frame closes the connection. */
  function wsTransport(ws: WebSocket): RpcTransport {
    return jsonTransport({
      send: (text) => send(ws, text),
      onText(listener) {
        const receive = (data: RawData, isBinary: boolean): void => {
          if (isBinary) ws.close(CLOSE_CODE.unsupportedData, 'JSON text messages only');
          else listener(bytesOf(data).toString('utf8'));
        };
        ws.on('message', receive);
        return () => ws.off('message', receive);
      },
      onClose(listener) {
        ws.on('close', listener);
        return () => ws.off('close', listener);
      },
      close: () => ws.close(CLOSE_CODE.goingAway, 'kb serve is stopping'),
    });
  }

  /** Sends unless the client is more than MAX_UNREAD_BYTES behind in reading: then it is dropped (a close frame would queue behind the backlog). */
  function send(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  const heartbeat = setInterval(() => {
    for (const [ws, peer] of connections) {
      if (!peer.alive) {
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, SERVE_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${SERVE_HOST}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      clearInterval(heartbeat);
      const closed = [...connections.keys()].map(
        (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
      );
      for (const ws of connections.keys()) ws.close(CLOSE_CODE.goingAway, 'kb serve is stopping');
      server.closeAllConnections();
      const cutOff = setTimeout(() => {
        for (const ws of connections.keys()) ws.terminate();
      }, CLOSE_GRACE_MS);
      await Promise.all(closed);
      clearTimeout(cutOff);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await staging.dispose();
    },
  };
}
