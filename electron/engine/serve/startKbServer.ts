// `kb serve`: the built renderer and EngineApi over one WebSocket, on 127.0.0.1 only, behind a random token.
// For browser tests and a later team server; the desktop app never uses it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import {
  isEngineMethod,
  RPC_PATH,
  validateEngineArgs,
  type EngineApi,
  type EngineMethod,
  type RpcEvent,
  type RpcResponse,
} from '../../../shared/engineApi.ts';
import { contentTypeOf } from '../../../shared/contentTypes.ts';
import type { LibraryService } from './LibraryService.ts';
import { acceptWebSocket, CLOSE_CODE, rejectUpgrade, type WebSocketConnection } from './WebSocketConnection.ts';

// Loopback only: the server hands out a whole library to whoever has the token, so it must not face a network.
export const SERVE_HOST = '127.0.0.1';
// 256 MiB of base64 per message: a batch of large PDFs fits; anything more is refused before it is buffered whole.
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Open WebSockets at once: the app needs one per tab; more are refused (503) rather than each costing memory. */
export const MAX_CONNECTIONS = 16;
/** Calls one connection may have unanswered; more are answered at once with an error, never queued without end. */
export const MAX_CALLS_IN_FLIGHT = 32;


export interface KbServerOptions {
  service: LibraryService;
  /** The built renderer (`out/renderer` after `electron-vite build`). */
  rendererDir: string;
  /** Defaults to `0`: a free port chosen by the system. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
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
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(pathname === '/' ? `No renderer build in ${root}: run npm run build first.` : 'Not found');
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

/** The id of a call message, or null when it is not one. */
function callId(text: string): number | null {
  try {
    const { id } = JSON.parse(text) as { id?: unknown };
    return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
  } catch {
    return null;
  }
}

async function dispatch(service: EngineApi, text: string): Promise<RpcResponse | null> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { id, method, args } = message as { id?: unknown; method?: unknown; args?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
  try {
    if (!isEngineMethod(method)) throw new Error(`no such method: ${String(method)}`);
    const checked = validateEngineArgs(method, args) as unknown[];
    const call = service[method as EngineMethod] as (...a: unknown[]) => Promise<unknown>;
    return { id, ok: true, result: await call.apply(service, checked) };
  } catch (error) {
    const { name, message: errorMessage } = error as Error;
    return { id, ok: false, error: { name: name ?? 'Error', message: errorMessage ?? String(error) } };
  }
}

/** Starts the server; resolves once it listens. */
export async function startKbServer(options: KbServerOptions): Promise<KbServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const connections = new Set<WebSocketConnection>();
  let port = 0;

  const server = createServer((request, response) => {
    if (!isOwnHost(request.headers.host, port)) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request');
      return;
    }
    serveStatic(request, response, options.rendererDir).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  // A request that is not HTTP (bad framing, huge headers): answered 400 / 431 and closed, as Node does without a
  // listener, and never an 'error' that could reach the process.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    // Node hands over the raw socket without an 'error' listener: a client resetting it must not throw.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(request, socket);
    } catch {
      // Nothing a client sends may end the server: whatever went wrong, this one connection goes.
      socket.destroy();
    }
  });

  function upgrade(request: IncomingMessage, socket: Duplex): void {
    const url = requestTarget(request.url);
    const origin = request.headers.origin;
    if (!isOwnHost(request.headers.host, port)) return rejectUpgrade(socket, 421, 'Misdirected request');
    if (!url) return rejectUpgrade(socket, 400, 'Bad request target');
    if (url.pathname !== RPC_PATH) return rejectUpgrade(socket, 404, 'Not found');
    if (!sameToken(tokenOf(url), token)) return rejectUpgrade(socket, 401, 'Unauthorized: the token is missing or wrong');
    // A browser always sends Origin: only the page this server served may connect (no cross-site WebSocket).
    if (origin !== undefined && !isOwnHost(origin.replace(/^http:\/\//, ''), port)) return rejectUpgrade(socket, 403, 'Forbidden origin');
    if (connections.size >= MAX_CONNECTIONS) return rejectUpgrade(socket, 503, `Service Unavailable: ${MAX_CONNECTIONS} connections are open already`);
    const connection = acceptWebSocket(request, socket, MAX_MESSAGE_BYTES);
    if (!connection) return;
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    let inFlight = 0;
    connection.on('message', (text) => {
      if (inFlight >= MAX_CALLS_IN_FLIGHT) {
        const id = callId(text);
        if (id === null) return connection.close(CLOSE_CODE.protocolError);
        const error = { name: 'BusyError', message: `${MAX_CALLS_IN_FLIGHT} calls are unanswered on this connection already: wait for their replies` };
        return connection.send(JSON.stringify({ id, ok: false, error } satisfies RpcResponse));
      }
      inFlight++;
      void dispatch(options.service, text).then((reply) => {
        inFlight--;
        if (reply) connection.send(JSON.stringify(reply));
        else connection.close(CLOSE_CODE.protocolError);
      });
    });
  }

  const unsubscribe = options.service.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload } satisfies RpcEvent);
    for (const connection of connections) connection.send(text);
  });

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
      unsubscribe();
      for (const connection of connections) connection.close(CLOSE_CODE.normal);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
