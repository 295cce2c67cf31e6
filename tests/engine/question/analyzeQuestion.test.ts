// Reading a question once: what it is about (content concepts with the thesaurus's other wordings), what frames it
// (levels, sectors, regions, named standards, clause numbers and codes) and what it leaves out (question and filler
// words). No library: the analysis is pure; document profiles are given where a test needs them.
import { describe, expect, it } from 'vitest';
import {
  analyzeQuestion,
  type Concept,
  type QuestionAnalysis,
} from '../../../electron/engine/question/analyzeQuestion.ts';
import { Thesaurus } from '../../../electron/engine/question/Thesaurus.ts';
import { ChineseSegmenter } from '../../../electron/engine/search/ChineseSegmenter.ts';
import type { DocumentProfileRecord } from '../../../electron/engine/store/LibraryStore.ts';
import type { DocumentProfile } from '../../../shared/types.ts';

const segmenter = new ChineseSegmenter();
const thesaurus = Thesaurus.create();

function profile(
  documentId: number,
  fields: Partial<DocumentProfile>,
  file = `/docs/${documentId}.md`,
): DocumentProfileRecord {
  return {
    documentId,
    path: file,
    type: 'markdown',
    paged: false,
    profile: { standard: null, title: null, year: null, kind: 'other', sector: null, region: null, ...fields },
  };
}
const LIBRARY = [
  profile(1, {
    standard: 'GB/T 22239-2019',
    title: '信息安全技术 网络安全等级保护基本要求',
    year: '2019',
    kind: 'requirements',
  }),
  profile(2, {
    standard: 'GB/T 28448-2019',
    title: '信息安全技术 网络安全等级保护测评要求',
    year: '2019',
    kind: 'evaluation',
  }),
  profile(3, {
    standard: 'JR/T 0071.2-2020',
    title: '金融行业网络安全等级保护实施指引第2部分：基本要求',
    year: '2020',
    kind: 'requirements',
    sector: 'finance',
  }),
  profile(4, {
    standard: 'JR/T 0060-2021',
    title: '证券期货业网络安全等级保护基本要求',
    year: '2021',
    kind: 'requirements',
    sector: 'securities',
  }),
  profile(5, { title: '中华人民共和国网络安全法', year: '2016', kind: 'law' }),
  profile(6, { title: '测评机构在沪工作指引规范手册', kind: 'guidance', region: '上海' }),
  profile(7, { standard: 'NIST SP 800-53 Rev. 5', title: 'Control Catalog', kind: 'requirements' }),
];

const analyze = (question: string, documents: DocumentProfileRecord[] = LIBRARY): QuestionAnalysis =>
  analyzeQuestion(question, { thesaurus, segmenter, documents });
const labels = (analysis: QuestionAnalysis): string[] =>
  analysis.concepts.filter((c) => !c.compound).map((c) => c.label);
const concept = (analysis: QuestionAnalysis, label: string): Concept => {
  const found = analysis.concepts.find((c) => c.label === label);
  if (!found) throw new Error(`no concept "${label}" in ${JSON.stringify(labels(analysis))}`);
  return found;
};
const wordings = (c: Concept): string[] => c.alternatives.map((a) => a.text);

describe('analyzeQuestion: what frames a question', () => {
  it('leaves question and filler words out of the content, and reads the level and the kind of fact asked', () => {
    const a = analyze('等保三级日志要留存多久？');
    expect(a.levels).toEqual([3]);
    expect(a.answerType).toBe('duration');
    // 日志 and 留存 (the thesaurus knows "留存多久" as one phrase of retention).
    expect(labels(a)).toHaveLength(2);
    expect(labels(a)[0]).toBe('日志');
    expect(wordings(a.concepts[1]!)).toEqual(expect.arrayContaining(['留存时间', '不少于六个月']));
    for (const filler of ['等保', '要', '多久', '三级']) expect(labels(a)).not.toContain(filler);
    expect(a.concepts[1]!.label).toContain('留存');
    const colloquial = analyze('我们这一块到底还要不要搞白名单呢？');
    expect(labels(colloquial)).toEqual(['白名单']);
  });

  it('reads comparisons, scenarios, sectors and regions', () => {
    const a = analyze('券商的云平台，四级比三级多了什么？');
    expect(a).toMatchObject({
      levels: [4, 3],
      comparison: true,
      sectors: ['securities', 'finance'],
      scenarios: ['cloud'],
    });
    expect(labels(a)).not.toContain('券商');
    expect(analyze('北京市等保办要哪些材料？').regions).toEqual(['北京']);
    expect(analyze('在沪开展测评要注意什么？').regions).toEqual(['上海']);
    expect(analyze('银行机房选址有什么要求？').sectors).toEqual(['finance']);
  });

  it('finds the documents a question names, by number and by the names auditors use', () => {
    const ids = (q: string): number[] => [...new Set(analyze(q).standards.flatMap((s) => s.documentIds))];
    expect(ids('GB/T 22239 8.1.4.1 讲的什么？')).toEqual([1]);
    expect(ids('等保2.0对口令有什么要求？')).toEqual([1]);
    expect(ids('测评要求里怎么查双因素？')).toEqual([2]);
    expect(ids('JR/T 0071 对机房有什么要求？')).toEqual([3]);
    expect(ids("How long must logs be kept under China's Cybersecurity Law?")).toEqual([5]);
    expect(ids('What does NIST 800-53 say about audit logs?')).toEqual([7]);
    // A year is not a standard's number.
    expect(ids('2025年备案更新怎么做？')).toEqual([]);
  });

  it('names the standards, parts, versions and regulations the library does not hold', () => {
    expect(analyze('PCI DSS 要求多久做一次 ASV 扫描？').absentStandards).toEqual(expect.arrayContaining(['pci dss']));
    expect(analyze('ISO 27001 证书能抵测评项吗？').absentStandards).toEqual(['iso 27001']);
    expect(analyze('JR/T 0071 第3部分对安全管理员有什么要求？').absentStandards).toEqual(['0071.3']);
    expect(analyze('GB/T 22239 的 2025年修订版新增了什么？').absentStandards).toEqual(['gb/t 22239 (2025)']);
    expect(analyze('按《关键信息基础设施安全保护条例》要多久报告？').absentStandards).toEqual([
      '《关键信息基础设施安全保护条例》',
    ]);
    expect(analyze('按《网络安全法》要多久报告？').absentStandards).toEqual([]);
    expect(analyze('旧版指引（TISEAA 001-2020）和新版有什么不同？').absentStandards).toEqual(['tiseaa 001-2020']);
  });

  it('reads clause numbers, test-unit codes and control ids, and never a version number as a clause', () => {
    expect(analyze('8.1.4.1 讲的什么？').clauses).toEqual(['8.1.4.1']);
    expect(analyze('L3-CES1-04 怎么核查？').testUnits).toEqual(['l3-ces1-04']);
    expect(analyze('What does AC-7 require, and AU-11(1)?').controls).toEqual(['ac-7', 'au-11(1)']);
    expect(analyze('等保2.0 和 1.0 有什么区别？').clauses).toEqual([]);
  });

  it('tells the kinds of document asked of: testing, the test process, design, grading, the law', () => {
    expect(analyze('测评的时候怎么查机房防雷？').intents).toEqual(['evaluation']);
    expect(analyze('三级系统设计时要考虑什么？').intents).toEqual(['design']);
    expect(analyze('系统要不要重新定级？').intents).toEqual(['grading']);
    expect(analyze('违反网络安全法会怎么处罚？').intents).toEqual(['law']);
    expect(analyze('三级系统的口令有什么要求？').intents).toEqual([]);
  });

  it('marks what a question asks for, names, and noun phrases read as one', () => {
    const a = analyze('上海的合规检查表每个检查项各占多少分、怎么扣分？');
    expect(concept(a, '扣分').focus).toBe(true);
    expect(concept(analyze('莱索托哪一年独立？'), '莱索托').name).toBe(true);
    const compound = analyze('三级系统的数字人民币有哪些要求？').concepts.find((c) => c.compound);
    expect(compound).toMatchObject({ label: '数字人民币', focus: true });
    // The documents may put 的 between the words of a phrase.
    expect(wordings(analyze('登录用户有什么要求？').concepts.find((c) => c.compound)!)).toEqual([
      '登录用户',
      '登录的用户',
    ]);
    // A quoted term stays whole.
    expect(labels(analyze('什么情况下可以标“不适用”？'))).toContain('不适用');
  });

  it('reads what the question says it already has (除了 X 还…, besides X) as given, not asked', () => {
    const a = analyze('三级机房的避雷措施，测评的时候除了看机柜接地还查啥？');
    expect(concept(a, '机柜').given).toBe(true);
    expect(concept(a, '接地').given).toBe(true);
    expect(concept(a, '避雷').given).toBeUndefined();
    const b = analyze('四级系统之间通信，除了加密以外，还要求通信前做什么？');
    expect(concept(b, '加密')).toMatchObject({ given: true, focus: false });
    expect(concept(b, '通信').given).toBeUndefined();
    expect(concept(analyze('Besides encryption, what must be done before communication?'), 'encryption').given).toBe(
      true,
    );
    // 除了 without a "还/也/其他…" after it is not a construction of this kind.
    expect(analyze('除了这个问题').concepts.some((c) => c.given)).toBe(false);
  });

  it('treats English questions with stop words and stems, and knows which documents they are about', () => {
    const a = analyze('How long must network logs be retained under the Cybersecurity Law?');
    expect(a.language).toBe('en');
    expect(a.documentLanguage).toBe('zh');
    expect(labels(a)).not.toContain('how');
    expect(labels(a)).not.toContain('must');
    expect(analyze('Does SP 800-53 require a login banner?').documentLanguage).toBe('en');
    expect(analyze('NIST 800-53 对口令有什么要求？').documentLanguage).toBe('en');
  });
});

describe('analyzeQuestion: the thesaurus, family by family', () => {
  // Each family: a question as people type it, and a wording of the standards it must reach.
  const cases: [family: string, question: string, phrase: string, wording: string][] = [
    ['abbreviation', '三级系统要部署 WAF 吗？', 'waf', 'web应用防火墙'],
    ['abbreviation', '数据库要上 DLP 吗？', 'dlp', '数据防泄漏'],
    ['colloquial', '外来 U 盘要先杀毒吗？', '杀毒', '恶意代码'],
    ['colloquial', '双因素是必须的吗？', '双因素', '两种或两种以上组合的鉴别技术'],
    ['colloquial', '堡垒机要满足什么要求？', '堡垒机', '运维审计'],
    ['colloquial', '员工离职要做什么？', '离职', '离岗'],
    ['colloquial', '共用账号可以吗？', '共用账号', '共享账户'],
    ['colloquial', '补丁多久打一次？', '补丁', '修补漏洞'],
    ['colloquial', '服务器密码多久换？', '密码', '口令'],
    ['english', 'What is required for two-factor authentication?', 'two-factor', '两种或两种以上组合的鉴别技术'],
    ['english', 'How long must audit logs be kept?', 'audit log', '审计记录'],
    ['english-reverse', '口令复杂度有什么要求？', '口令', 'password'],
    ['term', '云租户要做什么？', '云租户', '云服务客户'],
  ];
  it.each(cases)('%s: "%s" reaches the standards\' wording through %s', (family, question, phrase, wording) => {
    const a = analyze(question);
    const found = a.concepts.find(
      (c) => c.origin === 'thesaurus' && (c.label === phrase || wordings(c).includes(phrase)),
    );
    expect(found, JSON.stringify(labels(a))).toBeDefined();
    expect(found!.families).toContain(family);
    expect(wordings(found!)).toContain(wording);
    // The question's own words count fully, the other wordings less.
    expect(found!.alternatives[0]!.weight).toBe(1);
    expect(found!.alternatives.find((alt) => alt.text === wording)!.weight).toBeLessThan(1);
  });

  it('never cuts a word of the question the library uses (核心数据 is not in 核心数据库服务器)', () => {
    const a = analyzeQuestion('核心数据库服务器能单独定级吗？', {
      thesaurus,
      segmenter,
      documents: LIBRARY,
      libraryHasWord: (word) => word === '数据库',
    });
    expect(labels(a)).toEqual(expect.arrayContaining(['核心', '数据库', '服务器']));
    expect(labels(a)).not.toContain('核心数据');
  });

  it("adds a library's own entries, and the version in force says so", () => {
    const own = Thesaurus.create([{ ask: '小机', means: ['小型机', 'aix'] }]);
    expect(own.version).toMatch(/^2026\.12\.\d+\+user:1:[0-9a-f]{8}$/);
    expect(Thesaurus.create().version).not.toContain('+user');
    const a = analyzeQuestion('小机装不了杀毒软件怎么办？', { thesaurus: own, segmenter, documents: LIBRARY });
    expect(wordings(concept(a, '小机'))).toEqual(['小机', '小型机', 'aix']);
    expect(concept(a, '小机').families).toEqual(['user']);
  });
});
