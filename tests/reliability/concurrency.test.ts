// Readers beside a writer (SQLite WAL): while `kb ingest` runs in a child process, this process searches and asks
// through a second Library on the same file, a read-only connection checks that every snapshot it sees is whole
// (no document half-written), and `kb search` runs in other processes. Nothing may fail; latencies are printed
// (not asserted tightly: the writer and the readers share two cores).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { LibraryStore } from '../../electron/engine/store/LibraryStore.ts';
import { CORPUS, runKb, spawnKb, tempDir, TOKENIZER_DIR } from './helpers.ts';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const describeLatency = (values: number[]): string =>
  `n=${values.length} p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;

describe('search and ask while an ingestion runs', () => {
  let dir: string;
  let cleanup: () => void;
  let engine: Engine;
  let libraryFile: string;
  let docs: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-concurrency-'));
    libraryFile = path.join(dir, 'shared.kb.sqlite');
    // The library already holds one standard; the ingestion adds the rest of the MLPS corpus and 4 MB of news.
    const seed = path.join(dir, 'seed');
    mkdirSync(seed);
    writeFileSync(
      path.join(seed, 'std.md'),
      '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\na）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性；\nb）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施。\n',
    );
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    const setup = await engine.openLibrary(libraryFile, { create: true });
    await setup.ingest([seed]);
    await setup.dispose();
    // Links, not copies: the corpus stays where it is.
    docs = path.join(dir, 'docs');
    mkdirSync(docs);
    symlinkSync(path.join(CORPUS, 'mlps'), path.join(docs, 'mlps'));
    symlinkSync(path.join(CORPUS, 'crud-rag', 'news_part1.txt'), path.join(docs, 'news.txt'));
  });
  afterAll(async () => {
    await engine?.dispose();
    cleanup?.();
  });

  it('a second Library, a read-only connection and other processes read while kb ingest writes', async () => {
    const writer = spawnKb(['ingest', docs, '--library', libraryFile, '--json']);
    let writing = true;
    const written = writer.done.finally(() => (writing = false));

    // Opened once the writer is writing (its first progress line): must wait for its lock, not fail.
    await new Promise<void>((resolve) => {
      const onData = (text: string): void => {
        if (!/\[0\/\d+\]/.test(text)) return;
        writer.child.stderr!.off('data', onData);
        resolve();
      };
      writer.child.stderr!.on('data', onData);
      void written.then(() => resolve());
    });
    const opened = performance.now();
    const reader = await engine.openLibrary(libraryFile);
    const openMs = [performance.now() - opened];
    const snapshotReader = LibraryStore.open(libraryFile, { readonly: true });

    const searchMs: number[] = [];
    const askMs: number[] = [];
    const snapshotMs: number[] = [];
    const cliMs: number[] = [];
    const errors: string[] = [];
    const documentsSeen: number[] = [];
    const snapshotProblems: string[] = [];

    // Other processes: `kb search` on the same file, one after another, while the ingestion runs.
    const cliReaders = (async () => {
      while (writing) {
        const run = await runKb(['search', '登录失败处理', '--library', libraryFile, '--json', '--k', '3']);
        if (run.code !== 0) errors.push(`kb search: ${run.stderr.trim()}`);
        else {
          cliMs.push(run.elapsedMs);
          if ((JSON.parse(run.stdout) as unknown[]).length === 0) errors.push('kb search found nothing');
        }
      }
    })();

    const db = snapshotReader.database;
    const snapshot = db.transaction(() => ({
      documents: (db.prepare("SELECT count(*) AS n FROM documents WHERE status = 'indexed'").get() as { n: number }).n,
      chunks: (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n,
      fts: (db.prepare('SELECT count(*) AS n FROM chunks_fts').get() as { n: number }).n,
      empty: (
        db
          .prepare(
            "SELECT count(*) AS n FROM documents d WHERE d.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)",
          )
          .get() as { n: number }
      ).n,
    }));

    const questions = ['三级系统对身份鉴别有哪些要求？', '登录失败处理', '网络安全法 关键信息基础设施', '数据备份恢复'];
    for (let i = 0; writing; i++) {
      const question = questions[i % questions.length]!;
      try {
        let t = performance.now();
        const hits = await reader.search(question);
        searchMs.push(performance.now() - t);
        if (question === '登录失败处理' && hits.length === 0) errors.push('search found nothing for a seeded clause');
        t = performance.now();
        const { answer } = await reader.ask(question); // recorded: a write beside the writer
        askMs.push(performance.now() - t);
        if (answer.status === 'answered' && answer.citations.length === 0)
          errors.push(`ask "${question}": an answer without citations`);
        // Opening the library (as the app does at start) while the writer holds its lock.
        t = performance.now();
        await (await engine.openLibrary(libraryFile)).dispose();
        openMs.push(performance.now() - t);
        t = performance.now();
        const seen = snapshot();
        snapshotMs.push(performance.now() - t);
        documentsSeen.push(seen.documents);
        if (seen.chunks !== seen.fts || seen.empty !== 0) snapshotProblems.push(JSON.stringify(seen));
      } catch (error) {
        errors.push((error as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await written;
    await cliReaders;

    // The same reads with nobody writing, for comparison.
    const idleSearchMs: number[] = [];
    const idleAskMs: number[] = [];
    for (let i = 0; i < 12; i++) {
      const question = questions[i % questions.length]!;
      let t = performance.now();
      await reader.search(question);
      idleSearchMs.push(performance.now() - t);
      t = performance.now();
      const { answer } = await reader.ask(question, { record: false });
      idleAskMs.push(performance.now() - t);
      if (i === 0) expect(answer.status).toBe('answered');
    }
    snapshotReader.dispose();
    await reader.dispose();

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { indexed: number; elapsedMs: number };
    console.log(
      `concurrency: kb ingest indexed ${summary.indexed} documents in ${summary.elapsedMs} ms; opening a second Library ${describeLatency(openMs)}\n` +
        `  while ingesting: search ${describeLatency(searchMs)}; ask (recorded) ${describeLatency(askMs)}; ` +
        `read-only snapshot ${describeLatency(snapshotMs)}; kb search process ${cliMs.length ? describeLatency(cliMs) : 'n=0'}\n` +
        `  idle:            search ${describeLatency(idleSearchMs)}; ask ${describeLatency(idleAskMs)}\n` +
        `  documents visible to the reader over time: ${documentsSeen.join(' ')}`,
    );
    expect(errors).toEqual([]);
    expect(snapshotProblems).toEqual([]);
    expect(searchMs.length).toBeGreaterThanOrEqual(3);
    // The reader saw the ingestion progress (committed documents appear while it runs), never going backwards.
    expect(documentsSeen.at(-1)!).toBeGreaterThan(documentsSeen[0]!);
    for (let i = 1; i < documentsSeen.length; i++)
      expect(documentsSeen[i]!).toBeGreaterThanOrEqual(documentsSeen[i - 1]!);
    // Loose: a read waits at most for one document's transaction (busy timeout 5 s), never fails.
    expect(Math.max(...searchMs, ...askMs)).toBeLessThan(10_000);
  });
});
