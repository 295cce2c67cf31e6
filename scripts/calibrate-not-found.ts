// Calibrates the two evidence thresholds of exact answers (electron/engine/answer/judgeEvidence.ts):
//   - related: below it the answer is not_found (the library does not answer the question);
//   - answer: from it the answer is given as sure; between the two, the closest passages are offered as related.
//   npm run calibrate:not-found [-- --json]
// Library: mlps + mlps-office + nist from ../shared/corpus, in one library (what an auditor imports).
// Evidence measure: the coverage the answer reports (the idf-weighted share of the question's concepts, after the
// thesaurus's expansions, held by the best passage among the first five; concepts no document holds count against it).
// Rules that refuse whatever the coverage (a named standard, region or document the library lacks) apply as in use.
//   Answerable (should not be refused):
//     - the dev questions close to the standard's wording (../shared/eval/qa_mlps_dev.jsonl);
//     - realistic questions: ../shared/eval/qa_mlps_dev2.jsonl and tests/eval/qa_mlps_dev3.jsonl;
//     - clause questions written from GB/T 22239's own headings: "<级>系统的<控制点>有哪些要求？".
//   Not answerable (should be refused):
//     - the unanswerable items of those sets (near misses: another standard, another region, a detail not given);
//     - every cmrc2018 dev question (general Chinese Wikipedia questions);
//     - MLPS-style questions about topics absent from the corpus: "<级>系统的<absent topic>有哪些要求？".
// related threshold: the lowest of the plateau of best balanced accuracy (each class the mean of its kinds of question,
// so that 3,219 cmrc2018 questions do not outvote 18 near misses): the library refuses outright only below it. answer threshold: the lowest coverage
// from which at least 90 % of the realistic questions answered cite their evidence.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/index.ts';
import { passageContainsEvidence } from '../electron/engine/eval/evidenceMatch.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
// Topics no document of the corpus covers (checked with grep when this list was written; 卫星通信 was replaced by
// 无人机: JR/T 0060 does hold satellite links — "通过互联网、卫星网传递…应采取加密方式").
const ABSENT_TOPICS = [
  '区块链',
  '量子通信',
  '5G网络切片',
  '边缘计算节点',
  '元宇宙',
  '自动驾驶',
  '无人机',
  '大模型训练数据',
  '数字人民币',
  '脑机接口',
];
// The share of realistic answers that must cite their evidence for them to count as sure.
const SURE_PRECISION = 0.9;

interface Item {
  question: string;
  evidence_parts?: string[];
}
interface Outcome {
  coverage: number;
  /** Refused by a rule whatever the coverage. */
  ruled: boolean;
  /** The cited passages (at the lowest thresholds) hold the evidence. */
  cites: boolean;
}
interface Group {
  name: string;
  answerable: boolean;
  realistic: boolean;
  outcomes: Outcome[];
}

const readQa = (file: string): Item[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Item);

const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-calibrate-'));
try {
  const library = await engine.openLibrary(path.join(temp, 'standards.kb.sqlite'), { create: true });
  await library.ingest(['mlps', 'mlps-office', 'nist'].map((folder) => path.join(SHARED, 'corpus', folder)));
  const outcome = async (item: Item): Promise<Outcome> => {
    const { answer } = await library.ask(item.question, { record: false, coverageThreshold: 0, relatedThreshold: 0 });
    const evidence = item.evidence_parts ?? [];
    return {
      coverage: answer.evidence.coverage,
      ruled: answer.status === 'not_found',
      cites: evidence.length > 0 && answer.citations.some((c) => passageContainsEvidence(c.quote, evidence)),
    };
  };
  const outcomes = async (items: Item[]): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    for (const item of items) out.push(await outcome(item));
    return out;
  };

  const sets = [
    { name: 'dev', items: readQa(path.join(SHARED, 'eval/qa_mlps_dev.jsonl')), realistic: false },
    { name: 'dev2', items: readQa(path.join(SHARED, 'eval/qa_mlps_dev2.jsonl')), realistic: true },
    {
      name: 'dev3',
      items: readQa(path.resolve(import.meta.dirname, '../tests/eval/qa_mlps_dev3.jsonl')),
      realistic: true,
    },
  ];
  const clauseQuestions = new Set<string>();
  const absentQuestions = new Set<string>();
  const requirements = library
    .listDocuments()
    .find((d) => d.profile.standard === 'GB/T 22239-2019' && d.type === 'markdown')!;
  for (const path_ of library.documentOutline(requirements.id)) {
    const level = /第([一二三四五])级/.exec(path_[0] ?? '')?.[1];
    const leaf = path_.at(-1)?.match(/^\d+(?:\.\d+){3}\s*(.+)$/)?.[1];
    if (!level || !leaf) continue;
    const levelName = `${level}级`;
    clauseQuestions.add(`${levelName}系统的${leaf}有哪些要求？`);
    absentQuestions.add(`${levelName}系统的${ABSENT_TOPICS[clauseQuestions.size % ABSENT_TOPICS.length]}有哪些要求？`);
  }
  const cmrc = JSON.parse(readFileSync(path.join(SHARED, 'corpus/cmrc2018/cmrc2018_dev.squad.json'), 'utf8')) as {
    data: { paragraphs: { qas: { question: string }[] }[] }[];
  };
  const cmrcQuestions = cmrc.data.flatMap((d) =>
    d.paragraphs.flatMap((p) => p.qas.map((q) => ({ question: q.question }))),
  );

  const groups: Group[] = [];
  for (const set of sets) {
    groups.push({
      name: `${set.name} answerable`,
      answerable: true,
      realistic: set.realistic,
      outcomes: await outcomes(set.items.filter((i) => i.evidence_parts?.length)),
    });
    groups.push({
      name: `${set.name} unanswerable`,
      answerable: false,
      realistic: set.realistic,
      outcomes: await outcomes(set.items.filter((i) => !i.evidence_parts?.length)),
    });
  }
  groups.push({
    name: 'clause questions (22239 headings)',
    answerable: true,
    realistic: false,
    outcomes: await outcomes([...clauseQuestions].map((question) => ({ question }))),
  });
  groups.push({
    name: 'cmrc2018 questions',
    answerable: false,
    realistic: false,
    outcomes: await outcomes(cmrcQuestions),
  });
  groups.push({
    name: 'absent MLPS topics',
    answerable: false,
    realistic: false,
    outcomes: await outcomes([...absentQuestions].map((question) => ({ question }))),
  });

  const quantile = (v: number[], q: number): number =>
    [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0;
  const refusedAt = (o: Outcome, t: number): boolean => o.ruled || o.coverage < t;
  const scored = [];
  // Each class is the mean of its kinds of question: the near misses of the three sets pooled (18), cmrc2018, the
  // absent topics; the sets close to the standard's wording, the realistic ones pooled, the clause questions.
  const kinds = (answerable: boolean): Outcome[][] => {
    const of = groups.filter((g) => g.answerable === answerable);
    const nearOrRealistic = of.filter(
      (g) => g.name.startsWith('dev2') || g.name.startsWith('dev3') || (!answerable && g.name.startsWith('dev ')),
    );
    return [
      nearOrRealistic.flatMap((g) => g.outcomes),
      ...of.filter((g) => !nearOrRealistic.includes(g)).map((g) => g.outcomes),
    ].filter((o) => o.length);
  };
  for (let step = 0; step <= 100; step++) {
    const t = step / 100;
    const share = (answerable: boolean): number => {
      const shares = kinds(answerable).map(
        (outcomes) =>
          outcomes.filter((o) => (answerable ? !refusedAt(o, t) : refusedAt(o, t))).length / outcomes.length,
      );
      return shares.reduce((a, b) => a + b, 0) / shares.length;
    };
    scored.push({ t, balanced: (share(true) + share(false)) / 2 });
  }
  const top = Math.max(...scored.map((s) => s.balanced));
  const plateau = scored.filter((s) => top - s.balanced <= 0.0025);
  // The lowest of the plateau: refuse outright only when the library holds nothing relevant; between this and the
  // answer threshold the closest passages are offered, labelled as possibly related.
  const related = plateau[0]!.t;
  // The answer threshold: the lowest coverage from which the realistic answers above it cite their evidence 90 % of
  // the time (an unanswerable question answered counts as a wrong answer).
  const realistic = groups
    .filter((g) => g.realistic)
    .flatMap((g) => g.outcomes.map((o) => ({ ...o, answerable: g.answerable })));
  let answerThreshold = 1;
  for (let step = Math.round(related * 100); step <= 100; step++) {
    const t = step / 100;
    const answered = realistic.filter((o) => !refusedAt(o, t));
    const precision = answered.length ? answered.filter((o) => o.answerable && o.cites).length / answered.length : 1;
    if (precision >= SURE_PRECISION) {
      answerThreshold = t;
      break;
    }
  }
  const report = {
    related,
    answer: answerThreshold,
    plateau: [plateau[0]!.t, plateau.at(-1)!.t],
    balanced: top,
    groups: groups.map((g) => ({
      name: g.name,
      answerable: g.answerable,
      n: g.outcomes.length,
      quantiles: [0.05, 0.25, 0.5, 0.75, 0.95].map((q) =>
        quantile(
          g.outcomes.map((o) => o.coverage),
          q,
        ),
      ),
      right: g.outcomes.filter((o) => (g.answerable ? !refusedAt(o, related) : refusedAt(o, related))).length,
      sure: g.outcomes.filter((o) => !refusedAt(o, answerThreshold)).length,
      citing: g.outcomes.filter((o) => !refusedAt(o, related) && o.cites).length,
    })),
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(
      'group                               n     p5    p25    p50    p75    p95   right at related   sure   cite evidence',
    );
    for (const g of report.groups) {
      console.log(
        `${g.name.padEnd(34)} ${String(g.n).padStart(4)} ${g.quantiles.map((q) => q.toFixed(3).padStart(6)).join(' ')}   ${`${g.right}/${g.n}`.padStart(10)} ${g.answerable ? 'answered' : 'refused '} ${String(g.sure).padStart(5)}   ${g.answerable ? g.citing : '-'}`,
      );
    }
    console.log(
      `\nbalanced accuracy (mean over groups) within 0.25 points of its best (${(top * 100).toFixed(2)}%) for related thresholds ${report.plateau[0]}–${report.plateau[1]}`,
    );
    console.log(
      `related threshold ${related} (the lowest of the plateau); answer threshold ${answerThreshold} (realistic answers from it cite their evidence ≥ ${SURE_PRECISION * 100}% of the time)`,
    );
  }
} finally {
  await engine.dispose();
  rmSync(temp, { recursive: true, force: true });
}
