// Tables as readable rows (issue 13): merged cells resolved, a header repeated in each row, merged titles once, no
// markup left — on generated tables and on the MLPS Markdown standards, whose converters wrote 31 tables as one-line
// <table> markup with rowspan/colspan, and inline LaTeX around numbers and units.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../electron/engine/chunk/chunkDocument.ts';
import { structureDocument } from '../../../electron/engine/chunk/structureDocument.ts';
import { WordPieceTokenCounter } from '../../../electron/engine/chunk/WordPieceTokenCounter.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import { htmlToLines } from '../../../electron/engine/parse/htmlToLines.ts';
import { parseMarkdown } from '../../../electron/engine/parse/parseMarkdown.ts';
import { tableLines } from '../../../electron/engine/parse/tableLines.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from '../helpers.ts';
import { utf8 } from './fixtures.ts';

const texts = (html: string): string[] => htmlToLines(html).lines.map((line) => line.text);

describe('tables as rows', () => {
  it('repeats a rowspan in each row it covers and the header in every row', () => {
    expect(
      texts(
        '<table><tr><th>层面</th><th>控制点</th><th>要求</th></tr>' +
          '<tr><td rowspan="2">安全物理环境</td><td>防火</td><td>设置消防</td></tr>' +
          '<tr><td>防盗</td><td>设置监控</td></tr></table>',
      ),
    ).toEqual([
      '层面 | 控制点 | 要求',
      '层面: 安全物理环境 | 控制点: 防火 | 要求: 设置消防',
      '层面: 安全物理环境 | 控制点: 防盗 | 要求: 设置监控',
    ]);
  });

  it('writes a colspan once, a merged title once, and skips empty cells', () => {
    expect(
      texts(
        '<table><tr><td colspan="3">表1 测评对象</td></tr>' +
          '<tr><td>类别</td><td>名称</td><td>备注</td></tr>' +
          '<tr><td colspan="2">核心交换机</td><td></td></tr>' +
          '<tr><td>服务器</td><td>Web</td><td>DMZ</td></tr></table>',
      ),
    ).toEqual(['表1 测评对象', '类别 | 名称 | 备注', '类别: 核心交换机', '类别: 服务器 | 名称: Web | 备注: DMZ']);
  });

  it('takes a first row of numbers or long text as data, not as a header', () => {
    expect(texts('<table><tr><td>2019</td><td>2020</td></tr><tr><td>a</td><td>b</td></tr></table>')).toEqual([
      '2019 | 2020',
      'a | b',
    ]);
    const long = '应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换';
    expect(texts(`<table><tr><td>8.1.4.1</td><td>${long}</td></tr><tr><td>x</td><td>y</td></tr></table>`)).toEqual([
      `8.1.4.1 | ${long}`,
      'x | y',
    ]);
  });

  it('keeps hostile spans bounded: huge rowspan/colspan are clamped and a vast grid is given as plain rows', () => {
    const started = performance.now();
    const lines = tableLines([
      [
        { text: 'a', colspan: 1e9 },
        { text: 'b', rowspan: 1e9 },
      ],
      [{ text: 'c' }],
    ]);
    // The clamped colspan still makes a 101-column header; b's rowspan reaches the second (and last) row only.
    expect(lines.map((line) => line.text)).toEqual(['a | b', 'a: c | b']);
    const wide = Array.from({ length: 3000 }, () => [{ text: 'x', colspan: 100 }, { text: 'y' }]);
    expect(tableLines(wide)).toHaveLength(3000);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reads pipe tables, HTML blocks and converter LaTeX in Markdown', () => {
    const md = [
      '温湿度 $1 8 ^ { \\circ } C - 2 7 ^ { \\circ } C$ 与 $4 0 \\% - 6 0 \\%$，距离 $3 0  { \\mathtt { k m } }$；' +
        '参照 $\\mathrm { J R } / \\mathrm { T 0 0 } 7 1$，$7 { * 2 4 }$ 值守，$\\mathbf { N } { + } 1$ 冗余',
      '',
      'prices $5 and $10 stay',
      '',
      '<html><body><table><tr><td>测评活动</td><td>主要工作任务</td></tr>' +
        '<tr><td rowspan="2">测评准备活动</td><td>工作启动</td></tr><tr><td>信息收集和分析</td></tr></table></body></html>',
      '',
      '| 级别 | 留存 |',
      '| --- | --- |',
      '| 三级 | 6 个月 |',
    ].join('\n');
    expect(parseMarkdown(utf8(md)).lines.map((line) => line.text)).toEqual([
      '温湿度 18°C-27°C 与 40%-60%，距离 30km；参照 JR/T0071，7*24 值守，N+1 冗余',
      'prices $5 and $10 stay',
      '测评活动 | 主要工作任务',
      '测评活动: 测评准备活动 | 主要工作任务: 工作启动',
      '测评活动: 测评准备活动 | 主要工作任务: 信息收集和分析',
      '级别 | 留存',
      '级别: 三级 | 留存: 6 个月',
    ]);
  });
});

describe('chunks around a table', () => {
  it('a table is chunked apart from the prose before and after it, rows never made headings', () => {
    const md = [
      '## 3.3.1 项目材料提交',
      '',
      '测评报告完成后，需两周内提交市等保办，光盘目录如下。',
      '',
      '| 序号 | 文档名称 |',
      '| --- | --- |',
      '| 1 | 关于出具测评结论的报告 |',
      '| 8.1.4.1 | 身份鉴别 |',
      '',
      '放置5个工作日待抽审。',
    ].join('\n');
    const doc = structureDocument(parseMarkdown(utf8(md)));
    expect(doc.blocks.filter((block) => block.kind === 'heading').map((block) => block.text)).toEqual([
      '3.3.1 项目材料提交',
    ]);
    const counter = WordPieceTokenCounter.fromDirectory(TOKENIZER_DIR);
    expect(chunkDocument(doc, counter).map((chunk) => chunk.text)).toEqual([
      '测评报告完成后，需两周内提交市等保办，光盘目录如下。',
      '序号 | 文档名称\n序号: 1 | 文档名称: 关于出具测评结论的报告\n序号: 8.1.4.1 | 文档名称: 身份鉴别',
      '放置5个工作日待抽审。',
    ]);
  });
});

describe('the MLPS Markdown standards', () => {
  const markdownFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? markdownFiles(path.join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [path.join(dir, entry.name)]
          : [],
    );
  const files = markdownFiles(path.join(CORPUS, 'mlps'));
  const withTables = files.filter((file) => readFileSync(file, 'utf8').includes('<table'));

  it('parse to lines without table markup or LaTeX commands', () => {
    expect(withTables.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const lines = parseMarkdown(readFileSync(file)).lines.map((line) => line.text);
      const markup = lines.filter((text) => /<\/?(table|tr|td|th|tbody|html|body)\b/i.test(text));
      const latex = lines.filter((text) => /\\(math[a-z]*|circ|left|right)\b/.test(text));
      expect({ file: path.basename(file), markup: markup.slice(0, 2), latex: latex.slice(0, 2) }).toEqual({
        file: path.basename(file),
        markup: [],
        latex: [],
      });
    }
  });

  it('a high-risk guide row says its layer and control point, also under a rowspan', () => {
    const guide = files.find((file) => path.basename(file).startsWith('网络安全等级保护测评高风险判定指引'));
    expect(guide).toBeDefined();
    const lines = parseMarkdown(readFileSync(guide!)).lines.map((line) => line.text);
    // Row 2 (防火) is under the rowspan of row 1's 安全通用要求 / 安全物理环境.
    const fire = lines.find((text) => text.includes('对应编号: 6.1.2.1'));
    expect(fire).toMatch(/层面: 安全物理环境/);
    expect(fire).toMatch(/控制点: 防火/);
    expect(fire).toMatch(/控制项: 机房应设置火灾自动消防系统/);
  });
});

describe('search over a table', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('finds a table row as a readable passage (no markup), its header with it', async () => {
    const engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    try {
      const library = await engine.openLibrary(path.join(tmp.dir, 'tables.kb.sqlite'), { create: true });
      await library.ingest([path.join(CORPUS, 'mlps/guidance')]);
      const hits = await library.search('机房出入口电子门禁系统 对应判例 适用范围', { k: 10 });
      const hit = hits.find((h) => h.text.includes('电子门禁系统') && h.text.includes(' | '));
      expect(hit, hits.map((h) => h.text.slice(0, 80)).join('\n')).toBeDefined();
      expect(hit!.text).not.toMatch(/<\/?t[rdh]\b/);
      expect(hit!.text).toMatch(/控制点: 物理访问控制/);

      // An answer quotes the rows found, not the whole 80-row table under the heading.
      const { answer } = await library.ask('机房出入口没有电子门禁系统，高风险判例怎么整改？');
      const tableQuotes = answer.citations.filter((c) => c.quote.includes('整改建议: '));
      expect(tableQuotes.length, answer.answer).toBeGreaterThan(0);
      for (const citation of tableQuotes) expect(citation.quote.split('\n').length).toBeLessThanOrEqual(12);
      expect(tableQuotes.some((c) => /对应判例: 机房出入口访问控制措施缺失 \| 整改建议: /.test(c.quote))).toBe(true);
    } finally {
      await engine.dispose();
    }
  }, 120_000);
});
