// OCR of image-only pages on real files: a page of the GB/T 22239-2019 corpus PDF rendered to an image and wrapped
// in a PDF with no text layer (a scan), a PDF mixing a text page and that scan, and the page as a .png. The
// original's text layer is the reference. A few pages only: OCR costs ~4 s a page on 2 cores.
import fs from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/index.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { CORPUS, tempDir, TOKENIZER_DIR } from '../helpers.ts';

const SOURCE = path.join(CORPUS, 'mlps-office/GBT22239-2019_基本要求.pdf');
const PAGE = 12;

let pageText = '';
let pagePng: Buffer;
let pageJpeg: { data: Buffer; width: number; height: number };

/** A PDF whose pages are either one full-page JPEG (no text layer) or one line of Helvetica text. */
function makePdf(pages: Array<{ jpeg: typeof pageJpeg } | { text: string }>): Uint8Array {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string): number =>
    objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (const page of pages) {
    let content: string;
    let resources: string;
    if ('jpeg' in page) {
      const { data, width, height } = page.jpeg;
      const image = add(
        Buffer.concat([
          Buffer.from(
            `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length ${data.length} >>\nstream\n`,
            'latin1',
          ),
          data,
          Buffer.from('\nendstream', 'latin1'),
        ]),
      );
      content = 'q 595 0 0 842 0 0 cm /Im0 Do Q';
      resources = `<< /XObject << /Im0 ${image} 0 R >> >>`;
    } else {
      content = `BT /F1 14 Tf 72 760 Td (${page.text}) Tj ET`;
      resources = `<< /Font << /F1 ${font} 0 R >> >>`;
    }
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 595 842] /Resources ${resources} /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObj} 0 R >>`);
  objects[pagesObj - 1] = Buffer.from(
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`,
  );
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(part);
    length += part.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

const han = (s: string): string[] => [...s.replace(/[^\p{Script=Han}]/gu, '')];

/** Share of the reference's Han characters OCR got right: 1 − edit distance / reference length, over Han only. */
function hanAccuracy(reference: string, ocr: string): number {
  const a = han(reference);
  const b = han(ocr);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return 1 - prev[b.length]! / a.length;
}

beforeAll(async () => {
  const parser = new PDFParse({ data: new Uint8Array(fs.readFileSync(SOURCE)), verbosity: 0 });
  try {
    pageText = (await parser.getText({ partial: [PAGE] })).pages[0]!.text;
    // A degraded scan: 150 dpi, grey, JPEG.
    const shot = await parser.getScreenshot({
      partial: [PAGE],
      scale: 150 / 72,
      imageBuffer: true,
      imageDataUrl: false,
    });
    pagePng = Buffer.from(shot.pages[0]!.data);
  } finally {
    await parser.destroy();
  }
  const { data, info } = await sharp(pagePng).greyscale().jpeg({ quality: 75 }).toBuffer({ resolveWithObject: true });
  pageJpeg = { data, width: info.width, height: info.height };
  expect(han(pageText).length).toBeGreaterThan(100);
});

describe('OCR of image-only pages', () => {
  it('reads a scanned PDF page: ≥ 97 % of its Han characters right, lines marked ocr with their page', async () => {
    const pdf = makePdf([{ jpeg: pageJpeg }]);
    const progress: Array<[number, number]> = [];
    const parsed = await parseSource(pdf, 'scan.pdf', { onOcrProgress: (d, t) => progress.push([d, t]) });
    expect(parsed.type).toBe('pdf');
    expect(parsed.lines.length).toBeGreaterThan(5);
    expect(parsed.lines.every((l) => l.ocr === true && l.page === 1)).toBe(true);
    const accuracy = hanAccuracy(pageText, parsed.lines.map((l) => l.text).join('\n'));
    console.log(`OCR Han accuracy on page ${PAGE} of GB/T 22239-2019 at 150 dpi: ${(accuracy * 100).toFixed(2)} %`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    expect(progress).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('a mixed PDF keeps its text page as text and OCRs its scanned page', async () => {
    const pdf = makePdf([{ text: 'Text layer page about access control' }, { jpeg: pageJpeg }]);
    const parsed = await parseSource(pdf, 'mixed.pdf');
    const first = parsed.lines.filter((l) => l.page === 1);
    const second = parsed.lines.filter((l) => l.page === 2);
    expect(first.map((l) => l.text).join(' ')).toContain('access control');
    expect(first.some((l) => l.ocr)).toBe(false);
    expect(second.length).toBeGreaterThan(5);
    expect(second.every((l) => l.ocr === true)).toBe(true);
    expect(second.map((l) => l.text).join('')).toContain('云计算');
  });

  it('with OCR off (page cap 0) a scanned PDF still fails as no-text-layer', async () => {
    await expect(parseSource(makePdf([{ jpeg: pageJpeg }]), 'scan.pdf', { ocrPageCap: 0 })).rejects.toMatchObject({
      code: 'no-text-layer',
    });
  });

  it('stops between pages when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(parseSource(makePdf([{ jpeg: pageJpeg }]), 'scan.pdf', { signal: controller.signal })).rejects.toThrow(
      'cancelled',
    );
  });
});

describe('OCR of an image file', () => {
  it('reads a .png as one page of OCR lines', async () => {
    const parsed = await parseSource(new Uint8Array(pagePng), 'scan.png');
    expect(parsed.type).toBe('image');
    expect(parsed.pageCount).toBe(1);
    expect(parsed.lines.every((l) => l.ocr === true && l.page === 1)).toBe(true);
    expect(hanAccuracy(pageText, parsed.lines.map((l) => l.text).join('\n'))).toBeGreaterThanOrEqual(0.97);
  });
});

describe('OCR refusals', () => {
  it('a damaged .png is corrupt', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(100)]);
    await expect(parseSource(png, 'broken.png')).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('OCR in ingestion', () => {
  it('indexes a scanned PDF and a .png through the parse workers, reports OCR pages, and search finds them', async () => {
    const temp = tempDir();
    const engine = await createEngine({ tokenizerDir: TOKENIZER_DIR });
    try {
      const root = path.join(temp.dir, 'docs');
      fs.mkdirSync(root);
      fs.writeFileSync(path.join(root, 'scan.pdf'), makePdf([{ jpeg: pageJpeg }]));
      fs.writeFileSync(path.join(root, 'scan.png'), pagePng);
      const library = await engine.openLibrary(path.join(temp.dir, 'ocr.kb.sqlite'), { create: true });
      const ocrPages: Array<{ file: string; done: number; total: number }> = [];
      const summary = await library.ingest([root], {
        onProgress: (p) => {
          if (p.ocrPages) ocrPages.push({ file: path.basename(p.currentFile ?? ''), ...p.ocrPages });
        },
      });
      expect(summary.failed).toEqual([]);
      expect(summary.indexed).toBe(2);
      expect(ocrPages).toContainEqual({ file: 'scan.pdf', done: 1, total: 1 });
      expect(ocrPages).toContainEqual({ file: 'scan.png', done: 1, total: 1 });
      const hits = await library.search('云计算基础设施位于中国境内');
      const files = new Set(hits.map((h) => path.basename(h.documentPath)));
      expect(files).toEqual(new Set(['scan.pdf', 'scan.png']));
      expect(hits.every((h) => h.pageStart === 1)).toBe(true);
    } finally {
      await engine.dispose();
      temp.cleanup();
    }
  });
});
