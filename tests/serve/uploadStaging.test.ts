// kb serve's staging folder on its own, behind a real HTTP server on loopback: leftovers of an earlier run are
// removed at start, an upload never committed expires, and the limits on files and bytes waiting refuse more with a
// status and a reason instead of filling the disk.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadRefusedError, UploadStaging, type UploadStagingOptions } from '../../electron/serve/UploadStaging.ts';
import { tempDir } from '../engine/helpers.ts';

describe('UploadStaging', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A staging folder and an HTTP server that stages every request's body, answering with the status and reason. */
  async function staged(
    options: Partial<UploadStagingOptions> = {},
    leftovers: string[] = [],
  ): Promise<{ staging: UploadStaging; put: (body: string) => Promise<{ status: number; body: string }> }> {
    const { dir, cleanup } = tempDir('kb-staging-');
    cleanups.push(cleanup);
    const folder = path.join(dir, 'lib.kb.sqlite.uploads.staging');
    mkdirSync(folder);
    for (const name of leftovers) writeFileSync(path.join(folder, name), 'from a run that crashed');
    const staging = await UploadStaging.create(folder, { maxFileBytes: 1024, ...options });
    cleanups.push(() => staging.dispose());
    const server: Server = createServer((req, res) => {
      staging.receive(req).then(
        (result) => res.writeHead(201).end(JSON.stringify(result)),
        (error: unknown) =>
          res.writeHead(error instanceof UploadRefusedError ? error.status : 500).end((error as Error).message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const put = (body: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/upload' }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    return { staging, put };
  }

  it('empties what an earlier run left in the folder, and removes the folder at dispose', async () => {
    const { staging, put } = await staged({}, ['0123456789abcdef0123456789abcdef', 'half-written']);
    expect(readdirSync(staging.dir)).toEqual([]);
    expect((await put('# 制度\n')).status).toBe(201);
    expect(readdirSync(staging.dir)).toHaveLength(1);
    await staging.dispose();
    expect(existsSync(staging.dir)).toBe(false);
    expect((await put('# 之后\n')).status).toBe(503);
  });

  it('an upload never committed expires: its file goes, and a commit naming it is told to upload again', async () => {
    const { staging, put } = await staged({ ttlMs: 200 });
    const { uploadId } = JSON.parse((await put('# 过期\n')).body) as { uploadId: string };
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(staging.take([uploadId])).rejects.toThrow(
      /is not waiting here \(added already, expired after an hour.*upload the file again/,
    );
    expect(readdirSync(staging.dir)).toEqual([]);
  });

  it('files and bytes waiting are bounded: more is refused (503, 507) with what to do, until a commit takes them', async () => {
    const { staging, put } = await staged({ maxStagedFiles: 2, maxStagedBytes: 1000 });
    const first = JSON.parse((await put('a'.repeat(600))).body) as { uploadId: string };
    expect((await put('b'.repeat(500))).status).toBe(507);
    expect((await put('c'.repeat(10))).status).toBe(201);
    const full = await put('d');
    expect(full.status).toBe(503);
    expect(full.body).toMatch(
      /2 uploaded files are waiting to be added already: add them \(commitUploads\) before uploading more/,
    );
    // Taken by a commit (then moved in or discarded): room again.
    await staging.discard(await staging.take([first.uploadId]));
    expect((await put('e'.repeat(10))).status).toBe(201);
    expect(readdirSync(staging.dir)).toHaveLength(2);
  });
});
