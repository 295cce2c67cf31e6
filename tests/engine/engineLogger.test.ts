// The engine's log: one line per event, fields escaped so a file name cannot forge a line, a file that rotates,
// and — over a real ingestion of real standards, searches and answers at the most detailed level — no document
// text, no question and no answer in it.
import { copyFileSync, mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/index.ts';
import { fileLogger, formatLogEntry, lineLogger, MAX_LOG_FILE_BYTES } from '../../electron/engine/log/EngineLogger.ts';
import { CORPUS, tempDir } from './helpers.ts';

let cleanup = (): void => {};
afterEach(() => cleanup());

describe('engine log', () => {
  it('writes plain values bare and quotes the rest, so a name holding a newline or escape stays on its line', () => {
    expect(
      formatLogEntry('ingest.file-failed', {
        path: '/docs/GB-T 22239.pdf',
        code: 'encrypted',
        pages: 3,
        ok: false,
        none: null,
        gone: undefined,
      }),
    ).toBe('ingest.file-failed path="/docs/GB-T 22239.pdf" code=encrypted pages=3 ok=false none=null');
    const forged = formatLogEntry('ingest.file-failed', {
      path: '/docs/a.md\n2026-01-01T00:00:00.000Z [error] forged\u001b[31m',
    });
    expect(forged).not.toContain('\n');
    expect(forged).not.toContain('\u001b');
    expect(forged).toBe('ingest.file-failed path="/docs/a.md\\n2026-01-01T00:00:00.000Z [error] forged\\u001b[31m"');
    // A paragraph passed by mistake is cut, not written whole.
    expect(formatLogEntry('x', { reason: '很长'.repeat(1000) }).length).toBeLessThan(700);
    expect(formatLogEntry('library.open', { file: '/资料/等保.kb.sqlite' })).toBe(
      'library.open file=/资料/等保.kb.sqlite',
    );
  });

  it('keeps lines at or above its level', () => {
    const lines: string[] = [];
    const logger = lineLogger((line) => lines.push(line), 'info');
    logger.log('debug', 'search', { ms: 3 });
    logger.log('info', 'ingest.done', { indexed: 2 });
    logger.log('error', 'host.engine-failed', { code: 'corrupt' });
    expect(lines.map((line) => line.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /, ''))).toEqual([
      '[info] ingest.done indexed=2',
      '[error] host.engine-failed code=corrupt',
    ]);
  });

  it('appends to a file in a folder it creates, and moves it aside as engine.old.log past the size limit', () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const file = path.join(temp.dir, 'logs', 'engine.log');
    const logger = fileLogger(file, 'info');
    logger.log('info', 'host.start', { version: '0.1.0' });
    expect(readFileSync(file, 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[info\] host\.start version=0\.1\.0\n$/,
    );
    logger.log('debug', 'search', { ms: 1 });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
    const path250 = `/${'p'.repeat(250)}`;
    const old = path.join(temp.dir, 'logs', 'engine.old.log');
    const perLine = formatLogEntry('ingest.file-failed', { path: path250 }).length;
    let written = 0;
    while (!existsSync(old) && written < (2 * MAX_LOG_FILE_BYTES) / perLine) {
      logger.log('info', 'ingest.file-failed', { path: path250 });
      written++;
    }
    expect(existsSync(old)).toBe(true);
    // Rotated once it passed the limit, not before.
    expect(written * perLine).toBeGreaterThan(MAX_LOG_FILE_BYTES * 0.85);
    expect(readFileSync(file).length).toBeLessThan(MAX_LOG_FILE_BYTES);
  });

  it('logs a real ingestion, searches and answers (debug level) without a word of the documents, questions or answers', async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const docs = path.join(temp.dir, 'docs');
    mkdirSync(docs);
    for (const name of ['GBT22239-2019_基本要求.pdf', 'GBT22240_定级指南.docx'])
      copyFileSync(path.join(CORPUS, 'mlps-office', name), path.join(docs, name));
    writeFileSync(path.join(docs, 'broken.pdf'), '%PDF-1.7\nnot really a PDF\n');
    const lines: string[] = [];
    const engine = await createEngine({ logger: lineLogger((line) => lines.push(line), 'debug') });
    try {
      const library = await engine.openLibrary(path.join(temp.dir, 'lib.kb.sqlite'), { create: true });
      const summary = await library.ingest([docs]);
      expect(summary.indexed).toBe(2);
      const questions = ['三级系统对身份鉴别有哪些要求？', '定级对象的安全保护等级如何确定'];
      const answers: string[] = [];
      for (const question of questions) {
        await library.search(question);
        const { answer } = await library.ask(question, { record: false });
        expect(answer.status).not.toBe('not_found');
        answers.push(answer.answer);
      }
      const log = lines.join('\n');
      expect(log).toMatch(/\[info\] ingest\.done file=\S+ filesSeen=3 indexed=2 unchanged=0 skipped=0 failed=1 /);
      expect(log).toMatch(/\[warn\] ingest\.file-failed path=\S+broken\.pdf code=\S+ reason=/);
      expect(log.match(/\[debug\] search retrieval=null queryChars=\d+ hits=\d+ ms=\d+/g)).toHaveLength(2);
      expect(
        log.match(/\[debug\] ask mode=exact retrieval=lexical questionChars=\d+ status=\w+ citations=\d+ ms=\d+/g),
      ).toHaveLength(2);

      // Nothing of what was read or asked: every 8-character run of the questions, and of the passages and
      // answers (sampled every 40 characters; the file names are allowed, and long enough runs never collide with them).
      const runs = (text: string, step: number): string[] => {
        const out: string[] = [];
        for (let i = 0; i + 8 <= text.length; i += step) out.push(text.slice(i, i + 8));
        return out;
      };
      const passages = (await library.search('安全', { k: 50 })).map((hit) => hit.text);
      const leaked = [
        ...questions.flatMap((q) => runs(q, 1)),
        ...[...passages, ...answers].flatMap((t) => runs(t.replace(/\s+/g, ' '), 40)),
      ].filter((run) => run.trim().length === 8 && log.includes(run));
      expect(leaked).toEqual([]);
    } finally {
      await engine.dispose();
    }
  }, 60_000);
});
