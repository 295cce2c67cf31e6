import { detectDocumentType } from './detectDocumentType.ts';
import { parseCsv } from './parseCsv.ts';
import { parseDoc } from './parseDoc.ts';
import { parseDocx } from './parseDocx.ts';
import { parseHtml } from './parseHtml.ts';
import { parseMarkdown } from './parseMarkdown.ts';
import { parseOfd } from './parseOfd.ts';
import { parsePdf } from './parsePdf.ts';
import { parsePptx } from './parsePptx.ts';
import { parseSpreadsheet } from './parseSpreadsheet.ts';
import { parseText } from './parseText.ts';
import type { ParseOptions, ParsedSource } from './types.ts';

/**
 * Parse a document's bytes into lines. The type is detected from the content first (PDF, Office, OFD, binary), then from
 * the file name's extension for text formats (.md/.markdown, .html/.htm, .csv, anything else as plain text).
 * Every failure is a ParseError with a stable `code` and a message for a person.
 */
export async function parseSource(
  bytes: Uint8Array,
  fileName: string,
  options: ParseOptions = {},
): Promise<ParsedSource> {
  const type = detectDocumentType(bytes, fileName);
  switch (type) {
    case 'pdf':
      return parsePdf(bytes);
    case 'docx':
      return parseDocx(bytes, options);
    case 'doc':
      return parseDoc(bytes);
    case 'xlsx':
    case 'xls':
    case 'ods':
      return parseSpreadsheet(bytes, type, options);
    case 'pptx':
      return parsePptx(bytes, options);
    case 'ofd':
      return parseOfd(bytes, options);
    case 'html':
      return parseHtml(bytes);
    case 'csv':
      return parseCsv(bytes);
    case 'markdown':
      return parseMarkdown(bytes);
    case 'text':
      return parseText(bytes);
  }
}
