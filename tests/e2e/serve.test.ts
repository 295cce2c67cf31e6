// kb serve's server: loopback only, the token and the page's own origin required, the RFC 6455 framing (ws's), and
// EngineApi over it with a real engine and library (no browser: tests/e2e/app.e2e.test.ts drives the page).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { EngineService } from '../../electron/engine/service/EngineService.ts';
import { startKbServer, type KbServer } from '../../electron/serve/startKbServer.ts';
import { connectRpc, jobDoneIn, jobEventsIn } from './rpcSocket.ts';

let dir: string;
let engine: Engine;
let service: EngineService;
let server: KbServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-serve-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kb</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  engine = await createEngine();
  const library = await engine.openLibrary(path.join(dir, 'test.kb.sqlite'), { create: true });
  service = new EngineService(library, { version: '0.0.0-test', transport: 'web' });
  server = await startKbServer({ service, rendererDir });
});

afterAll(async () => {
  await server.close();
  await service.dispose();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Sec-WebSocket-Accept for a client's key (RFC 6455 §1.3), worked out here to check the server's (ws's) answer. */
function acceptKey(clientKey: string): string {
  return createHash('sha1').update(`${clientKey}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

const wsUrl = (token: string | null) => `ws://127.0.0.1:${server.port}/rpc${token === null ? '' : `?token=${token}`}`;

/** Raw HTTP request with chosen headers (fetch would not let us set Host or send a literal `..`). */
function rawGet(pathName: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: pathName, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgradeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
  };
}

function upgradeStatus(pathName: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: pathName, headers });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A connected client that collects replies and events. */
const client = () => connectRpc(wsUrl(server.token));

describe('kb serve: who may connect', () => {
  it('listens on 127.0.0.1 only, with a long random token in its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('refuses a WebSocket without the token or with a wrong one (401)', async () => {
    expect(await upgradeStatus('/rpc', upgradeHeaders())).toBe(401);
    expect(await upgradeStatus(`/rpc?token=${'0'.repeat(64)}`, upgradeHeaders())).toBe(401);
    expect(await upgradeStatus(`/rpc?token=${server.token}`, upgradeHeaders())).toBe(101);
  });

  it('refuses a page from another origin even with the token (403), and a foreign Host (421)', async () => {
    expect(await upgradeStatus(`/rpc?token=${server.token}`, upgradeHeaders({ Origin: 'http://evil.example' }))).toBe(
      403,
    );
    expect(
      await upgradeStatus(`/rpc?token=${server.token}`, upgradeHeaders({ Origin: `http://127.0.0.1:${server.port}` })),
    ).toBe(101);
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not ours.
    expect(
      await upgradeStatus(`/rpc?token=${server.token}`, upgradeHeaders({ Host: `evil.example:${server.port}` })),
    ).toBe(421);
    expect((await rawGet('/', { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('serves the renderer and nothing outside it', async () => {
    const index = await rawGet('/', {});
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>kb</title>');
    expect((await rawGet('/../secret.txt', {})).status).toBe(404);
    expect((await rawGet('/%2e%2e/secret.txt', {})).status).toBe(404);
    expect((await rawGet('/..%2fsecret.txt', {})).status).toBe(404);
  });
});

describe('kb serve: RFC 6455 framing', () => {
  /** Handshake over a raw socket; returns the socket and a buffer of what came after the 101 response. */
  async function rawSocket() {
    const socket = connect(server.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    socket.write(
      `GET /rpc?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await expect.poll(() => received.includes('\r\n\r\n')).toBe(true);
    const head = received.subarray(0, received.indexOf('\r\n\r\n')).toString();
    expect(head).toContain('101 Switching Protocols');
    expect(head).toContain(`Sec-WebSocket-Accept: ${acceptKey(key)}`);
    received = received.subarray(received.indexOf('\r\n\r\n') + 4);
    return { socket, frames: () => received };
  }

  function maskedFrame(opcode: number, payload: Buffer, fin = true, masked = true): Buffer {
    const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
    const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    return Buffer.concat([
      Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | payload.length]),
      masked ? mask : Buffer.alloc(0),
      masked ? body : payload,
    ]);
  }

  it('known accept key of RFC 6455 §1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('answers a ping with a pong carrying the same payload', async () => {
    const { socket, frames } = await rawSocket();
    socket.write(maskedFrame(0x9, Buffer.from('hi')));
    await expect.poll(() => frames().length).toBeGreaterThanOrEqual(4);
    expect([...frames().subarray(0, 4)]).toEqual([0x8a, 2, 0x68, 0x69]);
    socket.destroy();
  });

  it('joins a fragmented text message before answering it', async () => {
    const { socket, frames } = await rawSocket();
    const message = Buffer.from(JSON.stringify({ id: 7, method: 'listDocuments', args: [] }));
    socket.write(maskedFrame(0x1, message.subarray(0, 10), false));
    socket.write(maskedFrame(0x0, message.subarray(10), true));
    await expect.poll(() => frames().length).toBeGreaterThan(2);
    expect(frames()[0]).toBe(0x81);
    expect(JSON.parse(frames().subarray(2).toString())).toEqual({ id: 7, ok: true, result: [] });
    socket.destroy();
  });

  it('closes with 1002 on an unmasked client frame', async () => {
    const { socket, frames } = await rawSocket();
    socket.write(maskedFrame(0x1, Buffer.from('{}'), true, false));
    await expect.poll(() => frames().length).toBeGreaterThanOrEqual(4);
    expect([...frames().subarray(0, 4)]).toEqual([0x88, 2, 0x03, 0xea]);
    socket.destroy();
  });
});

describe('kb serve: a client whose end vanished', () => {
  it('is dropped when it stops answering pings (no FIN, no close frame); one that answers stays', async () => {
    const quick = await startKbServer({
      service,
      rendererDir: path.join(dir, 'renderer'),
      heartbeatMs: 150,
      stagingDir: path.join(dir, 'quick.staging'),
    });
    try {
      // A raw socket answers nothing: like a peer whose machine slept or whose cable was pulled, it never sends FIN.
      const socket = connect(quick.port, '127.0.0.1');
      let closed = false;
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      socket.write(
        `GET /rpc?token=${quick.token} HTTP/1.1\r\nHost: 127.0.0.1:${quick.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await expect.poll(() => received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
      // Pinged (0x89), unanswered, then cut off within two rounds.
      await expect.poll(() => received.includes(0x89), { timeout: 2_000 }).toBe(true);
      await expect.poll(() => closed, { timeout: 2_000 }).toBe(true);
      // A client that answers (Node's WebSocket pongs by itself) stays connected across rounds.
      const live = await connectRpc(`ws://127.0.0.1:${quick.port}/rpc?token=${quick.token}`);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await live.call('libraryInfo', [])).ok).toBe(true);
      live.socket.close();
    } finally {
      await quick.close();
    }
  });
});

describe('kb serve: EngineApi over the WebSocket', () => {
  it('answers calls, and refuses bad arguments and unknown methods with a reason', async () => {
    const { socket, call } = await client();
    const info = await call('libraryInfo', []);
    expect(info).toMatchObject({
      ok: true,
      result: { transport: 'web', version: '0.0.0-test', llm: { state: 'absent' } },
    });
    expect(await call('search', [''])).toMatchObject({
      ok: false,
      error: { name: 'InvalidArgumentsError', message: 'search: query must not be empty' },
    });
    expect(await call('ask', ['q', { mode: 'creative' }])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/mode must be/) },
    });
    expect(await call('dropTables', [])).toMatchObject({ ok: false, error: { message: 'no such method: dropTables' } });
    socket.close();
  });

  it('writes uploads beside the library, ingests them as a job with progress, then answers from them', async () => {
    const { socket, messages, call } = await client();
    const markdown = '# 8.1.4.1 身份鉴别\n\n应对登录的用户进行身份标识和鉴别，身份标识具有唯一性。\n';
    expect(await call('uploadFiles', [[{ name: '../escape.md', dataBase64: '' }]])).toMatchObject({
      ok: false,
      error: { message: /must not contain empty, "\." or "\.\." folders/ },
    });
    const started = await call('uploadFiles', [
      [{ name: '要求.md', dataBase64: Buffer.from(markdown).toString('base64') }],
    ]);
    expect(started.ok).toBe(true);
    const jobId = (started as { result: { jobId: string } }).result.jobId;
    await expect.poll(() => jobDoneIn(messages) !== undefined, { timeout: 60_000 }).toBe(true);
    const done = jobDoneIn(messages)!;
    expect(done).toMatchObject({ jobId, error: null, summary: { indexed: 1, cancelled: false } });
    const progress = jobEventsIn(messages).filter((e) => e.type === 'progress' && e.kind === 'ingest');
    expect(progress.at(-1)).toMatchObject({
      jobId,
      progress: { filesDone: 1, filesTotal: 1, currentFile: null },
    });
    expect(existsSync(path.join(dir, 'test.kb.sqlite.uploads', '要求.md'))).toBe(true);

    const docs = await call('listDocuments', []);
    expect((docs as { result: { path: string; status: string }[] }).result).toEqual([
      expect.objectContaining({ path: path.join(dir, 'test.kb.sqlite.uploads', '要求.md'), status: 'indexed' }),
    ]);
    const hits = (await call('search', ['身份鉴别'])) as {
      result: { documentId: number; charStart: number; charEnd: number }[];
    };
    const context = await call('passageContext', [hits.result[0]]);
    expect(context).toMatchObject({ ok: true, result: { quote: expect.stringContaining('身份标识具有唯一性') } });
    expect(await call('cancelJob', [jobId])).toMatchObject({ ok: true, result: false });
    socket.close();
  });
});
