// Some PDF fonts (Noto/Source Han, browser print-to-PDF) reverse-map glyphs to Kangxi radicals (U+2F00–U+2FDF),
// CJK radicals (U+2E80–U+2EFF) or compatibility ideographs instead of the unified ideographs: the text *looks* right
// ("⼯业") but "工业" does not match it. Fold those characters, and only those: NFKC on the whole text would also turn
// full-width punctuation （ ） ： into ASCII and break verbatim quotes.

const FOLDABLE = /[\u2E80-\u2FDF\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/u;
const FOLDABLE_ALL = /[\u2E80-\u2FDF\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;

/**
 * CJK Radicals Supplement characters that NFKC leaves alone, mapped to the ideograph fonts draw with the same glyph
 * (Unicode's EquivalentUnifiedIdeograph.txt, plus ⻆ 角, ⻌ 辶 and ⻔ 门, which simplified-Chinese fonts produce too).
 */
const RADICAL_SUPPLEMENT: Readonly<Record<number, string>> = {
  0x2e80: '冫',
  0x2e81: '厂',
  0x2e82: '乛',
  0x2e83: '乚',
  0x2e84: '乙',
  0x2e85: '亻',
  0x2e86: '冂',
  0x2e89: '刂',
  0x2e8a: '卜',
  0x2e8b: '㔾',
  0x2e8e: '兀',
  0x2e8f: '尣',
  0x2e90: '尢',
  0x2e92: '巳',
  0x2e93: '幺',
  0x2e94: '彑',
  0x2e95: '彐',
  0x2e96: '忄',
  0x2e97: '㣺',
  0x2e98: '扌',
  0x2e99: '攵',
  0x2e9b: '旡',
  0x2e9d: '月',
  0x2e9e: '歺',
  0x2ea0: '民',
  0x2ea1: '氵',
  0x2ea2: '氺',
  0x2ea3: '灬',
  0x2ea5: '爫',
  0x2ea6: '丬',
  0x2ea8: '犭',
  0x2eab: '罒',
  0x2eac: '示',
  0x2ead: '礻',
  0x2eaf: '糹',
  0x2eb0: '纟',
  0x2eb1: '罓',
  0x2eb3: '㓁',
  0x2eb4: '㓁',
  0x2eb9: '耂',
  0x2eba: '肀',
  0x2ebc: '月',
  0x2ebd: '臼',
  0x2ebe: '艹',
  0x2ebf: '艹',
  0x2ec0: '艹',
  0x2ec1: '虎',
  0x2ec2: '衤',
  0x2ec3: '覀',
  0x2ec4: '西',
  0x2ec5: '见',
  0x2ec6: '角',
  0x2ec8: '讠',
  0x2ec9: '贝',
  0x2ecb: '车',
  0x2ecc: '辶',
  0x2ecd: '辶',
  0x2ecf: '阝',
  0x2ed0: '钅',
  0x2ed1: '長',
  0x2ed2: '镸',
  0x2ed3: '长',
  0x2ed4: '门',
  0x2ed6: '阝',
  0x2ed8: '青',
  0x2ed9: '韦',
  0x2eda: '页',
  0x2edb: '风',
  0x2edc: '飞',
  0x2edd: '食',
  0x2edf: '飠',
  0x2ee0: '饣',
  0x2ee2: '马',
  0x2ee3: '骨',
  0x2ee4: '鬼',
  0x2ee5: '鱼',
  0x2ee6: '鸟',
  0x2ee7: '卤',
  0x2ee8: '麦',
  0x2ee9: '黄',
  0x2eea: '黾',
  0x2eeb: '斉',
  0x2eec: '齐',
  0x2eed: '歯',
  0x2eee: '齿',
  0x2eef: '竜',
  0x2ef0: '龙',
  0x2ef1: '龜',
  0x2ef2: '亀',
  0x2ef3: '龟',
};

/** KANGXI RADICAL DOOR: NFKC gives the traditional 戶, but simplified-Chinese fonts share its glyph with 户 (用户). */
const KANGXI_DOOR = 0x2f3e;

// Frequent characters that exist only in one script, to tell a traditional-Chinese text from a simplified one.
const SIMPLIFIED_ONLY = new Set(
  '这个们来时会为与资网护认证电际区机据关级统体应发对说过还当后学国进点实种动务开业经长问题现无产标术',
);
const TRADITIONAL_ONLY = new Set(
  '這個們來時會為與資網護認證電際區機據關級統體應發對說過還當後學國進點實種動務開業經長問題現無產標術',
);

/** True when the text reads as traditional Chinese (more traditional-only than simplified-only frequent characters). */
export function looksTraditionalChinese(text: string): boolean {
  let simplified = 0;
  let traditional = 0;
  for (const ch of text) {
    if (SIMPLIFIED_ONLY.has(ch)) simplified++;
    else if (TRADITIONAL_ONLY.has(ch)) traditional++;
  }
  return traditional > simplified;
}

/**
 * Map Kangxi/CJK radicals (U+2E80–U+2FDF) and CJK compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) to their
 * unified ideographs; every other character is left exactly as it was.
 * @param traditional whether the document is traditional Chinese (decides ⼾ → 戶 or 户); detected from `text` when omitted.
 */
export function foldCjkCompatibility(text: string, traditional?: boolean): string {
  if (!FOLDABLE.test(text)) return text;
  let isTraditional = traditional;
  return text.replace(FOLDABLE_ALL, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === KANGXI_DOOR) {
      isTraditional ??= looksTraditionalChinese(text);
      return isTraditional ? '戶' : '户';
    }
    const mapped = RADICAL_SUPPLEMENT[cp];
    if (mapped !== undefined) return mapped;
    return ch.normalize('NFKC');
  });
}
