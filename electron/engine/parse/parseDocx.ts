import mammoth from 'mammoth';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { htmlToLines } from './htmlToLines.ts';
import { formatBytes, inflateZipEntry, readZipDirectory } from './readZipDirectory.ts';
import type { ZipEntry } from './readZipDirectory.ts';
import { requireText } from './textLines.ts';
import { ParseError } from './types.ts';
import type { ParseOptions, ParsedSource } from './types.ts';

/**
 * The XML a .docx may hold. mammoth builds a DOM of it: peak memory is ~60× the XML (measured with `kb ingest` on
 * generated Word text: 16 MiB of XML → 987 MiB peak RSS, 48 MiB → 2.4 GiB; a 53 MB .docx reached 4.1 GB with the
 * former 200 MiB limit). 16 MiB is ~40 times GB/T 22239's own 0.4 MB document.xml; images do not count.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/** An entry this large that compresses better than MAX_RATIO:1 is a zip bomb, not a document. */
const RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024;
const MAX_RATIO = 200;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isOleCompoundFile(bytes: Uint8Array): boolean {
  return OLE_MAGIC.every((b, i) => bytes[i] === b);
}

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
  const xmlParts = checkDocxLimits(entries, maxBytes);
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw new ParseError('corrupt', 'not a Word document: the .docx has no word/document.xml part');
  }

  // The directory can lie: inflate every XML part (what mammoth will read) with a hard cap on the total output.
  let budget = maxBytes;
  let coreXml: Uint8Array | undefined;
  for (const entry of xmlParts) {
    const data = inflateZipEntry(bytes, entry, Math.min(budget, Math.max(entry.uncompressedSize, 0)) || 1);
    budget -= data.length;
    if (entry.name === 'docProps/core.xml') coreXml = data;
  }

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

/**
 * Refuse, from the central directory alone, archives whose XML parts claim more than `maxBytes` in total or whose
 * entries have an absurd compression ratio. Returns the XML parts (the entries mammoth parses).
 */
export function checkDocxLimits(entries: readonly ZipEntry[], maxBytes: number): ZipEntry[] {
  const xmlParts: ZipEntry[] = [];
  let total = 0;
  for (const entry of entries) {
    if (
      entry.uncompressedSize > RATIO_CHECK_MIN_BYTES &&
      entry.uncompressedSize > MAX_RATIO * Math.max(1, entry.compressedSize)
    ) {
      throw new ParseError(
        'too-large',
        `${entry.name} would decompress from ${formatBytes(entry.compressedSize)} to ${formatBytes(entry.uncompressedSize)}: a zip bomb, not indexed`,
      );
    }
    if (/\.(xml|rels)$/i.test(entry.name)) {
      xmlParts.push(entry);
      total += entry.uncompressedSize;
    }
  }
  if (total > maxBytes) {
    throw new ParseError(
      'too-large',
      `document too large: its XML parts decompress to ${formatBytes(total)}, over the ${formatBytes(maxBytes)} limit (reading Word text takes ~60× that in memory): split it into smaller documents, or save it as PDF and add that`,
    );
  }
  return xmlParts;
}

function coreTitle(xml: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8').decode(xml);
  const m = /<dc:title(?:\s[^>]*)?>([\s\S]*?)<\/dc:title>/.exec(text);
  if (!m?.[1]) return undefined;
  const title = foldCjkCompatibility(decodeXmlEntities(m[1]).replace(/\s+/g, ' ').trim());
  return title || undefined;
}

function decodeXmlEntities(s: string): string {
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
