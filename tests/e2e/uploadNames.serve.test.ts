// Uploads over kb serve's WebSocket (uploadFiles, base64 in one message, as the page sent them before it streamed
// each file by PUT; commitUploads writes through the same code, tests/reliability/serveUploads.test.ts) with names a
// file system refuses or confuses. The real server, EngineService and engine on a real library; the upload folder
// is read back after each batch. Before: a name of 100 Chinese characters (300 bytes; Linux allows 255) failed with
// a raw ENAMETOOLONG and the batch's files written before it stayed in the folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { EngineService } from '../../electron/engine/service/EngineService.ts';
import { startKbServer, type KbServer } from '../../electron/serve/startKbServer.ts';
import type { JobDone } from '../../shared/engineApi.ts';
import { tempDir, TOKENIZER_DIR } from '../engine/helpers.ts';
import { connectRpc, jobDoneIn, type RpcSocket } from './rpcSocket.ts';

const base64 = (body: string) => Buffer.from(`# 制度\n\n${body}\n`).toString('base64');
// 100 Chinese characters: 300 UTF-8 bytes.
const LONG = '网络安全等级保护第三级测评报告及数据安全管理制度与个人信息保护合规审计整改方案汇编'
  .repeat(3)
  .slice(0, 100);

/** Every file and folder under `dir`, relative, sorted (none when it is not there yet). */
function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
}

describe('kb serve uploads: long, hostile and look-alike names', () => {
  let dir: string;
  let cleanup: () => void;
  let engine: Engine;
  let service: EngineService;
  let server: KbServer;
  let rpc: RpcSocket;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-serve-uploads-'));
    const rendererDir = path.join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kb</title>');
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    service = new EngineService(await engine.openLibrary(path.join(dir, 'uploads.kb.sqlite'), { create: true }), {
      version: 'test',
      transport: 'web',
    });
    server = await startKbServer({ service, rendererDir });
    rpc = await connectRpc(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
  });
  afterAll(async () => {
    rpc?.socket.close();
    await server?.close();
    await service?.dispose();
    await engine?.dispose();
    cleanup?.();
  });

  /** Uploads a batch; on success waits for its ingestion's done. */
  async function upload(
    files: { name: string; dataBase64: string }[],
  ): Promise<{ error: string | null; done: JobDone | null }> {
    const reply = await rpc.call('uploadFiles', [files]);
    if (!reply.ok) return { error: reply.error.message, done: null };
    const { jobId } = reply.result as { jobId: string };
    await expect.poll(() => jobDoneIn(rpc.messages, jobId) !== undefined, { timeout: 60_000 }).toBe(true);
    return { error: null, done: jobDoneIn(rpc.messages, jobId)! };
  }

  it('a name of 100 Chinese characters is written cut to under 255 bytes, extension kept, and indexed', async () => {
    const { error, done } = await upload([
      { name: `${LONG}.md`, dataBase64: base64('应每日对重要数据进行本地备份。') },
      // The same 100 characters and more: a different file after the cut, kept apart by the hash.
      { name: `${LONG}（修订版）.md`, dataBase64: base64('应每季度开展一次恢复演练。') },
      { name: `资料/${LONG}.txt`, dataBase64: base64('口令长度不少于八位。') },
    ]);
    expect(error).toBe(null);
    expect(done?.error).toBe(null);
    expect(done?.summary).toMatchObject({ indexed: 3, failed: [] });
    const names = readdirSync(service.uploadDir);
    expect(names).toHaveLength(3);
    for (const name of [...names, ...readdirSync(path.join(service.uploadDir, '资料'))])
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(names.filter((name) => /^网络安全等级保护.*~[0-9a-f]{8}\.md$/.test(name))).toHaveLength(2);
    expect(readdirSync(path.join(service.uploadDir, '资料'))).toEqual([
      expect.stringMatching(/^网络安全.*~[0-9a-f]{8}\.txt$/),
    ]);
    const found = await rpc.call('search', ['恢复演练']);
    expect(found.ok && (found.result as unknown[]).length).toBeGreaterThan(0);
  });

  it('a batch with one name that cannot be written keeps none of its files, puts back what it overwrote, and names the file', async () => {
    mkdirSync(service.uploadDir, { recursive: true });
    const original = path.join(service.uploadDir, '已有制度.md');
    writeFileSync(original, '# 已有\n\n上一次上传的内容。\n');
    // A file where the batch needs a folder: the last file cannot be written.
    writeFileSync(path.join(service.uploadDir, '附件'), 'a file, not a folder');
    const before = tree(service.uploadDir);
    const { error } = await upload([
      { name: `新的${LONG}.md`, dataBase64: base64('丙') },
      { name: '新文件夹/子目录/说明.md', dataBase64: base64('丁') },
      { name: '已有制度.md', dataBase64: base64('覆盖') },
      { name: '附件/说明.md', dataBase64: base64('戊') },
    ]);
    expect(readFileSync(original, 'utf8')).toBe('# 已有\n\n上一次上传的内容。\n');
    expect(tree(service.uploadDir)).toEqual(before);
    expect(error).toMatch(
      /the upload could not be saved \("附件\/说明\.md" clashes with a file or folder .*\); nothing of it was kept/,
    );
    // And the server still takes uploads.
    expect((await upload([{ name: '新制度.md', dataBase64: base64('己') }])).done?.error).toBe(null);
  });

  it('two batches sent at once: one is taken, the other refused before it writes anything', async () => {
    const before = tree(service.uploadDir);
    const replies = await Promise.all([
      rpc.call('uploadFiles', [[{ name: '并发甲.md', dataBase64: base64('甲批') }]]),
      rpc.call('uploadFiles', [[{ name: '并发乙.md', dataBase64: base64('乙批') }]]),
    ]);
    const taken = replies.filter((reply) => reply.ok);
    expect(taken).toHaveLength(1);
    expect(replies.find((reply) => !reply.ok)).toMatchObject({
      error: { message: expect.stringMatching(/already running/) },
    });
    const { jobId } = (taken[0] as { result: { jobId: string } }).result;
    await expect.poll(() => jobDoneIn(rpc.messages, jobId) !== undefined, { timeout: 60_000 }).toBe(true);
    // Before, the refused batch's file stayed in the folder: written, then its ingestion could not start.
    expect(tree(service.uploadDir).filter((name) => !before.includes(name))).toHaveLength(1);
  });

  it("hostile names: '..', a leading '/', '\\\\' and NUL are refused with the field named; nothing is written", async () => {
    const before = tree(service.uploadDir);
    for (const name of [
      '../逃逸.md',
      '资料/../../逃逸.md',
      '/etc/逃逸.md',
      '资料\\逃逸.md',
      '逃逸\0.md',
      '',
      '资料//逃逸.md',
      '.',
    ]) {
      const { error } = await upload([
        { name: '好的文件.md', dataBase64: base64('庚') },
        { name, dataBase64: base64('辛') },
      ]);
      expect(error, JSON.stringify(name)).toMatch(/files\[1\]\.name (must|has)/);
    }
    expect(tree(service.uploadDir)).toEqual(before);
  });

  it('names the file system would confuse are written safely: hidden, control characters, only dots', async () => {
    const { error, done } = await upload([
      { name: '.隐藏.md', dataBase64: base64('壬') },
      { name: '制度\u0007\u001b[31m.md', dataBase64: base64('癸') },
      { name: '...', dataBase64: base64('子') },
    ]);
    expect(error).toBe(null);
    expect(done?.error).toBe(null);
    const names = readdirSync(service.uploadDir);
    expect(names).toEqual(expect.arrayContaining(['隐藏.md', '制度[31m.md', 'upload']));
    expect(names.some((name) => name.startsWith('.'))).toBe(false);
  });

  it('names that differ only in Unicode normalisation (NFC, NFD) are one file: the batch is refused, nothing written', async () => {
    const before = tree(service.uploadDir);
    const name = 'Café 报告.md';
    const { error } = await upload([
      { name: name.normalize('NFC'), dataBase64: base64('丑') },
      { name: name.normalize('NFD'), dataBase64: base64('寅') },
    ]);
    expect(error).toMatch(/would be written as the same file/);
    expect(tree(service.uploadDir)).toEqual(before);
    // Alone, the NFD spelling is written as NFC: uploaded again from macOS, it replaces the file, not beside it.
    expect((await upload([{ name: name.normalize('NFD'), dataBase64: base64('卯') }])).done?.error).toBe(null);
    expect(readdirSync(service.uploadDir).filter((n) => n.normalize('NFC') === name)).toEqual([name.normalize('NFC')]);
  });
});
