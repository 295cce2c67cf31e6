import { createRequire } from 'node:module';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { PASSWORD_PROTECTED, classifyOleDocument, libraryReason } from './readOleDocument.ts';
import { tableLines, type TableCell } from './tableLines.ts';
import { requireText, splitLines } from './textLines.ts';
import { ParseError } from './types.ts';
import type { ParsedSource, SourceLine } from './types.ts';

/** What word-extractor 1.0.4 returns (it ships no types). */
interface WordExtractorDocument {
  getBody(options?: { filterUnicode?: boolean }): string;
  getFootnotes(options?: { filterUnicode?: boolean }): string;
  getEndnotes(options?: { filterUnicode?: boolean }): string;
}
type WordExtractorClass = new () => { extract(source: Buffer): Promise<WordExtractorDocument> };
// CommonJS package: loaded through require.
const WordExtractor = createRequire(import.meta.url)('word-extractor') as WordExtractorClass;

/**
 * Legacy Word 97–2003 .doc (and WPS .wps saved in Word's format) via word-extractor: each paragraph one line that
 * ends a paragraph; a table (rows of cells separated by tabs, as Word stores them) as other formats' tables
 * (tableLines.ts: one line per row, the header repeated as `Header: value | …`);
 * footnotes and endnotes after the body. Headings come later from clause numbers (the binary format's styles are not
 * read). Password-protected files are refused before reading ('encrypted'), damaged ones fail with the reason.
 */
export async function parseDoc(bytes: Uint8Array): Promise<ParsedSource> {
  const kind = classifyOleDocument(bytes);
  if (kind !== 'doc') {
    throw new ParseError(
      'corrupt',
      `not a Word document: this OLE file holds ${kind === 'xls' ? 'an Excel workbook' : 'a PowerPoint deck'}`,
    );
  }
  let document: WordExtractorDocument;
  try {
    document = await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/encrypt|password/i.test(message)) throw new ParseError('encrypted', PASSWORD_PROTECTED);
    throw new ParseError(
      'corrupt',
      `damaged Word .doc (${libraryReason(error)}): open it in Word or WPS, save it as .docx and add that`,
    );
  }
  // filterUnicode: false keeps “ ” ‘ ’ — as written (the default turns them into ASCII).
  const parts = [
    document.getBody({ filterUnicode: false }),
    document.getFootnotes({ filterUnicode: false }),
    document.getEndnotes({ filterUnicode: false }),
  ];
  const lines: SourceLine[] = [];
  // Word stores a table row as its cells separated by tabs: consecutive such lines are one table.
  let table: TableCell[][] = [];
  const endTable = (): void => {
    lines.push(...tableLines(table));
    table = [];
  };
  for (const part of parts) {
    for (const raw of splitLines(foldCjkCompatibility(part))) {
      const cells = raw.split('\t').map((cell) => cell.trim());
      if (cells.length > 1 && cells.some((cell) => cell !== '')) {
        table.push(cells.filter((cell, i) => cell !== '' || i < cells.length - 1).map((text) => ({ text })));
        continue;
      }
      endTable();
      const text = raw.trim();
      if (text) lines.push({ text, paragraphEnd: true });
    }
    endTable();
  }
  requireText(lines, 'empty Word document: no text to index');
  return { type: 'doc', lines, layoutWrapped: false };
}
