import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../../electron/engine/parse/parseHtml.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { concat, encodeLegacy, encodeUtf16, parseErrorOf, utf8 } from './fixtures.ts';

const PAGE = `<!DOCTYPE html>
<html><head>
  <meta charset="utf-8">
  <title>  GB/T 22239 &amp; 测评  </title>
  <style>p { color: red }</style>
  <script>var secret = "should not appear";</script>
</head>
<body>
  <noscript>enable JavaScript</noscript>
  <template><p>template text</p></template>
  <h1>网络安全等级保护</h1>
  <h3>8.1.4.1 身份鉴别</h3>
  <p>本项要求包括：<br>a）应对登录的用户进行身份标识和鉴别；<br/>b）应具有登录失败处理功能。</p>
  <p>Some   <b>bold</b>
     and <i>italic</i> text &lt;here&gt; &nbsp;&copy; 2019</p>
  <div>块一<div>块二</div></div>
  <ul><li>条目一</li><li>条目二</li></ul>
  <table>
    <tr><th>控制点</th><th>要求</th></tr>
    <tr><td>身份鉴别</td><td><p>应对用户</p><p>进行鉴别</p></td></tr>
  </table>
  <pre>line one
  indented line

line four</pre>
  <p hidden>hidden text</p>
</body></html>`;

describe('parseHtml', () => {
  it('converts structure to lines', () => {
    const r = parseHtml(utf8(PAGE));
    expect(r.type).toBe('html');
    expect(r.title).toBe('GB/T 22239 & 测评');
    expect(r.encoding).toBe('utf-8');
    expect(r.lines).toEqual([
      { text: '网络安全等级保护', headingLevel: 1, paragraphEnd: true },
      { text: '8.1.4.1 身份鉴别', headingLevel: 3, paragraphEnd: true },
      { text: '本项要求包括：' },
      { text: 'a）应对登录的用户进行身份标识和鉴别；' },
      { text: 'b）应具有登录失败处理功能。', paragraphEnd: true },
      { text: 'Some bold and italic text <here> \u00A0© 2019', paragraphEnd: true },
      { text: '块一', paragraphEnd: true },
      { text: '块二', paragraphEnd: true },
      { text: '条目一', paragraphEnd: true },
      { text: '条目二', paragraphEnd: true },
      { text: '控制点 | 要求', paragraphEnd: true, tableRow: true },
      { text: '控制点: 身份鉴别 | 要求: 应对用户 进行鉴别', paragraphEnd: true, tableRow: true },
      { text: 'line one' },
      { text: '  indented line' },
      { text: '' },
      { text: 'line four', paragraphEnd: true },
    ]);
    const text = r.lines.map((l) => l.text).join('\n');
    for (const dropped of ['secret', 'color', 'enable JavaScript', 'template text', 'hidden text']) {
      expect(text).not.toContain(dropped);
    }
  });

  it('honours <meta charset> for GBK pages', () => {
    const html =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>标题</title></head><body><p>信息安全技术</p></body></html>';
    const r = parseHtml(encodeLegacy(html, 'gb18030'));
    expect(r.encoding).toBe('gb18030');
    expect(r.title).toBe('标题');
    expect(r.lines).toEqual([{ text: '信息安全技术', paragraphEnd: true }]);
  });

  it('honours <meta charset=big5> even where detection would be ambiguous', () => {
    const html = '<meta charset="big5"><p>中文</p>';
    expect(parseHtml(encodeLegacy(html, 'big5'))).toMatchObject({ encoding: 'big5', lines: [{ text: '中文' }] });
  });

  it('falls back to detection when the declared charset does not fit the bytes', () => {
    const html = '<meta charset="utf-8"><p>信息安全技术，网络安全等级保护基本要求。</p>';
    const r = parseHtml(encodeLegacy(html, 'gb18030'));
    expect(r.encoding).toBe('gb18030');
    expect(r.lines[0]?.text).toBe('信息安全技术，网络安全等级保护基本要求。');
  });

  it('lets a BOM win over <meta charset>', () => {
    const html = '<meta charset="gbk"><p>网络安全</p>';
    const r = parseHtml(encodeUtf16(html, 'le', true));
    expect(r.encoding).toBe('utf-16le');
    expect(r.lines[0]?.text).toBe('网络安全');
    expect(parseHtml(concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(html))).encoding).toBe('utf-8');
  });

  it('is chosen for .htm/.html and sniffed for unknown extensions', async () => {
    const page = utf8('<!doctype html><title>T</title><p>x</p>');
    expect((await parseSource(page, 'a.htm')).type).toBe('html');
    expect((await parseSource(page, 'download')).type).toBe('html');
    expect((await parseSource(page, 'a.txt')).type).toBe('text');
  });

  it('refuses a page with no visible text as empty', async () => {
    const e = await parseErrorOf(() =>
      parseHtml(utf8('<html><head><title>x</title><script>1</script></head><body> </body></html>')),
    );
    expect(e.code).toBe('empty');
  });
});
