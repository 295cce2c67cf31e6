import type { SearchHit } from '../../../shared/types.ts';

/**
 * A second-stage scorer of (question, passage) pairs, such as a cross-encoder (bge-reranker). Optional: off unless a
 * reranker model is configured.
 */
export interface Reranker {
  readonly modelId: string;
  /** One relevance score per passage, higher is better. */
  score(question: string, passages: string[]): Promise<number[]>;
  dispose(): Promise<void>;
}

/** Passages re-scored per query: the top 30 of retrieval (a cross-encoder reads each pair in full: cost is linear). */
export const RERANK_DEPTH = 30;

/**
 * Re-orders the head of a ranked list by the reranker's scores (ties keep the retrieval order); the tail after
 * RERANK_DEPTH keeps its order. Scores in the hits become the reranker's, rounded.
 */
export async function rerankHits(reranker: Reranker, question: string, hits: SearchHit[]): Promise<SearchHit[]> {
  const head = hits.slice(0, RERANK_DEPTH);
  const scores = await reranker.score(
    question,
    head.map((hit) => `${hit.headingPath.join(' › ')}\n${hit.text}`),
  );
  const order = head.map((hit, index) => ({ hit, index, score: Math.round((scores[index] ?? -Infinity) * 1e6) / 1e6 }));
  order.sort((a, b) => b.score - a.score || a.index - b.index);
  return [...order.map(({ hit, score }) => ({ ...hit, score })), ...hits.slice(RERANK_DEPTH)];
}
