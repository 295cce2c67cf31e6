import { describe, expect, it, vi } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { parseSpreadsheet } from '../../../electron/engine/parse/parseSpreadsheet.ts';
import { makeZip, parseErrorOf } from './fixtures.ts';
import {
  convertWithLibreOffice,
  makeEncryptedOoxml,
  testRecordWorkbook,
  workbookBytes,
  withOleStream,
} from './officeFixtures.ts';

const MiB = 1024 * 1024;

/** What every producer's copy of the test-record workbook must read as. */
const EXPECTED_LINES = [
  { text: '安全计算环境', headingLevel: 1, paragraphEnd: true },
  { text: '网络安全等级保护测评记录表', headingLevel: 2, paragraphEnd: true },
  {
    text: '单元格: 安全计算环境!A3 | 控制点: 身份鉴别 | 测评项: 应对登录的用户进行身份标识和鉴别，身份标识具有唯一性 | 符合项数: 3 | 检查日期: 2019-12-01 | 得分: 6',
    paragraphEnd: true,
    tableRow: true,
  },
  {
    // The control point merged over rows 3–4 is given to row 4 too; its own first cell is B4.
    text: '单元格: 安全计算环境!B4 | 控制点: 身份鉴别 | 测评项: 应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施 | 符合项数: 4 | 检查日期: 2020-01-15 | 得分: 8',
    paragraphEnd: true,
    tableRow: true,
  },
  {
    text: '单元格: 安全计算环境!A5 | 控制点: 访问控制 | 测评项: 应对登录的用户分配账户和权限 | 符合项数: 2 | 检查日期: 2019-12-02 | 得分: 4',
    paragraphEnd: true,
    tableRow: true,
  },
  { text: '问题 清单', headingLevel: 1, paragraphEnd: true },
  {
    text: "单元格: '问题 清单'!A2 | 问题: 堡垒机未启用双因素认证 | 整改建议: 采用口令和数字证书两种鉴别技术",
    paragraphEnd: true,
    tableRow: true,
  },
];

describe('parseSpreadsheet', () => {
  it('.xlsx (SheetJS): a section per sheet, merged title once, header in every row, cached formula values, dates', async () => {
    const r = await parseSource(workbookBytes(testRecordWorkbook(), 'xlsx'), '测评记录.xlsx');
    expect(r.type).toBe('xlsx');
    expect(r.lines).toEqual(EXPECTED_LINES);
    // A formula's text never reaches the index, only what it showed.
    expect(r.lines.some((l) => l.text.includes('C3*2'))).toBe(false);
  });

  it('reads the same in any time zone (dates are serials, not the machine clock)', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(parseSpreadsheet(workbookBytes(testRecordWorkbook(), 'xlsx'), 'xlsx').lines).toEqual(EXPECTED_LINES);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('.xls and .ods written by LibreOffice (a second producer) read the same; .et (WPS, BIFF) too', async () => {
    const xlsx = workbookBytes(testRecordWorkbook(), 'xlsx');
    const xls = convertWithLibreOffice(xlsx, 'records.xlsx', 'xls');
    const ods = convertWithLibreOffice(xlsx, 'records.xlsx', 'ods');
    const fromXls = await parseSource(xls, 'records.xls');
    expect(fromXls.type).toBe('xls');
    expect(fromXls.lines).toEqual(EXPECTED_LINES);
    // SheetJS's console.error about LibreOffice's number formats ("ODS number format may be incorrect") is not ours
    // to print: it would reach the CLI's stderr.
    const consoleError = vi.spyOn(console, 'error');
    const fromOds = await parseSource(ods, 'records.ods');
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
    expect(fromOds.type).toBe('ods');
    expect(fromOds.lines).toEqual(EXPECTED_LINES);
    // WPS's .et is BIFF in an OLE file: content decides, whatever the extension.
    expect((await parseSource(xls, '记录.et')).lines).toEqual(EXPECTED_LINES);
  }, 120_000);

  it('.xls and .ods as SheetJS writes them', async () => {
    for (const bookType of ['xls', 'ods'] as const) {
      const r = await parseSource(workbookBytes(testRecordWorkbook(), bookType), `records.${bookType}`);
      expect(r.type).toBe(bookType);
      expect(r.lines).toEqual(EXPECTED_LINES);
    }
  });

  it('an encrypted workbook is refused as password-protected, an empty one as empty', async () => {
    expect(await parseErrorOf(() => parseSource(makeEncryptedOoxml(), '加密.xlsx'))).toMatchObject({
      code: 'encrypted',
      message: expect.stringContaining('password-protected'),
    });
    // An .xls whose globals hold a FILEPASS record (type 0x002F) right after BOF.
    const xls = workbookBytes(testRecordWorkbook(), 'xls');
    const encrypted = withOleStream(xls, 'Workbook', (biff) => {
      const bofLength = 4 + ((biff[2] ?? 0) | ((biff[3] ?? 0) << 8));
      const filePass = new Uint8Array([0x2f, 0x00, 0x02, 0x00, 0x00, 0x00]);
      const out = new Uint8Array(biff.length + filePass.length);
      out.set(biff.subarray(0, bofLength));
      out.set(filePass, bofLength);
      out.set(biff.subarray(bofLength), bofLength + filePass.length);
      return out;
    });
    expect(await parseErrorOf(() => parseSource(encrypted, 'secret.xls'))).toMatchObject({ code: 'encrypted' });

    const empty = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(empty, XLSX.utils.aoa_to_sheet([]), 'Sheet1');
    expect(await parseErrorOf(() => parseSource(workbookBytes(empty, 'xlsx'), 'empty.xlsx'))).toMatchObject({
      code: 'empty',
    });
  });

  it('a workbook whose sheet XML would inflate past the limit is refused before SheetJS reads it', async () => {
    const bytes = workbookBytes(testRecordWorkbook(), 'xlsx');
    expect(await parseErrorOf(() => parseSource(bytes, 'records.xlsx', { maxDecompressedBytes: 1024 }))).toMatchObject({
      code: 'too-large',
    });
    // A sheet that lies about its size in the directory: caught while inflating under the cap.
    const bomb = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook/>' },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet>${'<row/>'.repeat(MiB)}</worksheet>`, claimedSize: 100 },
    ]);
    expect(await parseErrorOf(() => parseSource(bomb, 'bomb.xlsx', { maxDecompressedBytes: MiB }))).toMatchObject({
      code: 'too-large',
    });
  });

  it('a merge claiming whole columns does not fill millions of cells: refused as too large', async () => {
    const sheet = XLSX.utils.aoa_to_sheet([['标题'], ['控制点', '测评项'], ['身份鉴别', '应对登录的用户进行身份鉴别']]);
    sheet['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 1_048_575, c: 16_383 } }];
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, 'S');
    expect(await parseErrorOf(() => parseSource(workbookBytes(book, 'xlsx'), 'merged.xlsx'))).toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('merged cells'),
    });
  });

  it('a damaged or mislabelled workbook fails with a reason', async () => {
    const bytes = workbookBytes(testRecordWorkbook(), 'xlsx');
    expect(await parseErrorOf(() => parseSource(bytes.subarray(0, bytes.length - 200), 'cut.xlsx'))).toMatchObject({
      code: 'corrupt',
    });
    expect(
      await parseErrorOf(() => parseSource(new TextEncoder().encode('控制点,要求\n'), 'renamed.xlsx')),
    ).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('not an Excel .xlsx workbook'),
    });
    expect(await parseErrorOf(() => parseSource(new TextEncoder().encode('plain text'), 'renamed.xls'))).toMatchObject({
      code: 'corrupt',
    });
  });
});
