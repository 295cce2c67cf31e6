// Ingestion throughput: npm run bench:ingest [-- --runs 3]
// Ingests each corpus of ../shared into fresh libraries and prints files/s, MB/s, chunks/s (medians over the runs)
// and peak RSS; for the spreadsheet, rows/s. Each corpus runs in its own process so that peak RSS (getrusage maxrss)
// is that corpus's own. The spreadsheet is NIST's control catalogue (the cp1252 CSV of ../shared) written as an
// .xlsx by SheetJS in the run's temporary folder. Not a test: machines are shared and noisy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as XLSX from '@e965/xlsx';
import { parse } from 'csv-parse/sync';
import { createEngine } from '../electron/engine/index.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const { values } = parseArgs({ options: { runs: { type: 'string' }, corpus: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
interface BenchCorpus {
  name: string;
  inputs: string[];
  /** Writes the corpus into `dir` (a generated file) and returns its inputs and data rows, instead of `inputs`. */
  generate?: (dir: string) => { inputs: string[]; rows: number };
}
const corpora: BenchCorpus[] = [
  { name: 'mlps (11 Markdown standards)', inputs: [path.join(SHARED, 'corpus/mlps')] },
  { name: 'mlps-office (3 PDF + 2 DOCX)', inputs: [path.join(SHARED, 'corpus/mlps-office')] },
  { name: 'crud-rag news (4 MB text)', inputs: [path.join(SHARED, 'corpus/crud-rag/news_part1.txt')] },
  { name: 'NIST catalogue as one .xlsx', inputs: [], generate: nistWorkbook },
];

/** NIST SP 800-53's control catalogue (CSV, cp1252) as one sheet of an .xlsx: one row per control. */
function nistWorkbook(dir: string): { inputs: string[]; rows: number } {
  const csv = new TextDecoder('windows-1252').decode(
    readFileSync(path.join(SHARED, 'corpus/nist/sp800-53r5-control-catalog.csv')),
  );
  const records = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(records), 'SP 800-53r5');
  const file = path.join(dir, 'sp800-53r5-control-catalog.xlsx');
  writeFileSync(file, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  return { inputs: [file], rows: records.length - 1 };
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (values.corpus === undefined) {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, ${runs} runs per corpus, medians; tokenizer: bge-small-zh-v1.5`,
  );
  console.log(
    'corpus                          files     MB   chunks       s  files/s   MB/s  chunks/s  peak RSS  rows/s',
  );
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
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-'));
    try {
      const generated = corpus.generate?.(temp);
      rows = generated?.rows ?? 0;
      const library = await engine.openLibrary(path.join(temp, 'bench.kb.sqlite'), { create: true });
      const summary = await library.ingest(generated?.inputs ?? corpus.inputs);
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
      `${(last.chunks / s).toFixed(0).padStart(9)}  ${peakMb.toFixed(0).padStart(5)} MB` +
      (rows ? `  ${(rows / s).toFixed(0).padStart(6)} (${rows} rows)` : ''),
  );
}
