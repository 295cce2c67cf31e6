import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocx } from '../../../electron/engine/parse/parseDocx.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { readZipDirectory } from '../../../electron/engine/parse/readZipDirectory.ts';
import { corpus, makeDocx, makeZip, parseErrorOf, w } from './fixtures.ts';
import { makeEncryptedOoxml } from './officeFixtures.ts';

const MiB = 1024 * 1024;

describe('parseDocx', () => {
  it('parses GB/T 22239 DOCX: Word headings, paragraph breaks, line breaks', async () => {
    const bytes = new Uint8Array(readFileSync(corpus('mlps-office/GBT22239-2019_基本要求.docx')));
    const r = await parseSource(bytes, 'GBT22239-2019_基本要求.docx');
    expect(r.type).toBe('docx');
    expect(r.layoutWrapped).toBe(false);
    const i = r.lines.findIndex((l) => l.text === '8.1.4.1 身份鉴别');
    expect(i).toBeGreaterThan(0);
    expect(r.lines[i]).toMatchObject({ headingLevel: 4, paragraphEnd: true });
    const next = r.lines.slice(i + 1, i + 6).map((l) => l.text);
    expect(next).toContain(
      'a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；',
    );
    expect(r.lines.find((l) => l.text === '8.1.4 安全计算环境')?.headingLevel).toBe(3);
    expect(r.lines.some((l) => l.page !== undefined)).toBe(false);
  });

  it('maps headings, <br>, paragraphs, lists and tables', async () => {
    const body = [
      w.p('第一章 总则', 'Heading1'),
      w.p('本标准规定了要求。'),
      w.pWithBreaks('第一行', '第二行'),
      w.li('项目甲'),
      w.li('项目乙'),
      w.table([
        ['控制点', '要求'],
        ['身份鉴别', '应对用户进行身份鉴别'],
      ]),
      w.p('8.1.4.1 身份鉴别', 'Heading4'),
    ].join('');
    const r = await parseDocx(makeDocx(body, { title: 'GB/T 测试 &amp; 标题' }));
    expect(r).toEqual({
      type: 'docx',
      title: 'GB/T 测试 & 标题',
      layoutWrapped: false,
      lines: [
        { text: '第一章 总则', headingLevel: 1, paragraphEnd: true },
        { text: '本标准规定了要求。', paragraphEnd: true },
        { text: '第一行' },
        { text: '第二行', paragraphEnd: true },
        { text: '项目甲', paragraphEnd: true },
        { text: '项目乙', paragraphEnd: true },
        { text: '控制点 | 要求', paragraphEnd: true, tableRow: true },
        { text: '控制点: 身份鉴别 | 要求: 应对用户进行身份鉴别', paragraphEnd: true, tableRow: true },
        { text: '8.1.4.1 身份鉴别', headingLevel: 4, paragraphEnd: true },
      ],
    });
  });

  it('folds Kangxi radicals in DOCX text', async () => {
    const r = await parseDocx(makeDocx(w.p('\u2F2F业控制系统')));
    expect(r.lines[0]?.text).toBe('工业控制系统');
  });

  it('refuses a zip bomb whose central directory claims a huge size, before decompressing', async () => {
    const bomb = makeDocx(w.p('x'), { extra: [{ name: 'word/bomb.xml', data: '<x/>', claimedSize: 0xfffffff0 }] });
    const t0 = performance.now();
    const e = await parseErrorOf(() => parseSource(bomb, 'bomb.docx'));
    expect(e.code).toBe('too-large');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses a genuinely highly compressed entry (> 200:1 and > 10 MB)', async () => {
    const zeros = new Uint8Array(24 * MiB);
    const bomb = makeDocx(w.p('x'), { extra: [{ name: 'word/media/image1.png', data: zeros }] });
    expect(bomb.length).toBeLessThan(MiB);
    const e = await parseErrorOf(() => parseDocx(bomb));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/zip bomb/);
  });

  it('honours maxDecompressedBytes for the XML parts', async () => {
    const big = `<x>${'a'.repeat(2 * MiB)}</x>`;
    const docx = makeDocx(w.p('x'), { extra: [{ name: 'word/big.xml', data: big }] });
    expect((await parseErrorOf(() => parseDocx(docx, { maxDecompressedBytes: MiB }))).code).toBe('too-large');
    await expect(parseDocx(docx, { maxDecompressedBytes: 4 * MiB })).resolves.toMatchObject({ type: 'docx' });
  });

  it('refuses an entry that inflates past what the central directory claims (lying directory)', async () => {
    const xml = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${w.p('a'.repeat(3 * MiB))}</w:body></w:document>`;
    const lying = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: xml, claimedSize: 100 },
    ]);
    expect(readZipDirectory(lying).find((e) => e.name === 'word/document.xml')?.uncompressedSize).toBe(100);
    const e = await parseErrorOf(() => parseDocx(lying, { maxDecompressedBytes: MiB }));
    expect(e.code).toBe('too-large');
  });

  it('refuses a .docx that is random bytes as corrupt', async () => {
    const random = new Uint8Array(8192);
    let x = 7;
    for (let i = 0; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const e = await parseErrorOf(() => parseSource(random, 'report.docx'));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/not a Word \.docx file/);
  });

  it('refuses a truncated .docx (ZIP without its central directory) as corrupt', async () => {
    const bytes = new Uint8Array(readFileSync(corpus('mlps-office/GBT22239-2019_基本要求.docx')));
    const e = await parseErrorOf(() => parseSource(bytes.subarray(0, 30_000), 'truncated.docx'));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/damaged ZIP archive/);
  });

  it('refuses an encrypted .docx (OLE-wrapped) as password-protected, and an OLE header alone as damaged', async () => {
    for (const name of ['secret.docx', 'old.doc']) {
      const e = await parseErrorOf(() => parseSource(makeEncryptedOoxml(), name));
      expect(e.code).toBe('encrypted');
      expect(e.message).toMatch(/^password-protected Office document/);
    }
    expect(await parseErrorOf(() => parseDocx(makeEncryptedOoxml()))).toMatchObject({ code: 'encrypted' });
    const header = new Uint8Array(1024);
    header.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(await parseErrorOf(() => parseSource(header, 'secret.docx'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('OLE compound structure cannot be read'),
    });
  });

  it('refuses a ZIP without word/document.xml named .docx as corrupt', async () => {
    const zip = makeZip([{ name: 'hello.txt', data: 'hi' }]);
    expect((await parseErrorOf(() => parseSource(zip, 'a.docx'))).code).toBe('corrupt');
  });
});
