// Running headers and footers of PDFs are dropped; content at a page's edge never is. An audit log exported as PDF
// (real PDF files, pdf.js through parsePdf, the real ingestion and search): its lines differ from each other only in
// their digits (times, ports, IP addresses), and the lines that happen to be first or last on a page used to be taken
// for running lines — 36 of 60 lines lost, the IP addresses in them no longer searchable.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structureDocument } from '../../electron/engine/chunk/structureDocument.ts';
import { createEngine, type Engine, type Library } from '../../electron/engine/index.ts';
import { parsePdf } from '../../electron/engine/parse/parsePdf.ts';
import { makePdf } from './parse/fixtures.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const PAGES = 6;
const PER_PAGE = 10;
const ip = (n: number): string => `10.20.${Math.floor(n / 7) + 1}.${((n * 37) % 250) + 2}`;
/** One sshd line of the log: the same words on every line, different digits. */
const logLine = (n: number): string =>
  `2026-11-03 08:${String(10 + Math.floor(n / 6)).padStart(2, '0')}:${String((n * 13) % 60).padStart(2, '0')} sshd[${1200 + n}]: Accepted password for admin from ${ip(n)} port ${52000 + n * 17}`;

/** The export as printed: the same header on every page, "page n of 6" at the foot, 10 log lines between. */
function auditLogPdf(linesPerPage: number): Uint8Array {
  const pages = Array.from({ length: PAGES }, (_, p) => [
    'fw-01 audit log export 2026-11-03',
    ...Array.from({ length: linesPerPage }, (_, i) => logLine(p * linesPerPage + i)),
    `Page ${p + 1} of ${PAGES}`,
  ]);
  return makePdf({ pages });
}

describe('PDF edge lines: running lines go, content stays', () => {
  it('an audit log exported as PDF keeps all 60 lines; its running header and page footer go', async () => {
    const doc = structureDocument(await parsePdf(auditLogPdf(PER_PAGE)));
    for (let n = 0; n < PAGES * PER_PAGE; n++) expect(doc.text, logLine(n)).toContain(logLine(n));
    expect(doc.text).not.toContain('audit log export');
    expect(doc.text).not.toMatch(/Page \d of 6/);
  });

  it('a line that repeats with a number counting the pages goes, at any offset ("- 3 -" on the 5th page)', async () => {
    const pages = Array.from({ length: 5 }, (_, p) => [
      `GB/T 22239-2019 printed 2026-11-03 - ${p + 3} -`,
      `clause ${p + 1} text holds requirement ${p * 11 + 7}`,
      `${p - 1 < 1 ? 'i' : p - 1}`,
    ]);
    const doc = structureDocument(await parsePdf(makePdf({ pages })));
    expect(doc.text).not.toContain('printed');
    for (let p = 0; p < 5; p++) expect(doc.text).toContain(`clause ${p + 1} text holds requirement ${p * 11 + 7}`);
  });

  it('a bare number at a page edge is content unless it counts pages', async () => {
    const pages = [
      ['Total events', '1024'],
      ['Failed logins', '17'],
      ['Blocked hosts', '3'],
    ];
    const doc = structureDocument(await parsePdf(makePdf({ pages })));
    expect(doc.text).toContain('1024');
    expect(doc.text).toContain('17');
    // 3 on page 3 is that page's number: it goes.
    expect(doc.text).not.toMatch(/\b3\b/);
  });

  describe('ingested and searched', () => {
    let engine: Engine;
    let library: Library;
    let cleanup: () => void;
    let dir: string;

    beforeAll(async () => {
      ({ dir, cleanup } = tempDir('kb-pdf-edges-'));
      writeFileSync(path.join(dir, 'audit-log.pdf'), auditLogPdf(PER_PAGE));
      // One log line per page: every line is at an edge (it used to fail as "holds headings or markup only").
      writeFileSync(path.join(dir, 'one-line-per-page.pdf'), auditLogPdf(1));
      engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
      library = await engine.openLibrary(path.join(dir, 'edges.kb.sqlite'), { create: true });
    });
    afterAll(async () => {
      await engine?.dispose();
      cleanup?.();
    });

    it('both files are indexed, and an IP address from a line at a page edge is found, on a passage that spans its page', async () => {
      const summary = await library.ingest([dir]);
      expect(summary.failed).toEqual([]);
      expect(summary.indexed).toBe(2);
      // The last line of page 4 of the 10-per-page log.
      const edge = 4 * PER_PAGE - 1;
      const hits = await library.search(ip(edge), { k: 5 });
      const hit = hits.find((h) => h.text.includes(logLine(edge)));
      expect(hit, JSON.stringify(hits.map((h) => h.text.slice(0, 80)))).toBeDefined();
      expect(hit!.pageStart).toBeLessThanOrEqual(4);
      expect(hit!.pageEnd).toBeGreaterThanOrEqual(4);
    });
  });
});
