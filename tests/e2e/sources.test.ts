// Sources, re-scan and original files on a real engine and library (EngineService, as kb serve and the utility
// process run it): the folders and files a library was fed, re-read on request (new, changed and deleted files; a
// missing source reported and its documents kept; a path that is not a source refused); uploads that keep their
// folders; a document's original bytes with a check that they are still the ones indexed; the pages of a PDF passage.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { EngineService } from '../../electron/engine/service/EngineService.ts';
import type { EngineEventListener } from '../../electron/engine/service/EngineEventListener.ts';
import type { JobDone, JobEvent } from '../../shared/engineApi.ts';

const PDF = path.resolve(import.meta.dirname, '../../../shared/corpus/mlps-office/GBT22239-2019_基本要求.pdf');

let dir: string;
let engine: Engine;
let service: EngineService;
const done = new Map<string, JobDone>();

async function finished(job: Promise<{ jobId: string }>): Promise<JobDone> {
  const { jobId } = await job;
  await expect.poll(() => done.has(jobId), { timeout: 60_000 }).toBe(true);
  return done.get(jobId)!;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-sources-'));
  mkdirSync(path.join(dir, '制度'));
  writeFileSync(path.join(dir, '制度', '口令.md'), '# 口令管理\n\n口令长度不少于8位，每90天更换一次。\n');
  writeFileSync(path.join(dir, '制度', '审计.md'), '# 审计管理\n\n审计记录保存不少于六个月。\n');
  writeFileSync(path.join(dir, '单独.md'), '# 单独文件\n\n机房应设置门禁系统。\n');
  engine = await createEngine();
  const library = await engine.openLibrary(path.join(dir, 'sources.kb.sqlite'), { create: true });
  service = new EngineService(library, { version: 'test', transport: 'web' });
  service.onEvent(((event, payload) => {
    if (event === 'job' && (payload as JobEvent).type === 'done')
      done.set((payload as JobDone).jobId, payload as JobDone);
  }) as EngineEventListener);
});

afterAll(async () => {
  await service?.dispose();
  await engine?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sources and re-scan', () => {
  it('lists the folders and files a library was fed, with what is there and how many documents came from each', async () => {
    await expect(service.rescanSources()).rejects.toThrow(/no sources yet/);
    const first = await finished(service.ingestPaths([path.join(dir, '制度'), path.join(dir, '单独.md')]));
    expect(first.summary).toMatchObject({ indexed: 3 });
    const sources = await service.listSources();
    expect(sources).toEqual(
      [
        {
          path: path.join(dir, '制度'),
          kind: 'folder',
          documents: 2,
          addedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
        { path: path.join(dir, '单独.md'), kind: 'file', documents: 1, addedAt: expect.any(String) },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  it('re-reads a folder: new and changed files indexed, deleted ones removed, unchanged ones not read', async () => {
    writeFileSync(path.join(dir, '制度', '备份.md'), '# 备份管理\n\n重要数据应每日备份。\n');
    appendFileSync(path.join(dir, '制度', '口令.md'), '\n口令不得明文存储。\n');
    rmSync(path.join(dir, '制度', '审计.md'));
    const rescan = await finished(service.rescanSources([path.join(dir, '制度')]));
    expect(rescan.error).toBeNull();
    expect(rescan.summary).toMatchObject({ indexed: 2, unchanged: 0, removed: 1, failed: [] });
    const names = (await service.listDocuments()).map((d) => path.basename(d.path)).sort();
    expect(names).toEqual(['单独.md', '口令.md', '备份.md'].sort());
    expect((await service.search('明文存储'))[0]?.documentPath).toBe(path.join(dir, '制度', '口令.md'));
    // Nothing changed: a second re-scan of everything reads nothing new.
    const again = await finished(service.rescanSources());
    expect(again.summary).toMatchObject({ indexed: 0, unchanged: 3, removed: 0 });
  });

  it('reports a source that is not there and keeps its documents; refuses a path that is not a source', async () => {
    renameSync(path.join(dir, '制度'), path.join(dir, '制度-moved'));
    expect((await service.listSources()).find((s) => s.path === path.join(dir, '制度'))).toMatchObject({
      kind: 'missing',
      documents: 2,
    });
    const rescan = await finished(service.rescanSources());
    expect(rescan.summary?.skipped).toContainEqual({
      path: path.join(dir, '制度'),
      reason: 'unreadable',
      detail: expect.stringMatching(/not found .*its documents stay/),
    });
    expect(rescan.summary).toMatchObject({ removed: 0 });
    expect((await service.listDocuments()).length).toBe(3);
    await expect(service.rescanSources([path.join(dir, '制度')])).rejects.toThrow(
      /not found: .*制度 .*the documents from it stay/,
    );
    await expect(service.rescanSources(['/etc'])).rejects.toThrow(
      '/etc is not a source of this library: add it as a folder or file instead',
    );
    renameSync(path.join(dir, '制度-moved'), path.join(dir, '制度'));
  });

  it('keeps the folders of an uploaded folder, so two files with one name stay two documents', async () => {
    const file = (name: string, text: string) => ({ name, dataBase64: Buffer.from(text).toString('base64') });
    const uploaded = await finished(
      service.uploadFiles([
        file('甲单位/制度.md', '# 甲\n\n甲单位的口令策略。\n'),
        file('乙单位/制度.md', '# 乙\n\n乙单位的口令策略。\n'),
      ]),
    );
    expect(uploaded.summary).toMatchObject({ indexed: 2 });
    const paths = (await service.listDocuments()).map((d) => d.path);
    expect(paths).toContain(path.join(service.uploadDir, '甲单位', '制度.md'));
    expect(paths).toContain(path.join(service.uploadDir, '乙单位', '制度.md'));
    // Each uploaded folder is one source.
    const sources = (await service.listSources()).filter((s) => s.path.startsWith(service.uploadDir));
    expect(sources).toEqual(
      [
        expect.objectContaining({ path: path.join(service.uploadDir, '乙单位'), kind: 'folder', documents: 1 }),
        expect.objectContaining({ path: path.join(service.uploadDir, '甲单位'), kind: 'folder', documents: 1 }),
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });
});

describe('original files', () => {
  it('sends a document’s bytes and says whether they are still the ones indexed', async () => {
    const document = (await service.listDocuments()).find((d) => d.path.endsWith('单独.md'))!;
    const file = await service.documentFile(document.id);
    expect(file).toMatchObject({ documentId: document.id, fileName: '单独.md', type: 'markdown', matchesIndex: true });
    expect(Buffer.from(file.dataBase64, 'base64').equals(readFileSync(document.path))).toBe(true);
    expect(file.sizeBytes).toBe(readFileSync(document.path).length);

    appendFileSync(document.path, '\n机房应配备UPS。\n');
    expect((await service.documentFile(document.id)).matchesIndex).toBe(false);
    rmSync(document.path);
    await expect(service.documentFile(document.id)).rejects.toThrow(
      /单独\.md is not there any more \(moved or deleted\)/,
    );
    await expect(service.documentFile(99_999)).rejects.toThrow('document 99999 is not in this library any more');
  });

  it('gives the pages of a PDF passage, and the PDF itself', async () => {
    const imported = await finished(service.ingestPaths([PDF]));
    expect(imported.summary).toMatchObject({ indexed: 1 });
    const hit = (await service.search('应对登录的用户进行身份标识和鉴别')).find((h) => h.documentPath === PDF)!;
    const context = await service.passageContext(hit);
    expect(context.documentType).toBe('pdf');
    expect(context.pageStart).toBeGreaterThan(1);
    expect(context.pageEnd).toBeGreaterThanOrEqual(context.pageStart!);
    expect(context.pageStart).toBe(hit.pageStart);
    const file = await service.documentFile(hit.documentId);
    expect(file).toMatchObject({ fileName: path.basename(PDF), type: 'pdf', matchesIndex: true });
    expect(createHash('sha256').update(Buffer.from(file.dataBase64, 'base64')).digest('hex')).toBe(
      createHash('sha256').update(readFileSync(PDF)).digest('hex'),
    );
    // Formats without pages say so.
    const markdown = (await service.search('口令不得明文存储'))[0]!;
    expect(await service.passageContext(markdown)).toMatchObject({
      documentType: 'markdown',
      pageStart: null,
      pageEnd: null,
    });
  });
});
