import { foldForIndex } from '../search/ChineseSegmenter.ts';

/** Fraction of an evidence quote's character bigrams that a passage must contain to count as containing it. */
export const EVIDENCE_COVERAGE_THRESHOLD = 0.8;

function normalizeForMatch(text: string): string {
  // Whitespace, punctuation and width differ between the PDF, DOCX and Markdown of one standard; the words do not.
  return foldForIndex(text).replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * How much of `evidence` appears in `passage`, 0..1: the share of the evidence's character bigrams (after removing
 * whitespace and punctuation and folding width and case) found in the passage. Text overlap, not meaning: a
 * paraphrase scores low.
 */
export function evidenceCoverage(evidence: string, passage: string): number {
  const needed = bigrams(normalizeForMatch(evidence));
  if (needed.length === 0) return 0;
  const normalizedPassage = normalizeForMatch(passage);
  if (normalizedPassage.includes(normalizeForMatch(evidence))) return 1;
  const available = new Map<string, number>();
  for (const gram of bigrams(normalizedPassage)) available.set(gram, (available.get(gram) ?? 0) + 1);
  let found = 0;
  for (const gram of needed) {
    const left = available.get(gram) ?? 0;
    if (left > 0) {
      found++;
      available.set(gram, left - 1);
    }
  }
  return found / needed.length;
}

/** Whether a passage contains at least one of the evidence quotes (coverage ≥ the threshold). */
export function passageContainsEvidence(passage: string, evidenceParts: string[]): boolean {
  return evidenceParts.some((part) => evidenceCoverage(part, passage) >= EVIDENCE_COVERAGE_THRESHOLD);
}
