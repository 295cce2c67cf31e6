// Deeply nested HTML: htmlparser2 keeps its open elements with Array unshift/shift, so time grows with the square
// of the depth (2 MB of nested <div> took 82 s and blocked the engine). Past MAX_HTML_NESTING the file is refused
// with a reason, in time bounded by that depth; HTML nested less deep is read as before.
import { describe, expect, it } from 'vitest';
import { MAX_HTML_NESTING } from '../../../electron/engine/parse/htmlToLines.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { parseErrorOf, utf8 } from './fixtures.ts';

describe('deeply nested HTML', () => {
  it.each([
    ['<div> never closed', (n: number) => `${'<div>'.repeat(n)}正文`],
    ['<div> closed', (n: number) => `${'<div>'.repeat(n)}正文${'</div>'.repeat(n)}`],
    ['<b> closed by the wrong tag', (n: number) => `${'<b>'.repeat(n)}正文${'</i>'.repeat(n)}`],
    ['tables in cells', (n: number) => `${'<table><tr><td>'.repeat(n)}正文`],
  ])(
    '2 MB or more of %s: refused with a reason, not parsed for minutes',
    async (_name, make) => {
      const html = `<html><body><p>应对登录的用户进行身份鉴别。</p>${make(400_000)}</body></html>`;
      expect(html.length).toBeGreaterThan(2_000_000);
      const error = await parseErrorOf(() => parseSource(utf8(html), 'nested.html'));
      expect(error).toEqual({
        code: 'unsupported',
        message: expect.stringContaining(
          `HTML nested more than ${MAX_HTML_NESTING.toLocaleString('en')} elements deep`,
        ) as unknown,
      });
    },
    20_000,
  );

  it(`nesting up to ${MAX_HTML_NESTING} is read, text and all`, async () => {
    const depth = MAX_HTML_NESTING - 10;
    const html = `<html><body>${'<div>'.repeat(depth)}<p>应对登录的用户进行身份鉴别。</p>${'</div>'.repeat(depth)}</body></html>`;
    const parsed = await parseSource(utf8(html), 'deep.html');
    expect(parsed.lines.map((line) => line.text)).toEqual(['应对登录的用户进行身份鉴别。']);
  });
});
