import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { makeZip, parseErrorOf } from './fixtures.ts';
import { makeOfd } from './officeFixtures.ts';

const MiB = 1024 * 1024;

const PAGES = [
  [
    // Out of order in the XML, as producers write them: placed by position.
    { x: 20, y: 40, text: '第二行在下面。' },
    { x: 20, y: 30, text: '关于开展网络安全等级保护工作的通知' },
  ],
  [
    { x: 20, y: 30, text: '8.1.4.1 身份鉴别' },
    { x: 20, y: 40, text: 'a）应对登录的用户进行身份标识和鉴别，' },
    // Two pieces on one baseline: one line, left to right.
    { x: 60, y: 50, text: '身份鉴别信息具有复杂度要求。' },
    { x: 20, y: 50, text: '身份标识具有唯一性，' },
    { x: 20, y: 60, text: 'Level 3' },
    { x: 40, y: 60, text: 'systems' },
  ],
];

describe('parseOfd', () => {
  it('pages in order with their numbers, text placed top to bottom and left to right, the title from OFD.xml', async () => {
    const r = await parseSource(makeOfd(PAGES, { title: '等保通知' }), '通知.ofd');
    expect(r).toEqual({
      type: 'ofd',
      title: '等保通知',
      pageCount: 2,
      layoutWrapped: true,
      lines: [
        { text: '关于开展网络安全等级保护工作的通知', page: 1 },
        { text: '第二行在下面。', page: 1 },
        { text: '8.1.4.1 身份鉴别', page: 2 },
        { text: 'a）应对登录的用户进行身份标识和鉴别，', page: 2 },
        { text: '身份标识具有唯一性，身份鉴别信息具有复杂度要求。', page: 2 },
        { text: 'Level 3 systems', page: 2, paragraphEnd: true },
      ],
    });
  });

  it('refuses pages without text, encrypted packages, bombs, a missing DocRoot and mislabelled files', async () => {
    expect(await parseErrorOf(() => parseSource(makeOfd([[], []]), 'scan.ofd'))).toMatchObject({
      code: 'no-text-layer',
    });
    const encrypted = makeOfd(PAGES, { extra: [{ name: 'Encryptions.xml', data: '<ofd:Encryptions/>' }] });
    expect(await parseErrorOf(() => parseSource(encrypted, 'secret.ofd'))).toMatchObject({ code: 'encrypted' });
    const bomb = makeOfd(PAGES, {
      extra: [
        {
          name: 'Doc_0/Pages/Page_9/Content.xml',
          data: `<ofd:Page>${' '.repeat(2 * MiB)}</ofd:Page>`,
          claimedSize: 10,
        },
      ],
    });
    expect(await parseErrorOf(() => parseSource(bomb, 'bomb.ofd', { maxDecompressedBytes: MiB }))).toMatchObject({
      code: 'too-large',
    });
    const noRoot = makeZip([{ name: 'OFD.xml', data: '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>' }]);
    expect(await parseErrorOf(() => parseSource(noRoot, 'broken.ofd'))).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('DocRoot'),
    });
    expect(
      await parseErrorOf(() => parseSource(new TextEncoder().encode('%PDX not pdf'), 'renamed.ofd')),
    ).toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining('not an OFD document'),
    });
  });
});
