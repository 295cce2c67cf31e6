import type { SearchHit } from '../../../shared/types.ts';
import { EVIDENCE_COVERAGE_THRESHOLD, passageContainsEvidence } from './evidenceMatch.ts';

/** One line of a QA file in the format of ../shared/eval/qa_mlps_dev.jsonl. */
export interface QaItem {
  id: string;
  question: string;
  /** Verbatim evidence passages; empty for questions the corpus cannot answer. */
  evidence_parts?: string[];
  /** Path of the evidence's document relative to the corpus root (for the strict measure). */
  source_file?: string | null;
  type?: string;
}

export interface RetrievalItemResult {
  id: string;
  type: string;
  /** 1-based rank of the first passage containing evidence, or null when none of the top k does. */
  rank: number | null;
  /** The same, counting only passages from the evidence's own document. */
  strictRank: number | null;
}

export interface RetrievalReport {
  questions: number;
  k: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  strictRecallAt5: number;
  byType: Record<string, { questions: number; recallAt1: number; recallAt5: number; mrr: number }>;
  method: string;
  items: RetrievalItemResult[];
}

function summarise(items: RetrievalItemResult[]): { recallAt1: number; recallAt5: number; mrr: number } {
  const n = items.length || 1;
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    recallAt1: round(items.filter((item) => item.rank === 1).length / n),
    recallAt5: round(items.filter((item) => item.rank !== null && item.rank <= 5).length / n),
    mrr: round(items.reduce((sum, item) => sum + (item.rank ? 1 / item.rank : 0), 0) / n),
  };
}

/**
 * Retrieval quality on the answerable questions of a QA set: for each question, the rank of the first retrieved
 * passage that contains one of its evidence quotes (text overlap), then recall@1, recall@5 and MRR over the top k.
 */
export async function evaluateRetrieval(
  items: QaItem[],
  search: (question: string, k: number) => Promise<SearchHit[]>,
  k = 10,
): Promise<RetrievalReport> {
  const results: RetrievalItemResult[] = [];
  for (const item of items) {
    const evidence = item.evidence_parts ?? [];
    if (evidence.length === 0) continue;
    const hits = await search(item.question, k);
    const rankOf = (accept: (hit: SearchHit) => boolean): number | null => {
      const index = hits.findIndex((hit) => accept(hit) && passageContainsEvidence(hit.text, evidence));
      return index === -1 ? null : index + 1;
    };
    const sourceName = item.source_file ? item.source_file.split('/').pop()! : null;
    results.push({
      id: item.id,
      type: item.type ?? 'unknown',
      rank: rankOf(() => true),
      strictRank: sourceName ? rankOf((hit) => hit.documentPath.endsWith(sourceName)) : null,
    });
  }
  const byType: RetrievalReport['byType'] = {};
  for (const type of [...new Set(results.map((r) => r.type))].sort()) {
    const ofType = results.filter((r) => r.type === type);
    byType[type] = { questions: ofType.length, ...summarise(ofType) };
  }
  const strictItems = results.map((r) => ({ ...r, rank: r.strictRank }));
  return {
    questions: results.length,
    k,
    ...summarise(results),
    strictRecallAt5: summarise(strictItems).recallAt5,
    byType,
    method:
      `a passage counts as containing the evidence when it holds at least ${EVIDENCE_COVERAGE_THRESHOLD * 100}% of the ` +
      'character bigrams of one evidence quote (whitespace and punctuation removed, width and case folded); ' +
      `MRR over the top ${k}; strict = the passage must also come from the evidence's own document`,
    items: results,
  };
}
