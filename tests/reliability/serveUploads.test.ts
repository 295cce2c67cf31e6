// kb serve's streamed uploads (PUT /upload per file, then one commitUploads call) against the real `kb serve` in its
// own process: what is refused before a byte is stored (token, Host, Origin, size), the size limit holding while a
// body streams without a length (memory stays flat: nothing is buffered whole), a real corpus PDF landing and found by
// search, and a batch that fails leaving nothing — in the upload folder or in the staging folder.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDone } from '../../shared/engineApi.ts';
import type { RpcResponse } from '../e2e/rpcSocket.ts';
import { MAX_UPLOAD_FILE_BYTES, UPLOAD_ERROR_HEADER, UPLOAD_PATH, type StagedUpload } from '../../shared/webUpload.ts';
import { connectRpc, jobDoneIn, type RpcSocket } from '../e2e/rpcSocket.ts';
import { CORPUS, servedUrl, spawnKb, tempDir, type KbRun } from './helpers.ts';

const PDF = path.join(CORPUS, 'mlps-office/GBT22239-2019_基本要求.pdf');
const MIB = 1024 * 1024;

/** Every file and folder under `dir`, relative, sorted (none when it is not there). */
function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
}

describe('kb serve: streamed uploads', () => {
  let cleanup: () => void;
  let library = '';
  let port = 0;
  let token = '';
  let child: ReturnType<typeof spawnKb>['child'];
  let done: Promise<KbRun>;
  let exited = false;
  let rpc: RpcSocket;
  const uploads = () => `${library}.uploads`;
  const staging = () => `${library}.uploads.staging`;

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir('kb-serve-uploads-'));
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>kb</title>');
    library = path.join(dir, 'uploads.kb.sqlite');
    ({ child, done } = spawnKb(['serve', '--library', library, '--renderer', renderer]));
    void done.then(() => (exited = true));
    const url = await servedUrl(child, done);
    port = Number(url.port);
    token = url.searchParams.get('token')!;
    rpc = await connectRpc(`ws://127.0.0.1:${port}/rpc?token=${token}`);
  });

  afterAll(async () => {
    rpc?.socket.close();
    child?.kill('SIGTERM');
    const run = await done;
    // Stopping removes the staging folder: nothing of an uncommitted upload outlives the server.
    expect(existsSync(staging())).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    cleanup?.();
  });

  interface Put {
    status: number;
    body: string;
    ms: number;
    /** Bytes the client had written to the socket (headers included) when the answer came. */
    sentBytes: number;
    /** A refusal's code and params (its UPLOAD_ERROR_HEADER), for the page to word; null without one. */
    refusal: { code: string; params: Record<string, unknown> } | null;
  }

  /** PUTs a body (a buffer, a stream, or `declared` bytes announced and only some sent) with chosen headers. */
  function put(options: {
    target?: string;
    headers?: Record<string, string>;
    body?: Buffer | Readable;
    expectContinue?: boolean;
  }): Promise<Put> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const headers = {
        Host: `127.0.0.1:${port}`,
        ...options.headers,
        ...(options.expectContinue ? { Expect: '100-continue' } : {}),
      };
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: options.target ?? `${UPLOAD_PATH}?token=${token}`,
        headers,
      });
      req.on('response', (res) => {
        const sent = req.socket?.bytesWritten ?? 0;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => (body += text));
        const header = res.headers[UPLOAD_ERROR_HEADER.toLowerCase()];
        const refusal = typeof header === 'string' ? (JSON.parse(decodeURIComponent(header)) as Put['refusal']) : null;
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, sentBytes: sent, refusal }),
        );
        res.on('error', reject);
      });
      req.on('error', () => undefined); // the server cuts a refused upload's connection after answering
      const body = options.body;
      if (body === undefined) req.flushHeaders();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        if (options.expectContinue) {
          req.on('continue', () => body.pipe(req));
          req.flushHeaders();
        } else body.pipe(req);
      }
    });
  }

  /** `total` bytes of 'A' made as they are read: nothing of them exists before it is sent. */
  function generated(total: number): Readable {
    let made = 0;
    const chunk = Buffer.alloc(MIB, 0x41);
    return new Readable({
      read() {
        if (made >= total) return void this.push(null);
        made += chunk.length;
        this.push(chunk);
      },
    });
  }

  /** kb serve's resident memory now and at its peak so far, in MiB. */
  function rssMb(): { now: number; peak: number } {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
    return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  }

  async function stage(body: Buffer | string): Promise<string> {
    const reply = await put({ body: Buffer.from(body) });
    expect(reply.status, reply.body).toBe(201);
    return (JSON.parse(reply.body) as StagedUpload).uploadId;
  }

  async function commit(files: { name: string; uploadId: string }[]): Promise<RpcResponse> {
    return rpc.call('commitUploads', [files]);
  }

  async function jobDone(jobId: string): Promise<JobDone> {
    await expect.poll(() => jobDoneIn(rpc.messages, jobId) !== undefined, { timeout: 60_000 }).toBe(true);
    return jobDoneIn(rpc.messages, jobId)!;
  }

  // First in the file, so the server's peak memory (VmHWM) is the uploads', not an ingestion's.
  it(`a Content-Length over ${MAX_UPLOAD_FILE_BYTES / MIB} MiB is refused with 413 and a reason before the body is sent`, async () => {
    const reply = await put({ headers: { 'Content-Length': String(1024 * MIB) } });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatch(/1024\.0 MiB, over the 100 MiB a file uploaded here may be .*kb ingest/);
    // With its code and params, so the page words it in its language.
    expect(reply.refusal).toEqual({ code: 'upload.too-large', params: { limitMiB: 100 } });
    expect(reply.ms).toBeLessThan(2_000);
    // A client that asks first (Expect: 100-continue) is told without sending a byte.
    const asked = await put({
      headers: { 'Content-Length': String(1024 * MIB) },
      body: generated(1024 * MIB),
      expectContinue: true,
    });
    expect(asked.status).toBe(413);
    expect(asked.sentBytes).toBeLessThan(1024);
    expect(tree(staging())).toEqual([]);
  });

  it('a body without a length that streams past the limit is cut at it (413); the server reads it without holding it', async () => {
    const before = rssMb();
    const reply = await put({ headers: { 'Transfer-Encoding': 'chunked' }, body: generated(1024 * MIB) });
    const after = rssMb();
    console.log(
      `kb serve, a 1 GiB chunked PUT refused at ${(reply.sentBytes / MIB).toFixed(0)} MiB sent: RSS ${before.now} → ${after.now} MiB (peak ${after.peak} MiB, ${reply.ms.toFixed(0)} ms)`,
    );
    expect(reply.status).toBe(413);
    expect(reply.body).toMatch(/over the 100 MiB a file uploaded here may be/);
    // Refused as the limit passed, not after the whole GiB: what the client had sent by the answer is the limit
    // and what the socket buffers held.
    expect(reply.sentBytes).toBeLessThan(MAX_UPLOAD_FILE_BYTES + 64 * MIB);
    // Streamed to disk as it came, and removed: the peak stays well under the 100 MiB received (+34 MiB measured,
    // buffers the garbage collector had not taken back yet; the base64 message of a 48 MiB file took +430 MiB).
    expect(after.peak - before.now).toBeLessThan(80);
    expect(tree(staging())).toEqual([]);
    expect(exited).toBe(false);
  }, 60_000);

  it('a file just under the limit is taken; one byte over it is not', async () => {
    const before = rssMb();
    const taken = await put({
      headers: { 'Content-Length': String(MAX_UPLOAD_FILE_BYTES) },
      body: generated(MAX_UPLOAD_FILE_BYTES),
    });
    expect(taken.status, taken.body).toBe(201);
    expect(JSON.parse(taken.body)).toMatchObject({
      sizeBytes: MAX_UPLOAD_FILE_BYTES,
      uploadId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const staged = readdirSync(staging());
    expect(staged).toHaveLength(1);
    expect(statSync(path.join(staging(), staged[0]!)).size).toBe(MAX_UPLOAD_FILE_BYTES);
    expect(rssMb().peak - before.now).toBeLessThan(80);
    const over = await put({
      headers: { 'Content-Length': String(MAX_UPLOAD_FILE_BYTES + 1) },
      body: generated(MAX_UPLOAD_FILE_BYTES + 1),
    });
    expect(over.status).toBe(413);
  }, 60_000);

  it.each([
    ['no token', 401, () => ({ target: UPLOAD_PATH })],
    ['a wrong token', 401, () => ({ target: `${UPLOAD_PATH}?token=${'0'.repeat(64)}` })],
    ['the token twice, the right one first', 401, () => ({ target: `${UPLOAD_PATH}?token=${token}&token=wrong` })],
    ['the token twice, the right one last', 401, () => ({ target: `${UPLOAD_PATH}?token=wrong&token=${token}` })],
    ['the right token twice', 401, () => ({ target: `${UPLOAD_PATH}?token=${token}&token=${token}` })],
    ['a foreign Host (DNS rebinding)', 421, () => ({ headers: { Host: `evil.example:${port}` } })],
    ['a page of another origin', 403, () => ({ headers: { Origin: 'http://evil.example' } })],
    ['another port of this machine as origin', 403, () => ({ headers: { Origin: `http://127.0.0.1:${port + 1}` } })],
  ])('%s: refused (%i), nothing stored', async (_name, status, options) => {
    const before = tree(staging());
    const reply = await put({ ...options(), body: Buffer.from('%PDF-1.4 not for you') });
    expect(reply.status).toBe(status);
    expect(tree(staging())).toEqual(before);
  });

  it('GET on the upload route is refused (405); the page of this origin may PUT', async () => {
    const reply = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: `${UPLOAD_PATH}?token=${token}` }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(reply).toBe(405);
    const own = await put({ headers: { Origin: `http://127.0.0.1:${port}` }, body: Buffer.from('# 自己的页面\n') });
    expect(own.status).toBe(201);
  });

  it('a real corpus PDF streamed from disk lands in the upload folder byte for byte and is found by search', async () => {
    // Staged files of the tests above were never committed: they wait (and expire), apart from this batch.
    const reply = await put({
      headers: { 'Content-Length': String(statSync(PDF).size), 'Content-Type': 'application/pdf' },
      body: createReadStream(PDF),
    });
    expect(reply.status, reply.body).toBe(201);
    const { uploadId, sizeBytes } = JSON.parse(reply.body) as StagedUpload;
    expect(sizeBytes).toBe(statSync(PDF).size);
    const started = await commit([{ name: '等保/GBT22239-2019_基本要求.pdf', uploadId }]);
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const finished = await jobDone((started as { result: { jobId: string } }).result.jobId);
    expect(finished).toMatchObject({ error: null, summary: { indexed: 1, failed: [] } });
    const landed = path.join(uploads(), '等保', 'GBT22239-2019_基本要求.pdf');
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(sha(landed)).toBe(sha(PDF));
    expect(readdirSync(staging())).not.toContain(uploadId);
    const hits = await rpc.call('search', ['身份鉴别']);
    expect(hits.ok).toBe(true);
    const found = (hits as { result: { documentPath: string; text: string }[] }).result;
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.documentPath).toBe(landed);
    // A committed upload is used up: naming it again is refused with what to do.
    expect(await commit([{ name: 'again.pdf', uploadId }])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/is not waiting here .*upload the file again/) },
    });
  });

  it('a batch with a file that cannot be written keeps none of it, puts back what it overwrote, and uses up its uploads', async () => {
    mkdirSync(uploads(), { recursive: true });
    const original = path.join(uploads(), '已有制度.md');
    writeFileSync(original, '# 已有\n\n上一次上传的内容。\n');
    // A file where the batch needs a folder: the last file cannot be written.
    writeFileSync(path.join(uploads(), '附件'), 'a file, not a folder');
    const before = tree(uploads());
    const ids = [
      await stage('# 新\n\n丙\n'),
      await stage('# 子目录\n\n丁\n'),
      await stage('# 覆盖\n'),
      await stage('# 戊\n'),
    ];
    const reply = await commit([
      { name: '新制度.md', uploadId: ids[0]! },
      { name: '新文件夹/子目录/说明.md', uploadId: ids[1]! },
      { name: '已有制度.md', uploadId: ids[2]! },
      { name: '附件/说明.md', uploadId: ids[3]! },
    ]);
    expect(reply).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(
          /the upload could not be saved \("附件\/说明\.md" clashes with a file or folder .*\); nothing of it was kept/,
        ),
      },
    });
    expect(tree(uploads())).toEqual(before);
    expect(readFileSync(original, 'utf8')).toBe('# 已有\n\n上一次上传的内容。\n');
    // Nothing aside left beside the upload folder, and none of the batch's uploads left waiting.
    expect(existsSync(`${uploads()}.replaced`)).toBe(false);
    for (const id of ids) expect(readdirSync(staging())).not.toContain(id);
  });

  it('a batch naming an upload that is not there, or one twice, or two look-alike names, is refused whole', async () => {
    const before = tree(uploads());
    const known = await stage('# 甲\n');
    expect(
      await commit([
        { name: '甲.md', uploadId: known },
        { name: '乙.md', uploadId: 'f'.repeat(32) },
      ]),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/upload f{32} is not waiting here.*nothing of the batch was kept/) },
    });
    expect(readdirSync(staging())).not.toContain(known);
    const twice = await stage('# 丙\n');
    expect(
      await commit([
        { name: '丙.md', uploadId: twice },
        { name: '丁.md', uploadId: twice },
      ]),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/named twice/) } });
    const name = 'Café 报告.md';
    const [nfc, nfd] = [await stage('# 丑\n'), await stage('# 寅\n')];
    expect(
      await commit([
        { name: name.normalize('NFC'), uploadId: nfc },
        { name: name.normalize('NFD'), uploadId: nfd },
      ]),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/would be written as the same file/) },
    });
    expect(await commit([{ name: '../逃逸.md', uploadId: await stage('# 辛\n') }])).toMatchObject({
      ok: false,
      error: { name: 'InvalidArgumentsError', message: expect.stringMatching(/files\[0\]\.name must not contain/) },
    });
    expect(await commit([{ name: 'x.md', uploadId: '../../etc/passwd' }])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/uploadId must be the id a PUT/) },
    });
    expect(tree(uploads())).toEqual(before);
    expect(exited).toBe(false);
  });
});
