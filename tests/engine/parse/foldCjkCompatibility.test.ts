import { describe, expect, it } from 'vitest';
import { foldCjkCompatibility } from '../../../electron/engine/parse/foldCjkCompatibility.ts';

describe('foldCjkCompatibility', () => {
  it('maps Kangxi radicals to unified ideographs', () => {
    expect(foldCjkCompatibility('\u2F2F业控制系统')).toBe('工业控制系统'); // ⼯ U+2F2F → 工 U+5DE5
    expect(foldCjkCompatibility('\u2F79络安全')).toBe('网络安全'); // ⽹ → 网
    expect(foldCjkCompatibility('中华\u2F08民共和国')).toBe('中华人民共和国');
  });

  it('maps CJK radicals-supplement forms NFKC leaves alone', () => {
    expect(foldCjkCompatibility('中华人\u2EA0共和国')).toBe('中华人民共和国'); // ⺠ → 民
    expect(foldCjkCompatibility('\u2EC6\u2F8A')).toBe('角色'); // ⻆⾊
    expect(foldCjkCompatibility('\u2ED4户')).toBe('门户'); // ⻔ → 门
  });

  it('maps ⼾ to 户 in simplified text and 戶 in traditional text', () => {
    expect(foldCjkCompatibility('应对登录的用\u2F3E进行身份标识')).toBe('应对登录的用户进行身份标识');
    expect(foldCjkCompatibility('應對登入的使用者與用\u2F3E進行身分識別')).toBe('應對登入的使用者與用戶進行身分識別');
  });

  it('maps CJK compatibility ideographs', () => {
    expect(foldCjkCompatibility('\uF907')).toBe('\u9F9C'); // 龜 compatibility → unified
    expect(foldCjkCompatibility('\u{2F800}')).toBe('\u4E3D');
  });

  it('leaves full-width punctuation and other compatibility characters alone (no global NFKC)', () => {
    const text = '本项要求包括：a）应（参见GB/T 22239—2019）；ＡＢＣ①…';
    expect(foldCjkCompatibility(text)).toBe(text);
    expect(foldCjkCompatibility('（\u2F2F）')).toBe('（工）');
  });
});
