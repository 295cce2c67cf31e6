// A minimal RFC 6455 WebSocket server side: the handshake over an `http` upgrade, text frames (fragmented or not),
// client masking (required), ping → pong, close. Enough for one JSON-RPC page talking to `kb serve`; no extensions,
// no binary messages (the bridge speaks JSON only). Node 22 has a WebSocket client but no server, and the project
// takes no dependency for ~150 lines.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

// The GUID every WebSocket server appends to the client's key (RFC 6455 §1.3).
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes used here (RFC 6455 §7.4.1). */
export const CLOSE_CODE = { normal: 1000, protocolError: 1002, unsupportedData: 1003, invalidData: 1007, policyViolation: 1008, tooBig: 1009, tryAgainLater: 1013 } as const;

/**
 * Replies a client has not read yet that a connection keeps, beyond the one being written: a client that asks and
 * never reads is closed (1008) at this backlog instead of holding the server's memory (400 unread 2 MB replies held
 * 850 MB).
 */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

/** The value of Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function acceptKey(clientKey: string): string {
  return createHash('sha1').update(clientKey + HANDSHAKE_GUID).digest('base64');
}

/** Encodes one unfragmented, unmasked frame (servers never mask, RFC 6455 §5.1). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

export interface WebSocketConnectionEvents {
  message: [text: string];
  close: [code: number];
}

/**
 * One accepted WebSocket. Emits 'message' with each complete text message and 'close' once. Refuses (and closes
 * with the matching code) unmasked client frames, binary data, bad UTF-8 and messages over `maxMessageBytes`.
 */
export class WebSocketConnection extends EventEmitter<WebSocketConnectionEvents> {
  readonly #socket: Duplex;
  readonly #maxMessageBytes: number;
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #closed = false;

  constructor(socket: Duplex, maxMessageBytes: number) {
    super();
    this.#socket = socket;
    this.#maxMessageBytes = maxMessageBytes;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('close', () => this.#finish(CLOSE_CODE.normal));
    // node:http's sockets are half-open: a client that leaves without a close frame (a killed tab, a dropped
    // socket) only ends its side, and the connection stayed open, and counted, for ever. Its end is the end.
    socket.on('end', () => {
      this.#finish(CLOSE_CODE.normal);
      socket.end();
    });
    socket.on('error', () => this.#finish(CLOSE_CODE.protocolError));
    // A client can reset the socket before its upgrade is handled: 'close' has fired already and will not again.
    if (socket.destroyed) queueMicrotask(() => this.#finish(CLOSE_CODE.normal));
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(text: string): void {
    if (this.#closed) return;
    if (this.#socket.writableLength > MAX_UNREAD_BYTES) {
      // The client is not reading what it asked for: end it (the close frame queues behind the backlog, so destroy).
      this.#finish(CLOSE_CODE.policyViolation);
      this.#socket.destroy();
      return;
    }
    this.#socket.write(encodeFrame(OPCODE.text, Buffer.from(text, 'utf8')));
  }

  close(code: number = CLOSE_CODE.normal): void {
    if (this.#closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.#socket.end(encodeFrame(OPCODE.close, payload));
    this.#finish(code);
  }

  #finish(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer = Buffer.alloc(0);
    this.#fragments = [];
    this.emit('close', code);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (!this.#closed) {
      const frame = this.#nextFrame();
      if (!frame) return;
      this.#handle(frame.fin, frame.opcode, frame.payload);
    }
  }

  /** The next complete frame in the buffer (unmasked), or null until more bytes arrive. */
  #nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | null {
    const buffer = this.#buffer;
    if (buffer.length < 2) return null;
    const fin = (buffer[0]! & 0x80) !== 0;
    const reserved = buffer[0]! & 0x70;
    const opcode = buffer[0]! & 0x0f;
    const masked = (buffer[1]! & 0x80) !== 0;
    let length = buffer[1]! & 0x7f;
    let offset = 2;
    if (reserved !== 0 || !masked) {
      // RSV bits need a negotiated extension (none here); a client must mask every frame (RFC 6455 §5.1).
      this.close(CLOSE_CODE.protocolError);
      return null;
    }
    if (length === 126) {
      if (buffer.length < 4) return null;
      length = buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return null;
      const big = buffer.readBigUInt64BE(2);
      if (big > BigInt(this.#maxMessageBytes)) {
        this.close(CLOSE_CODE.tooBig);
        return null;
      }
      length = Number(big);
      offset = 10;
    }
    if (length > this.#maxMessageBytes) {
      this.close(CLOSE_CODE.tooBig);
      return null;
    }
    if (buffer.length < offset + 4 + length) return null;
    const mask = buffer.subarray(offset, offset + 4);
    const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    this.#buffer = buffer.subarray(offset + 4 + length);
    return { fin, opcode, payload };
  }

  #handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.ping:
        this.#socket.write(encodeFrame(OPCODE.pong, payload));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close:
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_CODE.normal);
        return;
      case OPCODE.binary:
        this.close(CLOSE_CODE.unsupportedData);
        return;
      case OPCODE.text:
      case OPCODE.continuation: {
        if ((opcode === OPCODE.text) !== (this.#fragments.length === 0)) {
          // A continuation with nothing to continue, or a new message in the middle of another.
          this.close(CLOSE_CODE.protocolError);
          return;
        }
        this.#fragmentBytes += payload.length;
        if (this.#fragmentBytes > this.#maxMessageBytes) {
          this.close(CLOSE_CODE.tooBig);
          return;
        }
        this.#fragments.push(payload);
        if (!fin) return;
        const whole = Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.#fragmentBytes = 0;
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(whole);
        } catch {
          this.close(CLOSE_CODE.invalidData);
          return;
        }
        this.emit('message', text);
        return;
      }
      default:
        this.close(CLOSE_CODE.protocolError);
    }
  }
}

/**
 * Completes the opening handshake of an upgrade request, or answers it with an HTTP error and returns null.
 * The caller has already decided the request may connect (token, origin).
 */
export function acceptWebSocket(request: IncomingMessage, socket: Duplex, maxMessageBytes: number): WebSocketConnection | null {
  const key = request.headers['sec-websocket-key'];
  const version = request.headers['sec-websocket-version'];
  if (request.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || version !== '13') {
    rejectUpgrade(socket, 400, 'Bad Request');
    return null;
  }
  socket.write(
    ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(key)}`, '', ''].join('\r\n'),
  );
  return new WebSocketConnection(socket, maxMessageBytes);
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}
