import type { SearchHit } from '../../../shared/types.ts';
import type { LibraryStore, StoredChunk } from '../store/LibraryStore.ts';
import type { VectorIndex } from '../store/VectorIndex.ts';
import { foldForIndex, type ChineseSegmenter } from './ChineseSegmenter.ts';
import { headingLevel, isUnaskedScenario, LEVEL_TOKEN, questionLevels } from './questionLevels.ts';

export type RetrievalMode = 'lexical' | 'vector' | 'hybrid';

export interface SearchOptions {
  /** Number of passages returned. Defaults to `10`. */
  k?: number;
  /** Defaults to `'lexical'` here; the Library defaults to `'hybrid'` when it has an embedding model. */
  retrieval?: RetrievalMode;
  /** The query's embedding, required for `'vector'` and `'hybrid'`. */
  queryVector?: Float32Array;
  /**
   * MLPS-aware ranking: passages of the level (等级) a question names rank above other levels' copies of the clause,
   * and scenario extension requirements (云计算…) below general ones unless the question names the scenario.
   * Defaults to `true`; `false` gives the plain ranking.
   */
  levelAware?: boolean;
}

/**
 * Candidates fetched from each retriever before fusion and re-ranking. 100: every level's copy of a clause across
 * the MLPS standards (22239, 28448, JR/T 0060, 0071: ~5 levels × 4 documents) fits with room to spare, and both
 * lists stay cheap (bm25 and sqlite-vec KNN at 100 cost the same as at 10).
 */
const CANDIDATES = 100;
/**
 * Vector candidates: 50. Past rank 50 a passage adds under 1/110 to an RRF score, and every extra candidate costs
 * time in quantised search (bench:search: the bit scan grows with k).
 */
const VECTOR_CANDIDATES = 50;
/**
 * Reciprocal-rank fusion constant: score = Σ 1 / (RRF_K + rank). 60 is the value of Cormack et al. (SIGIR 2009),
 * robust across collections; it lets a passage ranked well by both retrievers beat one ranked first by only one.
 */
export const RRF_K = 60;
// Multipliers of the score when a question names levels. A passage of a named level keeps its score; one
// from no level's chapter (definitions, guidance) keeps 80 %; another level's copy of the clause keeps 60 %, which
// puts it below the named level's copy (copies differ in bm25 by far less than 40 %).
const LEVEL_MATCH = 1.0;
const LEVEL_NONE = 0.8;
const LEVEL_OTHER = 0.6;
// A scenario's extension requirement (云计算安全扩展要求…) when the question names no such scenario keeps 80 %.
const SCENARIO_UNASKED = 0.8;

/** An FTS5 MATCH expression that ORs the query's tokens, each quoted (so no token is read as FTS5 syntax). */
export function buildMatchExpression(tokens: string[]): string | null {
  const quoted = tokens.filter((token) => token.length > 0).map((token) => `"${token.replace(/"/g, '""')}"`);
  return quoted.length > 0 ? quoted.join(' OR ') : null;
}

// Rounded so that the last bits of floating point never make two runs' output differ.
function round(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

interface Ranked {
  chunk: StoredChunk;
  score: number;
  level: number | null;
}

/** Base scores by chunk id, higher is better, from the chosen retriever(s). */
function baseScores(store: LibraryStore, vectors: VectorIndex | null, terms: string[], options: SearchOptions, k: number): Map<number, number> {
  const retrieval = options.retrieval ?? 'lexical';
  const match = buildMatchExpression(terms);
  const lexical = retrieval === 'vector' || !match ? [] : store.lexicalCandidates(match, Math.max(k, CANDIDATES));
  let nearest: { chunkId: number; distance: number }[] = [];
  if (retrieval !== 'lexical') {
    if (!vectors || !options.queryVector) throw new Error(`${retrieval} retrieval needs an embedding model and a query vector`);
    nearest = vectors.nearest(options.queryVector, Math.max(k, VECTOR_CANDIDATES));
  }
  const scores = new Map<number, number>();
  if (retrieval === 'lexical') for (const c of lexical) scores.set(c.chunkId, -c.bm25); // bm25() is lower-is-better
  else if (retrieval === 'vector') for (const c of nearest) scores.set(c.chunkId, 1 - c.distance); // cosine similarity
  else {
    lexical.forEach((c, rank) => scores.set(c.chunkId, (scores.get(c.chunkId) ?? 0) + 1 / (RRF_K + rank + 1)));
    nearest.forEach((c, rank) => scores.set(c.chunkId, (scores.get(c.chunkId) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  return scores;
}

/**
 * Passage search: bm25 over the jieba-segmented FTS5 index (heading path weighted above body), sqlite-vec KNN, or both
 * fused by reciprocal rank. Then, when the query names levels (三级, 第四级…), passages from those levels' chapters
 * rank first, and a comparison (二级与三级…) leads with the best passage of each named level in the order named.
 * Ties are broken by document path and position, so the same query on libraries of the same documents always gives
 * the same list.
 */
export function searchPassages(
  store: LibraryStore,
  vectors: VectorIndex | null,
  segmenter: ChineseSegmenter,
  query: string,
  options: SearchOptions = {},
): SearchHit[] {
  const k = options.k ?? 10;
  const { levels, comparison } = options.levelAware === false ? { levels: [], comparison: false } : questionLevels(query);
  const allTerms = segmenter.queryTokens(query);
  // With levels handled by ranking, "三级" itself would only favour any heading that mentions some level.
  const levelFree = levels.length > 0 ? allTerms.filter((term) => !LEVEL_TOKEN.test(term)) : allTerms;
  const terms = levelFree.length > 0 ? levelFree : allTerms;

  const ranked: Ranked[] = [];
  for (const [chunkId, base] of baseScores(store, vectors, terms, options, k)) {
    const chunk = store.chunk(chunkId);
    if (!chunk) continue;
    const level = headingLevel(chunk.headingPath);
    const levelFactor = levels.length === 0 ? 1 : level === null ? LEVEL_NONE : levels.includes(level) ? LEVEL_MATCH : LEVEL_OTHER;
    const scenarioFactor = options.levelAware !== false && isUnaskedScenario(chunk.headingPath, query) ? SCENARIO_UNASKED : 1;
    ranked.push({ chunk, level, score: round(base * levelFactor * scenarioFactor) });
  }
  // Ties by document path and position, not chunk id: ids depend on the order files were indexed, and two libraries
  // of the same documents must give the same answer.
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      (a.chunk.documentPath < b.chunk.documentPath ? -1 : a.chunk.documentPath > b.chunk.documentPath ? 1 : 0) ||
      a.chunk.ord - b.chunk.ord,
  );
  if (comparison) {
    // Both sides of the comparison first: the best passage of each named level, in the order the question names them.
    const leaders = levels.map((level) => ranked.find((entry) => entry.level === level)).filter((entry): entry is Ranked => !!entry);
    ranked.splice(0, ranked.length, ...leaders, ...ranked.filter((entry) => !leaders.includes(entry)));
  }

  return ranked.slice(0, k).map(({ chunk, score }) => {
    const haystack = foldForIndex(`${chunk.headingPath.join(' ')}\n${chunk.text}`);
    return {
      chunkId: chunk.chunkId,
      documentId: chunk.documentId,
      documentPath: chunk.documentPath,
      documentTitle: chunk.documentTitle,
      headingPath: chunk.headingPath,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      charStart: chunk.charStart,
      charEnd: chunk.charEnd,
      text: chunk.text,
      score,
      matchedTerms: terms.filter((term) => haystack.includes(term)),
    };
  });
}
