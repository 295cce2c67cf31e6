// Documents whose parts inflate to far more than the file. PDF: pdf.js inflates a stream whole and has no limit, so
// a Flate stream past MAX_PDF_STREAM_BYTES is refused before pdf.js reads it (a 1 MB PDF whose page inflates to 1 GiB
// took 1.7 GB and 15 s, and was indexed as one line). Word: mammoth reads a .docx into a DOM, ~60× the XML in memory, so the XML a .docx
// may hold is capped (DEFAULT_MAX_DECOMPRESSED_BYTES, 16 MiB). The real `kb ingest`, its whole process's peak RSS
// measured: a .docx with 40 MiB of Word text (it reached 2.4 GB and more before) is refused with the reason, within
// bounded memory; one with 10 MiB of text is indexed, also within the bound.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createDeflate } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../electron/engine/parse/parseDocx.ts';
import { MAX_PDF_STREAM_BYTES } from '../../electron/engine/parse/parsePdf.ts';
import { makeDocx, makePdf, serializePdf } from '../engine/parse/fixtures.ts';
import { runKb, tempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const PEAK_RSS_BOUND_MB = 1024;

/** A .docx whose document.xml holds `mb` MiB of formatted paragraphs (as Word writes them: runs with properties). */
function wordText(mb: number): Uint8Array {
  const paragraphs: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * MiB; i++) {
    const p = `<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="SimSun"/><w:sz w:val="21"/></w:rPr><w:t>应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换。编号${i}</w:t></w:r></w:p>`;
    paragraphs.push(p);
    size += Buffer.byteLength(p);
  }
  return makeDocx(paragraphs.join(''));
}

/** Deflates `size` bytes of spaces after `head`, a MiB at a time (the whole never exists in this process). */
async function deflatedSpaces(head: string, size: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  deflate.write(head);
  const spaces = Buffer.alloc(MiB, 0x20);
  for (let written = 0; written < size; written += MiB)
    if (!deflate.write(spaces)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

describe('documents that inflate: bounded memory', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('kb-parser-memory-')));
  afterAll(() => cleanup?.());

  it(`a 1 MB PDF whose page inflates to 1 GiB: refused (over ${MAX_PDF_STREAM_BYTES / MiB} MiB a stream), peak RSS under 400 MiB; a real PDF beside it is indexed`, async () => {
    const docs = path.join(dir, 'pdf');
    mkdirSync(docs);
    const content = await deflatedSpaces('BT /F1 12 Tf 72 720 Td (Bomb page) Tj ET\n', 1024 * MiB);
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
      `<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n${content.toString('latin1')}\nendstream`,
    ];
    writeFileSync(path.join(docs, 'bomb.pdf'), serializePdf(objects));
    writeFileSync(
      path.join(docs, 'audit.pdf'),
      makePdf({ pages: [['Audit log retained for six months'], ['Second page']] }),
    );
    const run = await runKb(['ingest', docs, '--library', path.join(dir, 'pdf.kb.sqlite'), '--json']);
    expect(run.signal, run.stderr).toBe(null);
    const summary = JSON.parse(run.stdout) as {
      indexed: number;
      failed: { path: string; code: string; reason: string }[];
    };
    expect(summary.indexed).toBe(1);
    expect(summary.failed).toMatchObject([{ path: path.join(docs, 'bomb.pdf'), code: 'too-large' }]);
    expect(summary.failed[0]!.reason).toMatch(/inflates to more than 64 MiB \(a compression bomb/);
    console.log(`parser memory: 1 MB PDF inflating to 1 GiB refused, peak RSS ${run.peakRssMb} MiB`);
    expect(run.peakRssMb).toBeLessThan(400);
  }, 120_000);

  it(`40 MiB of Word text: refused with the reason, peak RSS under ${PEAK_RSS_BOUND_MB} MiB`, async () => {
    const docs = path.join(dir, 'large');
    mkdirSync(docs);
    writeFileSync(path.join(docs, '测评记录.docx'), wordText(40));
    const run = await runKb(['ingest', docs, '--library', path.join(dir, 'large.kb.sqlite'), '--json']);
    expect(run.signal, run.stderr).toBe(null); // ended by itself, not killed
    const summary = JSON.parse(run.stdout) as { indexed: number; failed: { code: string; reason: string }[] };
    expect(summary.indexed).toBe(0);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatchObject({ code: 'too-large' });
    expect(summary.failed[0]!.reason).toMatch(
      /its XML parts decompress to 40\.\d MiB, over the 16\.0 MiB limit .*split it into smaller documents, or save it as PDF/,
    );
    console.log(`parser memory: .docx with 40 MiB of XML refused, peak RSS ${run.peakRssMb} MiB`);
    expect(run.peakRssMb).toBeLessThan(PEAK_RSS_BOUND_MB);
  }, 120_000);

  it(`10 MiB of Word text (under the ${DEFAULT_MAX_DECOMPRESSED_BYTES / MiB} MiB cap): indexed, peak RSS under ${PEAK_RSS_BOUND_MB} MiB`, async () => {
    const docs = path.join(dir, 'under');
    mkdirSync(docs);
    writeFileSync(path.join(docs, '制度汇编.docx'), wordText(10));
    const run = await runKb(['ingest', docs, '--library', path.join(dir, 'under.kb.sqlite'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ indexed: 1, failed: [] });
    console.log(`parser memory: .docx with 10 MiB of XML indexed, peak RSS ${run.peakRssMb} MiB`);
    expect(run.peakRssMb).toBeLessThan(PEAK_RSS_BOUND_MB);
  }, 180_000);
});
