// The new formats through the real engine: files generated here (SheetJS, LibreOffice, hand-written ZIP XML) are
// ingested with createEngine → openLibrary → ingest, then searched and asked; each citation must say where its
// passage is — the slide or OFD page, the sheet (in the heading path) and the row's cell reference (in the quote).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { passageBlocks } from '../../shared/passageBlocks.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';
import {
  convertWithLibreOffice,
  makeDoc,
  makeEncryptedOoxml,
  makeOfd,
  makePptx,
  SERIAL_2019_12_01,
  workbookBytes,
} from './parse/officeFixtures.ts';

/** A one-sheet workbook: a merged title, a header, rows (a date and a formula with its cached value in each). */
function workbook(sheet: string, rows: [string, string][]): XLSX.WorkBook {
  const data = XLSX.utils.aoa_to_sheet([
    [`${sheet}测评记录`],
    ['控制点', '测评项', '检查日期', '得分'],
    ...rows.map(([point, item], i) => [
      point,
      item,
      { t: 'n', v: SERIAL_2019_12_01 + i, z: 'yyyy-mm-dd' },
      { t: 'n', f: `${i + 1}*5`, v: (i + 1) * 5 },
    ]),
  ]);
  data['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: 3 } }];
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, data, sheet);
  return book;
}

describe('Office and OFD documents through the engine', () => {
  let engine: Engine;
  let library: Library;
  let cleanup: () => void;
  let root: string;

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    root = temp.dir;
    const xlsx = workbookBytes(
      workbook('安全计算环境', [
        ['身份鉴别', '应对登录的用户进行身份标识和鉴别，身份标识具有唯一性'],
        ['入侵防范', '应遵循最小安装的原则，仅安装需要的组件和应用程序'],
      ]),
      'xlsx',
    );
    const forXls = workbookBytes(
      workbook('安全区域边界', [['边界防护', '应能够对非授权设备私自联到内部网络的行为进行检查']]),
      'xlsx',
    );
    const forOds = workbookBytes(
      workbook('安全管理中心', [['集中管控', '应对网络链路、安全设备、网络设备和服务器等的运行状况进行集中监测']]),
      'xlsx',
    );
    writeFileSync(path.join(root, '测评记录.xlsx'), xlsx);
    writeFileSync(path.join(root, '边界.xls'), convertWithLibreOffice(forXls, 'b.xlsx', 'xls'));
    writeFileSync(path.join(root, '管理中心.ods'), convertWithLibreOffice(forOds, 'c.xlsx', 'ods'));
    writeFileSync(
      path.join(root, '恶意代码.doc'),
      makeDoc(
        '<h1>8.1.4.5 恶意代码防范</h1><p>应采用免受恶意代码攻击的技术措施或主动免疫可信验证机制及时识别入侵和病毒行为，并将其有效阻断。</p>',
      ),
    );
    writeFileSync(
      path.join(root, '培训.pptx'),
      makePptx([
        { title: '测评培训', paragraphs: ['第三级系统'] },
        {
          title: '数据备份恢复',
          paragraphs: ['应提供重要数据的本地数据备份与恢复功能'],
          notes: ['讲解：异地实时备份是三级的要求。'],
        },
      ]),
    );
    writeFileSync(
      path.join(root, '通知.ofd'),
      makeOfd([
        [
          { x: 20, y: 30, text: '关于开展等级保护测评工作的通知' },
          { x: 20, y: 40, text: '各单位：现将有关事项通知如下。' },
        ],
        [
          { x: 20, y: 30, text: '8.1.4.8 剩余信息保护' },
          { x: 20, y: 40, text: '应保证鉴别信息所在的存储空间被释放或重新分配前得到完全清除。' },
        ],
      ]),
    );
    writeFileSync(path.join(root, '加密.xlsx'), makeEncryptedOoxml());
    engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    library = await engine.openLibrary(path.join(root, 'office.kb.sqlite'), { create: true });
  }, 180_000);
  afterAll(async () => {
    await engine?.dispose();
    cleanup();
  });

  it('indexes every format, names each type, and fails the encrypted workbook with the password reason', async () => {
    const summary = await library.ingest([root]);
    expect(summary.skipped.filter((s) => !s.path.includes('office.kb.sqlite'))).toEqual([]);
    expect(summary.failed.map((f) => [path.basename(f.path), f.code])).toEqual([['加密.xlsx', 'encrypted']]);
    expect(summary.failed[0]!.reason).toMatch(/password-protected/);
    const types = Object.fromEntries(library.listDocuments().map((d) => [path.basename(d.path), d.type]));
    expect(types).toEqual({
      '测评记录.xlsx': 'xlsx',
      '边界.xls': 'xls',
      '管理中心.ods': 'ods',
      '恶意代码.doc': 'doc',
      '培训.pptx': 'pptx',
      '通知.ofd': 'ofd',
      '加密.xlsx': null,
    });
    const pptx = library.listDocuments().find((d) => d.type === 'pptx')!;
    expect(pptx.pageCount).toBe(2);
  });

  it('a spreadsheet row is found with its sheet in the heading path and its cell reference in the text', async () => {
    const hits = await library.search('最小安装的原则');
    const hit = hits[0]!;
    expect(path.basename(hit.documentPath)).toBe('测评记录.xlsx');
    expect(hit.headingPath).toEqual(['安全计算环境', '安全计算环境测评记录']);
    expect(hit.text).toContain('单元格: 安全计算环境!A4 | 控制点: 入侵防范 | 测评项: 应遵循最小安装的原则');
    expect(hit.text).toContain('检查日期: 2019-12-02 | 得分: 10');
    expect(hit.pageStart).toBeNull();
    // Read back as the renderer draws it (shared/passageBlocks.ts): a table whose first column is the cell.
    const table = passageBlocks(hit.text).find((block) => block.kind === 'table');
    expect(table).toMatchObject({ kind: 'table', header: ['单元格', '控制点', '测评项', '检查日期', '得分'] });
    expect(table?.kind === 'table' ? table.rows.map((row) => row[0]) : []).toContain('安全计算环境!A4');

    const xls = (await library.search('非授权设备私自联到内部网络'))[0]!;
    expect([path.basename(xls.documentPath), xls.headingPath[0]]).toEqual(['边界.xls', '安全区域边界']);
    expect(xls.text).toContain('单元格: 安全区域边界!A3 | 控制点: 边界防护');
    const ods = (await library.search('运行状况进行集中监测'))[0]!;
    expect([path.basename(ods.documentPath), ods.headingPath[0]]).toEqual(['管理中心.ods', '安全管理中心']);
    expect(ods.text).toContain('单元格: 安全管理中心!A3 | 控制点: 集中管控');
  });

  it('asked, each cites where the passage is: the slide, the OFD page, the sheet and cell, the .doc clause', async () => {
    const ask = async (question: string) => {
      const { answer } = await library.ask(question, { record: false });
      expect(answer.status, question).not.toBe('not_found');
      return answer.citations[0]!;
    };
    const slide = await ask('重要数据的本地数据备份与恢复功能');
    expect([path.basename(slide.documentPath), slide.page, slide.headingPath]).toEqual([
      '培训.pptx',
      2,
      ['数据备份恢复'],
    ]);
    expect(slide.quote).toContain('应提供重要数据的本地数据备份与恢复功能');

    const ofd = await ask('鉴别信息所在的存储空间被释放或重新分配前怎么处理？');
    expect([path.basename(ofd.documentPath), ofd.page, ofd.headingPath.at(-1)]).toEqual([
      '通知.ofd',
      2,
      '8.1.4.8 剩余信息保护',
    ]);
    expect(ofd.quote).toContain('得到完全清除');

    const sheet = await ask('身份标识具有唯一性');
    expect(path.basename(sheet.documentPath)).toBe('测评记录.xlsx');
    expect(sheet.headingPath[0]).toBe('安全计算环境');
    expect(sheet.quote).toContain('安全计算环境!A3');

    const doc = await ask('恶意代码防范有哪些要求？');
    expect(path.basename(doc.documentPath)).toBe('恶意代码.doc');
    expect(doc.headingPath.at(-1)).toBe('8.1.4.5 恶意代码防范');
    expect(doc.quote).toContain('免受恶意代码攻击');
  });
});
