import { describe, expect, it } from 'vitest';
import { ChineseSegmenter, foldForIndex } from '../../electron/engine/search/ChineseSegmenter.ts';

const segmenter = new ChineseSegmenter();

describe('ChineseSegmenter', () => {
  it('splits Chinese into words, with the parts of long words for search', () => {
    const tokens = segmenter.indexTokens('网络安全等级保护测评');
    expect(tokens).toEqual(expect.arrayContaining(['网络', '安全', '网络安全', '等级', '保护', '测评']));
  });

  it('keeps clause numbers whole and drops punctuation', () => {
    expect(segmenter.indexTokens('见 8.1.4.1 身份鉴别，及附录 A.2。')).toEqual(['见', '8.1.4.1', '身份', '鉴别', '身份鉴别', '及', '附录', 'a.2']);
  });

  it('folds full-width Latin and case', () => {
    expect(foldForIndex('ＧＢ／Ｔ 22239')).toBe('gb/t 22239');
    expect(segmenter.indexTokens('ＧＢ／Ｔ 22239')).toEqual(segmenter.indexTokens('gb/t 22239'));
  });

});
