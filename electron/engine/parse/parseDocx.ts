import mammoth from 'mammoth';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { htmlToLines } from './htmlToLines.ts';
import { isOleCompoundFile } from './readOleDocument.ts';
import { readZipDirectory } from './readZipDirectory.ts';
import { requireText } from './textLines.ts';
import { ParseError } from './types.ts';
import type { ParseOptions, ParsedSource } from './types.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, checkZipLimits, inflateWithinBudget } from './zipLimits.ts';

export { DEFAULT_MAX_DECOMPRESSED_BYTES, isOleCompoundFile };

/**
 * Word .docx via mammoth: Word headings → `headingLevel`; `</p>` ends a paragraph; line breaks inside a paragraph →
 * separate lines; each table row → one line, cells joined by ' | '; list items one line each. Title from
 * docProps/core.xml. Before mammoth sees it, the ZIP's central directory is checked against
 * `options.maxDecompressedBytes` (default 16 MiB) and for absurd compression ratios, and each XML part is inflated
 * with a hard output limit, so a zip bomb is refused before memory is spent.
 */
export async function parseDocx(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedSource> {
  if (isOleCompoundFile(bytes)) {
    throw new ParseError(
      'encrypted',
      'password-protected or legacy .doc file (OLE compound document, not a .docx): remove the password, or open it in Word and save as .docx, then add it again',
    );
  }
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const entries = readZipDirectory(bytes);
  const xmlParts = checkZipLimits(entries, maxBytes);
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw new ParseError('corrupt', 'not a Word document: the .docx has no word/document.xml part');
  }

  // The directory can lie: inflate every XML part (what mammoth will read) with a hard cap on the total output.
  const coreXml = inflateWithinBudget(bytes, xmlParts, maxBytes).get('docProps/core.xml');

  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: ["p[style-name='Title'] => h1:fresh"],
        // Never read or base64-inline images: we index text only.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
        externalFileAccess: false,
      },
    );
    html = result.value;
  } catch (error) {
    throw new ParseError(
      'corrupt',
      `damaged Word document (${(error as Error).message}): open it in Word, save a new copy and add that`,
    );
  }

  const { lines } = htmlToLines(foldCjkCompatibility(html));
  requireText(lines, 'empty Word document: no text to index');
  const parsed: ParsedSource = { type: 'docx', lines, layoutWrapped: false };
  const title = coreXml ? coreTitle(coreXml) : undefined;
  if (title) parsed.title = title;
  return parsed;
}

/** The title in docProps/core.xml (DOCX, XLSX, PPTX), whitespace collapsed. */
export function coreTitle(xml: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8').decode(xml);
  const m = /<dc:title(?:\s[^>]*)?>([\s\S]*?)<\/dc:title>/.exec(text);
  if (!m?.[1]) return undefined;
  const title = foldCjkCompatibility(decodeXmlEntities(m[1]).replace(/\s+/g, ' ').trim());
  return title || undefined;
}

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (all, e: string) => {
    const lower = e.toLowerCase();
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const cp = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
  });
}
