import { passageBlocks } from '../../../shared/passageBlocks.ts';
import type { Answer, Citation, LevelComparison, SearchHit } from '../../../shared/types.ts';
import { evidenceCoverage } from '../eval/evidenceMatch.ts';
import type { QuestionAnalysis } from '../question/analyzeQuestion.ts';
import { DEFAULT_LEVEL } from '../search/rankingPriors.ts';
import type { WeighedConcept } from '../search/scoreConcepts.ts';
import type { DocumentProfileRecord, LibraryStore } from '../store/LibraryStore.ts';
import { alignLevels, controlPointOf, diffItems } from './compareLevels.ts';
import {
  DEFAULT_ANSWER_THRESHOLD,
  DEFAULT_RELATED_THRESHOLD,
  judgeEvidence,
  type NotFoundReason,
} from './judgeEvidence.ts';

export { DEFAULT_ANSWER_THRESHOLD, DEFAULT_RELATED_THRESHOLD } from './judgeEvidence.ts';

export interface ExactAnswerInput {
  store: LibraryStore;
  analysis: QuestionAnalysis;
  /** The question's concepts with their library statistics (PassageSearch.weigh). */
  weighed: WeighedConcept[];
  /** Ranked passages (copies merged), best first. */
  hits: SearchHit[];
  /** The library's documents by id. */
  documents: Map<number, DocumentProfileRecord>;
  /** The idf of a word one chunk holds (PassageSearch.singletonIdf). */
  singletonIdf: number;
  /** Whether the library's text holds a wording (PassageSearch.holds). */
  libraryHolds: (text: string) => boolean;
}

export interface ExactAnswerOptions {
  /** Coverage from which the answer is sure. Defaults to `DEFAULT_ANSWER_THRESHOLD`. */
  coverageThreshold?: number;
  /** Coverage from which the closest passages are offered as related. Defaults to `DEFAULT_RELATED_THRESHOLD`. */
  relatedThreshold?: number;
  /** Most passages quoted in one answer. Defaults to `3`. */
  maxPassages?: number;
}

/** How much of a passage's text another passage already quotes before it counts as the same (JR/T repeats GB/T). */
const DUPLICATE_COVERAGE = 0.8;
// A passage joins the answer when it holds at least this share of what the best covered passage holds.
const CITED_COVERAGE_SHARE = 0.5;
// Passages looked at for the answer (the evidence gate reads as many).
const CITED_DEPTH = 5;
// Candidates looked at: the answer never reaches further down the ranking than this.
const CANDIDATES = 10;

const LEVEL_NAMES_ZH = ['', '第一级', '第二级', '第三级', '第四级', '第五级'];
// The general-standard note is given when a sector standard's passage holds the question at least this well.
const SECTOR_NOTE_SHARE = 0.9;

// A test standard's control point holds several test units (8.1.1.4 防雷击: L3-PES1-07, L3-PES1-08): asked how a
// control point is tested, the answer is all of them, up to this many characters.
const TEST_UNIT = /测评单元/;
const MAX_WIDENED_CHARACTERS = 4000;

/**
 * Rows of a table only (tables are chunked apart from prose): such a passage is quoted alone — the rows the search
 * found, each carrying its header — not widened to the whole table under its heading (an 80-row table is not an
 * answer).
 */
function isTablePassage(text: string): boolean {
  return passageBlocks(text).every((block) => block.kind === 'table');
}

/** The clause around a hit: neighbouring chunks of the same document under the same heading, merged. */
function wholeClause(store: LibraryStore, hit: SearchHit): Omit<Citation, 'n'> {
  if (isTablePassage(hit.text)) return citationOf(hit);
  const leaf = hit.headingPath.at(-1) ?? '';
  const controlPoint = TEST_UNIT.test(leaf) ? hit.headingPath.slice(0, -1) : null;
  const clause = controlPoint
    ? store.chunksUnderHeading(hit.documentId, controlPoint)
    : store.clauseChunks(hit.documentId, hit.headingPath);
  const at = clause.findIndex((chunk) => chunk.chunkId === hit.chunkId);
  // Only a clause that the chunker split (all its chunks contiguous in order) is merged; a heading path that
  // repeats elsewhere in the document keeps its parts apart.
  let first = at;
  let last = at;
  while (first > 0 && clause[first - 1]!.ord === clause[first]!.ord - 1) first--;
  while (last >= 0 && last + 1 < clause.length && clause[last + 1]!.ord === clause[last]!.ord + 1) last++;
  let parts = at === -1 ? [] : clause.slice(first, last + 1);
  let headingPath = controlPoint ?? hit.headingPath;
  if (
    controlPoint &&
    (parts.length === 0 || parts[parts.length - 1]!.charEnd - parts[0]!.charStart > MAX_WIDENED_CHARACTERS)
  ) {
    // Too long to quote whole: the test unit alone.
    parts = store.clauseChunks(hit.documentId, hit.headingPath).filter((chunk) => chunk.chunkId === hit.chunkId);
    headingPath = hit.headingPath;
  }
  const charStart = parts.length ? parts[0]!.charStart : hit.charStart;
  const charEnd = parts.length ? parts[parts.length - 1]!.charEnd : hit.charEnd;
  const pages = parts.flatMap((p) => [p.pageStart, p.pageEnd]).filter((p): p is number => p !== null);
  return {
    ...citationOf(hit),
    headingPath,
    page: pages.length ? Math.min(...pages) : hit.pageStart,
    pageEnd: pages.length ? Math.max(...pages) : hit.pageEnd,
    charStart,
    charEnd,
    quote: parts.length > 1 ? store.documentSlice(hit.documentId, charStart, charEnd) : hit.text,
    chunkIds: parts.length ? parts.map((p) => p.chunkId) : [hit.chunkId],
  };
}

/** A hit quoted as it is. */
function citationOf(hit: SearchHit): Omit<Citation, 'n'> {
  return {
    documentId: hit.documentId,
    documentPath: hit.documentPath,
    documentTitle: hit.documentTitle,
    headingPath: hit.headingPath,
    page: hit.pageStart,
    pageEnd: hit.pageEnd,
    charStart: hit.charStart,
    charEnd: hit.charEnd,
    quote: hit.text,
    chunkIds: [hit.chunkId],
    standard: hit.standard,
    level: hit.level,
    alsoIn: hit.alsoIn,
  };
}

/** The same control point of the same document at another level (8.1.10.7 and 6.1.9.6 恶意代码防范管理). */
function sameControlPoint(a: SearchHit, b: SearchHit): boolean {
  if (a.documentId !== b.documentId || a.level === b.level) return false;
  const pointA = controlPointOf(a.headingPath);
  const pointB = controlPointOf(b.headingPath);
  return pointA !== null && pointB !== null && pointA.title === pointB.title;
}

function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

/** "GB/T 22239-2019 · 8.1.4.1 身份鉴别": which standard, which clause. */
export function citationHeading(
  citation: Pick<Citation, 'standard' | 'documentTitle' | 'documentPath' | 'headingPath'>,
): string {
  const source = citation.standard ?? citation.documentTitle ?? fileName(citation.documentPath);
  const clause = citation.headingPath.at(-1);
  return clause ? `${source} · ${clause}` : source;
}

function formatPassage(citation: Citation): string {
  return `${citationHeading(citation)} [${citation.n}]\n${citation.quote}`;
}

const zh = (analysis: QuestionAnalysis): boolean => analysis.language === 'zh';
const percent = (value: number): string => `${Math.round(value * 100)}%`;

/** Why there is no (sure) answer, in the question's language. */
function explain(analysis: QuestionAnalysis, reasons: NotFoundReason[], absent: string[]): string {
  const parts: string[] = [];
  for (const reason of reasons) {
    switch (reason.code) {
      case 'standard-absent':
        parts.push(
          zh(analysis)
            ? `资料库中没有 ${reason.names.join('、')} 的文件`
            : `The library holds no document of ${reason.names.join(', ')}`,
        );
        break;
      case 'focus-absent':
        parts.push(
          zh(analysis)
            ? `问题所问的「${reason.words.join('、')}」在资料库的任何文件中都没有出现`
            : `What the question asks about (${reason.words.join(', ')}) appears in no document of the library`,
        );
        break;
      case 'region-mismatch':
        parts.push(
          zh(analysis)
            ? `资料库中相关的规定只适用于${reason.holds.join('、')}（${citationHeading({ standard: reason.closest.standard, documentTitle: reason.closest.documentTitle, documentPath: reason.closest.documentPath, headingPath: reason.closest.headingPath })}），没有${reason.asked.join('、')}的`
            : `The library's rules on this apply to ${reason.holds.join(', ')} only (${reason.closest.documentTitle ?? fileName(reason.closest.documentPath)}), not to ${reason.asked.join(', ')}`,
        );
        break;
      case 'name-absent':
        parts.push(
          zh(analysis)
            ? `资料库的任何文件都没有提到「${reason.names.join('、')}」`
            : `No document of the library mentions ${reason.names.join(', ')}`,
        );
        break;
      case 'named-document-absent':
        parts.push(
          zh(analysis)
            ? `资料库中没有${reason.titles.map((t) => `《${t}》`).join('、')}本身，只有提到它的段落；问题所问的「${reason.words.join('、')}」在资料库的任何文件中都没有出现`
            : `The library does not hold ${reason.titles.map((t) => `《${t}》`).join(', ')} itself, only passages naming it; ${reason.words.join(', ')} appears in no document`,
        );
        break;
      case 'nothing-shared':
        parts.push(
          zh(analysis)
            ? '资料库中没有任何段落与问题的内容有共同的词语'
            : 'No passage in the library shares any content word with the question',
        );
        break;
      case 'low-coverage': {
        const heading = citationHeading({
          standard: reason.closest.standard,
          documentTitle: reason.closest.documentTitle,
          documentPath: reason.closest.documentPath,
          headingPath: reason.closest.headingPath,
        });
        parts.push(
          zh(analysis)
            ? `最接近的段落（${heading}）只包含问题内容的 ${percent(reason.coverage)}，低于作答所需的 ${percent(reason.threshold)}${reason.missing.length ? `；该段落中没有：${reason.missing.join('、')}` : ''}`
            : `The closest passage (${heading}) holds ${percent(reason.coverage)} of the question's content, below the ${percent(reason.threshold)} needed for an answer${reason.missing.length ? `; not found there: ${reason.missing.join(', ')}` : ''}`,
        );
        break;
      }
      default:
        reason satisfies never;
    }
  }
  // "Not in the library at all" is said only of words the library's text indeed lacks.
  const unsaid = absent.filter(
    (word) =>
      !reasons.some(
        (r) =>
          ((r.code === 'focus-absent' || r.code === 'named-document-absent') && r.words.includes(word)) ||
          (r.code === 'name-absent' && r.names.includes(word)),
      ),
  );
  if (unsaid.length)
    parts.push(
      zh(analysis) ? `整个资料库中都没有：${unsaid.join('、')}` : `Not in the library at all: ${unsaid.join(', ')}`,
    );
  return `${parts.join(zh(analysis) ? '。' : '. ')}${zh(analysis) ? '。' : '.'}`;
}

/**
 * Notes on what the answer assumed where the question said nothing: the level (when it quotes a level's chapter),
 * the general standard (when a sector standard also holds the question nearly as well).
 */
function scopeNotes(
  analysis: QuestionAnalysis,
  citations: Citation[],
  documents: Map<number, DocumentProfileRecord>,
  hits: SearchHit[],
): string[] {
  const notes: string[] = [];
  const first = citations[0];
  // A clause asked for by its number or code is what it is.
  if (!first || hits.some((h) => h.reference)) return notes;
  if (analysis.levels.length === 0 && first.level === DEFAULT_LEVEL) {
    notes.push(
      zh(analysis)
        ? `问题未指明等级，以下按${LEVEL_NAMES_ZH[DEFAULT_LEVEL]}要求作答；其他等级的对应条款可在检索中查看。`
        : `The question names no protection level: this answer quotes the level ${DEFAULT_LEVEL} requirements.`,
    );
  }
  const profile = documents.get(first.documentId)?.profile;
  const firstCoverage =
    hits.find((h) => h.documentId === first.documentId && h.charStart >= first.charStart && h.charStart < first.charEnd)
      ?.coverage ?? 0;
  const sectorAlternative = hits.some(
    (h) => documents.get(h.documentId)?.profile.sector && h.coverage >= firstCoverage * SECTOR_NOTE_SHARE,
  );
  if (
    analysis.sectors.length === 0 &&
    analysis.standards.length === 0 &&
    sectorAlternative &&
    profile &&
    profile.sector === null &&
    profile.standard
  ) {
    notes.push(
      zh(analysis)
        ? `问题未指明行业，以下引用通用标准 ${profile.standard}；行业标准（如金融、证券期货）的对应条款可在检索中查看。`
        : `The question names no sector: this answer quotes the general standard ${profile.standard}.`,
    );
  }
  return notes;
}

function evidenceOf(
  analysis: QuestionAnalysis,
  weighed: WeighedConcept[],
  coverage: number,
  threshold: number,
  relatedThreshold: number,
  absent: string[],
): Answer['evidence'] {
  return {
    coverage,
    threshold,
    relatedThreshold,
    levels: analysis.levels,
    missingTerms: absent,
    concepts: weighed.map((w) => ({
      label: w.concept.label,
      expansions: w.concept.alternatives.filter((a) => a.weight < 1).map((a) => a.text),
    })),
    thesaurusVersion: analysis.thesaurusVersion,
  };
}

/**
 * Exact (extractive) answer: the library's own passages that answer the question, verbatim, whole clauses, with
 * citations naming the standard and clause; the closest passages as "possibly related" when the evidence is partial;
 * or not_found with the reason. A comparison of two levels aligns the control point at both and marks what the
 * higher level adds. No model, no randomness: the same question on the same library gives the same bytes.
 */
export function answerExactly(input: ExactAnswerInput, options: ExactAnswerOptions = {}): Answer {
  const { store, analysis, weighed, documents } = input;
  const threshold = options.coverageThreshold ?? DEFAULT_ANSWER_THRESHOLD;
  const relatedThreshold = Math.min(options.relatedThreshold ?? DEFAULT_RELATED_THRESHOLD, threshold);
  const maxPassages = options.maxPassages ?? 3;
  const hits = input.hits.slice(0, CANDIDATES);
  const judgement = judgeEvidence(analysis, weighed, hits, {
    answerThreshold: threshold,
    relatedThreshold,
    libraryHolds: input.libraryHolds,
    holdsDocumentTitled: (title) =>
      [...documents.values()].some(
        (d) => (d.profile.title ?? '').includes(title) || (d.profile.title ?? d.path).includes(title),
      ),
    documents,
    singletonIdf: input.singletonIdf,
  });
  const base = { question: analysis.question, mode: 'exact' as const };
  const evidence = evidenceOf(
    analysis,
    weighed,
    judgement.coverage,
    threshold,
    relatedThreshold,
    judgement.absentFromLibrary,
  );

  if (judgement.verdict === 'not_found' || !judgement.best) {
    return {
      ...base,
      status: 'not_found',
      answer: '',
      citations: [],
      explanation: explain(analysis, judgement.reasons, judgement.absentFromLibrary),
      notes: [],
      evidence,
    };
  }
  const best = judgement.best;

  if (judgement.verdict === 'answered' && analysis.comparison) {
    const compared = compareAnswer(store, analysis, hits, evidence);
    if (compared) return { ...compared, notes: scopeNotes(analysis, compared.citations, documents, hits) };
  }

  // The passages in their ranking order — the ranking weighs what each passage is (level, standard, kind), the
  // coverage only its words — down to those holding well under what the best holds, skipping copies of a passage
  // already quoted (JR/T repeats GB/T). The answer is whole clauses, so three is already a page.
  const chosen: SearchHit[] = [];
  const floor = Math.max(judgement.verdict === 'answered' ? relatedThreshold : 0, best.coverage * CITED_COVERAGE_SHARE);
  for (const [rank, candidate] of hits.slice(0, CITED_DEPTH).entries()) {
    if (chosen.length >= maxPassages) break;
    // The first of the ranking is always quoted: its rank already weighs what the question names (level, standard).
    if (rank > 0 && candidate !== best && candidate.coverage < floor) continue;
    if (chosen.some((c) => evidenceCoverage(candidate.text, c.text) >= DUPLICATE_COVERAGE)) continue;
    // A question that names no level gets the clause once: not the same control point again at other levels.
    if (analysis.levels.length === 0 && chosen.some((c) => sameControlPoint(c, candidate))) continue;
    chosen.push(candidate);
  }
  // The passage the verdict rests on is always quoted (unless a copy of it is).
  if (!chosen.includes(best) && !chosen.some((c) => evidenceCoverage(best.text, c.text) >= DUPLICATE_COVERAGE)) {
    if (chosen.length >= maxPassages) chosen.pop();
    chosen.push(best);
  }
  const citations: Citation[] = [];
  for (const hit of chosen) {
    const passage = wholeClause(store, hit);
    // Two hits from one clause become one citation.
    if (citations.some((c) => c.documentId === passage.documentId && c.charStart === passage.charStart)) continue;
    citations.push({ n: citations.length + 1, ...passage });
  }
  const body = citations.map(formatPassage).join('\n\n');
  if (judgement.verdict === 'related') {
    const lead = zh(analysis)
      ? '资料库中没有确定回答该问题的条款。以下是可能相关的条款：'
      : 'The library has no passage that surely answers this question. Possibly related passages:';
    const why = explain(
      analysis,
      [
        {
          code: 'low-coverage',
          closest: best,
          coverage: judgement.coverage,
          threshold,
          missing: judgement.missingInPassage,
        },
      ],
      judgement.absentFromLibrary,
    );
    return {
      ...base,
      status: 'related',
      answer: `${lead}\n\n${body}`,
      citations,
      explanation: why,
      notes: scopeNotes(analysis, citations, documents, hits),
      evidence,
    };
  }
  return {
    ...base,
    status: 'answered',
    answer: body,
    citations,
    explanation: null,
    notes: scopeNotes(analysis, citations, documents, hits),
    evidence,
  };
}

/** The comparison answer: the control point at each named level, lower first, and the higher level's additions. */
function compareAnswer(
  store: LibraryStore,
  analysis: QuestionAnalysis,
  hits: SearchHit[],
  evidence: Answer['evidence'],
): Omit<Answer, 'notes'> | null {
  const levels = [...analysis.levels].sort((a, b) => a - b).slice(0, 2);
  const aligned = alignLevels(store, hits, levels);
  if (!aligned) return null;
  const hitFor = (chunkId: number): SearchHit | undefined =>
    hits.find((h) => h.chunkId === chunkId || h.alsoIn.some((c) => c.chunkId === chunkId));
  const citations: Citation[] = aligned.clauses.map((clause, index) => {
    const known = hitFor(clause.chunk.chunkId);
    const c = clause.chunk;
    const hit: SearchHit = known ?? {
      chunkId: c.chunkId,
      documentId: c.documentId,
      documentPath: c.documentPath,
      documentTitle: c.documentTitle,
      headingPath: c.headingPath,
      pageStart: c.pageStart,
      pageEnd: c.pageEnd,
      charStart: c.charStart,
      charEnd: c.charEnd,
      text: c.text,
      score: 0,
      matchedTerms: [],
      standard: hits.find((h) => h.documentId === c.documentId)?.standard ?? null,
      documentKind: 'other',
      level: clause.level,
      coverage: 0,
      reference: false,
      alsoIn: [],
    };
    // A hit standing for its copies may be another document's chunk: quote the aligned chunk itself.
    const own =
      hit.chunkId === c.chunkId
        ? hit
        : {
            ...hit,
            ...c,
            chunkId: c.chunkId,
            documentPath: c.documentPath,
            documentTitle: c.documentTitle,
            alsoIn: [],
          };
    return { n: index + 1, ...wholeClause(store, own), level: clause.level };
  });
  const [lower, higher] = citations as [Citation, Citation];
  const diff = diffItems(lower.quote, higher.quote);
  const comparison: LevelComparison = {
    controlPoint: aligned.controlPoint,
    levels: [lower.level ?? levels[0]!, higher.level ?? levels[1]!],
    citations: [lower.n, higher.n],
    ...diff,
  };
  const isZh = zh(analysis);
  const levelName = (level: number): string => (isZh ? LEVEL_NAMES_ZH[level]! : `level ${level}`);
  const lines = citations.map((c) => `${citationHeading(c)}（${levelName(c.level!)}）[${c.n}]\n${c.quote}`);
  const summary: string[] = [];
  const [low, high] = comparison.levels;
  if (isZh) {
    summary.push(`${levelName(high)}比${levelName(low)}（${aligned.controlPoint}）：`);
    if (diff.added.length) summary.push(`新增 [${higher.n}]：\n${diff.added.map((item) => `+ ${item}`).join('\n')}`);
    if (diff.changed.length)
      summary.push(`要求有变化 [${higher.n}]：\n${diff.changed.map((item) => `~ ${item}`).join('\n')}`);
    if (diff.removed.length)
      summary.push(`${levelName(high)}不再单列 [${lower.n}]：\n${diff.removed.map((item) => `- ${item}`).join('\n')}`);
    if (!diff.added.length && !diff.changed.length && !diff.removed.length) summary.push('两级要求的条款内容相同。');
  } else {
    summary.push(`Level ${high} compared with level ${low} (${aligned.controlPoint}):`);
    if (diff.added.length) summary.push(`Added [${higher.n}]:\n${diff.added.map((item) => `+ ${item}`).join('\n')}`);
    if (diff.changed.length)
      summary.push(`Changed [${higher.n}]:\n${diff.changed.map((item) => `~ ${item}`).join('\n')}`);
    if (diff.removed.length)
      summary.push(`Not listed at level ${high} [${lower.n}]:\n${diff.removed.map((item) => `- ${item}`).join('\n')}`);
    if (!diff.added.length && !diff.changed.length && !diff.removed.length)
      summary.push('The clauses are the same at both levels.');
  }
  return {
    question: analysis.question,
    mode: 'exact',
    status: 'answered',
    answer: `${lines.join('\n\n')}\n\n${summary.join('\n')}`,
    citations,
    explanation: null,
    comparison,
    evidence,
  };
}
