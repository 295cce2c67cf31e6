// The renderer build (made by tests/buildApp.globalSetup.ts) for the cited-page view: pdf.js and its worker are files
// of their own, loaded only when a PDF passage opens; the CMaps, standard fonts and OpenJPEG's JavaScript build are
// copied beside the page (out/renderer/pdfjs/), so pdf.js fetches nothing from anywhere else.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFJS_ASSET_DIR, PDFJS_ASSETS } from '../../electron.vite.config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'out/renderer');
const PDFJS = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** The page's entry script, as index.html names it. */
function entryScript(): string {
  const html = readFileSync(path.join(OUT, 'index.html'), 'utf8');
  const src = /<script type="module"[^>]*src="\.?\/?([^"]+)"/.exec(html)?.[1];
  if (!src) throw new Error('out/renderer/index.html names no module script');
  return readFileSync(path.join(OUT, src), 'utf8');
}

describe('the renderer build for the cited-page view', () => {
  it('copies every CMap, the standard fonts and the OpenJPEG fallback beside the page', () => {
    for (const [folder, take] of Object.entries(PDFJS_ASSETS)) {
      const expected = readdirSync(path.join(PDFJS, folder)).filter((name) => take.test(name));
      expect(expected.length, folder).toBeGreaterThan(0);
      expect(readdirSync(path.join(OUT, PDFJS_ASSET_DIR, folder)).sort(), folder).toEqual(expected.sort());
    }
    expect(readdirSync(path.join(OUT, PDFJS_ASSET_DIR, 'cmaps'))).toContain('UniGB-UCS2-H.bcmap');
    expect(
      readFileSync(path.join(OUT, PDFJS_ASSET_DIR, 'cmaps/UniGB-UCS2-H.bcmap')).equals(
        readFileSync(path.join(PDFJS, 'cmaps/UniGB-UCS2-H.bcmap')),
      ),
    ).toBe(true);
  });

  it('emits the worker as a file of its own, byte for byte pdf.js’s', () => {
    const worker = readdirSync(path.join(OUT, 'assets')).filter((name) => /^pdf\.worker\.min-[\w-]+\.mjs$/.test(name));
    expect(worker).toHaveLength(1);
    expect(
      readFileSync(path.join(OUT, 'assets', worker[0]!)).equals(
        readFileSync(path.join(PDFJS, 'build/pdf.worker.min.mjs')),
      ),
    ).toBe(true);
  });

  it('keeps pdf.js and the quote matcher out of the entry script (loaded on the first PDF passage)', () => {
    const entry = entryScript();
    expect(entry).not.toContain('class TextLayer');
    expect(entry).not.toContain('function matchQuoteOnPages');
    const chunks = readdirSync(path.join(OUT, 'assets')).filter((name) => name.endsWith('.js'));
    const lazy = chunks
      .map((name) => readFileSync(path.join(OUT, 'assets', name), 'utf8'))
      .filter((code) => code !== entry);
    expect(lazy.some((code) => code.includes('class TextLayer'))).toBe(true);
    expect(lazy.some((code) => code.includes('function matchQuoteOnPages'))).toBe(true);
  });
});
