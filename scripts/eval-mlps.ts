// Retrieval quality of lexical search on the MLPS dev questions.
//   npm run eval:mlps [-- --library <file>] [--qa <qa.jsonl>] [--json]
// Without --library it ingests ../shared/corpus/mlps into a temporary library first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/index.ts';
import { evaluateRetrieval, type QaItem } from '../electron/engine/eval/evaluateRetrieval.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({
  options: { library: { type: 'string' }, qa: { type: 'string' }, json: { type: 'boolean' }, k: { type: 'string' } },
});
const qaFile = values.qa ?? path.join(SHARED, 'eval/qa_mlps_dev.jsonl');
const items = readFileSync(qaFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as QaItem);

const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
const temp = values.library ? null : mkdtempSync(path.join(os.tmpdir(), 'kb-eval-'));
try {
  const library = await engine.openLibrary(values.library ?? path.join(temp!, 'mlps.kb.sqlite'), {
    create: !values.library,
  });
  if (!values.library) await library.ingest([path.join(SHARED, 'corpus/mlps')]);
  const report = await evaluateRetrieval(
    items,
    async (question, k) => await library.search(question, { k }),
    Number(values.k ?? 10),
  );
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`MLPS dev, lexical (bm25) retrieval, ${report.questions} answerable questions of ${items.length}`);
    console.log(
      `recall@1 ${report.recallAt1}  recall@5 ${report.recallAt5}  MRR@${report.k} ${report.mrr}  strict recall@5 ${report.strictRecallAt5}`,
    );
    for (const [type, figures] of Object.entries(report.byType)) {
      console.log(
        `  ${type.padEnd(18)} n=${figures.questions}  r@1 ${figures.recallAt1}  r@5 ${figures.recallAt5}  MRR ${figures.mrr}`,
      );
    }
    for (const item of report.items)
      console.log(`  ${item.id.padEnd(16)} rank ${item.rank ?? '-'}  strict ${item.strictRank ?? '-'}`);
    console.log(`Method: ${report.method}`);
  }
} finally {
  await engine.dispose();
  if (temp) rmSync(temp, { recursive: true, force: true });
}
