// A library open in one place while another writes to it (the app searching while `kb ingest` runs, two windows):
// the reader's cached statistics follow the file. Two Library objects on one file are two SQLite connections, as two
// processes would be. Seen in CI: the reader's chunk count was read when the writer had written 2 documents and a
// word's frequency after it had written 12, so the word weighed less than nothing and "登录失败处理" found nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from './helpers.ts';

describe('a library read while another connection writes it', () => {
  let engine: Engine;
  const { dir, cleanup } = tempDir('kb-stale-reader-');
  afterAll(async () => {
    await engine?.dispose();
    cleanup();
  });

  it('finds a word the writer added many passages with, after it had searched the small library', async () => {
    const seed = path.join(dir, 'seed');
    mkdirSync(seed);
    writeFileSync(
      path.join(seed, 'std.md'),
      '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\nb）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数。\n',
    );
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    const file = path.join(dir, 'stale.kb.sqlite');
    const writer = await engine.openLibrary(file, { create: true });
    await writer.ingest([seed]);
    const reader = await engine.openLibrary(file);
    // The reader reads the library's size and the documents while it holds one.
    expect((await reader.search('三级系统对身份鉴别有哪些要求？')).length).toBeGreaterThan(0);
    await writer.ingest([path.join(CORPUS, 'mlps')]);
    const hits = await reader.search('登录失败处理');
    expect(hits.length).toBeGreaterThan(1);
    expect(new Set(hits.map((h) => h.documentPath)).size).toBeGreaterThan(1);
    expect((await reader.ask('登录失败处理')).answer.status).toBe('answered');
    // The documents the writer added are the reader's too (their profiles, standards).
    expect(reader.stats().documents).toBe(writer.stats().documents);
  });
});
