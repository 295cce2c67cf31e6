// Uploading a 50 MB PDF through a real `kb serve`: npm run bench:upload [-- --runs 5 --mb 50 --paths old,new --kb bin/kb.js]
// The PDF is a real one of the corpus (GB/T 22239, 0.7 MB) grown to the size asked by an incremental update that adds
// one unreferenced stream of random bytes (as incompressible as the scans and images that make real PDFs large): its
// text, and so what the library indexes, is the original's. It is made at run time in a temp folder, never kept.
// Each run starts a fresh `kb serve` (as the tests spawn it, with the peak-RSS reporter) on an empty library and
// times, from the file on disk to the reply that the ingestion started:
//   old  one uploadFiles message: the file read whole, base64 in JSON, one WebSocket message (what the page did)
//   new  a PUT /upload streamed from the file (fs.openAsBlob, as a browser sends a File), then one commitUploads call
// then waits for the ingestion to end (the document must be indexed) and stops the server. The server's memory: RSS
// before the upload, its peak until the reply (VmHWM), and the whole run's peak with the ingestion (at exit).
// `--kb` runs another checkout's kb (e.g. a git worktree at the commit before ws) to compare servers; `--paths old`
// there, since the streamed path is not in it. Not a test: machines are shared and noisy; medians of several runs.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openAsBlob,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const REPO = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(REPO, '../shared');
const SOURCE_PDF = path.join(SHARED, 'corpus/mlps-office/GBT22239-2019_基本要求.pdf');
const PEAK_RSS_PRELOAD = path.join(REPO, 'tests/reliability/fixtures/reportPeakRss.ts');
const MIB = 1024 * 1024;

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    mb: { type: 'string' },
    paths: { type: 'string' },
    kb: { type: 'string' },
    pdf: { type: 'string' },
  },
});
const runs = Number(values.runs ?? 5);
const targetBytes = Math.round(Number(values.mb ?? 50) * 1_000_000);
const paths = (values.paths ?? 'old,new').split(',') as ('old' | 'new')[];
const kb = path.resolve(values.kb ?? path.join(REPO, 'bin/kb.js'));
const sourcePdf = path.resolve(values.pdf ?? SOURCE_PDF);
for (const p of paths) if (p !== 'old' && p !== 'new') throw new Error(`--paths takes old and/or new, got "${p}"`);

/**
 * Writes `source` grown to about `bytes` by an incremental update (PDF 32000-1 §7.5.6): one new object, a stream of
 * random bytes nothing refers to, a cross-reference section for it, and a trailer pointing back to the original's.
 */
function growPdf(source: string, bytes: number, out: string): void {
  const original = readFileSync(source);
  const tail = original.subarray(Math.max(0, original.length - 4096)).toString('latin1');
  const match = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail);
  if (!match)
    throw new Error(
      `${source} has no classic trailer at its end (a cross-reference stream?): pass another PDF with --pdf`,
    );
  const [, dictionary, previous] = match;
  const size = Number(/\/Size\s+(\d+)/.exec(dictionary!)?.[1]);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(dictionary!)?.[1];
  const info = /\/Info\s+(\d+\s+\d+\s+R)/.exec(dictionary!)?.[1];
  if (!Number.isInteger(size) || !root) throw new Error(`${source}: its trailer has no /Size or /Root`);
  const padding = Math.max(0, bytes - original.length - 300);
  const fd = openSync(out, 'w');
  try {
    let offset = 0;
    const write = (chunk: Buffer | string) =>
      (offset += writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
    write(original);
    write('\n');
    const objectOffset = offset;
    write(`${size} 0 obj\n<< /Length ${padding} >>\nstream\n`);
    for (let left = padding; left > 0; left -= MIB) write(randomBytes(Math.min(MIB, left)));
    write('\nendstream\nendobj\n');
    const xrefOffset = offset;
    write(`xref\n${size} 1\n${String(objectOffset).padStart(10, '0')} 00000 n\r\n`);
    write(
      `trailer\n<< /Size ${size + 1} /Root ${root}${info ? ` /Info ${info}` : ''} /Prev ${previous} >>\nstartxref\n${xrefOffset}\n%%EOF\n`,
    );
  } finally {
    closeSync(fd);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The server's resident memory now and its peak so far, in MiB (Linux /proc). */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

interface RunResult {
  uploadMs: number;
  rssBeforeMb: number;
  rssPeakUploadMb: number;
  rssPeakRunMb: number | null;
  indexed: number;
}

async function runOnce(kind: 'old' | 'new', pdf: string, work: string, run: number): Promise<RunResult> {
  const dir = path.join(work, `${kind}-${run}`);
  const renderer = path.join(dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>kb</title>');
  const child = spawn(
    process.execPath,
    ['--import', PEAK_RSS_PRELOAD, kb, 'serve', '--library', path.join(dir, 'bench.kb.sqlite'), '--renderer', renderer],
    {
      env: { ...process.env, KB_TOKENIZER_DIR: path.join(SHARED, 'models/bge-small-zh-v1.5-tokenizer') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (match) resolve(new URL(match[0]));
    });
    void exited.then(() => reject(new Error(`kb serve exited: ${stderr}`)));
  });
  const token = url.searchParams.get('token')!;
  const socket = new WebSocket(`ws://${url.host}/rpc?token=${token}`);
  const messages: {
    id?: number;
    ok?: boolean;
    result?: unknown;
    error?: { message: string };
    event?: string;
    payload?: unknown;
  }[] = [];
  socket.addEventListener('message', (event) =>
    messages.push(JSON.parse(String(event.data)) as (typeof messages)[number]),
  );
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to kb serve: ${stderr}`)), { once: true });
  });
  let nextId = 1;
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    const id = nextId++;
    socket.send(JSON.stringify({ id, method, args }));
    for (;;) {
      const reply = messages.find((m) => m.id === id);
      if (reply) {
        if (!reply.ok) throw new Error(`${method}: ${reply.error!.message}`);
        return reply.result;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  await new Promise((resolve) => setTimeout(resolve, 300)); // let the server settle after start
  const before = rss(child.pid!);
  const name = path.basename(pdf);
  const started = performance.now();
  let jobId: string;
  if (kind === 'old') {
    const dataBase64 = readFileSync(pdf).toString('base64');
    ({ jobId } = (await call('uploadFiles', [[{ name, dataBase64 }]])) as { jobId: string });
  } else {
    const response = await fetch(`http://${url.host}/upload?token=${token}`, {
      method: 'PUT',
      body: await openAsBlob(pdf),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`PUT /upload: ${response.status} ${text}`);
    const { uploadId } = JSON.parse(text) as { uploadId: string };
    ({ jobId } = (await call('commitUploads', [[{ name, uploadId }]])) as { jobId: string });
  }
  const uploadMs = performance.now() - started;
  const afterUpload = rss(child.pid!);
  for (;;) {
    const done = messages.find(
      (m) =>
        m.event === 'job' &&
        (m.payload as { type: string; jobId: string }).type === 'done' &&
        (m.payload as { jobId: string }).jobId === jobId,
    );
    if (done) {
      const { summary, error } = done.payload as {
        summary: { indexed: number } | null;
        error: { message: string } | null;
      };
      if (error || !summary) throw new Error(`the ingestion failed: ${error?.message}`);
      socket.close();
      child.kill('SIGTERM');
      await exited;
      const peak = /KB_PEAK_RSS_KB=(\d+)/.exec(stderr);
      return {
        uploadMs,
        rssBeforeMb: before.now,
        rssPeakUploadMb: afterUpload.peak,
        rssPeakRunMb: peak ? Number(peak[1]) / 1024 : null,
        indexed: summary.indexed,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'kb-bench-upload-'));
try {
  const pdf = path.join(work, 'GBT22239-2019_基本要求（扫描件）.pdf');
  growPdf(sourcePdf, targetBytes, pdf);
  const bytes = statSync(pdf).size;
  const base64Bytes = Math.ceil(bytes / 3) * 4;
  console.log(
    `${path.basename(sourcePdf)} grown to ${(bytes / 1e6).toFixed(1)} MB (${(bytes / MIB).toFixed(1)} MiB; as base64 ${(base64Bytes / MIB).toFixed(1)} MiB); kb ${path.relative(process.cwd(), kb) || kb}; ` +
      `node ${process.version}, ${os.cpus().length} cores; ${runs} runs, a fresh kb serve each`,
  );
  console.log('run  path   upload ms   server RSS before → peak to reply MiB   peak with ingestion MiB   indexed');
  const results = new Map<string, RunResult[]>(paths.map((p) => [p, []]));
  for (let run = 1; run <= runs; run++) {
    for (const kind of paths) {
      const result = await runOnce(kind, pdf, work, run);
      results.get(kind)!.push(result);
      console.log(
        `${String(run).padStart(3)}  ${kind.padEnd(5)} ${result.uploadMs.toFixed(0).padStart(10)}   ${result.rssBeforeMb.toFixed(0).padStart(14)} → ${result.rssPeakUploadMb.toFixed(0).padEnd(19)}` +
          `${(result.rssPeakRunMb?.toFixed(0) ?? '?').padStart(24)}   ${result.indexed}`,
      );
    }
  }
  console.log('\nmedians');
  for (const [kind, list] of results) {
    const upload = median(list.map((r) => r.uploadMs));
    const growth = median(list.map((r) => r.rssPeakUploadMb - r.rssBeforeMb));
    const runPeak = median(list.map((r) => r.rssPeakRunMb ?? Number.NaN));
    console.log(
      `${kind.padEnd(5)} upload ${upload.toFixed(0)} ms (${(bytes / MIB / (upload / 1000)).toFixed(1)} MiB/s); server peak to reply ${median(list.map((r) => r.rssPeakUploadMb)).toFixed(0)} MiB ` +
        `(+${growth.toFixed(0)} over its RSS before); peak with ingestion ${runPeak.toFixed(0)} MiB`,
    );
  }
  const old = results.get('old');
  const streamed = results.get('new');
  if (old && streamed) {
    const ratio = median(old.map((r) => r.uploadMs)) / median(streamed.map((r) => r.uploadMs));
    const memory =
      median(old.map((r) => r.rssPeakUploadMb - r.rssBeforeMb)) /
      Math.max(1, median(streamed.map((r) => r.rssPeakUploadMb - r.rssBeforeMb)));
    console.log(
      `old / new: ${ratio.toFixed(1)}× the time, ${memory.toFixed(1)}× the server memory growth to the reply`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
