import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText, guessLegacyEncoding } from '../../../electron/engine/parse/decodeText.ts';
import { concat, corpus, encodeLegacy, encodeUtf16, parseErrorOf, utf8 } from './fixtures.ts';

const SIMPLIFIED =
  '8.1.4.1 身份鉴别\n本项要求包括：\na）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；\n';
const TRADITIONAL = '資訊安全技術 網路安全等級保護基本要求\n應對登入的使用者進行身分識別和鑑別，身分識別具有唯一性。\n';
const LATIN = 'The organization’s “account managers” — see AC-2. Café naïve Größe façade, 5 €.\n';

describe('decodeText', () => {
  it('decodes UTF-8 without and with a BOM (BOM stripped)', () => {
    expect(decodeText(utf8(SIMPLIFIED))).toEqual({ text: SIMPLIFIED, encoding: 'utf-8' });
    expect(decodeText(concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(SIMPLIFIED)))).toEqual({
      text: SIMPLIFIED,
      encoding: 'utf-8',
    });
  });

  it('treats pure ASCII as UTF-8 (not as UTF-16 CJK)', () => {
    expect(decodeText(utf8('abcd\n'))).toEqual({ text: 'abcd\n', encoding: 'utf-8' });
    expect(decodeText(utf8('abcdef'))).toEqual({ text: 'abcdef', encoding: 'utf-8' });
  });

  it.each([
    ['le', true],
    ['be', true],
    ['le', false],
    ['be', false],
  ] as const)('decodes UTF-16%s (BOM: %s), Chinese text with ASCII', (endian, bom) => {
    const bytes = encodeUtf16(SIMPLIFIED, endian, bom);
    expect(decodeText(bytes)).toEqual({ text: SIMPLIFIED, encoding: `utf-16${endian}` });
  });

  it.each(['le', 'be'] as const)('decodes UTF-16%s without BOM for Latin-only text', (endian) => {
    const text = 'Hello, world.\r\nSecond line.\r\n';
    expect(decodeText(encodeUtf16(text, endian, false))).toEqual({ text, encoding: `utf-16${endian}` });
  });

  it.each(['le', 'be'] as const)('decodes UTF-16%s without BOM for pure CJK text (no NUL bytes at all)', (endian) => {
    const text = '网络安全等级保护基本要求，身份鉴别。';
    const bytes = encodeUtf16(text, endian, false);
    expect(bytes.includes(0)).toBe(false);
    expect(decodeText(bytes)).toEqual({ text, encoding: `utf-16${endian}` });
  });

  it.each(['le', 'be'] as const)(
    'decodes UTF-16%s without BOM when 一 (U+4E00) puts NULs on the other parity',
    (endian) => {
      const text = '一一一网络安全一';
      expect(decodeText(encodeUtf16(text, endian, false))).toEqual({ text, encoding: `utf-16${endian}` });
    },
  );

  it('detects GB18030/GBK simplified Chinese', () => {
    const bytes = encodeLegacy(SIMPLIFIED, 'gb18030');
    expect(decodeText(bytes)).toEqual({ text: SIMPLIFIED, encoding: 'gb18030' });
    // a short mixed line too
    const short = '第8.1.4.1条 身份鉴别 (GB/T 22239)';
    expect(decodeText(encodeLegacy(short, 'gb18030'))).toEqual({ text: short, encoding: 'gb18030' });
  });

  it('detects Big5 traditional Chinese (not misread as GBK)', () => {
    const bytes = encodeLegacy(TRADITIONAL, 'big5');
    expect(decodeText(bytes)).toEqual({ text: TRADITIONAL, encoding: 'big5' });
  });

  it('detects windows-1252 Latin text with curly quotes, dashes and accents', () => {
    const bytes = encodeLegacy(LATIN, 'windows-1252');
    expect(guessLegacyEncoding(bytes)).toBe('windows-1252');
    expect(decodeText(bytes)).toEqual({ text: LATIN, encoding: 'windows-1252' });
  });

  it('decodes the real cp1252 NIST control catalogue as windows-1252 with correct punctuation', () => {
    const { text, encoding } = decodeText(new Uint8Array(readFileSync(corpus('nist/sp800-53r5-control-catalog.csv'))));
    expect(encoding).toBe('windows-1252');
    expect(text).not.toContain('\uFFFD');
    expect(text).toContain('the system’s components'); // 0x92 → U+2019
    expect(text).toContain('Supervision and Review — Access Control'); // 0x97 → U+2014
  });

  it('keeps UTF-8 whose last character was cut off', () => {
    const bytes = utf8('网络安全等级保护');
    const { text, encoding } = decodeText(bytes.subarray(0, bytes.length - 1));
    expect(encoding).toBe('utf-8');
    expect(text.startsWith('网络安全等级保')).toBe(true);
  });

  it('refuses binary content', async () => {
    const random = new Uint8Array(4096);
    let x = 12345;
    for (let i = 0; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const e = await parseErrorOf(() => decodeText(random));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/^binary content, not text \(/);

    const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    expect((await parseErrorOf(() => decodeText(controls))).message).toMatch(/^binary content, not text/);
  });

  it('keeps UTF-8 with a stray NUL byte as UTF-8 (ASCII pairs must not turn into UTF-16 "CJK")', () => {
    const text = `${'The quick brown fox jumps over the lazy dog. '.repeat(20)}\u0000end\n`;
    expect(decodeText(utf8(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('reads BOM-less UTF-16 Chinese whose ideographs hold a NUL byte (开 U+5F00, 需 U+9700) with spaces and digits', () => {
    for (const text of ['引 言', '开 需 2019', '一、开展测评需要的材料', '备上。']) {
      for (const endian of ['le', 'be'] as const) {
        expect(decodeText(encodeUtf16(text, endian, false)), `${text} ${endian}`).toEqual({
          text,
          encoding: `utf-16${endian}`,
        });
      }
    }
  });

  it('reads a cp1252 English line with a curly quote as windows-1252, not as UTF-16 "CJK"', () => {
    const line = 'Notify the user, upon successful logon, of the system’s use conditions.';
    expect(decodeText(encodeLegacy(line, 'windows-1252'))).toEqual({ text: line, encoding: 'windows-1252' });
  });

  it('reads a short GBK line that is also valid UTF-8 (2019-12-01 实施) as GB18030; real UTF-8 stays UTF-8', () => {
    expect(decodeText(encodeLegacy('2019-12-01 实施', 'gb18030'))).toEqual({
      text: '2019-12-01 实施',
      encoding: 'gb18030',
    });
    for (const text of ['café résumé naïve', 'Защита информации', 'Ελληνικά', '2019-12-01 实施']) {
      expect(decodeText(utf8(text)), text).toEqual({ text, encoding: 'utf-8' });
    }
  });

  it('returns empty text for zero bytes', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
  });
});
