import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { DOMAIN_DICTIONARY } from './domainDictionary.ts';

// Clause numbers (8.1.4.1, A.2) must stay one token: jieba would split them at the dots, and FTS5's unicode61
// would too unless '.' is a token character (it is, in the chunks_fts tokenizer; other dots are removed here).
const CLAUSE_NUMBER = /(?<![\d.])(?:\d{1,3}(?:\.\d{1,3}){1,6}|[a-z]\.\d{1,3}(?:\.\d{1,3}){0,5})(?![\d.])/g;
// Anything that is not a letter or a digit carries no search meaning.
const NO_WORD_CHARACTER = /^[^\p{L}\p{N}]+$/u;

// jieba's HMM glues a function character onto the word before it when the pair is unknown ("系统对", "运维有"):
// such a token is in no document. Splitting it off again keeps the word.
const GLUED_FUNCTION_CHARACTER = /^(\p{Script=Han}{2,})([对的有在是和与及把被让从向])$/u;

// Words counted fewer times than this in jieba's dictionary are rare in general Chinese: their rarity is not stored.
const GENERAL_MINIMUM = 100;

/** Full-width ASCII (Ａ，１) to ASCII and lowercase, so 'ＧＢ／Ｔ' and 'gb/t' index alike. */
export function foldForIndex(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .toLowerCase();
}

/**
 * Segments Chinese (and mixed) text into words for the FTS5 index with jieba. One instance holds jieba's
 * dictionary (about 5 MB, loaded in ~0.3 s), so the engine creates it once.
 */
export class ChineseSegmenter {
  readonly #jieba: Jieba;

  #generalFrequencies: Map<string, number> | null = null;
  #generalTotal = 0;

  constructor() {
    this.#jieba = Jieba.withDict(dict);
    this.#jieba.loadDict(DOMAIN_DICTIONARY);
  }

  /**
   * How common a word is in general Chinese: the negative log of its share in jieba's dictionary (counted on a
   * general corpus); 0 for a word every text has, high for one the dictionary lacks (代维, 区块链). Read from the
   * dictionary on first use (~0.3 s), only words counted at least GENERAL_MINIMUM times kept.
   */
  generalRarity(word: string): number {
    if (!this.#generalFrequencies) {
      const frequencies = new Map<string, number>();
      let total = 0;
      for (const line of new TextDecoder().decode(dict).split('\n')) {
        const space = line.indexOf(' ');
        if (space <= 0) continue;
        const count = Number(line.slice(space + 1, line.indexOf(' ', space + 1)));
        if (!Number.isFinite(count)) continue;
        total += count;
        if (count >= GENERAL_MINIMUM) frequencies.set(line.slice(0, space), count);
      }
      this.#generalFrequencies = frequencies;
      this.#generalTotal = total;
    }
    return Math.log(this.#generalTotal / ((this.#generalFrequencies.get(word) ?? 0) + 1));
  }

  /**
   * Tokens for indexing a passage: jieba's search mode, which adds the parts of long words (网络安全 → 网络, 安全,
   * 网络安全) so that a query for a part finds the whole.
   */
  indexTokens(text: string): string[] {
    return this.#tokens(text, (piece) => this.#jieba.cutForSearch(piece, true));
  }

  /** The words of a phrase as the index holds them (precise mode: each is among the index's search-mode tokens). */
  phraseTokens(text: string): string[] {
    return this.#tokens(text, (piece) => this.#jieba.cut(piece, true));
  }

  /** The parts jieba's search mode finds in a word (用国密 → 国密): for words no document holds whole. */
  searchParts(word: string): string[] {
    return this.#tokens(word, (piece) => this.#jieba.cutForSearch(piece, true));
  }

  /**
   * jieba's words of a text with their part-of-speech tags, for telling content from function words. With `hmm`,
   * jieba also guesses words its dictionary lacks (names: 于乐, 司马晏; tagged 'x'), and sometimes glues a particle
   * onto a word instead (还查, 证才). Defaults to dictionary words only.
   */
  tagWords(text: string, hmm = false): { word: string; tag: string }[] {
    return this.#jieba.tag(text, hmm);
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
