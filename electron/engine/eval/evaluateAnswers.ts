import type { Answer } from '../../../shared/types.ts';
import { passageContainsEvidence } from './evidenceMatch.ts';
import type { QaItem } from './evaluateRetrieval.ts';

export interface AnswerItemResult {
  id: string;
  type: string;
  answerable: boolean;
  status: Answer['status'];
  /** For answerable questions answered or offered related passages: whether a cited passage contains the evidence. */
  citesEvidence: boolean | null;
}

/** One question type's figures. */
export interface AnswerTypeFigures {
  questions: number;
  /** Answerable: cited the evidence (answered or related); unanswerable: refused. */
  correct: number;
  /** Answerable questions answered for sure (status 'answered') citing the evidence. */
  sureWithEvidence: number;
  /** Answerable questions refused (not_found). */
  refused: number;
}

export interface AnswerReport {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Of the questions answered not_found, the share the corpus indeed cannot answer (1 when none was). */
  notFoundPrecision: number;
  /** Of the questions the corpus cannot answer, the share answered not_found (1 when there are none). */
  notFoundRecall: number;
  /** Of the answerable questions, the share not refused whose citations contain the evidence (answered or related). */
  answeredWithEvidence: number;
  /** Of the answerable questions, the share answered for sure (status 'answered') with the evidence cited. */
  sureWithEvidence: number;
  /** Of the answerable questions, the share given as related passages (status 'related'). */
  related: number;
  byType: Record<string, AnswerTypeFigures>;
  items: AnswerItemResult[];
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : Math.round((part / whole) * 1000) / 1000;
}

/**
 * Answer-level quality: not_found for the questions the corpus cannot answer (no evidence given) and, for the others,
 * an answer whose citations contain the evidence — counted both for sure answers alone and with the related
 * passages offered when the evidence is partial (both cite passages; only not_found cites none).
 */
export async function evaluateAnswers(
  items: QaItem[],
  ask: (question: string) => Promise<Answer>,
): Promise<AnswerReport> {
  const results: AnswerItemResult[] = [];
  for (const item of items) {
    const evidence = item.evidence_parts ?? [];
    const answer = await ask(item.question);
    const answerable = evidence.length > 0;
    results.push({
      id: item.id,
      type: item.type ?? 'unknown',
      answerable,
      status: answer.status,
      citesEvidence:
        answerable && answer.status !== 'not_found'
          ? answer.citations.some((c) => passageContainsEvidence(c.quote, evidence))
          : null,
    });
  }
  const predictedNotFound = results.filter((r) => r.status === 'not_found');
  const unanswerable = results.filter((r) => !r.answerable);
  const answerable = results.filter((r) => r.answerable);
  const byType: AnswerReport['byType'] = {};
  for (const r of results) {
    const entry = (byType[r.type] ??= { questions: 0, correct: 0, sureWithEvidence: 0, refused: 0 });
    entry.questions++;
    if (r.answerable ? r.citesEvidence === true : r.status === 'not_found') entry.correct++;
    if (r.answerable && r.status === 'answered' && r.citesEvidence) entry.sureWithEvidence++;
    if (r.answerable && r.status === 'not_found') entry.refused++;
  }
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    notFoundPrecision: ratio(predictedNotFound.filter((r) => !r.answerable).length, predictedNotFound.length),
    notFoundRecall: ratio(unanswerable.filter((r) => r.status === 'not_found').length, unanswerable.length),
    answeredWithEvidence: ratio(answerable.filter((r) => r.citesEvidence === true).length, answerable.length),
    sureWithEvidence: ratio(
      answerable.filter((r) => r.status === 'answered' && r.citesEvidence === true).length,
      answerable.length,
    ),
    related: ratio(answerable.filter((r) => r.status === 'related').length, answerable.length),
    byType,
    items: results,
  };
}
