// The engine on the real documents in ../shared/corpus: the same standard as PDF and DOCX, a printed PDF with running
// headers and footers, a PDF that needs CJK CMaps, and NIST's cp1252 CSV.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { storeOf } from '../../electron/engine/Library.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from './helpers.ts';

const OFFICE = path.join(CORPUS, 'mlps-office');
const CLAUSE_8141 = ['8 第三级安全要求', '8.1 安全通用要求', '8.1.4 安全计算环境', '8.1.4.1 身份鉴别'];

describe('real corpus', () => {
  let engine: Engine;
  let library: Library;
  let cleanup: () => void;

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(temp.dir, 'corpus.kb.sqlite'), { create: true });
    const summary = await library.ingest([
      OFFICE,
      path.join(CORPUS, 'pdf-edge'),
      path.join(CORPUS, 'nist/sp800-53r5-control-catalog.csv'),
    ]);
    expect(summary.failed).toEqual([]);
  });
  afterAll(async () => {
    await engine.dispose();
    cleanup();
  });

  const chunksOf = (fileName: string): { text: string; heading_path: string; page_start: number | null }[] =>
    storeOf(library)
      .database.prepare(
        'SELECT c.text, c.heading_path, c.page_start FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.path LIKE ? ORDER BY c.ord',
      )
      .all(`%${fileName}`) as { text: string; heading_path: string; page_start: number | null }[];

  it.each(['GBT22239-2019_基本要求.pdf', 'GBT22239-2019_基本要求.docx'])(
    '%s: clause 8.1.4.1 has its full heading path and its items',
    async (file) => {
      const clause = chunksOf(file).filter((c) => JSON.parse(c.heading_path).join('|') === CLAUSE_8141.join('|'));
      expect(clause).toHaveLength(1);
      for (const item of [
        'a）应对登录的用户进行身份标识和鉴别',
        'b）应具有登录失败处理功能',
        'c）当进行远程管理时',
        'd）应采用口令、密码技术',
      ]) {
        expect(clause[0]!.text).toContain(item);
      }
      if (file.endsWith('.pdf')) expect(clause[0]!.page_start).toBe(32);
    },
  );

  it('the PDF and the DOCX of GB/T 22239 name the same clauses', async () => {
    const leafHeadings = (file: string): Set<string> =>
      new Set(chunksOf(file).map((c) => (JSON.parse(c.heading_path) as string[]).at(-1) ?? ''));
    const pdf = leafHeadings('GBT22239-2019_基本要求.pdf');
    const docx = leafHeadings('GBT22239-2019_基本要求.docx');
    const common = [...docx].filter((h) => pdf.has(h));
    expect(common.length / docx.size).toBeGreaterThan(0.9);
    for (const clause of ['7.1.1.2 物理访问控制', '8.1.10.6 运维管理', '9.1.4.9 数据备份恢复']) {
      expect(pdf.has(clause) || [...pdf].some((h) => h.startsWith(clause.split(' ')[0]!)), clause).toBe(true);
    }
  });

  it('a lexical search finds clause 8.1.4.1 once: the PDF copy, with the DOCX listed as another copy', async () => {
    const hits = await library.search('三级系统对身份鉴别有哪些要求？', { k: 5 });
    const clause = hits.filter((h) => h.headingPath.at(-1) === '8.1.4.1 身份鉴别');
    expect(clause).toHaveLength(1);
    expect(path.extname(clause[0]!.documentPath)).toBe('.pdf');
    expect(clause[0]!.pageStart).toBe(32);
    expect(clause[0]!.standard).toBe('GB/T 22239-2019');
    expect(clause[0]!.alsoIn.map((c) => path.extname(c.documentPath))).toEqual(['.docx']);
  });

  it('the printed GB/T 25070 PDF loses its running headers and footers and its lines join', async () => {
    const text = chunksOf('GBT25070-2019_安全设计技术要求.pdf')
      .map((c) => c.text)
      .join('\n');
    expect(text).not.toMatch(/127\.0\.0\.1:8765/);
    expect(text).not.toMatch(/\d+\/58/);
    expect(text).not.toContain('⼯'); // Kangxi radical from the PDF font, folded to 工
    expect(text).toContain('工业控制系统');
    // A sentence the layout broke across lines ("实时\n性") is whole again.
    expect(text).toContain('业务的重要性、实时性、业务的关联性');
  });

  it('the CJK CMap PDF yields its Chinese text', async () => {
    expect(
      chunksOf('cjk-cmap-no-tounicode.pdf')
        .map((c) => c.text)
        .join(''),
    ).toContain('预定义CMap测试：人工智能与机器学习');
  });

  it('NIST CSV in cp1252 decodes with its punctuation intact', async () => {
    const doc = library.listDocuments().find((d) => d.path.endsWith('sp800-53r5-control-catalog.csv'))!;
    expect(doc.encoding).toBe('windows-1252');
    const text = chunksOf('sp800-53r5-control-catalog.csv')
      .map((c) => c.text)
      .join('\n');
    expect(text).not.toContain('\uFFFD');
    expect(text).toContain('Control Identifier: AC-2');
    expect((await library.search('account management', { k: 3 })).length).toBe(3);
  });
});
