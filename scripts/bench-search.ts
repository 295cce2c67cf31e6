// Search latency at scale: npm run bench:search [-- --sizes 10000,100000,1000000 --queries 100]
// Fills a library per size with chunks of real Chinese news text (../shared/corpus/crud-rag, cycled) and random
// 512-d unit vectors (latency does not depend on what the vectors mean), then times lexical, vector and hybrid
// search and prints p50/p95 and the file size. Not a test: machines are shared and noisy.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChineseSegmenter } from '../electron/engine/search/ChineseSegmenter.ts';
import { analyzeQuestion } from '../electron/engine/question/analyzeQuestion.ts';
import { Thesaurus } from '../electron/engine/question/Thesaurus.ts';
import { PassageSearch, type RetrievalMode } from '../electron/engine/search/searchPassages.ts';
import { LibraryStore } from '../electron/engine/store/LibraryStore.ts';
import { VectorIndex } from '../electron/engine/store/VectorIndex.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({
  options: { sizes: { type: 'string' }, queries: { type: 'string' }, dimension: { type: 'string' } },
});
const sizes = (values.sizes ?? '10000,100000,1000000').split(',').map(Number);
const queryCount = Number(values.queries ?? 100);
const dimension = Number(values.dimension ?? 512);

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function unitVector(next: () => number): Float32Array {
  const v = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += (v[i] = next() * 2 - 1) ** 2;
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) v[i]! /= norm;
  return v;
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const news = readFileSync(path.join(SHARED, 'corpus/crud-rag/news_part1.txt'), 'utf8');
const pieces = news
  .split(/(?<=[。！？])/)
  .reduce<string[]>((out, sentence) => {
    const last = out.at(-1);
    if (last !== undefined && last.length < 200) out[out.length - 1] = last + sentence;
    else out.push(sentence);
    return out;
  }, [])
  .filter((p) => p.trim().length > 20);
const cmrc = JSON.parse(readFileSync(path.join(SHARED, 'corpus/cmrc2018/cmrc2018_dev.squad.json'), 'utf8')) as {
  data: { paragraphs: { qas: { question: string }[] }[] }[];
};
const questions = cmrc.data
  .flatMap((d) => d.paragraphs.flatMap((p) => p.qas.map((q) => q.question)))
  .slice(0, queryCount);

const segmenter = new ChineseSegmenter();
const thesaurus = Thesaurus.create();
// Segmenting each distinct piece once: at 1M chunks the pieces repeat, and jieba would dominate the fill time.
const segmented = pieces.map((p) => segmenter.indexTokens(p).join(' '));
console.log(
  `${pieces.length} distinct news passages (~200 chars), ${dimension}-d vectors, ${questions.length} queries per mode; node ${process.version}, ${os.cpus().length} cores`,
);
console.log('chunks     fill s  file MB   lexical p50/p95 ms   vector p50/p95 ms   hybrid p50/p95 ms');

for (const size of sizes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-search-'));
  try {
    const file = path.join(dir, 'bench.kb.sqlite');
    const store = LibraryStore.open(file, { create: true });
    const db = store.database;
    const vectors = new VectorIndex(store);
    vectors.setModel({ modelId: `random-${dimension}`, dimension, modelPath: dir });
    const fillStarted = performance.now();
    const next = random(42);
    const insertDoc = db.prepare(
      "INSERT INTO documents (path, size_bytes, mtime_ms, status, text) VALUES (?, 0, 0, 'indexed', '')",
    );
    const insertChunk = db.prepare(
      "INSERT INTO chunks (document_id, ord, text, heading_path, char_start, char_end, token_count) VALUES (?, ?, ?, '[]', 0, 0, 0)",
    );
    const insertFts = db.prepare("INSERT INTO chunks_fts (rowid, heading, body) VALUES (?, '', ?)");
    const insertVec = db.prepare('INSERT INTO chunks_vec (rowid, embedding) VALUES (?, ?)');
    const insertCode = db.prepare('INSERT INTO chunks_vec_bit (rowid, code) VALUES (?, vec_quantize_binary(?))');
    const perDocument = 1000;
    for (let start = 0; start < size; start += perDocument) {
      db.transaction(() => {
        const documentId = Number(insertDoc.run(`/bench/doc-${start / perDocument}.txt`).lastInsertRowid);
        for (let i = start; i < Math.min(size, start + perDocument); i++) {
          const piece = i % pieces.length;
          const chunkId = BigInt(insertChunk.run(documentId, i - start, pieces[piece]!).lastInsertRowid);
          insertFts.run(chunkId, segmented[piece]!);
          const v = Buffer.from(unitVector(next).buffer);
          insertVec.run(chunkId, v);
          insertCode.run(chunkId, v);
        }
      })();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const fileMb = statSync(file).size / 1024 / 1024;
    const row = [String(size).padEnd(9), fillSeconds.toFixed(1).padStart(7), fileMb.toFixed(0).padStart(8)];
    const search = new PassageSearch(store, vectors, segmenter);
    for (const retrieval of ['lexical', 'vector', 'hybrid'] as RetrievalMode[]) {
      const times: number[] = [];
      const qnext = random(7);
      for (let i = -5; i < questions.length; i++) {
        const question = questions[Math.max(0, i)]!;
        const queryVector = unitVector(qnext);
        const started = performance.now();
        search.search(analyzeQuestion(question, { thesaurus, segmenter, documents: search.documents() }), {
          k: 10,
          retrieval,
          queryVector,
        });
        if (i >= 0) times.push(performance.now() - started); // the first 5 warm the caches
      }
      row.push(`${percentile(times, 0.5).toFixed(1).padStart(10)} / ${percentile(times, 0.95).toFixed(1).padEnd(7)}`);
    }
    // How often quantised search finds the exact nearest neighbour (random vectors: the hardest case for sign bits).
    if (size > 20_000) {
      const rnext = random(11);
      let agree = 0;
      const trials = 20;
      for (let i = 0; i < trials; i++) {
        const q = unitVector(rnext);
        const exact = vectors.nearest(q, 10, 'exact').map((c) => c.chunkId);
        const approx = new Set(vectors.nearest(q, 10, 'quantized').map((c) => c.chunkId));
        agree += exact.filter((id) => approx.has(id)).length / exact.length;
      }
      row.push(`recall@10 vs exact ${(agree / trials).toFixed(2)}`);
    }
    console.log(row.join('  '));
    store.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
