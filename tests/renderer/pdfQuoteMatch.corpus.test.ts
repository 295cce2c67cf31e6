// The cited-page view's quote finder on real PDFs: every passage the engine stored for the three mlps-office PDFs
// (GB/T 22239 and 22240 as made by a word processor, GB/T 25070 printed to PDF with running headers and footers) is
// looked for among pdf.js's text runs of its pages — the same runs the page view's text layer is made of — and must
// be found, with about its own length highlighted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/index.ts';
import { pdfjsAssetDirs } from '../../electron/engine/parse/parsePdf.ts';
import { matchQuoteOnPages, normalizeForMatch } from '../../renderer/src/components/pdfQuoteMatch.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/mlps-office');
const PDFS = ['GBT22239-2019_基本要求.pdf', 'GBT22240_定级指南.pdf', 'GBT25070-2019_安全设计技术要求.pdf'];

let dir: string;
let engine: Engine;
let libraryFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-pdfmatch-'));
  libraryFile = path.join(dir, 'pdf.kb.sqlite');
  engine = await createEngine();
  const library = await engine.openLibrary(libraryFile, { create: true });
  const summary = await library.ingest(PDFS.map((name) => path.join(CORPUS, name)));
  expect(summary.indexed).toBe(PDFS.length);
});

afterAll(async () => {
  await engine?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** pdf.js's text runs of every page (index 0 = page 1), as the page view's text layer gets them. */
async function pageRuns(file: string): Promise<string[][]> {
  const { cMapUrl, standardFontDataUrl } = pdfjsAssetDirs();
  const pdf = await getDocument({
    data: new Uint8Array(readFileSync(file)),
    cMapUrl,
    cMapPacked: true,
    standardFontDataUrl,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  const pages: string[][] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    // The options and filter of PdfPageView's pageTextRuns, so the runs are the ones the view searches.
    const content = await (
      await pdf.getPage(n)
    ).getTextContent({ includeMarkedContent: true, disableNormalization: true });
    pages.push(content.items.flatMap((item) => ('str' in item ? [item.str] : [])));
  }
  await pdf.destroy();
  return pages;
}

describe('matchQuoteOnPages on the stored passages of real PDFs', () => {
  it.each(PDFS)('%s: every passage is found on its pages, highlighted at about its own length', async (name) => {
    const file = path.join(CORPUS, name);
    const db = new Database(libraryFile, { readonly: true });
    const chunks = db
      .prepare<[string], { text: string; page_start: number; page_end: number }>(
        'SELECT c.text, c.page_start, c.page_end FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.path = ? ORDER BY c.ord',
      )
      .all(file);
    db.close();
    expect(chunks.length).toBeGreaterThan(20);
    const pages = await pageRuns(file);
    const methods: Record<string, number> = {};
    const problems: string[] = [];
    for (const chunk of chunks) {
      const span = pages.slice(chunk.page_start - 1, chunk.page_end);
      const matches = matchQuoteOnPages(chunk.text, span);
      const found = matches.filter((m) => m.method !== 'none');
      const best = found[0]?.method ?? 'none';
      methods[best] = (methods[best] ?? 0) + 1;
      let highlighted = 0;
      matches.forEach((match, p) => {
        for (const { item, start, end } of match.highlights)
          highlighted += normalizeForMatch((span[p]?.[item] ?? '').slice(start, end)).length;
      });
      const ratio = highlighted / normalizeForMatch(chunk.text).length;
      if (found.length === 0 || ratio < 0.8 || ratio > 1.25)
        problems.push(
          `pp. ${chunk.page_start}–${chunk.page_end} (${best}, ×${ratio.toFixed(2)}): ${chunk.text.slice(0, 40)}`,
        );
    }
    console.log(`${name}: ${chunks.length} passages, found by ${JSON.stringify(methods)}`);
    expect(problems).toEqual([]);
  });
});
