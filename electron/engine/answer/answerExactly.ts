import type { Answer, Citation, SearchHit } from '../../../shared/types.ts';
import { evidenceCoverage } from '../eval/evidenceMatch.ts';
import type { ChineseSegmenter } from '../search/ChineseSegmenter.ts';
import { searchPassages } from '../search/searchPassages.ts';
import { LEVEL_TOKEN, questionLevels } from '../search/questionLevels.ts';
import type { LibraryStore } from '../store/LibraryStore.ts';

/**
 * Below this coverage (idf-weighted share of the question's words found in the best passage) the library is taken
 * not to answer the question. Calibrated by scripts/calibrate-not-found.ts: MLPS questions that the corpus answers
 * against general-knowledge questions (cmrc2018) and MLPS questions it does not answer, asked of the MLPS library.
 */
export const DEFAULT_COVERAGE_THRESHOLD = 0.64;

export interface ExactAnswerOptions {
  /** Minimum evidence coverage for an answer. Defaults to `DEFAULT_COVERAGE_THRESHOLD`. */
  coverageThreshold?: number;
  /** Most passages quoted in one answer. Defaults to `3`. */
  maxPassages?: number;
  /** Ranked passages to answer from (the Library passes its hybrid search). Defaults to a lexical search. */
  hits?: SearchHit[];
}

/** How much of a passage's text another passage already quotes before it counts as the same (copies across standards). */
const DUPLICATE_COVERAGE = 0.8;
// A further passage joins the answer when its score is within this share of the best one.
const RELATIVE_SCORE = 0.9;
// Candidates looked at: the answer never reaches further down the ranking than this.
const CANDIDATES = 10;

interface Evidence {
  coverage: number;
  missingTerms: string[];
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Weighs the question's words by rarity (bm25's idf) and measures how much of that weight a passage holds. */
class EvidenceMeter {
  readonly #terms: { term: string; idf: number; df: number }[];
  readonly #segmenter: ChineseSegmenter;

  constructor(store: LibraryStore, segmenter: ChineseSegmenter, question: string) {
    this.#segmenter = segmenter;
    const total = store.chunkCount();
    const levels = questionLevels(question).levels;
    const terms = segmenter.queryTokens(question).filter((term) => levels.length === 0 || !LEVEL_TOKEN.test(term));
    this.#terms = terms.map((term) => {
      const df = store.documentFrequency(term);
      return { term, df, idf: Math.log(1 + (total - df + 0.5) / (df + 0.5)) };
    });
  }

  get absentTerms(): string[] {
    return this.#terms.filter((t) => t.df === 0).map((t) => t.term);
  }

  measure(headingPath: string[], text: string): Evidence {
    const tokens = new Set(this.#segmenter.indexTokens(`${headingPath.join(' ')}\n${text}`));
    const total = this.#terms.reduce((sum, t) => sum + t.idf, 0);
    if (total === 0) return { coverage: 0, missingTerms: [] };
    const found = this.#terms.filter((t) => tokens.has(t.term));
    return {
      coverage: round3(found.reduce((sum, t) => sum + t.idf, 0) / total),
      missingTerms: this.#terms.filter((t) => !tokens.has(t.term)).map((t) => t.term),
    };
  }
}

/** The clause around a hit: neighbouring chunks of the same document under the same heading, merged. */
function wholeClause(store: LibraryStore, hit: SearchHit): Omit<Citation, 'n'> {
  const clause = store.clauseChunks(hit.documentId, hit.headingPath);
  const at = clause.findIndex((chunk) => chunk.chunkId === hit.chunkId);
  // Only a clause that the chunker split (all its chunks contiguous in order) is merged; a heading path that
  // repeats elsewhere in the document keeps its parts apart.
  let first = at;
  let last = at;
  while (first > 0 && clause[first - 1]!.ord === clause[first]!.ord - 1) first--;
  while (last >= 0 && last + 1 < clause.length && clause[last + 1]!.ord === clause[last]!.ord + 1) last++;
  const parts = at === -1 ? [] : clause.slice(first, last + 1);
  const charStart = parts.length ? parts[0]!.charStart : hit.charStart;
  const charEnd = parts.length ? parts[parts.length - 1]!.charEnd : hit.charEnd;
  const pages = parts.flatMap((p) => [p.pageStart, p.pageEnd]).filter((p): p is number => p !== null);
  return {
    documentId: hit.documentId,
    documentPath: hit.documentPath,
    documentTitle: hit.documentTitle,
    headingPath: hit.headingPath,
    page: pages.length ? Math.min(...pages) : hit.pageStart,
    pageEnd: pages.length ? Math.max(...pages) : hit.pageEnd,
    charStart,
    charEnd,
    quote: parts.length > 1 ? store.documentSlice(hit.documentId, charStart, charEnd) : hit.text,
    chunkIds: parts.length ? parts.map((p) => p.chunkId) : [hit.chunkId],
  };
}

/** Why there is no answer, in the question's language (Chinese unless the question has no Chinese in it). */
function explainNotFound(question: string, closest: { heading: string; coverage: number } | null, threshold: number, missing: string[], absent: string[]): string {
  const percent = (value: number): string => `${Math.round(value * 100)}%`;
  if (/\p{Script=Han}/u.test(question)) {
    if (!closest) return '资料库中没有任何段落与问题有共同的词语。';
    return (
      `最接近的段落（${closest.heading}）只包含问题内容的 ${percent(closest.coverage)}，低于作答所需的 ${percent(threshold)}` +
      (missing.length ? `；该段落中没有：${missing.join('、')}` : '') +
      (absent.length ? `。整个资料库中都没有：${absent.join('、')}` : '') +
      '。'
    );
  }
  if (!closest) return 'No passage in the library shares any word with the question.';
  return (
    `The closest passage (${closest.heading}) holds ${percent(closest.coverage)} of the question's content, below the ` +
    `${percent(threshold)} needed for an answer` +
    (missing.length ? `; not found there: ${missing.join(', ')}` : '') +
    (absent.length ? `. Not in the library at all: ${absent.join(', ')}` : '') +
    '.'
  );
}

function formatPassage(citation: Citation): string {
  const heading = citation.headingPath.at(-1) ?? citation.documentTitle ?? citation.documentPath.split(/[\\/]/).pop()!;
  return `${heading} [${citation.n}]\n${citation.quote}`;
}

/**
 * Exact (extractive) answer: the library's own passages that answer the question, verbatim, whole clauses, with
 * citations; or not_found when the best passage holds too little of the question. No model, no randomness: the same
 * question on the same library gives the same bytes.
 */
export function answerExactly(store: LibraryStore, segmenter: ChineseSegmenter, question: string, options: ExactAnswerOptions = {}): Answer {
  const threshold = options.coverageThreshold ?? DEFAULT_COVERAGE_THRESHOLD;
  const maxPassages = options.maxPassages ?? 3;
  const { levels, comparison } = questionLevels(question);
  const meter = new EvidenceMeter(store, segmenter, question);
  const hits = (options.hits ?? searchPassages(store, null, segmenter, question, { k: CANDIDATES })).slice(0, CANDIDATES);
  const measured = hits.map((hit) => ({ hit, ...meter.measure(hit.headingPath, hit.text) }));
  const best = measured[0];
  const base = { question, mode: 'exact' as const };
  const evidence = { coverage: best?.coverage ?? 0, threshold, levels, missingTerms: meter.absentTerms };

  if (!best || best.coverage < threshold) {
    const missing = best ? best.missingTerms : meter.absentTerms;
    const explanation = explainNotFound(question, best ? { heading: best.hit.headingPath.at(-1) ?? best.hit.documentPath, coverage: best.coverage } : null, threshold, missing, meter.absentTerms);
    return { ...base, status: 'not_found', answer: '', citations: [], explanation, evidence };
  }

  // A comparison quotes the leading passage of each named level (the search put them first); otherwise the best
  // passage and those nearly as good, skipping copies of a passage already quoted (JR/T repeats GB/T verbatim).
  const chosen = comparison ? measured.slice(0, levels.length) : [best];
  for (const candidate of comparison ? [] : measured.slice(1)) {
    if (chosen.length >= maxPassages) break;
    if (candidate.coverage < threshold || candidate.hit.score < best.hit.score * RELATIVE_SCORE) continue;
    const duplicate = chosen.some((c) => evidenceCoverage(candidate.hit.text, c.hit.text) >= DUPLICATE_COVERAGE);
    if (!duplicate) chosen.push(candidate);
  }

  const citations: Citation[] = [];
  for (const { hit } of chosen) {
    const passage = wholeClause(store, hit);
    // Two hits from one clause become one citation.
    if (citations.some((c) => c.documentId === passage.documentId && c.charStart === passage.charStart)) continue;
    citations.push({ n: citations.length + 1, ...passage });
  }
  return {
    ...base,
    status: 'answered',
    answer: citations.map(formatPassage).join('\n\n'),
    citations,
    explanation: null,
    evidence,
  };
}
