import type { SearchHit } from '../../../shared/types.ts';
import type { LibraryStore, StoredChunk } from '../store/LibraryStore.ts';
import { foldForIndex, type ChineseSegmenter } from './ChineseSegmenter.ts';
import { headingLevel, isUnaskedScenario, LEVEL_TOKEN, questionLevels } from './questionLevels.ts';

export interface LexicalSearchOptions {
  /** Number of passages returned. Defaults to `10`. */
  k?: number;
  /**
   * MLPS-aware ranking: passages of the level (等级) a question names rank above other levels' copies of the clause,
   * and scenario extension requirements (云计算…) below general ones unless the question names the scenario.
   * Defaults to `true`; `false` gives plain bm25.
   */
  levelAware?: boolean;
}

/**
 * bm25 candidates fetched before level-aware re-ranking. 100: every level's copy of a clause across the MLPS
 * standards (22239, 28448, JR/T 0060, 0071: ~5 levels × 4 documents) fits with room to spare.
 */
const CANDIDATES = 100;
// Multipliers of the bm25 score when a question names levels. A passage of a named level keeps its score; one
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

/**
 * bm25 search over the jieba-segmented FTS5 index, heading path weighted above body. When the query names levels
 * (三级, 第四级…), passages from those levels' chapters rank first, and a comparison (二级与三级…) leads with the best
 * passage of each named level in the order named. Ties are broken by chunk id, so the same query on the same
 * library always gives the same list.
 */
export function lexicalSearch(store: LibraryStore, segmenter: ChineseSegmenter, query: string, options: LexicalSearchOptions = {}): SearchHit[] {
  const k = options.k ?? 10;
  const { levels, comparison } = options.levelAware === false ? { levels: [], comparison: false } : questionLevels(query);
  const allTerms = segmenter.queryTokens(query);
  // With levels handled by ranking, "三级" itself would only favour any heading that mentions some level.
  const terms = levels.length > 0 ? allTerms.filter((term) => !LEVEL_TOKEN.test(term)) : allTerms;
  const match = buildMatchExpression(terms.length > 0 ? terms : allTerms);
  if (!match) return [];

  const ranked: Ranked[] = [];
  for (const candidate of store.lexicalCandidates(match, Math.max(k, CANDIDATES))) {
    const chunk = store.chunk(candidate.chunkId);
    if (!chunk) continue;
    const level = headingLevel(chunk.headingPath);
    const levelFactor = levels.length === 0 ? 1 : level === null ? LEVEL_NONE : levels.includes(level) ? LEVEL_MATCH : LEVEL_OTHER;
    const factor = levelFactor * (options.levelAware !== false && isUnaskedScenario(chunk.headingPath, query) ? SCENARIO_UNASKED : 1);
    // bm25() is lower-is-better; negated so that every score in the API is higher-is-better.
    ranked.push({ chunk, level, score: round(-candidate.bm25 * factor) });
  }
  ranked.sort((a, b) => b.score - a.score || a.chunk.chunkId - b.chunk.chunkId);
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
