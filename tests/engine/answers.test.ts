// Exact answers on the real MLPS corpus: citations to the right clause, not_found for what the library does not
// hold, the audit trail, and byte-identical answers across processes.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { DEFAULT_ANSWER_THRESHOLD, DEFAULT_RELATED_THRESHOLD } from '../../electron/engine/answer/answerExactly.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from './helpers.ts';

const KB = path.resolve(import.meta.dirname, '../../bin/kb.js');
const run = promisify(execFile);

const QUESTIONS = [
  '三级系统在安全计算环境中对身份鉴别有哪些要求？',
  '安全区域边界包括哪些安全控制点？',
  '二级与三级系统在机房物理访问控制上有何不同？',
  '四级系统在数据备份恢复方面比三级多了什么要求？',
  '标准中“宿主机”指什么？',
  '三级系统开通远程运维有哪些控制要求？',
  '网络运营者应当如何处置网络安全事件？',
  '等保2.0基本要求针对5G网络和边缘计算场景提出了哪些安全扩展要求？',
  '定级对象的安全保护等级如何确定？',
  '三级系统对安全管理员的人员配备有什么特别要求？',
];

describe('exact answers', () => {
  let engine: Engine;
  let library: Library;
  let libraryFile: string;
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    libraryFile = path.join(dir, 'mlps.kb.sqlite');
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(libraryFile, { create: true });
    await library.ingest([path.join(CORPUS, 'mlps')]);
  });
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });

  it('answers a list question with the whole clause, verbatim, cited to 8.1.4.1', async () => {
    const { answer } = await library.ask('三级系统在安全计算环境中对身份鉴别有哪些要求？', { record: false });
    expect(answer.status).toBe('answered');
    const first = answer.citations[0]!;
    expect(first.n).toBe(1);
    expect(first.documentPath).toMatch(/GBT22239-2019_基本要求\.md$/);
    expect(first.headingPath).toEqual([
      '8 第三级安全要求',
      '8.1 安全通用要求',
      '8.1.4 安全计算环境',
      '8.1.4.1 身份鉴别',
    ]);
    for (const item of ['a）应对登录的用户', 'b）应具有登录失败处理功能', 'c）当进行远程管理时', 'd）应采用口令'])
      expect(first.quote).toContain(item);
    // The answer names the standard and the clause it quotes.
    expect(answer.answer).toContain('GB/T 22239-2019 · 8.1.4.1 身份鉴别 [1]');
    expect(first.standard).toBe('GB/T 22239-2019');
    expect(first.level).toBe(3);
    // The quote is the document's own text at the cited range.
    const text = (
      storeOf(library).database.prepare('SELECT text FROM documents WHERE id = ?').get(first.documentId) as {
        text: string;
      }
    ).text;
    expect(text.slice(first.charStart, first.charEnd)).toBe(first.quote);
  });

  it('a comparison question aligns the control point at both levels of one standard, lower level first', async () => {
    const { answer } = await library.ask('二级与三级系统在机房物理访问控制上有何不同？', { record: false });
    expect(answer.status).toBe('answered');
    expect(answer.citations.map((c) => c.headingPath[0])).toEqual(['7 第二级安全要求', '8 第三级安全要求']);
    expect(answer.citations.every((c) => c.headingPath.at(-1)!.endsWith('物理访问控制'))).toBe(true);
    expect(new Set(answer.citations.map((c) => c.standard))).toEqual(new Set(['GB/T 22239-2019']));
    expect(answer.comparison).toMatchObject({ controlPoint: '物理访问控制', levels: [2, 3], citations: [1, 2] });
  });

  it('a comparison marks what the higher level adds', async () => {
    const { answer } = await library.ask('四级系统在数据备份恢复方面比三级多了什么要求？', { record: false });
    expect(answer.citations.map((c) => c.headingPath.at(-1))).toEqual(['8.1.4.9 数据备份恢复', '9.1.4.9 数据备份恢复']);
    expect(answer.comparison!.levels).toEqual([3, 4]);
    // 9.1.4.9 adds the remote disaster-recovery centre; 8.1.4.9's items recur at level 4.
    expect(answer.comparison!.added.join('\n')).toContain('应建立异地灾难备份中心，提供业务应用的实时切换');
    expect(answer.comparison!.added.join('\n')).not.toContain('应提供重要数据的本地数据备份与恢复功能');
    expect(answer.answer).toContain('第四级比第三级（数据备份恢复）：');
    expect(answer.answer).toContain('+ ');
  });

  it('says not_found, with the reason, for what the library does not hold', async () => {
    for (const question of [
      '等保2.0基本要求针对5G网络和边缘计算场景提出了哪些安全扩展要求？',
      '三级系统的区块链节点有哪些要求？',
      '《红楼梦》的作者是谁？',
    ]) {
      const { answer } = await library.ask(question, { record: false });
      expect(answer.status, question).toBe('not_found');
      expect(answer.citations).toEqual([]);
      expect(answer.answer).toBe('');
      expect(answer.explanation).toMatch(
        /在资料库的任何文件中都没有出现|资料库中没有任何段落与问题的内容有共同的词语|低于作答所需的/,
      );
    }
    expect(
      (await library.ask('等保2.0基本要求针对5G网络和边缘计算场景提出了哪些安全扩展要求？', { record: false })).answer
        .evidence.missingTerms,
    ).toEqual(expect.arrayContaining(['5g', '边缘']));
  });

  it('records every exchange in the audit trail and exports it as a Markdown working paper', async () => {
    const first = await library.ask(QUESTIONS[0]!);
    const second = await library.ask(QUESTIONS[7]!, { conversationId: first.conversationId! });
    const history = library.history(first.conversationId);
    expect(history.map((h) => [h.question, h.answer.status])).toEqual([
      [QUESTIONS[0], 'answered'],
      [QUESTIONS[7], 'not_found'],
    ]);
    expect(history[0]!.answer).toEqual(first.answer);
    expect(history[0]!.settings).toMatchObject({
      mode: 'exact',
      coverageThreshold: DEFAULT_ANSWER_THRESHOLD,
      relatedThreshold: DEFAULT_RELATED_THRESHOLD,
      engine: 'exact-2',
    });
    // The thesaurus in force is part of the record.
    expect(history[0]!.settings.thesaurus).toBe(library.thesaurusVersion);
    expect(second.messageId).toBeGreaterThan(first.messageId!);
    const cited = storeOf(library)
      .database.prepare('SELECT n, quote FROM message_citations WHERE message_id = ?')
      .all(first.messageId) as { n: number; quote: string }[];
    expect(cited.map((c) => c.n)).toEqual(first.answer.citations.map((c) => c.n));

    const output = path.join(dir, 'paper.md');
    const { stderr } = await run(process.execPath, [
      KB,
      'export',
      '--library',
      libraryFile,
      '--format',
      'md',
      '--conversation',
      String(first.conversationId),
      '--output',
      output,
    ]);
    expect(stderr).toMatch(/wrote/);
    const markdown = (await import('node:fs')).readFileSync(output, 'utf8');
    expect(markdown).toContain(`## Q1. ${QUESTIONS[0]}`);
    expect(markdown).toContain('8 第三级安全要求 › 8.1 安全通用要求 › 8.1.4 安全计算环境 › 8.1.4.1 身份鉴别');
    expect(markdown).toContain('> a）应对登录的用户进行身份标识和鉴别');
    expect(markdown).toContain(`## Q2. ${QUESTIONS[7]}`);
    expect(markdown).toContain('**未找到 Not found.**');
  });

  it('gives byte-identical JSON for the same 10 questions in two separate processes', async () => {
    const batch = path.join(dir, 'questions.jsonl');
    writeFileSync(batch, QUESTIONS.map((question, i) => JSON.stringify({ id: `q${i + 1}`, question })).join('\n'));
    const ask = async (): Promise<string> =>
      (
        await run(process.execPath, [KB, 'ask', '--batch', batch, '--library', libraryFile, '--json'], {
          maxBuffer: 16 * 1024 * 1024,
        })
      ).stdout;
    const [a, b] = [await ask(), await ask()];
    expect(a.trim().split('\n')).toHaveLength(10);
    expect(a).toBe(b);
    expect(a).not.toMatch(/"askedAt"|"conversationId"/); // nothing time- or run-dependent in an answer
    const statuses = a
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).status);
    expect(statuses.filter((s) => s === 'not_found').length).toBeGreaterThanOrEqual(1);
  });

  it('kb history lists what was asked; kb eval reports retrieval and not-found figures', async () => {
    const history = JSON.parse(
      (await run(process.execPath, [KB, 'history', '--library', libraryFile, '--json'])).stdout,
    );
    expect(history.length).toBeGreaterThanOrEqual(12);
    const { stdout } = await run(process.execPath, [
      KB,
      'eval',
      '--library',
      libraryFile,
      '--qa',
      path.join(CORPUS, '../eval/qa_mlps_dev.jsonl'),
      '--json',
    ]);
    const report = JSON.parse(stdout);
    expect(report.retrieval.recallAt5).toBe(1);
    expect(report.answers.notFoundRecall).toBe(1);
    expect(report.answers.notFoundPrecision).toBe(1);
    expect(report.answers.answeredWithEvidence).toBe(1);
  });
});
