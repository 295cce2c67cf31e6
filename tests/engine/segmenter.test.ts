import { describe, expect, it } from 'vitest';
import { ChineseSegmenter, foldForIndex } from '../../electron/engine/search/ChineseSegmenter.ts';
import { tilingParts } from '../../electron/engine/search/searchPassages.ts';

const segmenter = new ChineseSegmenter();

describe('ChineseSegmenter', () => {
  it('splits Chinese into words, with the parts of long words for search', () => {
    const tokens = segmenter.indexTokens('网络安全等级保护测评');
    expect(tokens).toEqual(expect.arrayContaining(['网络', '安全', '网络安全', '等级', '保护', '测评']));
  });

  it('keeps clause numbers whole and drops punctuation', () => {
    expect(segmenter.indexTokens('见 8.1.4.1 身份鉴别，及附录 A.2。')).toEqual([
      '见',
      '8.1.4.1',
      '身份',
      '鉴别',
      '身份鉴别',
      '及',
      '附录',
      'a.2',
    ]);
  });

  it('folds full-width Latin and case', () => {
    expect(foldForIndex('ＧＢ／Ｔ 22239')).toBe('gb/t 22239');
    expect(segmenter.indexTokens('ＧＢ／Ｔ 22239')).toEqual(segmenter.indexTokens('gb/t 22239'));
  });

  it('cuts a word into the parts that say it apart, and only those', () => {
    const tiling = (word: string) => tilingParts(word, segmenter.searchParts(word));
    expect(tiling('卫星通信')).toEqual({ parts: ['卫星', '通信'], share: 1 });
    expect(tiling('数据库服务器')).toEqual({ parts: ['数据库', '服务器'], share: 1 });
    // A light verb glued on is left out at no cost; the head of the word is not.
    expect(tiling('接内网')).toEqual({ parts: ['内网'], share: 1 });
    expect(tiling('科技部').parts).toEqual(['科技']);
    expect(tiling('科技部').share).toBeCloseTo(2 / 3);
    // Overlapping parts are no cut, and a negation is not glued on: 无人机 is not 人机.
    expect(tiling('无人机').parts).toEqual(['无人']);
    expect(tilingParts('无人机', ['无人', '人机']).parts).not.toContain('人机');
    expect(tilingParts('堡垒机', ['堡垒机'])).toEqual({ parts: [], share: 0 });
  });
});
