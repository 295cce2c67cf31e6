import { beforeAll, describe, expect, it } from 'vitest';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { parseErrorOf } from './fixtures.ts';
import { makeDoc, makeEncryptedOoxml, makeOle, withOleStream } from './officeFixtures.ts';

const HTML = [
  '<h1>8.1.4.1 身份鉴别</h1>',
  '<p>本项要求包括：</p>',
  '<p>a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；</p>',
  '<p>b）应具有登录失败处理功能；</p>',
  '<table><tr><td>控制点</td><td>测评项</td></tr><tr><td>访问控制</td><td>应对登录的用户分配账户和权限</td></tr></table>',
  '<p>“双引号”保留</p>',
].join('');

describe('parseDoc (Word 97–2003, written by LibreOffice)', () => {
  let doc: Uint8Array;
  beforeAll(() => {
    doc = makeDoc(HTML);
  }, 120_000);

  it('reads paragraphs in order, a table as rows labelled by its header, quotes as written', async () => {
    const started = performance.now();
    const r = await parseSource(doc, '基本要求.doc');
    const ms = performance.now() - started;
    expect(r.type).toBe('doc');
    expect(r.layoutWrapped).toBe(false);
    expect(r.lines.map((l) => l.text)).toEqual([
      '8.1.4.1 身份鉴别',
      '本项要求包括：',
      'a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；',
      'b）应具有登录失败处理功能；',
      // A table as every format's tables: the header row, then each row with its header (tableLines.ts).
      '控制点 | 测评项',
      '控制点: 访问控制 | 测评项: 应对登录的用户分配账户和权限',
      '“双引号”保留',
    ]);
    expect(r.lines.every((l) => l.paragraphEnd)).toBe(true);
    expect(r.lines.filter((l) => l.tableRow).map((l) => l.text)).toHaveLength(2);
    console.log(`parsed a ${doc.length}-byte Chinese .doc in ${ms.toFixed(1)} ms`);
  });

  it('a .wps saved in Word format is read as a .doc (content decides)', async () => {
    expect((await parseSource(doc, '方案.wps')).type).toBe('doc');
  });

  it('password-protected: encrypted OOXML named .doc, and a .doc whose FIB says fEncrypted', async () => {
    expect(await parseErrorOf(() => parseSource(makeEncryptedOoxml(), 'secret.doc'))).toMatchObject({
      code: 'encrypted',
      message: expect.stringContaining('password-protected'),
    });
    const flagged = withOleStream(doc, 'WordDocument', (fib) => {
      const out = Uint8Array.from(fib);
      out[0x0b] = (out[0x0b] ?? 0) | 0x01; // flags word at 0x0A, bit 8 = fEncrypted
      return out;
    });
    expect(await parseErrorOf(() => parseSource(flagged, 'secret.doc'))).toMatchObject({ code: 'encrypted' });
    // The same file named .docx is refused for its password, not as a damaged .docx.
    expect(await parseErrorOf(() => parseSource(flagged, 'secret.docx'))).toMatchObject({ code: 'encrypted' });
  });

  it('damaged: a truncated .doc, a WordDocument stream that is not Word, an OLE file of another kind', async () => {
    const truncated = await parseErrorOf(() => parseSource(doc.subarray(0, 1536), 'cut.doc'));
    expect(truncated.code).toBe('corrupt');
    const garbage = makeOle({ WordDocument: new Uint8Array(4096).fill(0x41) });
    expect(await parseErrorOf(() => parseSource(garbage, 'garbage.doc'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('damaged Word .doc'),
    });
    expect(await parseErrorOf(() => parseSource(makeOle({ Contents: new Uint8Array(600) }), 'x.doc'))).toMatchObject({
      code: 'unsupported',
    });
    expect(await parseErrorOf(() => parseSource(new TextEncoder().encode('just text'), 'renamed.doc'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('not a Word .doc file'),
    });
  });

  it('.ppt (PowerPoint 97–2003) is refused with "export it as PDF"', async () => {
    const ppt = makeOle({ 'PowerPoint Document': new Uint8Array(1024), 'Current User': new Uint8Array(64) });
    expect(await parseErrorOf(() => parseSource(ppt, 'slides.ppt'))).toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('export it as PDF'),
    });
  });
});
