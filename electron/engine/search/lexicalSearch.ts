import type { SearchHit } from '../../../shared/types.ts';
import type { LibraryStore } from '../store/LibraryStore.ts';
import { foldForIndex, type ChineseSegmenter } from './ChineseSegmenter.ts';

export interface LexicalSearchOptions {
  /** Number of passages returned. Defaults to `10`. */
  k?: number;
}

/** An FTS5 MATCH expression that ORs the query's tokens, each quoted (so no token is read as FTS5 syntax). */
export function buildMatchExpression(tokens: string[]): string | null {
  const quoted = tokens.filter((token) => token.length > 0).map((token) => `"${token.replace(/"/g, '""')}"`);
  return quoted.length > 0 ? quoted.join(' OR ') : null;
}

/**
 * bm25 search over the jieba-segmented FTS5 index. Ranked by bm25 (heading path weighted above body), ties broken
 * by chunk id so the same query on the same library always gives the same order.
 */
export function lexicalSearch(store: LibraryStore, segmenter: ChineseSegmenter, query: string, options: LexicalSearchOptions = {}): SearchHit[] {
  const k = options.k ?? 10;
  const terms = segmenter.queryTokens(query);
  const match = buildMatchExpression(terms);
  if (!match) return [];
  const hits: SearchHit[] = [];
  for (const candidate of store.lexicalCandidates(match, k)) {
    const chunk = store.chunk(candidate.chunkId);
    if (!chunk) continue;
    const haystack = foldForIndex(`${chunk.headingPath.join(' ')}\n${chunk.text}`);
    hits.push({
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
      // bm25() is lower-is-better; negate so that every score in the API is higher-is-better. Rounded so that
      // the last bits of floating point never make two runs' JSON differ.
      score: Math.round(-candidate.bm25 * 1e6) / 1e6,
      matchedTerms: terms.filter((term) => haystack.includes(term)),
    });
  }
  return hits;
}
