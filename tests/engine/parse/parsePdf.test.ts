import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../../electron/engine/parse/parsePdf.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import type { ParsedSource } from '../../../electron/engine/parse/types.ts';
import { corpus, makePdf, parseErrorOf, utf8 } from './fixtures.ts';

const read = (...p: string[]): Uint8Array => new Uint8Array(readFileSync(corpus(...p)));
const allText = (r: ParsedSource): string => r.lines.map((l) => l.text).join('\n');

describe('parsePdf', () => {
  it('extracts CJK text from a predefined-CMap font without ToUnicode (needs cMapUrl)', async () => {
    const r = await parseSource(read('pdf-edge/cjk-cmap-no-tounicode.pdf'), 'cjk-cmap-no-tounicode.pdf');
    expect(r.type).toBe('pdf');
    expect(r.lines.map((l) => l.text)).toContain('预定义CMap测试：人工智能与机器学习');
    expect(r.lines[0]?.page).toBe(1);
  });

  it('parses GB/T 22239 (79 pages) with page numbers on every line', async () => {
    const r = await parsePdf(read('mlps-office/GBT22239-2019_基本要求.pdf'));
    expect(r).toMatchObject({ type: 'pdf', pageCount: 79, layoutWrapped: true });
    expect(r.lines.every((l) => typeof l.page === 'number' && l.page >= 1 && l.page <= 79)).toBe(true);
    expect(new Set(r.lines.map((l) => l.page)).size).toBeGreaterThan(70);
    const heading = r.lines.find((l) => l.text === '8.1.4.1 身份鉴别');
    expect(heading?.page).toBe(32);
    // pages are in order
    const pages = r.lines.map((l) => l.page ?? 0);
    expect(pages.every((p, i) => i === 0 || p >= (pages[i - 1] ?? 0))).toBe(true);
    // table-of-contents gaps come out as spaces, never tabs
    expect(allText(r)).not.toContain('\t');
  });

  it('folds Kangxi radicals in GB/T 25070 (⼯业 → 工业) and reads its title', async () => {
    const r = await parsePdf(read('mlps-office/GBT25070-2019_安全设计技术要求.pdf'));
    const text = allText(r);
    expect(r.pageCount).toBe(58);
    expect(text).not.toContain('\u2F2F');
    expect(text).not.toMatch(/[\u2E80-\u2FDF\uF900-\uFAFF]/);
    expect(text).toContain('工业');
    expect(text).toContain('用户');
    expect(text).toContain('中华人民共和国');
    expect(r.title).toBe('GB/T 25070—2019 信息安全技术 网络安全等级保护安全设计技术要求');
  });

  it('reads a minimal hand-written PDF: lines, pages, title', async () => {
    const r = await parsePdf(makePdf({ pages: [['Hello World', 'Second line'], ['Page two']], title: 'My Title' }));
    expect(r).toEqual({
      type: 'pdf',
      lines: [
        { text: 'Hello World', page: 1 },
        { text: 'Second line', page: 1 },
        { text: 'Page two', page: 2 },
      ],
      pageCount: 2,
      title: 'My Title',
      layoutWrapped: true,
    });
  });

  it('does not detach or modify the caller’s bytes', async () => {
    const bytes = makePdf({ pages: [['Keep me']] });
    const copy = bytes.slice();
    await parsePdf(bytes);
    expect(bytes).toEqual(copy);
  });

  it('refuses a truncated PDF (first 10 KB of a real one) as corrupt', async () => {
    const truncated = read('mlps-office/GBT22239-2019_基本要求.pdf').subarray(0, 10 * 1024);
    const e = await parseErrorOf(() => parseSource(truncated, 'truncated.pdf'));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/truncated/);
  });

  it('refuses a PDF whose structure is damaged as corrupt', async () => {
    const e = await parseErrorOf(() => parsePdf(utf8('%PDF-1.4\nthis is not a PDF body\n%%EOF\n')));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/damaged PDF/);
  });

  it('refuses a .pdf that is actually text as corrupt', async () => {
    const e = await parseErrorOf(() => parseSource(utf8('just some text, renamed to .pdf\n'), 'report.pdf'));
    expect(e).toEqual({
      code: 'corrupt',
      message: expect.stringMatching(/^not a PDF file: content does not start with %PDF-/),
    });
  });

  it('refuses a password-protected PDF as encrypted', async () => {
    const e = await parseErrorOf(() => parsePdf(makePdf({ pages: [['secret']], encrypted: true })));
    expect(e).toEqual({ code: 'encrypted', message: 'password-protected PDF: remove the password and add it again' });
  });

  it('reports pages without any text as no-text-layer (scanned)', async () => {
    const e = await parseErrorOf(() => parsePdf(makePdf({ pages: [[], []] })));
    expect(e).toEqual({
      code: 'no-text-layer',
      message: 'no extractable text (scanned document?) — OCR is not supported yet',
    });
  });
});
