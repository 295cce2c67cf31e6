// Files uploaded through kb serve (LibraryService.uploadFiles, the web bridge) with names a file system refuses or
// confuses: Chinese names over 255 bytes (86+ characters, 3 bytes each) failed with a raw ENAMETOOLONG and left the
// batch's other files behind. The real service and engine on a real library; the upload folder is read back.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { LibraryService } from '../../electron/engine/serve/LibraryService.ts';
import type { JobDone } from '../../shared/engineApi.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const text = (body: string) => Buffer.from(`# 制度\n\n${body}\n`).toString('base64');
const LONG = '信息系统安全等级保护定级报告及网络安全等级保护第三级测评整改方案与数据安全管理制度汇编'.repeat(3).slice(0, 100);

describe('uploads with long and look-alike names', () => {
  let engine: Engine;
  let service: LibraryService;
  let cleanup: () => void;
  let dir: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-upload-names-'));
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    service = new LibraryService(await engine.openLibrary(path.join(dir, 'uploads.kb.sqlite'), { create: true }), { version: 'test', transport: 'web' });
  });
  afterAll(async () => {
    await service?.dispose();
    await engine?.dispose();
    cleanup?.();
  });

  /** Uploads and waits for the ingestion job to end. */
  async function upload(files: { name: string; dataBase64: string }[]): Promise<JobDone> {
    const done = new Promise<JobDone>((resolve) => {
      const unsubscribe = service.onEvent(((event: string, payload: JobDone) => {
        if (event !== 'jobDone') return;
        unsubscribe();
        resolve(payload);
      }) as never);
    });
    await service.uploadFiles(files);
    return done;
  }

  it('a name of 100 Chinese characters is written shortened (under 255 bytes, extension kept) and indexed', async () => {
    const done = await upload([
      { name: `${LONG}.md`, dataBase64: text('应每日对重要数据进行本地备份。') },
      // The same start, different after the cut: two files, not one.
      { name: `${LONG}（修订版）.md`, dataBase64: text('应每季度开展一次恢复演练。') },
    ]);
    expect(done.error).toBe(null);
    expect(done.summary).toMatchObject({ indexed: 2, failed: [] });
    const names = readdirSync(service.uploadDir);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(name).toMatch(/^信息系统安全等级保护.*~[0-9a-f]{8}\.md$/);
    }
    expect((await service.search('恢复演练')).length).toBeGreaterThan(0);
  });

  it('names that differ only in Unicode normalisation (NFC, NFD) are one file: the batch is refused, nothing written', async () => {
    const before = readdirSync(service.uploadDir).sort();
    const nfc = 'Café 报告.md';
    await expect(
      service.uploadFiles([
        { name: nfc.normalize('NFC'), dataBase64: text('甲') },
        { name: nfc.normalize('NFD'), dataBase64: text('乙') },
      ]),
    ).rejects.toThrow(/would be written as the same file/);
    expect(readdirSync(service.uploadDir).sort()).toEqual(before);
  });

  it('a batch with a file that cannot be written keeps none of it and says why', async () => {
    // A file where the batch needs a folder: the second file cannot be written.
    writeFileSync(path.join(service.uploadDir, 'blocker'), 'a file, not a folder');
    const before = readdirSync(service.uploadDir).sort();
    await expect(
      service.uploadFiles([
        { name: '新制度.md', dataBase64: text('丙') },
        { name: '新文件夹/说明.md', dataBase64: text('丁') },
        { name: 'blocker/说明.md', dataBase64: text('戊') },
      ]),
    ).rejects.toThrow(/the upload could not be saved \(.*\); nothing of it was kept/);
    expect(readdirSync(service.uploadDir).sort()).toEqual(before);
    // And the service still takes uploads.
    expect((await upload([{ name: '新制度.md', dataBase64: text('丙') }])).error).toBe(null);
  });
});
