import { describe, expect, it } from 'vitest';
import { detectDocumentType } from '../../../electron/engine/parse/detectDocumentType.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { ParseError } from '../../../electron/engine/parse/types.ts';
import { concat, makeDocx, makePdf, makeZip, parseErrorOf, utf8, w } from './fixtures.ts';

describe('detectDocumentType / parseSource', () => {
  it('detects PDF and DOCX by content, whatever the name says', async () => {
    expect(detectDocumentType(makePdf({ pages: [['x']] }), 'scan.txt')).toBe('pdf');
    expect(detectDocumentType(concat(utf8('junk\n'), makePdf({ pages: [['x']] })), 'x')).toBe('pdf');
    expect(detectDocumentType(makeDocx(w.p('x')), 'notes.md')).toBe('docx');
    const r = await parseSource(makeDocx(w.p('正文')), 'download.bin');
    expect(r).toMatchObject({ type: 'docx', lines: [{ text: '正文' }] });
  });

  it('uses the extension for text formats', () => {
    const text = utf8('hello\n');
    expect(detectDocumentType(text, 'a.md')).toBe('markdown');
    expect(detectDocumentType(text, 'a.markdown')).toBe('markdown');
    expect(detectDocumentType(text, 'a.html')).toBe('html');
    expect(detectDocumentType(text, 'a.htm')).toBe('html');
    expect(detectDocumentType(text, 'a.csv')).toBe('csv');
    expect(detectDocumentType(text, 'a.txt')).toBe('text');
    expect(detectDocumentType(text, 'README')).toBe('text');
    expect(detectDocumentType(text, 'notes.log')).toBe('text');
  });

  it('tells the Office and OFD packages apart by their parts; refuses other OpenDocument files and plain ZIPs', async () => {
    const xlsx = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<w/>' },
    ]);
    expect(detectDocumentType(xlsx, 'book.bin')).toBe('xlsx');
    expect(detectDocumentType(makeZip([{ name: 'ppt/presentation.xml', data: '<p/>' }]), 'deck')).toBe('pptx');
    expect(detectDocumentType(makeZip([{ name: 'OFD.xml', data: '<o/>' }]), 'a.zip')).toBe('ofd');
    const openDocument = (type: string): Uint8Array =>
      makeZip([
        { name: 'mimetype', data: `application/vnd.oasis.opendocument.${type}`, compress: false },
        { name: 'content.xml', data: '<c/>' },
      ]);
    expect(detectDocumentType(openDocument('spreadsheet'), 'sheet.ods')).toBe('ods');
    const zip = makeZip([{ name: 'a.txt', data: 'hello' }]);
    const xlsb = makeZip([{ name: 'xl/workbook.bin', data: new Uint8Array(64) }]);
    for (const [bytes, name, pattern] of [
      [xlsb, 'book.xlsx', /\.xlsb\) are not supported: save it as \.xlsx/],
      [openDocument('text'), 'letter.odt', /OpenDocument files other than spreadsheets \(text\)/],
      [zip, 'files.zip', /ZIP archives are not supported/],
    ] as const) {
      const e = await parseErrorOf(() => parseSource(bytes, name));
      expect(e.code).toBe('unsupported');
      expect(e.message).toMatch(pattern);
    }
  });

  it('refuses binary content as unsupported "binary content, not text"', async () => {
    const png = concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array(100));
    for (const [bytes, name] of [
      [png, 'image.png'],
      [png, 'image.txt'],
      [concat(utf8('abc'), new Uint8Array([0, 1, 2, 0, 0, 3, 0xff, 0])), 'data.bin'],
    ] as const) {
      const e = await parseErrorOf(() => parseSource(bytes, name));
      expect(e.code).toBe('unsupported');
      expect(e.message).toMatch(/^binary content, not text \(/);
    }
  });

  it('refuses a zero-byte file as empty, whatever its type', async () => {
    for (const name of ['a.pdf', 'a.docx', 'a.txt', 'a.md', 'a.csv', 'a.html']) {
      expect(await parseErrorOf(() => parseSource(new Uint8Array(), name))).toEqual({
        code: 'empty',
        message: 'empty file: nothing to index',
      });
    }
  });

  it('throws real ParseError instances', async () => {
    await expect(parseSource(new Uint8Array(), 'a.txt')).rejects.toBeInstanceOf(ParseError);
  });
});
