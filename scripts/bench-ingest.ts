// Ingestion throughput: npm run bench:ingest [-- --runs 3]
// Ingests each corpus of ../shared into fresh libraries and prints files/s, MB/s, chunks/s (medians over the runs)
// and peak RSS. Each corpus runs in its own process so that peak RSS (getrusage maxrss) is that corpus's own.
// Not a test: machines are shared and noisy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/index.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({ options: { runs: { type: 'string' }, corpus: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const corpora = [
  { name: 'mlps (11 Markdown standards)', inputs: [path.join(SHARED, 'corpus/mlps')] },
  { name: 'mlps-office (3 PDF + 2 DOCX)', inputs: [path.join(SHARED, 'corpus/mlps-office')] },
  { name: 'crud-rag news (4 MB text)', inputs: [path.join(SHARED, 'corpus/crud-rag/news_part1.txt')] },
];

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (values.corpus === undefined) {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, ${runs} runs per corpus, medians; tokenizer: bge-small-zh-v1.5`,
  );
  console.log('corpus                          files     MB   chunks       s  files/s   MB/s  chunks/s  peak RSS');
  for (let i = 0; i < corpora.length; i++) {
    process.stdout.write(
      execFileSync(process.execPath, [import.meta.filename, '--corpus', String(i), '--runs', String(runs)], {
        encoding: 'utf8',
      }),
    );
  }
} else {
  const corpus = corpora[Number(values.corpus)]!;
  const engine = await createEngine({ tokenizerDir: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') });
  const seconds: number[] = [];
  let last = { files: 0, mb: 0, chunks: 0 };
  for (let run = 0; run < runs; run++) {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-'));
    try {
      const library = await engine.openLibrary(path.join(temp, 'bench.kb.sqlite'), { create: true });
      const summary = await library.ingest(corpus.inputs);
      await library.dispose();
      if (summary.failed.length > 0)
        throw new Error(`bench corpus failed to ingest: ${JSON.stringify(summary.failed)}`);
      seconds.push(summary.elapsedMs / 1000);
      last = { files: summary.indexed, mb: summary.bytesRead / 1024 / 1024, chunks: summary.chunksWritten };
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }
  await engine.dispose();
  const s = median(seconds);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${corpus.name.padEnd(31)} ${String(last.files).padStart(5)} ${last.mb.toFixed(1).padStart(6)} ${String(last.chunks).padStart(8)} ` +
      `${s.toFixed(2).padStart(7)} ${(last.files / s).toFixed(2).padStart(8)} ${(last.mb / s).toFixed(2).padStart(6)} ` +
      `${(last.chunks / s).toFixed(0).padStart(9)}  ${peakMb.toFixed(0).padStart(5)} MB`,
  );
}
