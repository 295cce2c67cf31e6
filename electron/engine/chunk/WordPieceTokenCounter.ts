import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/** Counts tokens the way the embedding model will see them, so chunks fit its window. */
export interface TokenCounter {
  /** Stable id recorded in the library, e.g. 'wordpiece:bge-small-zh-v1.5' or 'estimate:cjk-v1'. */
  readonly id: string;
  count(text: string): number;
}

// BERT's BasicTokenizer treats these blocks as "Chinese characters": each one is its own word.
function isCjkCodePoint(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

// BERT splits on ASCII punctuation ranges and on every Unicode punctuation character.
const PUNCTUATION = /[\p{P}]/u;
function isPunctuation(cp: number, ch: string): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return PUNCTUATION.test(ch);
}

const WHITESPACE = /\s/u;
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/**
 * Splits text into BERT "basic tokens": whitespace-separated words with every CJK character and every punctuation
 * mark on its own. Latin is lowercased, as the engine lowercases text before embedding with bge (its vocabulary has
 * no uppercase letters).
 */
export function bertBasicTokens(text: string): string[] {
  const tokens: string[] = [];
  eachBertBasicToken(text, (token) => tokens.push(token));
  return tokens;
}

/**
 * `bertBasicTokens` without the list: calls `onToken` for each token in order. Counting must not build an array of
 * one string per character: a line of megabytes without punctuation would take hundreds of MB of heap.
 */
function eachBertBasicToken(text: string, onToken: (token: string) => void): void {
  let word = '';
  const flush = (): void => {
    if (word) onToken(word);
    word = '';
  };
  for (const ch of text.toLowerCase()) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || (CONTROL.test(ch) && ch !== '\t' && ch !== '\n' && ch !== '\r')) continue;
    if (WHITESPACE.test(ch)) {
      flush();
    } else if (isCjkCodePoint(cp) || isPunctuation(cp, ch)) {
      flush();
      onToken(ch);
    } else {
      word += ch;
    }
  }
  flush();
}

/** Exact WordPiece token counts from a BERT-style `vocab.txt` (bge-small-zh-v1.5's tokenizer). */
export class WordPieceTokenCounter implements TokenCounter {
  readonly id: string;
  /** The folder its `vocab.txt` was read from: ingestion's parse workers load the same counter from it. */
  readonly directory: string;
  readonly #vocab: Set<string>;
  // 100: max_input_chars_per_word of bge's tokenizer.json; longer words become one [UNK].
  readonly #maxCharsPerWord = 100;

  private constructor(id: string, directory: string, vocab: Set<string>) {
    this.id = id;
    this.directory = directory;
    this.#vocab = vocab;
  }

  /** Loads `vocab.txt` from a tokenizer or model folder. Throws a readable error when it is missing. */
  static fromDirectory(dir: string): WordPieceTokenCounter {
    const vocabPath = path.join(dir, 'vocab.txt');
    if (!existsSync(vocabPath)) {
      throw new Error(`no tokenizer in ${dir}: expected a BERT vocab.txt (as in bge-small-zh-v1.5)`);
    }
    const vocab = new Set(
      readFileSync(vocabPath, 'utf8')
        .split(/\r?\n/)
        .filter((line) => line.length > 0),
    );
    return new WordPieceTokenCounter(`wordpiece:${path.basename(path.resolve(dir))}`, path.resolve(dir), vocab);
  }

  /** Token count without [CLS]/[SEP]. */
  count(text: string): number {
    let total = 0;
    eachBertBasicToken(text, (word) => {
      total += this.#countWord(word);
    });
    return total;
  }

  #countWord(word: string): number {
    const chars = Array.from(word);
    if (chars.length > this.#maxCharsPerWord) return 1;
    let pieces = 0;
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = false;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (this.#vocab.has(piece)) {
          found = true;
          break;
        }
        end--;
      }
      if (!found) return 1; // the whole word becomes one [UNK]
      pieces++;
      start = end;
    }
    return pieces;
  }
}

/**
 * Used when no tokenizer files are available: every CJK character and punctuation mark is one token (exactly as in
 * bge's vocabulary), and a Latin or digit word is estimated at one token per 3 characters, rounded up. Measured on
 * the MLPS and NIST corpora it over-counts slightly (see tests/engine/tokenCounter.test.ts), so chunks sized with it
 * still fit the model.
 */
export class EstimatingTokenCounter implements TokenCounter {
  readonly id = 'estimate:cjk-v1';
  count(text: string): number {
    let total = 0;
    eachBertBasicToken(text, (token) => {
      total += token.length <= 1 ? 1 : Math.ceil(token.length / 3);
    });
    return total;
  }
}
