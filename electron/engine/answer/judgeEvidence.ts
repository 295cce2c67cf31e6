import type { SearchHit } from '../../../shared/types.ts';
import type { Concept, QuestionAnalysis } from '../question/analyzeQuestion.ts';
import { prepareText, scoreConcepts, type WeighedConcept } from '../search/scoreConcepts.ts';
import type { DocumentProfileRecord } from '../store/LibraryStore.ts';

/**
 * Coverage from which a passage answers the question for sure (see `judgeEvidence`): the lowest from which 90 % of the
 * realistic answers (../shared/eval/qa_mlps_dev2.jsonl, tests/eval/qa_mlps_dev3.jsonl) cite their evidence
 * (`npm run calibrate:not-found`).
 */
export const DEFAULT_ANSWER_THRESHOLD = 0.5;
/**
 * Coverage from which the closest passages are offered as "可能相关的条款" rather than refusing outright: the lowest of
 * the plateau of best balanced accuracy between questions the library answers (the MLPS dev sets, GB/T 22239's
 * clause questions) and those it does not (their near misses, cmrc2018, absent MLPS topics), by
 * `npm run calibrate:not-found`.
 */
export const DEFAULT_RELATED_THRESHOLD = 0.32;
/**
 * A concept no document holds still counts in the coverage's denominator, at this share of the idf of a word one
 * word: a question mostly about things the library lacks is not answered by its one generic word that matched,
 * while one colloquial word the thesaurus does not know (楼顶, 马路) does not sink an otherwise covered question.
 */
const ABSENT_CONCEPT_WEIGHT = 0.35;
/** A name or acronym no document holds (广三铁路, PCI) weighs as much as a word one passage holds. */
const ABSENT_SPECIFIC_WEIGHT = 1;
/** The share of their weight that words of an absent noun phrase keep. */
const ACCIDENTAL_SHARE = 0.5;
/**
 * What the question asks for (the words next to 多少/怎么/哪些…) being nowhere in the library weighs three times
 * as much: "怎么扣分" in a library that never mentions 扣分 is a detail the library does not hold.
 */
const ABSENT_FOCUS_WEIGHT = 1.5;
/** How much better another region's passage must hold the question to say the library has only that region's rules. */
const REGION_MARGIN = 0.1;
/** Passages looked at for the evidence: a hit found only by vector search never decides alone. */
const EVIDENCE_DEPTH = 5;

export type Verdict = 'answered' | 'related' | 'not_found';

export interface EvidenceJudgement {
  verdict: Verdict;
  /** The hit the answer rests on (the best covered of the first EVIDENCE_DEPTH in scope), if any. */
  best: SearchHit | null;
  /** Its coverage with absent concepts counted (see ABSENT_CONCEPT_WEIGHT). */
  coverage: number;
  /** Concepts present in the library but not in the best passage. */
  missingInPassage: string[];
  /** Concepts no document of the library holds, in any wording (checked in the text, not only in the index). */
  absentFromLibrary: string[];
  /** Why there is no (sure) answer, as codes with their words, for the explanation in the question's language. */
  reasons: NotFoundReason[];
}

export type NotFoundReason =
  | { code: 'standard-absent'; names: string[] }
  | { code: 'focus-absent'; words: string[] }
  | { code: 'name-absent'; names: string[] }
  | { code: 'named-document-absent'; titles: string[]; words: string[] }
  | { code: 'region-mismatch'; asked: string[]; holds: string[]; closest: SearchHit }
  | { code: 'nothing-shared' }
  | { code: 'low-coverage'; closest: SearchHit; coverage: number; threshold: number; missing: string[] };

export interface JudgeOptions {
  answerThreshold: number;
  relatedThreshold: number;
  /** Whether the library's text holds a wording (lowercase), for honest "not in the library" claims. */
  libraryHolds: (text: string) => boolean;
  /** Whether a document of the library is titled so (《合规检查表》 → a document whose title holds 合规检查表). */
  holdsDocumentTitled: (title: string) => boolean;
  documents: Map<number, DocumentProfileRecord>;
  /** The idf of a word one chunk of the library holds: what an absent concept is weighed against. */
  singletonIdf: number;
}

function wordingsAbsent(concept: Concept, libraryHolds: (text: string) => boolean): boolean {
  return concept.alternatives.every((alternative) => !libraryHolds(alternative.text));
}

/**
 * Decides whether the library answers a question: answered when a passage among the first few holds enough of the
 * question's content (its concepts after expansion, rare ones weighing more); related (the closest passages, offered
 * as such) when one holds some; not_found when the question names a standard the library lacks, asks for something
 * no document mentions, asks about another region than the library's rules cover, or nothing comes close.
 */
export function judgeEvidence(
  analysis: QuestionAnalysis,
  weighed: WeighedConcept[],
  hits: SearchHit[],
  options: JudgeOptions,
): EvidenceJudgement {
  const everyday = new Map(weighed.map((w) => [w.concept, w.everyday]));
  const absentWords = weighed
    .filter((w) => w.df === 0 && !w.concept.compound)
    .map((w) => w.concept)
    .filter((c) => wordingsAbsent(c, options.libraryHolds));
  // A noun phrase the question asks about that the library never has counts as absent too (数字人民币; 区块链节点
  // on top of 区块链), unless an everyday word of it is what the library lacks (厂房楼顶: 楼顶). A phrase that only
  // sets the scene (物联网项目, 调度中心) does not.
  const absentPhrases = weighed
    .filter((w) => w.concept.compound && w.concept.focus)
    .map((w) => w.concept)
    .filter(
      (c) =>
        !absentWords.some((a) => a.start >= c.start && a.end <= c.end && !a.specific && !a.focus) &&
        wordingsAbsent(c, options.libraryHolds),
    );
  const absentConcepts = [...absentWords, ...absentPhrases];
  const absentFromLibrary = absentConcepts.map((c) => c.label);
  // The words of a noun phrase the library lacks whole (数字 + 人民币 of 数字人民币) are held only by accident: they
  // count half.
  const absentCompounds = absentConcepts.filter((c) => c.compound);
  const inAbsentCompound = (c: Concept): boolean =>
    absentCompounds.some((a) => a !== c && c.start >= a.start && c.end <= a.end);
  const judged = weighed.map((w) => (inAbsentCompound(w.concept) ? { ...w, idf: w.idf * ACCIDENTAL_SHARE } : w));
  const presentIdf = judged.reduce((sum, w) => sum + w.idf, 0);
  // An absent concept weighs what a word the library held once would (see ABSENT_… weights).
  const absentWeight = absentConcepts.reduce(
    // An everyday word missing (马路, 太阳) weighs as little as it would if present.
    (sum, c) =>
      sum +
      options.singletonIdf *
        (everyday.get(c) ?? 1) *
        (c.focus ? ABSENT_FOCUS_WEIGHT : c.specific ? ABSENT_SPECIFIC_WEIGHT : ABSENT_CONCEPT_WEIGHT),
    0,
  );
  const held = (hit: SearchHit): number =>
    absentCompounds.length
      ? scoreConcepts(judged, prepareText(hit.headingPath, hit.text, true), 1).coverage
      : hit.coverage;
  const adjust = (hit: SearchHit): number =>
    hit.reference
      ? 1
      : presentIdf + absentWeight > 0
        ? Math.round(((held(hit) * presentIdf) / (presentIdf + absentWeight)) * 1000) / 1000
        : 0;

  const reasons: NotFoundReason[] = [];
  if (analysis.absentStandards.length) reasons.push({ code: 'standard-absent', names: analysis.absentStandards });
  const focusAbsent = absentConcepts.filter((c) => c.focus).map((c) => c.label);
  // A person, place or organisation the library never mentions: the question is about something else.
  const namesAbsent = absentConcepts.filter((c) => c.name).map((c) => c.label);
  if (namesAbsent.length) reasons.push({ code: 'name-absent', names: namesAbsent });
  // A form or document the question names (《合规检查表》) that is no document of the library, asked about in words
  // no document uses (扣分): its content is not in the library, whatever mentions its name.
  const namedElsewhere = analysis.bookTitles.filter((title) => !options.holdsDocumentTitled(title));
  if (namedElsewhere.length && focusAbsent.length)
    reasons.push({ code: 'named-document-absent', titles: namedElsewhere, words: focusAbsent });

  const regionOf = (hit: SearchHit): string | null => options.documents.get(hit.documentId)?.profile.region ?? null;
  const inScope = (hit: SearchHit): boolean => {
    const region = regionOf(hit);
    return region === null || analysis.regions.length === 0 || analysis.regions.includes(region);
  };
  const head = hits.slice(0, EVIDENCE_DEPTH);
  const scoped = head.filter(inScope);
  // The best covered passage, ranking breaking ties: the one the answer rests on. A direct look-up (a clause number,
  // a test-unit code, a control id) is the answer whatever its words.
  const adjusted = new Map(scoped.map((hit) => [hit, adjust(hit)]));
  const best = scoped.reduce<SearchHit | null>(
    (b, hit) => (b === null || adjusted.get(hit)! > adjusted.get(b)! ? hit : b),
    null,
  );
  const coverage = best ? adjusted.get(best)! : 0;

  if (analysis.regions.length && (!best || coverage < options.answerThreshold)) {
    // Another region's rules hold the question better than anything that applies to the region asked about.
    const other = hits.find(
      (hit) => !inScope(hit) && adjust(hit) >= Math.max(options.relatedThreshold, coverage + REGION_MARGIN),
    );
    if (other)
      reasons.push({ code: 'region-mismatch', asked: analysis.regions, holds: [regionOf(other)!], closest: other });
  }
  const missingInPassage = best
    ? scoreConcepts(weighed, prepareText(best.headingPath, best.text, true), 1).missing
    : [];

  let verdict: Verdict;
  if (reasons.length) verdict = 'not_found';
  else if (!best || (presentIdf === 0 && !best.reference)) {
    verdict = 'not_found';
    reasons.push({ code: 'nothing-shared' });
  } else if (coverage >= options.answerThreshold) verdict = 'answered';
  else if (coverage >= options.relatedThreshold) verdict = 'related';
  else {
    verdict = 'not_found';
    if (focusAbsent.length) reasons.push({ code: 'focus-absent', words: focusAbsent });
    reasons.push({
      code: 'low-coverage',
      closest: best,
      coverage,
      threshold: options.answerThreshold,
      missing: missingInPassage,
    });
  }
  return { verdict, best, coverage, missingInPassage, absentFromLibrary, reasons };
}
