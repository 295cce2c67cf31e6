import type { Concept, ConceptAlternative } from '../question/analyzeQuestion.ts';
import { englishWords } from '../question/questionWords.ts';
import { foldForIndex } from './ChineseSegmenter.ts';

// bm25 over concepts rather than tokens: a concept is matched by any of its alternatives (the question's word, the
// thesaurus's other wordings), its term frequency is theirs summed (expansions weighted less), and its idf is that
// of the union — the classical treatment of synonyms as one term, so that a word with five synonyms does not count
// five times. Chinese alternatives are found as substrings, whatever the segmenter did with them; Latin words by
// their stems. Written here, not in SQL: FTS5 has no per-term weights and no synonym sets, and better-sqlite3
// cannot register FTS5 auxiliary functions.

/** bm25's term-frequency saturation (Robertson & Zaragoza's usual 1.2). */
const K1 = 1.2;
/** bm25's length normalisation (the usual 0.75). */
const B = 0.75;
/** A concept named in a passage's heading path ("8.1.4.1 身份鉴别") counts this many times more than in its body. */
export const HEADING_WEIGHT = 2;

/** A concept with its statistics in the library. */
export interface WeighedConcept {
  concept: Concept;
  /** bm25 idf of the concept (its alternatives' union); 0 when no chunk holds any alternative. */
  idf: number;
  /** Chunks holding at least one alternative (by the FTS index). */
  df: number;
  /** How much the concept counts for how common it is in general Chinese (1 for the standards' own terms). */
  everyday: number;
}

/** A passage as the scorer reads it. */
export interface ScoredText {
  /** The heading path joined, folded. */
  heading: string;
  /** The passage's text, folded. */
  body: string;
  /** Stemmed Latin words of heading and body, computed only when some concept has Latin alternatives. */
  headingWords?: string[];
  bodyWords?: string[];
  /** Whether the passage is written in Chinese (most of its letters Han) rather than a Latin-script language. */
  chinese: boolean;
}

export interface ConceptScore {
  /** bm25 over concepts (higher is better). */
  score: number;
  /** Share of the present concepts' idf that the passage holds, each concept counted by its best alternative found. */
  coverage: number;
  /** Labels of concepts the passage holds, by any wording. */
  matched: string[];
  /** Labels of concepts present in the library but not in this passage. */
  missing: string[];
  /** The wordings found in the passage (for highlighting). */
  found: string[];
}

export function prepareText(headingPath: string[], text: string, withWords: boolean): ScoredText {
  const heading = foldForIndex(headingPath.join(' '));
  const body = foldForIndex(text);
  const chinese = isChinese(body);
  return withWords
    ? { heading, body, chinese, headingWords: englishWords(heading), bodyWords: englishWords(body) }
    : { heading, body, chinese };
}

function countSubstring(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

function countWords(words: string[] | undefined, phrase: string[]): number {
  if (!words || phrase.length === 0) return 0;
  let count = 0;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    let same = true;
    for (let j = 0; j < phrase.length && same; j++) same = words[i + j] === phrase[j];
    if (same) count++;
  }
  return count;
}

const stemmedCache = new WeakMap<ConceptAlternative, string[]>();
function stemmed(alternative: ConceptAlternative): string[] {
  let words = stemmedCache.get(alternative);
  if (!words) {
    words = englishWords(alternative.text);
    stemmedCache.set(alternative, words);
  }
  return words;
}

/** Occurrences of one alternative in a passage: in its heading and in its body. */
function occurrences(alternative: ConceptAlternative, text: ScoredText): { heading: number; body: number } {
  if (alternative.latin) {
    const phrase = stemmed(alternative);
    return { heading: countWords(text.headingWords, phrase), body: countWords(text.bodyWords, phrase) };
  }
  return { heading: countSubstring(text.heading, alternative.text), body: countSubstring(text.body, alternative.text) };
}

const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;

/** Whether a passage is written in Chinese (most of its letters Han) rather than in a Latin-script language. */
function isChinese(body: string): boolean {
  const han = body.match(HAN_GLOBAL)?.length ?? 0;
  const latin = body.match(/[a-z]/g)?.length ?? 0;
  return han >= latin / 3;
}

/**
 * Whether a concept can be said in a passage's language: one of its wordings is Chinese for a Chinese passage, or
 * Latin for an English one. An English question's words without a Chinese rendering cannot be held against a
 * Chinese clause (nor the reverse): coverage counts only the concepts the passage could hold.
 */
function sayable(concept: WeighedConcept, chinese: boolean): boolean {
  return concept.concept.alternatives.some((a) => (chinese ? HAN.test(a.text) : a.latin || /[a-z]/.test(a.text)));
}

/** Scores a passage against the question's concepts. `averageLength` is the library's mean chunk length (characters). */
export function scoreConcepts(concepts: WeighedConcept[], text: ScoredText, averageLength: number): ConceptScore {
  const lengthNorm = K1 * (1 - B + (B * text.body.length) / Math.max(1, averageLength));
  const chinese = text.chinese;
  let score = 0;
  let heldIdf = 0;
  let presentIdf = 0;
  const matched: string[] = [];
  const missing: string[] = [];
  const found: string[] = [];
  for (const weighed of concepts) {
    const { concept, idf } = weighed;
    if (idf <= 0) continue;
    const counted = sayable(weighed, chinese);
    if (counted) presentIdf += idf;
    let tf = 0;
    let best = 0;
    // A word held only through its parts holds the share of it those parts make up (see ConceptAlternative.part).
    let partTf = 0;
    let partWeight = 0;
    let partShare = 0;
    for (const alternative of concept.alternatives) {
      const seen = occurrences(alternative, text);
      const n = seen.body + HEADING_WEIGHT * seen.heading;
      if (n === 0) continue;
      found.push(alternative.text);
      if (alternative.part !== undefined) {
        partTf += alternative.weight * n;
        partWeight = Math.max(partWeight, alternative.weight);
        partShare += alternative.part;
        continue;
      }
      tf += alternative.weight * n;
      best = Math.max(best, alternative.weight);
    }
    let share = 1;
    if (tf === 0 && partTf > 0) {
      share = Math.min(1, partShare);
      tf = partTf;
      best = partWeight * share;
    } else {
      tf += partTf;
    }
    if (tf === 0) {
      if (counted) missing.push(concept.label);
      continue;
    }
    score += (share * idf * tf * (K1 + 1)) / (tf + lengthNorm);
    if (counted) heldIdf += idf * best;
    matched.push(concept.label);
  }
  return { score, coverage: presentIdf > 0 ? heldIdf / presentIdf : 0, matched, missing, found };
}
