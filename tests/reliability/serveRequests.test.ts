// No request ends kb serve. The real `kb serve` in its own process, sent request targets and bytes a browser page on
// another site (or anything on the machine) can send before any check: `//[` with an Upgrade header (which made the
// server exit with "TypeError: Invalid URL"), scheme-relative and absolute targets, repeated tokens, bad percent
// encoding, bytes that are not HTTP, oversized headers, a client that resets the socket mid-upgrade. After each, the
// server still answers, and at the end it still accepts a WebSocket with the token.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnKb, tempDir, type KbRun } from './helpers.ts';

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

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
    ({ child, done } = spawnKb(['serve', '--library', path.join(dir, 'serve.kb.sqlite'), '--renderer', renderer]));
    void done.then(() => (exited = true));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (text: string) => {
        out += text;
        const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
        if (match) resolve(match[0]);
      });
      void done.then((run) => reject(new Error(`kb serve exited ${run.code}: ${run.stderr}`)));
    });
    const parsed = new URL(url);
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
    ['an absolute target naming another host, with the token', () => request(`http://evil.example/rpc?token=${token}`, UPGRADE), /^HTTP\/1\.1 400 /],
    ['a scheme-relative target is a path here, not a host', () => request(`//evil.example/rpc?token=${token}`, UPGRADE), /^HTTP\/1\.1 404 /],
    ['the token twice, the right one first', () => request(`/rpc?token=${token}&token=wrong`, UPGRADE), /^HTTP\/1\.1 401 /],
    ['the token twice, the right one last', () => request(`/rpc?token=wrong&token=${token}`, UPGRADE), /^HTTP\/1\.1 401 /],
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
});
