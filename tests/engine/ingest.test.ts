import { chmodSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const STANDARD = `# 8 第三级安全要求

## 8.1 安全通用要求

#### 8.1.4.1 身份鉴别

本项要求包括：
a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；
b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施；
`;

describe('ingestion into a library', () => {
  let engine: Engine;
  let library: Library;
  let root: string;
  let cleanup: () => void;

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    root = path.join(temp.dir, 'docs');
    mkdirSync(root);
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(temp.dir, 'test.kb.sqlite'), { create: true });
  });
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });

  it('indexes what it can, records failures with reasons, and reports progress', async () => {
    writeFileSync(path.join(root, 'standard.md'), STANDARD);
    writeFileSync(path.join(root, 'notes.txt'), '访问控制策略由授权主体配置。\n');
    writeFileSync(path.join(root, 'empty.txt'), '');
    writeFileSync(path.join(root, 'fake.pdf'), 'this is not a PDF at all');
    writeFileSync(path.join(root, 'locked.txt'), '不能读。');
    chmodSync(path.join(root, 'locked.txt'), 0o000);
    const progress: number[] = [];
    const summary = await library.ingest([root], { onProgress: (p) => progress.push(p.filesDone) });
    chmodSync(path.join(root, 'locked.txt'), 0o644);

    // root reads anything: the permission failure can only be seen when the test does not run as root.
    const isRoot = process.getuid?.() === 0;
    expect(summary.indexed).toBe(isRoot ? 3 : 2);
    const failures = Object.fromEntries(summary.failed.map((f) => [path.basename(f.path), f.code]));
    expect(failures['empty.txt']).toBe('empty');
    expect(failures['fake.pdf']).toBe('corrupt');
    if (!isRoot) expect(failures['locked.txt']).toBe('unreadable');
    expect(progress.at(-1)).toBe(summary.indexed + summary.failed.length + summary.unchanged);

    const docs = library.listDocuments();
    const failed = docs.find((d) => d.path.endsWith('fake.pdf'))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/PDF/);
  });

  it('finds a clause by its words and returns its heading path and character range', async () => {
    const [hit] = await library.search('登录失败处理');
    expect(hit).toBeDefined();
    expect(hit!.headingPath).toEqual(['8 第三级安全要求', '8.1 安全通用要求', '8.1.4.1 身份鉴别']);
    expect(hit!.text).toContain('b）应具有登录失败处理功能');
    expect(hit!.matchedTerms).toEqual(expect.arrayContaining(['登录失败处理']));
    const text = (
      storeOf(library).database.prepare('SELECT text FROM documents WHERE id = ?').get(hit!.documentId) as {
        text: string;
      }
    ).text;
    expect(text.slice(hit!.charStart, hit!.charEnd)).toBe(hit!.text);
  });

  it('re-ingests incrementally: unchanged skipped, changed replaced, deleted removed', async () => {
    const again = await library.ingest([root]);
    expect(again.indexed).toBe(0);
    expect(again.unchanged).toBe(library.listDocuments().filter((d) => d.status === 'indexed').length);

    // Same content, new mtime: read and hashed, still unchanged.
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'standard.md'), later, later);
    expect((await library.ingest([root])).unchanged).toBe(again.unchanged);

    writeFileSync(path.join(root, 'notes.txt'), '数据备份恢复：应提供重要数据的本地数据备份与恢复功能。\n');
    rmSync(path.join(root, 'fake.pdf'));
    const changed = await library.ingest([root]);
    expect(changed.indexed).toBe(1);
    expect(changed.removed).toBe(1);
    expect(await library.search('授权主体')).toHaveLength(0);
    expect((await library.search('本地数据备份'))[0]!.documentPath).toMatch(/notes\.txt$/);

    renameSync(path.join(root, 'notes.txt'), path.join(root, 'renamed.txt'));
    const renamed = await library.ingest([root]);
    expect(renamed.indexed).toBe(1);
    expect(renamed.removed).toBe(1);
    const names = library.listDocuments().map((d) => path.basename(d.path));
    expect(names).toEqual(expect.arrayContaining(['renamed.txt', 'standard.md', 'empty.txt']));
    expect(names).not.toContain('notes.txt');
    expect(names).not.toContain('fake.pdf');
    const integrity = storeOf(library).integrityCheck();
    expect(integrity).toBe('ok');
    // No orphans: every FTS row belongs to a chunk of an indexed document, and every chunk has one.
    const db = storeOf(library).database;
    const chunks = (
      db
        .prepare(
          "SELECT count(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'indexed'",
        )
        .get() as { n: number }
    ).n;
    const all = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    expect(all).toBe(chunks);
  });

  it('a cancelled run keeps what it committed and the next run finishes the job', async () => {
    for (let i = 0; i < 5; i++)
      writeFileSync(path.join(root, `extra-${i}.md`), `# 附加 ${i}\n第${i}份附加文件的正文。\n`);
    const controller = new AbortController();
    const summary = await library.ingest([root], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.currentFile?.includes('extra-2')) controller.abort();
      },
    });
    expect(summary.cancelled).toBe(true);
    expect(summary.removed).toBe(0);
    const resumed = await library.ingest([root]);
    expect(resumed.cancelled).toBe(false);
    expect(resumed.indexed).toBeGreaterThan(0);
    expect(library.listDocuments().filter((d) => d.path.includes('extra-') && d.status === 'indexed')).toHaveLength(5);
  });
});
