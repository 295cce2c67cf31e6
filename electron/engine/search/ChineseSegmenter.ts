import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { DOMAIN_DICTIONARY } from './domainDictionary.ts';

// Clause numbers (8.1.4.1, A.2) must stay one token: jieba would split them at the dots, and FTS5's unicode61
// would too unless '.' is a token character (it is, in the chunks_fts tokenizer; other dots are removed here).
const CLAUSE_NUMBER = /(?<![\d.])(?:\d{1,3}(?:\.\d{1,3}){1,6}|[a-z]\.\d{1,3}(?:\.\d{1,3}){0,5})(?![\d.])/g;
// Anything that is not a letter or a digit carries no search meaning.
const NO_WORD_CHARACTER = /^[^\p{L}\p{N}]+$/u;

// Question words and particles that say nothing about the content. Only removed from queries: documents keep
// every token so that bm25's statistics stay honest.
const QUERY_STOP_WORDS = new Set([
  '的', '了', '是', '在', '和', '与', '或', '及', '对', '有', '中', '为', '将', '被', '把', '让', '从', '由', '于', '等',
  '哪些', '什么', '哪个', '哪种', '如何', '怎么', '怎样', '多少', '是否', '吗', '呢', '吧', '啊', '请问', '请', '一下',
  '有何', '何', '应', '应当', '应该', '需要', '要', '能', '可以', '进行', '相关', '方面', '包括', '具体', '主要',
  // The form of a question, not its subject: comparisons, "what does X mean", "in terms of".
  '特别', '上', '不同', '区别', '差异', '差别', '比', '比较', '相比', '多', '少', '多了', '少了', '指', '含义', '意思',
  '分别', '一些', '哪里', '何种', '标准', '规定', '里', '其中',
  'the', 'a', 'an', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'is', 'are', 'be', 'what', 'which', 'how', 'does',
  'do', 'should', 'must', 'with', 'by', 'as', 'at', 'from', 'that', 'this', 'it',
]);

// jieba's HMM glues a function character onto the word before it when the pair is unknown ("系统对", "运维有"):
// such a token is in no document. Splitting it off again keeps the word.
const GLUED_FUNCTION_CHARACTER = /^(\p{Script=Han}{2,})([对的有在是和与及把被让从向])$/u;

/** Full-width ASCII (Ａ，１) to ASCII and lowercase, so 'ＧＢ／Ｔ' and 'gb/t' index alike. */
export function foldForIndex(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ').toLowerCase();
}

/**
 * Segments Chinese (and mixed) text into words for the FTS5 index with jieba. One instance holds jieba's
 * dictionary (about 5 MB, loaded in ~0.3 s), so the engine creates it once.
 */
export class ChineseSegmenter {
  readonly #jieba: Jieba;

  constructor() {
    this.#jieba = Jieba.withDict(dict);
    this.#jieba.loadDict(DOMAIN_DICTIONARY);
  }

  /**
   * Tokens for indexing a passage: jieba's search mode, which adds the parts of long words (网络安全 → 网络, 安全,
   * 网络安全) so that a query for a part finds the whole.
   */
  indexTokens(text: string): string[] {
    return this.#tokens(text, (piece) => this.#jieba.cutForSearch(piece, true));
  }

  /** Tokens of a query, without stop words; duplicates removed, order kept. */
  queryTokens(text: string): string[] {
    const tokens = this.#tokens(text, (piece) => this.#jieba.cutForSearch(piece, true));
    const seen = new Set<string>();
    const kept: string[] = [];
    for (const token of tokens) {
      if (QUERY_STOP_WORDS.has(token) || seen.has(token)) continue;
      seen.add(token);
      kept.push(token);
    }
    return kept;
  }

  #tokens(text: string, cut: (piece: string) => string[]): string[] {
    const folded = foldForIndex(text);
    const out: string[] = [];
    let last = 0;
    for (const match of folded.matchAll(CLAUSE_NUMBER)) {
      this.#cutInto(folded.slice(last, match.index), cut, out);
      out.push(match[0]);
      last = match.index + match[0].length;
    }
    this.#cutInto(folded.slice(last), cut, out);
    return out;
  }

  #cutInto(piece: string, cut: (piece: string) => string[], out: string[]): void {
    if (!piece.trim()) return;
    for (const raw of cut(piece)) {
      // Dots are token characters in the index: only clause numbers may keep them.
      const token = raw.trim().replace(/\./g, ' ').trim();
      if (!token || NO_WORD_CHARACTER.test(token)) continue;
      if (token.includes(' ')) {
        for (const part of token.split(/\s+/)) if (part && !NO_WORD_CHARACTER.test(part)) out.push(part);
      } else {
        const glued = GLUED_FUNCTION_CHARACTER.exec(token);
        if (glued) out.push(glued[1]!, glued[2]!);
        else out.push(token);
      }
    }
  }
}
