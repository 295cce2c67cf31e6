// Word documents whose text is large: mammoth reads a .docx into a DOM, ~60× the XML in memory, so the XML a .docx
// may hold is capped (DEFAULT_MAX_DECOMPRESSED_BYTES, 16 MiB). The real `kb ingest`, its whole process's peak RSS
// measured: a .docx with 40 MiB of Word text (it reached 2.4 GB and more before) is refused with the reason, within
// bounded memory; one with 10 MiB of text is indexed, also within the bound.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../electron/engine/parse/parseDocx.ts';
import { makeDocx } from '../engine/parse/fixtures.ts';
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

describe('Word documents with a lot of text: bounded memory', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('kb-parser-memory-')));
  afterAll(() => cleanup?.());

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
    expect(summary.failed[0]!.reason).toMatch(/its XML parts decompress to 40\.\d MiB, over the 16\.0 MiB limit .*split it into smaller documents, or save it as PDF/);
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
