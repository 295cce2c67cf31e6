import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../electron/engine/parse/parseCsv.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { corpus, encodeLegacy, parseErrorOf, utf8 } from './fixtures.ts';

describe('parseCsv', () => {
  it('turns each data row into one "Header: value | …" line, skipping empty cells and flattening newlines', () => {
    const csv = 'ID,Name,Text\r\nAC-1,Policy,"a. Develop;\r\nb. Review"\r\nAC-2,,Account management\r\n\r\n';
    expect(parseCsv(utf8(csv))).toEqual({
      type: 'csv',
      encoding: 'utf-8',
      layoutWrapped: false,
      lines: [
        { text: 'ID: AC-1 | Name: Policy | Text: a. Develop; b. Review', paragraphEnd: true, tableRow: true },
        { text: 'ID: AC-2 | Text: Account management', paragraphEnd: true, tableRow: true },
      ],
    });
  });

  it('detects ; and tab delimiters and names unnamed or extra columns', () => {
    expect(parseCsv(utf8('控制点;要求\n身份鉴别;应对用户进行身份鉴别\n')).lines[0]?.text).toBe(
      '控制点: 身份鉴别 | 要求: 应对用户进行身份鉴别',
    );
    expect(parseCsv(utf8('a\t\nx\ty\tz\n')).lines[0]?.text).toBe('a: x | Column 2: y | Column 3: z');
  });

  it('decodes GBK CSV', () => {
    const r = parseCsv(encodeLegacy('控制点,要求\n身份鉴别,应对登录的用户进行身份标识和鉴别\n', 'gb18030'));
    expect(r.encoding).toBe('gb18030');
    expect(r.lines[0]?.text).toBe('控制点: 身份鉴别 | 要求: 应对登录的用户进行身份标识和鉴别');
  });

  it('reads the real cp1252 NIST catalogue: AC-2 with correct punctuation, no U+FFFD', async () => {
    const bytes = new Uint8Array(readFileSync(corpus('nist/sp800-53r5-control-catalog.csv')));
    const r = await parseSource(bytes, 'sp800-53r5-control-catalog.csv');
    expect(r.type).toBe('csv');
    expect(r.encoding).toBe('windows-1252');
    expect(r.lines.length).toBeGreaterThan(1000);
    expect(r.lines.some((l) => l.text.includes('\uFFFD'))).toBe(false);
    const ac2 = r.lines.find((l) => l.text.startsWith('Control Identifier: AC-2 |'));
    expect(ac2?.text).toContain('Control (or Control Enhancement) Name: Account Management');
    expect(ac2?.text).toContain('a. Define and document the types of accounts allowed');
    expect(ac2?.text).not.toMatch(/[\r\n]/);
    const ac13 = r.lines.find((l) => l.text.startsWith('Control Identifier: AC-13 |'));
    expect(ac13?.text).toContain('Supervision and Review — Access Control');
    expect(r.lines.some((l) => l.text.includes('organization’s'))).toBe(true);
  });

  it('refuses malformed CSV as corrupt, naming the line', async () => {
    const e = await parseErrorOf(() => parseCsv(utf8('a,b\n1,2\n3,"unterminated\n4,5\n')));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/^malformed CSV at line \d+ \(row \d+\)/);
  });

  it('refuses a header-only or empty CSV as empty', async () => {
    expect((await parseErrorOf(() => parseCsv(utf8('a,b,c\n')))).code).toBe('empty');
    expect((await parseErrorOf(() => parseCsv(utf8('\n\n')))).code).toBe('empty');
  });
});
