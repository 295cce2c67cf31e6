// Lexical retrieval on cmrc2018's dev set: each of its 848 Wikipedia paragraphs is a document, each of its 3,219
// questions has its own paragraph as gold.
//   npm run eval:cmrc [-- --json]
// Ranks are by document (the first hit from the gold paragraph's file), over the top 10 passages.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/index.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({ options: { json: { type: 'boolean' } } });
const squad = JSON.parse(readFileSync(path.join(SHARED, 'corpus/cmrc2018/cmrc2018_dev.squad.json'), 'utf8')) as {
  data: { title?: string; paragraphs: { id?: string; context: string; qas: { id: string; question: string }[] }[] }[];
};

const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-cmrc-'));
const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
try {
  const folder = path.join(temp, 'paragraphs');
  mkdirSync(folder);
  const questions: { question: string; gold: string }[] = [];
  let index = 0;
  for (const article of squad.data) {
    for (const paragraph of article.paragraphs) {
      const file = path.join(folder, `p${String(++index).padStart(4, '0')}.txt`);
      writeFileSync(file, paragraph.context);
      for (const qa of paragraph.qas) questions.push({ question: qa.question, gold: file });
    }
  }
  const library = await engine.openLibrary(path.join(temp, 'cmrc.kb.sqlite'), { create: true });
  const summary = await library.ingest([folder]);
  const started = performance.now();
  const ranks: (number | null)[] = [];
  for (const { question, gold } of questions) {
    const documents: string[] = [];
    for (const hit of await library.search(question, { k: 10 }))
      if (!documents.includes(hit.documentPath)) documents.push(hit.documentPath);
    const rank = documents.indexOf(gold);
    ranks.push(rank === -1 ? null : rank + 1);
  }
  const seconds = (performance.now() - started) / 1000;
  const n = ranks.length;
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  const report = {
    paragraphs: summary.indexed,
    chunks: summary.chunksWritten,
    questions: n,
    recallAt1: round(ranks.filter((r) => r === 1).length / n),
    recallAt5: round(ranks.filter((r) => r !== null && r <= 5).length / n),
    mrrAt10: round(ranks.reduce<number>((sum, r) => sum + (r ? 1 / r : 0), 0) / n),
    queriesPerSecond: Math.round(n / seconds),
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(
      `cmrc2018 dev: ${report.paragraphs} paragraphs (${report.chunks} chunks), ${n} questions, lexical bm25 over jieba tokens`,
    );
    console.log(
      `recall@1 ${report.recallAt1}  recall@5 ${report.recallAt5}  MRR@10 ${report.mrrAt10}  (${report.queriesPerSecond} queries/s)`,
    );
  }
} finally {
  await engine.dispose();
  rmSync(temp, { recursive: true, force: true });
}
