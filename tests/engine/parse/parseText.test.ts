import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../../electron/engine/parse/parseText.ts';
import { corpus, encodeLegacy, encodeUtf16, parseErrorOf, utf8 } from './fixtures.ts';

describe('parseText', () => {
  it('splits \\r\\n, \\r and \\n; a blank line ends the paragraph before it', () => {
    const r = parseText(utf8('第一段第一行\r\n第一段第二行\r\n\r\n第二段\r第三行\n\n\n  \n最后一行   \n'));
    expect(r).toEqual({
      type: 'text',
      encoding: 'utf-8',
      layoutWrapped: false,
      lines: [
        { text: '第一段第一行' },
        { text: '第一段第二行', paragraphEnd: true },
        { text: '第二段' },
        { text: '第三行', paragraphEnd: true },
        { text: '最后一行', paragraphEnd: true },
      ],
    });
  });

  it('keeps leading indentation and full-width punctuation verbatim', () => {
    expect(parseText(utf8('　　本项要求包括：（a）')).lines[0]?.text).toBe('　　本项要求包括：（a）');
  });

  it('decodes GB18030, Big5 and UTF-16 files', () => {
    expect(parseText(encodeLegacy('身份鉴别\n访问控制\n', 'gb18030'))).toMatchObject({
      encoding: 'gb18030',
      lines: [{ text: '身份鉴别' }, { text: '访问控制' }],
    });
    expect(parseText(encodeLegacy('身分識別與存取控制\n', 'big5'))).toMatchObject({
      encoding: 'big5',
      lines: [{ text: '身分識別與存取控制' }],
    });
    expect(parseText(encodeUtf16('身份鉴别\r\n', 'be', false))).toMatchObject({
      encoding: 'utf-16be',
      lines: [{ text: '身份鉴别' }],
    });
  });

  it('folds radicals in plain text', () => {
    expect(parseText(utf8('\u2F2F业')).lines[0]?.text).toBe('工业');
  });

  it('reads a large real Chinese text file', () => {
    const r = parseText(new Uint8Array(readFileSync(corpus('crud-rag/news_part1.txt'))));
    expect(r.encoding).toBe('utf-8');
    expect(r.lines.length).toBeGreaterThan(1000);
  });

  it('refuses whitespace-only text and a lone BOM as empty', async () => {
    expect(await parseErrorOf(() => parseText(utf8(' \n\t\r\n')))).toEqual({
      code: 'empty',
      message: 'empty file: nothing to index',
    });
    expect((await parseErrorOf(() => parseText(new Uint8Array([0xef, 0xbb, 0xbf])))).code).toBe('empty');
  });
});
