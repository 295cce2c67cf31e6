// The Content-Type both app:// and kb serve send for the renderer's files (shared/contentTypes.ts).
import { describe, expect, it } from 'vitest';
import { contentTypeOf } from '../../shared/contentTypes.ts';

describe('contentTypeOf', () => {
  it('names the renderer’s files by extension, whatever their case or folders', () => {
    expect(contentTypeOf('/out/renderer/index.html')).toBe('text/html; charset=utf-8');
    // A module worker must be JavaScript under nosniff: pdf.js's is .mjs.
    expect(contentTypeOf('/out/renderer/assets/pdf.worker.min-abc.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('C:\\app\\out\\renderer\\pdfjs\\cmaps\\UniGB-UCS2-H.BCMAP')).toBe('application/octet-stream');
    expect(contentTypeOf('pdfjs/standard_fonts/FoxitSerif.pfb')).toBe('application/x-font-type1');
  });

  it('falls back to application/octet-stream, never guessing from a folder’s dot', () => {
    expect(contentTypeOf('/out/v1.2/README')).toBe('application/octet-stream');
    expect(contentTypeOf('archive.zip')).toBe('application/octet-stream');
  });
});
