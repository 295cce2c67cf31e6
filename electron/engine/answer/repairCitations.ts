import { evidenceCoverage } from '../eval/evidenceMatch.ts';
import { NOT_IN_PASSAGES } from './buildAnswerPrompt.ts';

/**
 * Share of a sentence's character bigrams (punctuation and spaces removed, width and case folded) that one passage
 * must hold for the sentence to count as drawn from it. 0.5: a sentence that restates a clause keeps most of its
 * wording (the clause's own terms cannot be paraphrased much: 身份鉴别, 登录失败处理), while a sentence from general
 * knowledge shares few bigrams with any clause. Chosen, not calibrated: no ChatGLM3 output is available here;
 * recalibrate on real answers (scripts/calibrate-not-found.ts does the same for retrieval).
 */
export const SENTENCE_SUPPORT_THRESHOLD = 0.5;

// Sentences shorter than this (in bigrams) are not judged: list numbers, "答：", a lone clause number.
const MIN_BIGRAMS_TO_JUDGE = 4;
// A passage holding less of a sentence than this is not counted among its sources, even in a combination.
const MIN_CONTRIBUTION = 0.2;
// Most markers set on one sentence.
const MAX_MARKERS = 3;

// [1], [1][2], [1,2], [1、2], full-width ［1］ and 【1】; numbers of 1-3 digits (a year like [2019] is not a marker).
const MARKER = /[[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]/gu;
const MARKER_AT = new RegExp(MARKER.source, 'uy');
const SENTENCE_END = /[。！？!?]/u;
const CLOSERS = /[”’"'」』）)]/u;

export interface PassageText {
  /** The passage's number in the prompt. */
  n: number;
  /** What the answer is compared with: the passage's heading path and text. */
  text: string;
}

export interface RepairedCitations {
  /** The answer with checked markers, renumbered 1.. in order of first use. */
  text: string;
  /** For each new number n (index n-1), the prompt number of the passage it cites. */
  cited: number[];
  /** Numbers the model wrote that match no passage given, in order of appearance. */
  droppedCitations: number[];
  /** Sentences no passage supports (text without markers). */
  unsupportedSentences: string[];
  /** Sentences whose markers were added or corrected. */
  repairedSentences: number;
  /** The model only said that the passages do not contain the answer. */
  declined: boolean;
}

interface Sentence {
  /** Whitespace before the sentence (kept as written). */
  leading: string;
  /** The sentence without markers and without its end punctuation. */
  body: string;
  /** End punctuation and closing quotes. */
  end: string;
  /** Markers the model wrote in or right after the sentence, as numbers. */
  markers: number[];
}

function markerNumbers(group: string): number[] {
  return group.split(/[,，、]/u).map((part) => Number(part.trim()));
}

function isSentenceEnd(text: string, i: number): boolean {
  const ch = text[i]!;
  if (SENTENCE_END.test(ch)) return true;
  // '.' ends a sentence only before a space or the end, and not after a digit: 8.1.4.1 and "1. 应对…" stay whole.
  return ch === '.' && (i + 1 === text.length || /\s/u.test(text[i + 1]!)) && !(i > 0 && /\d/u.test(text[i - 1]!));
}

/** Splits text at 。！？.!? and newlines; markers right after an end belong to the sentence before. */
function splitSentences(text: string): { pieces: string[]; separators: string[] } {
  const pieces: string[] = [];
  const separators: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\n') {
      pieces.push(text.slice(start, i));
      let j = i;
      while (j < text.length && text[j] === '\n') j++;
      separators.push(text.slice(i, j));
      start = i = j;
      continue;
    }
    if (isSentenceEnd(text, i)) {
      let j = i + 1;
      while (j < text.length && (SENTENCE_END.test(text[j]!) || CLOSERS.test(text[j]!))) j++;
      for (;;) {
        let k = j;
        while (k < text.length && text[k] === ' ') k++;
        MARKER_AT.lastIndex = k;
        const marker = MARKER_AT.exec(text);
        if (!marker) break;
        j = MARKER_AT.lastIndex;
      }
      pieces.push(text.slice(start, j));
      separators.push('');
      start = i = j;
      continue;
    }
    i++;
  }
  pieces.push(text.slice(start));
  separators.push('');
  return { pieces, separators };
}

function parseSentence(piece: string): Sentence {
  const leading = /^\s*/u.exec(piece)![0];
  const markers: number[] = [];
  const withoutMarkers = piece.slice(leading.length).replace(MARKER, (_match, group: string) => {
    markers.push(...markerNumbers(group));
    return '';
  });
  const trimmed = withoutMarkers.replace(/[ \t]+$/u, '');
  const end = /(?:[。！？!?]+|(?<!\d)\.)?[”’"'」』）)]*$/u.exec(trimmed)![0];
  return { leading, body: trimmed.slice(0, trimmed.length - end.length).replace(/[ \t]+$/u, ''), end, markers };
}

function bigramCount(text: string): number {
  return Math.max(0, Array.from(text.replace(/[\s\p{P}\p{S}]+/gu, '')).length - 1);
}

function isDecline(body: string): boolean {
  const plain = (s: string): string => s.replace(/[\s\p{P}\p{S}]+/gu, '').toLowerCase();
  const said = plain(body);
  return said.length > 0 && Object.values(NOT_IN_PASSAGES).some((phrase) => said.includes(plain(phrase)));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * Checks the [n] markers of a generated answer against the passages the model was given. Numbers of no passage are
 * dropped and reported. Each sentence is then matched to the passages by text overlap (share of its bigrams in the
 * passage, `evidenceCoverage`): when the passages the model cited support it, they stay; when they do not but
 * others do, the fewest best-overlapping passages that together hold the sentence are cited instead (one sentence
 * may join two clauses); a sentence with no marker gets markers the same way. A
 * sentence no passage supports is flagged (keeping whatever valid marker the model gave). Markers go before the
 * sentence's end punctuation, and are renumbered 1.. in order of first use.
 */
export function repairCitations(
  answer: string,
  passages: readonly PassageText[],
  threshold = SENTENCE_SUPPORT_THRESHOLD,
): RepairedCitations {
  const given = new Map(passages.map((p) => [p.n, p]));
  const droppedCitations: number[] = [];
  const unsupportedSentences: string[] = [];
  let repairedSentences = 0;
  let judged = 0;
  let declines = 0;

  const { pieces, separators } = splitSentences(answer);
  const sentences = pieces.map(parseSentence).map((sentence) => {
    const valid: number[] = [];
    for (const n of sentence.markers) {
      if (!given.has(n)) {
        if (!droppedCitations.includes(n)) droppedCitations.push(n);
      } else if (!valid.includes(n)) {
        valid.push(n);
      }
    }
    if (isDecline(sentence.body)) {
      declines++;
      return { ...sentence, final: [] as number[] };
    }
    // Too short to judge, or a lead-in to a list ("三级系统的要求如下："): kept as written.
    if (bigramCount(sentence.body) < MIN_BIGRAMS_TO_JUDGE || /[:：]$/u.test(sentence.body))
      return { ...sentence, final: valid };
    judged++;
    const coverageOf = (ns: readonly number[]): number =>
      ns.length === 0 ? 0 : evidenceCoverage(sentence.body, ns.map((n) => given.get(n)!.text).join('\n'));
    // Adds, one at a time, the passage that holds most of what the chosen ones do not, while it adds enough: one
    // sentence may join two clauses.
    const extend = (start: readonly number[]): number[] => {
      const chosen = [...start];
      while (chosen.length < MAX_MARKERS) {
        const before = coverageOf(chosen);
        let best: { n: number; gain: number } | null = null;
        for (const p of passages) {
          if (chosen.includes(p.n)) continue;
          const gain = coverageOf([...chosen, p.n]) - before;
          if (best === null || gain > best.gain) best = { n: p.n, gain };
        }
        if (best === null || best.gain < MIN_CONTRIBUTION) break;
        chosen.push(best.n);
      }
      return chosen;
    };
    // The passages the model cited stand when each adds to the sentence and together (with any passage that holds
    // a further part) they hold it; otherwise the markers come from the overlap alone.
    const contributing = valid.filter((n) => coverageOf([n]) >= MIN_CONTRIBUTION);
    let final: number[] | null = null;
    if (contributing.length > 0) {
      const extended = extend(contributing);
      if (coverageOf(extended) >= threshold) final = extended;
    }
    if (final === null) {
      const found = extend([]);
      if (coverageOf(found) >= threshold) final = found.sort((a, b) => a - b);
    }
    if (final === null) {
      unsupportedSentences.push(sentence.body.trim());
      final = valid;
    }
    if (!sameNumbers(final, valid)) repairedSentences++;
    return { ...sentence, final };
  });

  // Renumber in order of first use: the answer's first citation is [1].
  const cited: number[] = [];
  for (const sentence of sentences) for (const n of sentence.final) if (!cited.includes(n)) cited.push(n);
  const text = sentences
    .map((s, i) => {
      const markers = s.final.map((n) => `[${cited.indexOf(n) + 1}]`).join('');
      return `${s.leading}${s.body}${markers}${s.end}${separators[i] ?? ''}`;
    })
    .join('')
    .trim();
  return {
    text,
    cited,
    droppedCitations,
    unsupportedSentences,
    repairedSentences,
    declined: declines > 0 && judged === 0,
  };
}
