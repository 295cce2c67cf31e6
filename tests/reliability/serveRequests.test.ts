// No request ends kb serve. The real `kb serve` in its own process, sent request targets and bytes a browser page on
// another site (or anything on the machine) can send before any check: `//[` with an Upgrade header (which made the
// server exit with "TypeError: Invalid URL"), scheme-relative and absolute targets, repeated tokens, bad percent
// encoding, bytes that are not HTTP, oversized headers, a client that resets the socket mid-upgrade. After each, the
// server still answers, and at the end it still accepts a WebSocket with the token. Then clients that take too
// much: connections past the limit, calls flooded on one connection, a message over the size limit, and calls whose
// replies are never read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALLS_IN_FLIGHT, MAX_CONNECTIONS } from '../../electron/serve/startKbServer.ts';
import type { RpcResponse } from '../e2e/rpcSocket.ts';
import { connectRpc, type RpcSocket } from '../e2e/rpcSocket.ts';
import { runKb, servedUrl, spawnKb, tempDir, type KbRun } from './helpers.ts';

const UPGRADE =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('kb serve: no request ends the server', () => {
  let cleanup: () => void;
  let port = 0;
  let token = '';
  let child: ReturnType<typeof spawnKb>['child'];
  let done: Promise<KbRun>;
  let exited = false;

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir('kb-serve-requests-'));
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>kb</title>');
    // A 2 MB document: documentFile replies with it (base64), a large reply to ask for and never read.
    const docs = path.join(dir, 'docs');
    mkdirSync(docs);
    const paragraph =
      '应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换。\n\n';
    writeFileSync(
      path.join(docs, 'large.md'),
      `# 大文件\n\n${paragraph.repeat(Math.ceil(2_000_000 / Buffer.byteLength(paragraph)))}`,
    );
    const library = path.join(dir, 'serve.kb.sqlite');
    const ingest = await runKb(['ingest', docs, '--library', library]);
    expect(ingest.code, ingest.stderr).toBe(0);
    ({ child, done } = spawnKb(['serve', '--library', library, '--renderer', renderer]));
    void done.then(() => (exited = true));
    const parsed = await servedUrl(child, done);
    port = Number(parsed.port);
    token = parsed.searchParams.get('token')!;
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await done;
    cleanup?.();
  });

  /** Sends raw bytes; resolves with the status line the server answered (or '' when it closed without one). */
  function raw(bytes: string | Buffer, { reset = false } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(bytes);
        if (reset) {
          socket.resetAndDestroy();
          resolve('');
        }
      });
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (text: string) => {
        answer += text;
        if (answer.includes('\r\n')) {
          resolve(answer.slice(0, answer.indexOf('\r\n')));
          socket.destroy();
        }
      });
      socket.on('close', () => resolve(answer.split('\r\n')[0]!));
      socket.on('error', (error) => (reset ? resolve('') : reject(error)));
    });
  }

  const host = () => `Host: 127.0.0.1:${port}\r\n`;
  const request = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\n${host()}${headers}\r\n`;

  it.each([
    // A path here (no such file, not the RPC path), never a host that fails to parse.
    ['//[ with Upgrade (was: exit 1, TypeError: Invalid URL)', () => request('//[', UPGRADE), /^HTTP\/1\.1 404 /],
    ['//[ without Upgrade', () => request('//['), /^HTTP\/1\.1 404 /],
    ['//[ with the token', () => request(`//[/rpc?token=${token}`, UPGRADE), /^HTTP\/1\.1 404 /],
    ['* (asterisk form) with Upgrade', () => request('*', UPGRADE), /^HTTP\/1\.1 400 /],
    [
      'an absolute target naming another host, with the token',
      () => request(`http://evil.example/rpc?token=${token}`, UPGRADE),
      /^HTTP\/1\.1 400 /,
    ],
    [
      'a scheme-relative target is a path here, not a host',
      () => request(`//evil.example/rpc?token=${token}`, UPGRADE),
      /^HTTP\/1\.1 404 /,
    ],
    [
      'the token twice, the right one first',
      () => request(`/rpc?token=${token}&token=wrong`, UPGRADE),
      /^HTTP\/1\.1 401 /,
    ],
    [
      'the token twice, the right one last',
      () => request(`/rpc?token=wrong&token=${token}`, UPGRADE),
      /^HTTP\/1\.1 401 /,
    ],
    ['bad percent encoding in the token', () => request('/rpc?token=%ZZ%E0%A4%A', UPGRADE), /^HTTP\/1\.1 401 /],
    ['bad percent encoding in a file path', () => request('/%E0%A4%A'), /^HTTP\/1\.1 400 /],
    ['bytes that are not HTTP', () => Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]), /^HTTP\/1\.1 400 /],
    ['headers over the limit (100 KB)', () => request('/', `X-Big: ${'a'.repeat(100_000)}\r\n`), /^HTTP\/1\.1 431 /],
  ])('%s: answered, and the server keeps serving', async (_name, bytes, status) => {
    expect(await raw(bytes())).toMatch(status);
    expect(await raw(request('/'))).toBe('HTTP/1.1 200 OK');
    expect(exited).toBe(false);
  });

  it('a client that resets the socket during an upgrade ends only its own connection', async () => {
    for (let i = 0; i < 20; i++) {
      await raw(request('//[', UPGRADE), { reset: true });
      await raw(request(`/rpc?token=${token}`, UPGRADE), { reset: true });
    }
    expect(await raw(request('/'))).toBe('HTTP/1.1 200 OK');
    expect(exited).toBe(false);
  });

  it('after all of it, the page and a WebSocket with the token are still served', async () => {
    expect(await raw(request(`/rpc?token=${token}`, UPGRADE))).toBe('HTTP/1.1 101 Switching Protocols');
    expect(exited).toBe(false);
  });
  const rpcUrl = () => `ws://127.0.0.1:${port}/rpc?token=${token}`;
  /** The kb serve process's resident memory now and at its peak, in MiB. */
  function rssMb(): { now: number; peak: number } {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
    return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  }

  it(`connections past ${MAX_CONNECTIONS} are refused (503) until one closes`, async () => {
    const open: RpcSocket[] = [];
    // The raw clients above left without a close frame (they dropped their sockets): they are not counted.
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++)
        open.push(
          await connectRpc(rpcUrl()).catch((error: unknown) =>
            Promise.reject(new Error(`connection ${i + 1}: ${String(error)}`)),
          ),
        );
      expect(await raw(request(`/rpc?token=${token}`, UPGRADE))).toMatch(/^HTTP\/1\.1 503 /);
      expect((await open[0]!.call('libraryInfo', [])).ok).toBe(true);
      open.shift()!.socket.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await raw(request(`/rpc?token=${token}`, UPGRADE))).toBe('HTTP/1.1 101 Switching Protocols');
    } finally {
      for (const rpc of open) rpc.socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it(`a flood of calls on one connection: past ${MAX_CALLS_IN_FLIGHT} unanswered, each is answered at once with "busy"`, async () => {
    const rpc = await connectRpc(rpcUrl());
    try {
      const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => rpc.call('search', [`身份鉴别 ${i}`])));
      const busy = replies.filter((reply) => !reply.ok && reply.error.name === 'BusyError');
      expect(replies.filter((reply) => reply.ok).length).toBeGreaterThanOrEqual(MAX_CALLS_IN_FLIGHT);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.length + replies.filter((reply) => reply.ok).length).toBe(300);
      expect((busy[0] as Extract<RpcResponse, { ok: false }>).error.message).toMatch(/unanswered on this connection/);
      // Once they are answered, the connection is served as before.
      expect((await rpc.call('libraryInfo', [])).ok).toBe(true);
    } finally {
      rpc.socket.close();
    }
  });

  /** Upgrades a raw socket with the token; resolves once the 101 came, with what arrives after it. */
  async function rawWebSocket(): Promise<{ socket: Socket; after: () => Buffer; closed: () => boolean }> {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let closed = false;
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write(request(`/rpc?token=${token}`, UPGRADE));
    await expect.poll(() => received.includes('\r\n\r\n')).toBe(true);
    expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    const start = received.indexOf('\r\n\r\n') + 4;
    return { socket, after: () => received.subarray(start), closed: () => closed };
  }

  it('a message announced over the 256 MiB limit (maxPayload) closes its own connection with 1009, and only it', async () => {
    const other = await connectRpc(rpcUrl());
    const { socket, after, closed } = await rawWebSocket();
    // A masked text frame whose 64-bit length says 257 MiB: refused on its header, before any of it is buffered.
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(257 * 1024 * 1024), 2);
    socket.write(Buffer.concat([header, Buffer.alloc(4096, 0x20)]));
    await expect.poll(() => after().length).toBeGreaterThanOrEqual(4);
    expect([...after().subarray(0, 4)]).toEqual([0x88, 2, 0x03, 0xf1]);
    await expect.poll(closed).toBe(true);
    // A binary message (the bridge speaks JSON text) closes its own connection too, with 1003.
    const binary = await rawWebSocket();
    const mask = [1, 2, 3, 4];
    binary.socket.write(Buffer.from([0x82, 0x80 | 2, ...mask, 0xff ^ 1, 0xfe ^ 2]));
    await expect.poll(() => binary.after().length).toBeGreaterThanOrEqual(4);
    expect([...binary.after().subarray(0, 4)]).toEqual([0x88, binary.after()[1]!, 0x03, 0xeb]);
    binary.socket.destroy();
    // The other client was never touched.
    expect((await other.call('libraryInfo', [])).ok).toBe(true);
    other.socket.close();
    expect(exited).toBe(false);
  });

  it('a client that asks for 400 large replies and reads none is closed; the server keeps its memory', async () => {
    const before = rssMb();
    const socket: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write(request(`/rpc?token=${token}`, UPGRADE));
    socket.pause(); // never reads a byte of what it asks for
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    const frame = (text: string): Buffer => {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const header =
        payload.length < 126
          ? Buffer.from([0x81, 0x80 | payload.length])
          : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      return Buffer.concat([header, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
    };
    for (let id = 1; id <= 400; id++) socket.write(frame(JSON.stringify({ id, method: 'documentFile', args: [1] })));
    // The server answers as fast as it can; let it try for a while.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const after = rssMb();
    socket.destroy();
    console.log(`kb serve, 400 unread 2 MB replies: RSS ${before.now} → ${after.now} MiB (peak ${after.peak} MiB)`);
    expect(after.peak - before.now).toBeLessThan(400);
    // The server still serves others.
    const rpc = await connectRpc(rpcUrl());
    expect((await rpc.call('libraryInfo', [])).ok).toBe(true);
    rpc.socket.close();
    expect(exited).toBe(false);
    void closed;
  }, 60_000);
});
