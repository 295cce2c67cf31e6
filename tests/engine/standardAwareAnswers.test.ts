// Answers on what an auditor imports: mlps, mlps-office and nist from ../shared/corpus in one library. The general
// standard answers a requirement question unless a sector, a standard, testing or design is named; the answer names
// the standard; a clause number or code goes straight to its clause; the PDF, DOCX and Markdown copies of a clause are
// one citation; a comparison aligns the control point at both levels; partial evidence gives related passages, and
// what the library does not hold is refused with the reason.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import type { Answer, Citation } from '../../shared/types.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from './helpers.ts';

let engine: Engine;
let library: Library;
let cleanup: () => void;

beforeAll(async () => {
  const temp = tempDir('kb-standards-');
  cleanup = temp.cleanup;
  engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
  library = await engine.openLibrary(path.join(temp.dir, 'standards.kb.sqlite'), { create: true });
  const summary = await library.ingest(['mlps', 'mlps-office', 'nist'].map((folder) => path.join(CORPUS, folder)));
  expect(summary.failed).toEqual([]);
});
afterAll(async () => {
  await engine.dispose();
  cleanup();
});

const ask = async (question: string): Promise<Answer> => (await library.ask(question, { record: false })).answer;
const clause = (c: Citation): string => `${c.standard ?? c.documentTitle} · ${c.headingPath.at(-1)}`;

describe('documents know what they are', () => {
  it('reads the standard, title, kind, sector and region from each cover', () => {
    const byFile = new Map(library.listDocuments().map((d) => [path.basename(d.path), d.profile]));
    expect(byFile.get('GBT22239-2019_基本要求.pdf')).toMatchObject({
      standard: 'GB/T 22239-2019',
      title: '信息安全技术 网络安全等级保护基本要求',
      kind: 'requirements',
      sector: null,
      year: '2019',
    });
    expect(byFile.get('GBT22239-2019_基本要求.docx')).toMatchObject({
      standard: 'GB/T 22239-2019',
      title: '信息安全技术 网络安全等级保护基本要求',
    });
    expect(byFile.get('GBT28448-2019_测评要求.md')).toMatchObject({ standard: 'GB/T 28448-2019', kind: 'evaluation' });
    expect(byFile.get('GBT25070-2019_安全设计技术要求.pdf')).toMatchObject({
      standard: 'GB/T 25070-2019',
      kind: 'design',
    });
    // The cover's OCR says "GB/T2849—2018"; the file name settles it.
    expect(byFile.get('GBT28449_测评过程指南.md')).toMatchObject({
      standard: 'GB/T 28449-2018',
      kind: 'evaluation-process',
    });
    expect(byFile.get('GBT22240_定级指南.pdf')).toMatchObject({ standard: 'GB/T 22240-2020', kind: 'grading' });
    expect(byFile.get('JRT0071.md')).toMatchObject({
      standard: 'JR/T 0071.2-2020',
      kind: 'requirements',
      sector: 'finance',
    });
    expect(byFile.get('JRT0060.md')).toMatchObject({
      standard: 'JR/T 0060-2021',
      kind: 'requirements',
      sector: 'securities',
    });
    expect(byFile.get('网络安全法.md')).toMatchObject({
      title: '中华人民共和国网络安全法',
      kind: 'law',
      year: '2016',
      sector: null,
    });
    expect(byFile.get('测评机构在沪工作指引规范手册（2025年2月版）.md')).toMatchObject({
      kind: 'guidance',
      region: '上海',
    });
    expect(byFile.get('关于对网络安全等级保护有关工作事项进一步说明的函(公网安〔2025〕1846号）.md')).toMatchObject({
      standard: '公网安〔2025〕1846号',
      kind: 'guidance',
    });
    // Its references list other standards; the guide itself has no number.
    expect(byFile.get('网络安全等级保护测评高风险判定指引-2025试行稿.md')).toMatchObject({
      standard: null,
      title: '网络安全等级保护测评高风险判定实施指引（试行）',
    });
    expect(byFile.get('sp800-53r5-controls.md')).toMatchObject({
      standard: 'NIST SP 800-53 Rev. 5',
      kind: 'requirements',
    });
  });

  it("keeps the user's corrections when the document is indexed again", async () => {
    const doc = library.listDocuments().find((d) => d.path.endsWith('JRT0060.md'))!;
    expect(library.setDocumentProfile(doc.id, { title: '证券期货业基本要求（自定）', region: '' })).toBe(true);
    await library.ingest([path.join(CORPUS, 'mlps')]); // unchanged: nothing re-read
    let again = library.listDocuments().find((d) => d.id === doc.id)!;
    expect(again.profile).toMatchObject({
      title: '证券期货业基本要求（自定）',
      region: null,
      standard: 'JR/T 0060-2021',
    });
    expect(again.profileEdited.sort()).toEqual(['region', 'title']);
    expect(library.setDocumentProfile(doc.id, { title: null, region: null })).toBe(true);
    again = library.listDocuments().find((d) => d.id === doc.id)!;
    expect(again.profile.title).toBe('证券期货业网络安全等级保护基本要求');
    expect(again.profileEdited).toEqual([]);
    expect(library.setDocumentProfile(999_999, { title: 'x' })).toBe(false);
  });
});

describe('standard-aware answers', () => {
  it('answers a requirement question from the general standard, naming it, the PDF copy cited with its page', async () => {
    const answer = await ask('三级系统对身份鉴别有哪些要求？');
    expect(answer.status).toBe('answered');
    const [first] = answer.citations;
    expect(clause(first!)).toBe('GB/T 22239-2019 · 8.1.4.1 身份鉴别');
    expect(answer.answer).toMatch(/^GB\/T 22239-2019 · 8\.1\.4\.1 身份鉴别 \[1\]/);
    expect(first!.documentPath).toMatch(/\.pdf$/);
    expect(first!.page).toBe(32);
    expect(first!.alsoIn.map((c) => path.extname(c.documentPath)).sort()).toEqual(['.docx', '.md']);
    expect(answer.citations.every((c) => !c.standard?.startsWith('JR/T'))).toBe(true);
  });

  it('answers for level 3 when no level is named, and says so', async () => {
    for (const question of ['机房温湿度有什么要求？', '安全管理中心有哪些要求？']) {
      const answer = await ask(question);
      expect(answer.citations[0]!.standard, question).toBe('GB/T 22239-2019');
      expect(answer.citations[0]!.level, question).toBe(3);
      expect(answer.notes.join(' '), question).toContain('以下按第三级要求作答');
    }
  });

  it('answers from the sector standard the question names', async () => {
    expect((await ask('券商三级系统的日常安全检查多久做一次？')).citations[0]!.standard).toBe('JR/T 0060-2021');
    expect((await ask('银行机房离加油站要多远？')).citations[0]!.standard).toBe('JR/T 0071.2-2020');
  });

  it('answers a testing question from the test standard', async () => {
    const answer = await ask('测评的时候怎么核查三级系统的登录失败处理？');
    expect(answer.citations[0]!.standard).toBe('GB/T 28448-2019');
    expect(answer.citations[0]!.headingPath.at(-1)).toBe('8.1.4.1 身份鉴别'); // the control point, all its test units
    expect(answer.citations[0]!.quote).toContain('L3-CES1-02');
  });

  it('goes straight to a clause number, a test-unit code or a control id', async () => {
    expect(clause((await ask('GB/T 22239 8.1.4.1')).citations[0]!)).toBe('GB/T 22239-2019 · 8.1.4.1 身份鉴别');
    expect((await ask('GB/T 22239 8.1.4.1')).citations.every((c) => c.standard === 'GB/T 22239-2019')).toBe(true);
    const unit = await ask('L3-CES1-04 怎么测？');
    expect(unit.citations[0]!.standard).toBe('GB/T 28448-2019');
    expect(unit.citations[0]!.quote).toContain('L3-CES1-04');
    expect(clause((await ask('What does AC-7 require?')).citations[0]!)).toBe(
      'NIST SP 800-53 Rev. 5 · AC-7 Unsuccessful Logon Attempts',
    );
  });

  it('lists a clause once in search, with its other copies', async () => {
    const hits = await library.search('应对登录的用户进行身份标识和鉴别', { k: 10 });
    const copies = hits.filter((h) => h.standard === 'GB/T 22239-2019' && h.headingPath.at(-1) === '8.1.4.1 身份鉴别');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.alsoIn).toHaveLength(2);
  });

  it('compares the same control point of one standard at the two levels named, marking what is added', async () => {
    const answer = await ask('二级和三级安全审计有什么区别？');
    expect(answer.status).toBe('answered');
    expect(answer.comparison).toMatchObject({ levels: [2, 3], citations: [1, 2] });
    expect(answer.citations.map((c) => c.standard)).toEqual(['GB/T 22239-2019', 'GB/T 22239-2019']);
    expect(answer.citations.map((c) => c.level)).toEqual([2, 3]);
    expect(answer.citations[0]!.headingPath.at(-1)!.replace(/^[\d.]+\s*/, '')).toBe(
      answer.citations[1]!.headingPath.at(-1)!.replace(/^[\d.]+\s*/, ''),
    );
    expect(answer.comparison!.added.length + answer.comparison!.changed.length).toBeGreaterThan(0);
    expect(answer.answer).toContain('第三级比第二级');
  });

  it("reaches the standards' wording from the words auditors use, and the Chinese law from English", async () => {
    const cites = async (question: string, text: string): Promise<void> => {
      const answer = await ask(question);
      expect(answer.status, question).not.toBe('not_found');
      expect(
        answer.citations.some((c) => c.quote.includes(text)),
        `${question}: ${answer.citations.map(clause).join('; ')}`,
      ).toBe(true);
    };
    await cites('等保三级日志要留存多久？', '六个月');
    await cites('网络安全法规定网络日志保存多久？', '不少于六个月');
    await cites('三级系统多久做一次等级测评？', '应定期进行等级测评');
    await cites('漏扫多久做一次？', '漏洞');
    await cites("How long must network logs be retained under China's Cybersecurity Law?", '不少于六个月');
  });

  it('answers a long word held only in part from passages that hold its rare part, not its common one', async () => {
    // 卫星通信: the standards say 通信 everywhere, 卫星 only in JR/T 0060 (通过互联网、卫星网传递…应采取加密方式).
    const answer = await ask('三级系统的卫星通信有哪些要求？');
    expect(answer.status).not.toBe('not_found');
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) expect(citation.quote, clause(citation)).toContain('卫星');
  });

  it('offers related passages, labelled, when the evidence is partial', async () => {
    const answer = await ask('外包人员带来的笔记本、U盘，接内网之前要先杀毒吗？');
    expect(answer.status).toBe('related');
    expect(answer.answer).toMatch(/^资料库中没有确定回答该问题的条款。以下是可能相关的条款：/);
    expect(answer.explanation).toMatch(/只包含问题内容的 \d+%/);
    expect(answer.citations.some((c) => c.quote.includes('外来计算机或存储设备接入系统前进行恶意代码检查'))).toBe(true);
  });

  it('refuses, with the reason, what the library does not hold', async () => {
    const refused = async (question: string, reason: RegExp): Promise<void> => {
      const answer = await ask(question);
      expect(answer.status, question).toBe('not_found');
      expect(answer.citations).toEqual([]);
      expect(answer.explanation, question).toMatch(reason);
    };
    await refused('我们支付业务要过PCI DSS，ASV扫描多久做一次？', /资料库中没有 pci dss/);
    await refused('测评机构要去北京开展等保测评，需要先向北京市等保办报备哪些材料？', /只适用于上海.*没有北京的/);
    await refused('上海市等保办抽审用的《合规检查表》每个检查项各占多少分、怎么扣分？', /没有《合规检查表》本身/);
    await refused('三级系统的区块链节点有哪些要求？', /区块链/);
    await refused('三级系统的无人机有哪些要求？', /无人机/);
    // A word is said to be absent only when the library's text has it nowhere.
    const answer = await ask('漏扫多久做一次？');
    expect(answer.evidence.missingTerms).not.toContain('漏扫');
  });
});
