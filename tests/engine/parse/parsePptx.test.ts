import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { makeZip, parseErrorOf } from './fixtures.ts';
import { makeEncryptedOoxml, makePptx } from './officeFixtures.ts';

const MiB = 1024 * 1024;

const DECK = [
  { title: '等级保护测评培训', paragraphs: ['第三级安全要求概述', '测评机构：某测评中心'] },
  {
    title: '8.1.4.1 身份鉴别',
    paragraphs: ['a）应对登录的用户进行身份标识和鉴别'],
    table: [
      ['控制点', '测评方法'],
      ['身份鉴别', '核查用户身份标识的唯一性'],
    ],
    notes: ['讲解时强调：双因素认证是三级系统的要求。'],
  },
  { paragraphs: ['没有标题的幻灯片'] },
];

describe('parsePptx', () => {
  it('slides in the deck order, slide number as the page, title as heading, tables, notes; no slide numbers', async () => {
    const r = await parseSource(makePptx(DECK, { title: '测评培训' }), '培训.pptx');
    expect(r).toEqual({
      type: 'pptx',
      title: '测评培训',
      pageCount: 3,
      layoutWrapped: false,
      lines: [
        { text: '等级保护测评培训', page: 1, headingLevel: 1, paragraphEnd: true },
        { text: '第三级安全要求概述', page: 1, paragraphEnd: true },
        { text: '测评机构：某测评中心', page: 1, paragraphEnd: true },
        { text: '8.1.4.1 身份鉴别', page: 2, headingLevel: 1, paragraphEnd: true },
        { text: 'a）应对登录的用户进行身份标识和鉴别', page: 2, paragraphEnd: true },
        { text: '控制点 | 测评方法', page: 2, paragraphEnd: true, tableRow: true },
        { text: '控制点: 身份鉴别 | 测评方法: 核查用户身份标识的唯一性', page: 2, paragraphEnd: true, tableRow: true },
        { text: '讲解时强调：双因素认证是三级系统的要求。', page: 2, paragraphEnd: true },
        { text: 'Slide 3', page: 3, headingLevel: 1, paragraphEnd: true },
        { text: '没有标题的幻灯片', page: 3, paragraphEnd: true },
      ],
    });
  });

  it('refuses a deck of pictures (no text), an encrypted one, a bomb, a damaged or mislabelled file', async () => {
    expect(await parseErrorOf(() => parseSource(makePptx([{}, {}]), 'pictures.pptx'))).toMatchObject({
      code: 'empty',
    });
    expect(await parseErrorOf(() => parseSource(makeEncryptedOoxml(), 'secret.pptx'))).toMatchObject({
      code: 'encrypted',
    });
    const bomb = makePptx(DECK, {
      extra: [{ name: 'ppt/slides/slide9.xml', data: `<p:sld>${'<a:p/>'.repeat(MiB)}</p:sld>`, claimedSize: 64 }],
    });
    expect(await parseErrorOf(() => parseSource(bomb, 'bomb.pptx', { maxDecompressedBytes: MiB }))).toMatchObject({
      code: 'too-large',
    });
    // XML nested thousands deep (the readers walk the tree recursively): damaged, not a stack overflow.
    const nested = makePptx(DECK, {
      extra: [{ name: 'ppt/slides/slide1.xml', data: `<p:sld>${'<p:grpSp>'.repeat(5000)}</p:sld>` }],
    });
    expect(await parseErrorOf(() => parseSource(nested, 'nested.pptx'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('nests more than 256 levels'),
    });
    const bytes = makePptx(DECK);
    expect(await parseErrorOf(() => parseSource(bytes.subarray(0, bytes.length - 30), 'cut.pptx'))).toMatchObject({
      code: 'corrupt',
    });
    const notADeck = makeZip([{ name: 'readme.txt', data: 'hello' }]);
    expect(await parseErrorOf(() => parseSource(notADeck, 'renamed.pptx'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('not a PowerPoint .pptx file'),
    });
  });
});
