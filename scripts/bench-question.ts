// What reading a question costs: analyzeQuestion (levels, named standards, sectors, regions, clause numbers, the
// thesaurus's phrases, jieba's words and their tags, focus) against the segmenter's plain query tokens it replaced,
// on realistic questions, interleaved question by question in one process; and a whole exact answer for scale.
//   npm run bench:question [-- --runs 20]
// Library: mlps + mlps-office + nist from ../shared/corpus (the document profiles and word look-ups the analysis uses).
// Not a test: machines are shared and noisy; medians and p95 over every question × run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/index.ts';
import { ChineseSegmenter } from '../electron/engine/search/ChineseSegmenter.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 20);

const questions = [
  path.join(SHARED, 'eval/qa_mlps_dev2.jsonl'),
  path.resolve(import.meta.dirname, '../tests/eval/qa_mlps_dev3.jsonl'),
].flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { question: string }).question),
);

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-question-'));
try {
  const library = await engine.openLibrary(path.join(temp, 'standards.kb.sqlite'), { create: true });
  await library.ingest(['mlps', 'mlps-office', 'nist'].map((folder) => path.join(SHARED, 'corpus', folder)));
  const segmenter = new ChineseSegmenter();
  // Warm: jieba's dictionary, the thesaurus, the library's word look-ups (cached per library, as in use).
  for (const question of questions) {
    library.analyze(question);
    await library.ask(question, { record: false });
  }
  const analysis: number[] = [];
  const tokens: number[] = [];
  const answers: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const question of questions) {
      let started = performance.now();
      library.analyze(question);
      analysis.push(performance.now() - started);
      started = performance.now();
      segmenter.indexTokens(question);
      tokens.push(performance.now() - started);
    }
  }
  for (const question of questions) {
    const started = performance.now();
    await library.ask(question, { record: false });
    answers.push(performance.now() - started);
  }
  const row = (name: string, times: number[]): string =>
    `${name.padEnd(44)} ${percentile(times, 0.5).toFixed(3).padStart(8)} ${percentile(times, 0.95).toFixed(3).padStart(8)}`;
  console.log(
    `${questions.length} realistic questions (dev2 + dev3) × ${runs} runs; node ${process.version}, ${os.cpus().length} cores`,
  );
  console.log('step                                          p50 ms   p95 ms');
  console.log(row('analyzeQuestion (the step this replaces with:)', analysis));
  console.log(row('  jieba search-mode tokens of the question', tokens));
  console.log(row('a whole exact answer (analysis, search, gate)', answers));
  console.log(
    `analysis adds ${(percentile(analysis, 0.5) - percentile(tokens, 0.5)).toFixed(3)} ms per question at the median over the tokens alone`,
  );
} finally {
  await engine.dispose();
  rmSync(temp, { recursive: true, force: true });
}
