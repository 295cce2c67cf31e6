import { createRequire } from 'node:module';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFParse } from 'pdf-parse';
import { foldCjkCompatibility, looksTraditionalChinese } from './foldCjkCompatibility.ts';
import { ParseError } from './types.ts';
import type { ParsedSource, SourceLine } from './types.ts';

let pdfjsAssets: { cMapUrl: string; standardFontDataUrl: string } | undefined;

/**
 * Directories of the CMaps and standard fonts of the pdfjs-dist that pdf-parse itself loads. Without the CMaps,
 * CJK text in predefined-CMap fonts (UniGB-UCS2-H, …) without a ToUnicode table extracts as NOTHING, silently.
 */
export function pdfjsAssetDirs(): { cMapUrl: string; standardFontDataUrl: string } {
  if (!pdfjsAssets) {
    const fromPdfParse = createRequire(createRequire(import.meta.url).resolve('pdf-parse'));
    const root = path.dirname(fromPdfParse.resolve('pdfjs-dist/package.json'));
    // pdf.js (Node) reads these with fs and appends file names directly: they must end with a separator.
    pdfjsAssets = {
      cMapUrl: path.join(root, 'cmaps') + path.sep,
      standardFontDataUrl: path.join(root, 'standard_fonts') + path.sep,
    };
  }
  return pdfjsAssets;
}

/**
 * The most one Flate stream of a PDF (a page's content, a font, an object stream) may inflate to. pdf.js inflates a
 * stream whole, into memory, and has no limit of its own: a 1 MB PDF whose content stream inflates to 1 GB took
 * 2.2 GB. A page's content is at most a few MB in real documents; images, which text extraction never decodes, are
 * not checked.
 */
export const MAX_PDF_STREAM_BYTES = 64 * 1024 * 1024;

const LATIN1 = new TextDecoder('latin1');

/**
 * Refuses a PDF with a Flate stream (not an image) that inflates past MAX_PDF_STREAM_BYTES, before pdf.js reads it.
 * Streams are found by their keywords (`obj` … `stream` … `endstream`): a stream that is not where they say, or
 * does not inflate, is left to pdf.js, which reports damage as it does today. Memory: one stream up to the limit.
 */
export function checkPdfStreams(bytes: Uint8Array): void {
  const text = LATIN1.decode(bytes);
  for (let at = text.indexOf('stream', 0); at !== -1; at = text.indexOf('stream', at + 6)) {
    if (text.startsWith('end', at - 3)) continue;
    const dataStart = text[at + 6] === '\r' && text[at + 7] === '\n' ? at + 8 : text[at + 6] === '\n' ? at + 7 : -1;
    if (dataStart === -1) continue;
    const dictionary = text.slice(Math.max(0, text.lastIndexOf(' obj', at), at - 4096), at);
    if (!dictionary.includes('/FlateDecode') || /\/Subtype\s*\/Image\b/.test(dictionary)) continue;
    const dataEnd = text.indexOf('endstream', dataStart);
    if (dataEnd === -1) return;
    try {
      inflateSync(bytes.subarray(dataStart, dataEnd), { maxOutputLength: MAX_PDF_STREAM_BYTES });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ParseError(
          'too-large',
          `PDF stream at byte ${dataStart} inflates to more than ${MAX_PDF_STREAM_BYTES / 1024 / 1024} MiB (a compression bomb, not a page of a document): not indexed`,
        );
      }
      // Not a whole zlib stream where the keywords said: pdf.js decides.
    }
    at = dataEnd;
  }
}

/**
 * PDF via pdf-parse (pdf.js): one SourceLine per extracted text line, each with its 1-based `page`.
 * Lines come from the page layout (`layoutWrapped: true`).
 * Errors: password → 'encrypted'; damaged or truncated → 'corrupt'; pages without any text → 'no-text-layer'.
 */
export async function parsePdf(bytes: Uint8Array): Promise<ParsedSource> {
  if (!hasEofMarker(bytes)) {
    throw new ParseError(
      'corrupt',
      'damaged PDF: the file is truncated (no %%EOF end marker); copy or download it again and add it again',
    );
  }
  checkPdfStreams(bytes);
  const parser = new PDFParse({
    data: new Uint8Array(bytes), // pdf.js may transfer (detach) the buffer it is given: pass a copy
    ...pdfjsAssetDirs(),
    cMapPacked: true,
    verbosity: 0,
    isEvalSupported: false,
    useSystemFonts: false,
  });
  try {
    const result = await parser.getText({ pageJoiner: '', lineEnforce: true });
    const pageCount = result.total;

    const pages = result.pages.map((p) => ({ num: p.num, text: p.text }));
    const traditional = looksTraditionalChinese(pages.map((p) => p.text).join('\n'));
    const lines: SourceLine[] = [];
    for (const page of pages) {
      const text = foldCjkCompatibility(page.text, traditional);
      for (const raw of text.split(/\r\n|\r|\n/)) {
        // pdf-parse puts a tab between text runs separated by a wide horizontal gap (table cells, TOC leaders).
        const line = raw.replace(/[ \t]*\t[ \t]*/g, ' ').trimEnd();
        if (line.trim() === '') continue;
        lines.push({ text: line, page: page.num });
      }
    }
    if (lines.length === 0) {
      if (pageCount === 0) throw new ParseError('empty', 'empty PDF: it has no pages');
      throw new ParseError('no-text-layer', 'no extractable text (scanned document?) — OCR is not supported yet');
    }
    const parsed: ParsedSource = { type: 'pdf', lines, pageCount, layoutWrapped: true };
    // Metadata is optional: a damaged outline or info dictionary must not cost us the text.
    const info = await parser.getInfo().catch(() => undefined);
    const title = pdfTitle(info?.info, traditional);
    if (title) parsed.title = title;
    return parsed;
  } catch (error) {
    throw toParseError(error);
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

/** A PDF ends with %%EOF (possibly followed by a little whitespace or junk); its absence means truncation. */
function hasEofMarker(bytes: Uint8Array): boolean {
  const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 4096)));
  return tail.includes('%%EOF');
}

function pdfTitle(info: unknown, traditional: boolean): string | undefined {
  const title = (info as { Title?: unknown } | undefined)?.Title;
  if (typeof title !== 'string') return undefined;
  const t = foldCjkCompatibility(title.replace(/\s+/g, ' ').trim(), traditional);
  return t || undefined;
}

function toParseError(error: unknown): unknown {
  if (error instanceof ParseError) return error;
  // Programming errors are ours, not the file's: let them through unchanged.
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) return error;
  const e = error as { name?: string; message?: string; code?: number };
  const detail = e.message ? ` (${e.message})` : '';
  switch (e.name) {
    case 'PasswordException':
      return new ParseError('encrypted', 'password-protected PDF: remove the password and add it again');
    case 'InvalidPDFException':
    case 'FormatError':
    case 'UnknownErrorException':
    case 'MissingPDFException':
      return new ParseError('corrupt', `damaged PDF${detail}: open it in a PDF reader, save a new copy and add that`);
    default:
      return new ParseError('corrupt', `could not read the PDF${detail}: the file may be damaged`);
  }
}
