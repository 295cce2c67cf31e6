// Encoding detection line by line on the real corpus: every line of the MLPS documents encoded as BOM-less UTF-16
// (both byte orders) and as GB18030, every non-ASCII line of NIST's catalogue as cp1252, each decoded on its own —
// the hardest case, a file that is one short line. Before the fixes: 7.25 % of the UTF-16 lines were refused as
// binary (ideographs with a NUL byte: 开 U+5F00), 5.8 % of the cp1252 lines read as UTF-16, and short GBK lines
// (2019-12-01 实施) as UTF-8.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../electron/engine/parse/decodeText.ts';
import { corpus, encodeLegacy, encodeUtf16 } from './fixtures.ts';

function linesOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

const mlps = readdirSync(corpus('mlps')).flatMap((folder) =>
  readdirSync(corpus('mlps', folder)).flatMap((file) => linesOf(corpus('mlps', folder, file))),
);
const nonAscii = (line: string): boolean => [...line].some((ch) => ch.charCodeAt(0) > 0x7f);

/** The lines that do not come back as themselves in `encoding`. */
function misread(lines: string[], encode: (line: string) => Uint8Array, encoding: string): string[] {
  const wrong: string[] = [];
  for (const line of lines) {
    let bytes: Uint8Array;
    try {
      bytes = encode(line);
    } catch {
      continue; // a character the legacy encoding lacks
    }
    try {
      const decoded = decodeText(bytes);
      if (decoded.text !== line || decoded.encoding !== encoding) wrong.push(`${decoded.encoding}: ${line}`);
    } catch {
      wrong.push(`refused: ${line}`);
    }
  }
  return wrong;
}

describe('decodeText on single corpus lines', () => {
  it(`BOM-less UTF-16 LE and BE: all ${mlps.length} MLPS lines read back`, () => {
    expect(mlps.length).toBeGreaterThan(15_000);
    expect(misread(mlps, (l) => encodeUtf16(l, 'le', false), 'utf-16le')).toEqual([]);
    expect(misread(mlps, (l) => encodeUtf16(l, 'be', false), 'utf-16be')).toEqual([]);
  });

  it('cp1252: every non-ASCII line of the NIST catalogue reads back as windows-1252', () => {
    const nist = linesOf(corpus('nist', 'sp800-53r5-controls.md')).filter(nonAscii);
    expect(nist.length).toBeGreaterThan(100);
    expect(misread(nist, (l) => encodeLegacy(l, 'windows-1252'), 'windows-1252')).toEqual([]);
  });

  it('GB18030: at most 0.07 % of the MLPS lines misread, none of them a date line', () => {
    const chinese = mlps.filter(nonAscii);
    const wrong = misread(chinese, (l) => encodeLegacy(l, 'gb18030'), 'gb18030');
    console.log(`GB18030: ${wrong.length} of ${chinese.length} lines misread:\n${wrong.join('\n')}`);
    expect(wrong.length / chinese.length).toBeLessThan(0.0007);
    expect(wrong.filter((w) => w.includes('实施'))).toEqual([]);
  });
});
