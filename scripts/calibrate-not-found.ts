// Calibrates the evidence threshold under which an exact answer is `not_found`.
//   npm run calibrate:not-found
// Library: ../shared/corpus/mlps. Evidence measure: coverage = idf-weighted share of the question's words found in the
// best passage (electron/engine/answer/answerExactly.ts).
//   Answerable (should be answered):
//     - the answerable MLPS dev questions (../shared/eval/qa_mlps_dev.jsonl);
//     - clause questions written from GB/T 22239's own headings: "<级>系统的<控制点>有哪些要求？".
//   Not answerable (should be not_found):
//     - the dev questions the corpus cannot answer;
//     - every cmrc2018 dev question (general Chinese Wikipedia questions) asked of the MLPS library;
//     - MLPS-style questions about topics absent from the corpus: "<级>系统的<absent topic>有哪些要求？".
// Prints the coverage distribution of each group and the threshold that maximises balanced accuracy (mean of the
// share answered of the answerable and the share refused of the others): the middle of the thresholds within
// 0.25 points of the best.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../electron/engine/index.ts';
import { headingLevel } from '../electron/engine/search/questionLevels.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const LEVEL_NAMES = ['', '一级', '二级', '三级', '四级', '五级'];
// Topics no document of ../shared/corpus/mlps covers (checked with grep when this list was written).
const ABSENT_TOPICS = ['区块链', '量子通信', '5G网络切片', '边缘计算节点', '元宇宙', '自动驾驶', '卫星通信', '大模型训练数据', '数字人民币', '脑机接口'];

const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-calibrate-'));
try {
  const library = await engine.openLibrary(path.join(temp, 'mlps.kb.sqlite'), { create: true });
  await library.ingest([path.join(SHARED, 'corpus/mlps')]);
  const coverage = async (question: string): Promise<number> => (await library.ask(question, { record: false, coverageThreshold: 0 })).answer.evidence.coverage;

  const dev = readFileSync(path.join(SHARED, 'eval/qa_mlps_dev.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; evidence_parts?: string[] });
  const clauseQuestions = new Set<string>();
  const absentQuestions = new Set<string>();
  for (const row of library.store.database.prepare("SELECT DISTINCT heading_path FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.path LIKE '%GBT22239%'").all() as { heading_path: string }[]) {
    const headings = JSON.parse(row.heading_path) as string[];
    const level = headingLevel(headings);
    const leaf = headings.at(-1)?.match(/^\d+(?:\.\d+){3}\s*(.+)$/)?.[1];
    if (level === null || !leaf) continue;
    clauseQuestions.add(`${LEVEL_NAMES[level]}系统的${leaf}有哪些要求？`);
    absentQuestions.add(`${LEVEL_NAMES[level]}系统的${ABSENT_TOPICS[clauseQuestions.size % ABSENT_TOPICS.length]}有哪些要求？`);
  }
  const cmrc = JSON.parse(readFileSync(path.join(SHARED, 'corpus/cmrc2018/cmrc2018_dev.squad.json'), 'utf8')) as {
    data: { paragraphs: { qas: { question: string }[] }[] }[];
  };
  const cmrcQuestions = cmrc.data.flatMap((d) => d.paragraphs.flatMap((p) => p.qas.map((q) => q.question)));

  const coverages = async (questions: string[]): Promise<number[]> => {
    const values: number[] = [];
    for (const question of questions) values.push(await coverage(question));
    return values;
  };
  const groups = [
    { name: 'dev answerable', answerable: true, values: await coverages(dev.filter((q) => q.evidence_parts?.length).map((q) => q.question)) },
    { name: 'clause questions (22239 headings)', answerable: true, values: await coverages([...clauseQuestions]) },
    { name: 'dev unanswerable', answerable: false, values: await coverages(dev.filter((q) => !q.evidence_parts?.length).map((q) => q.question)) },
    { name: 'cmrc2018 questions', answerable: false, values: await coverages(cmrcQuestions) },
    { name: 'absent MLPS topics', answerable: false, values: await coverages([...absentQuestions]) },
  ];
  const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  console.log('group                               n      p5    p25    p50    p75    p95');
  for (const g of groups) {
    console.log(`${g.name.padEnd(34)} ${String(g.values.length).padStart(5)} ${[0.05, 0.25, 0.5, 0.75, 0.95].map((q) => quantile(g.values, q).toFixed(3).padStart(6)).join(' ')}`);
  }
  const positives = groups.filter((g) => g.answerable).flatMap((g) => g.values);
  const negatives = groups.filter((g) => !g.answerable).flatMap((g) => g.values);
  const scored = [];
  for (let step = 0; step <= 100; step++) {
    const threshold = step / 100;
    const tpr = positives.filter((v) => v >= threshold).length / positives.length;
    const tnr = negatives.filter((v) => v < threshold).length / negatives.length;
    scored.push({ threshold, tpr, tnr, balanced: (tpr + tnr) / 2 });
  }
  // The best balanced accuracy is a plateau whose exact peak hangs on two or three questions: take every threshold
  // within 0.25 points of the best and choose the middle, the one with the most margin both ways.
  const top = Math.max(...scored.map((s) => s.balanced));
  const plateau = scored.filter((s) => top - s.balanced <= 0.0025);
  const best = plateau[Math.floor((plateau.length - 1) / 2)]!;
  console.log('\nthreshold  answerable answered  others refused  balanced');
  for (const entry of scored.filter((e) => Math.round(e.threshold * 100) % 5 === 0 && e.threshold >= 0.4 && e.threshold <= 0.8)) {
    console.log(`${entry.threshold.toFixed(2).padStart(9)}  ${(entry.tpr * 100).toFixed(1).padStart(19)}%  ${(entry.tnr * 100).toFixed(1).padStart(13)}%  ${(entry.balanced * 100).toFixed(2)}%`);
  }
  console.log(`\nbalanced accuracy within 0.25 points of its best (${(top * 100).toFixed(2)}%) for thresholds ${plateau[0]!.threshold}–${plateau.at(-1)!.threshold}`);
  console.log(`\nbest threshold ${best.threshold}: answerable answered ${(best.tpr * 100).toFixed(1)}%, others refused ${(best.tnr * 100).toFixed(1)}%, balanced accuracy ${(best.balanced * 100).toFixed(1)}%`);
  for (const g of groups) {
    const ok = g.values.filter((v) => (g.answerable ? v >= best.threshold : v < best.threshold)).length;
    console.log(`  ${g.name.padEnd(34)} ${ok}/${g.values.length} ${g.answerable ? 'answered' : 'not_found'}`);
  }
} finally {
  await engine.dispose();
  rmSync(temp, { recursive: true, force: true });
}
