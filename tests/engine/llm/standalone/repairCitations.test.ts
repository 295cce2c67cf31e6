// Citation checking after generation: invalid numbers dropped and reported, markers set from text overlap,
// unsupported sentences flagged, renumbering by first use.
import { describe, expect, it } from 'vitest';
import { repairCitations } from '../../../../electron/engine/answer/repairCitations.ts';

const PASSAGES = [
  {
    n: 1,
    text:
      '8.1.4.1 身份鉴别\na）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；\n' +
      'b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施；',
  },
  {
    n: 2,
    text: '8.1.4.2 访问控制\na）应对登录的用户分配账户和权限；\nb）应重命名或删除默认账户，修改默认账户的默认口令；',
  },
  { n: 3, text: '8.1.3.5 入侵防范\na）应在关键网络节点处检测、防止或限制从外部发起的网络攻击行为；' },
];

describe('repairCitations', () => {
  it('keeps markers that the passages confirm', () => {
    const result = repairCitations('应对登录的用户进行身份标识和鉴别[1]。应重命名或删除默认账户[2]。', PASSAGES);
    expect(result.text).toBe('应对登录的用户进行身份标识和鉴别[1]。应重命名或删除默认账户[2]。');
    expect(result.cited).toEqual([1, 2]);
    expect(result.repairedSentences).toBe(0);
    expect(result.unsupportedSentences).toEqual([]);
    expect(result.droppedCitations).toEqual([]);
  });

  it('drops numbers of no passage given and reports them', () => {
    const result = repairCitations('应对登录的用户分配账户和权限[2][7]。应具有登录失败处理功能【9】。', PASSAGES);
    expect(result.droppedCitations).toEqual([7, 9]);
    expect(result.text).not.toMatch(/\[7\]|【9】|\[9\]/);
  });

  it('adds a forgotten marker and corrects a misplaced one from the text overlap', () => {
    const result = repairCitations(
      '应具有登录失败处理功能，限制非法登录次数。应重命名或删除默认账户，修改默认口令[3]。',
      PASSAGES,
    );
    // First use is renumbered [1]: passage 1 becomes [1], passage 2 becomes [2]; passage 3 is not cited.
    expect(result.text).toBe('应具有登录失败处理功能，限制非法登录次数[1]。应重命名或删除默认账户，修改默认口令[2]。');
    expect(result.cited).toEqual([1, 2]);
    expect(result.repairedSentences).toBe(2);
  });

  it('renumbers citations in order of first use', () => {
    const result = repairCitations(
      '应在关键网络节点处检测网络攻击行为[3]。应对登录的用户进行身份标识和鉴别[1]。',
      PASSAGES,
    );
    expect(result.text).toBe('应在关键网络节点处检测网络攻击行为[1]。应对登录的用户进行身份标识和鉴别[2]。');
    expect(result.cited).toEqual([3, 1]);
  });

  it('flags a sentence that no passage supports, keeping the valid marker the model gave', () => {
    const result = repairCitations(
      '应对登录的用户进行身份标识和鉴别[1]。此外还应每年请第三方机构进行渗透测试[2]。',
      PASSAGES,
    );
    expect(result.unsupportedSentences).toEqual(['此外还应每年请第三方机构进行渗透测试']);
    expect(result.text).toBe('应对登录的用户进行身份标识和鉴别[1]。此外还应每年请第三方机构进行渗透测试[2]。');
  });

  it('splits at newlines and keeps list numbering and clause numbers whole', () => {
    const result = repairCitations(
      '根据8.1.4.1：\n1. 应对登录的用户进行身份标识和鉴别 [1]\n2. 应具有登录失败处理功能。[1]',
      PASSAGES,
    );
    expect(result.text).toBe('根据8.1.4.1：\n1. 应对登录的用户进行身份标识和鉴别[1]\n2. 应具有登录失败处理功能[1]。');
    expect(result.unsupportedSentences).toEqual([]);
  });

  it('reads [1,2] and [1、2] as two markers', () => {
    const result = repairCitations('应对登录的用户进行身份标识和鉴别，应对登录的用户分配账户和权限[1,2]。', PASSAGES);
    expect(result.cited).toEqual([1, 2]);
    expect(result.droppedCitations).toEqual([]);
    expect(repairCitations('应对登录的用户进行身份标识和鉴别[1、2]。', PASSAGES).droppedCitations).toEqual([]);
  });

  it('cites two passages for a sentence that joins two clauses and has no marker', () => {
    const result = repairCitations('应对登录的用户进行身份标识和鉴别，并应重命名或删除默认账户。', PASSAGES);
    expect(result.text).toBe('应对登录的用户进行身份标识和鉴别，并应重命名或删除默认账户[1][2]。');
    expect(result.unsupportedSentences).toEqual([]);
  });

  it('recognises the instructed reply for passages without the answer', () => {
    expect(repairCitations('资料中没有找到答案。', PASSAGES).declined).toBe(true);
    expect(repairCitations('The passages do not contain the answer.', PASSAGES).declined).toBe(true);
    const mixed = repairCitations('应对登录的用户进行身份标识和鉴别[1]。资料中没有找到答案。', PASSAGES);
    expect(mixed.declined).toBe(false);
    expect(mixed.unsupportedSentences).toEqual([]);
  });
});
