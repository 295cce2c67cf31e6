import path from 'node:path';
import { isOleCompoundFile } from './parseDocx.ts';
import { readZipDirectory } from './readZipDirectory.ts';
import { ParseError } from './types.ts';
import type { DocumentType } from './types.ts';

const TEXT_EXTENSIONS: Readonly<Record<string, DocumentType>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'text',
};

/** Binary formats recognisable by their first bytes, for a message better than "binary content". */
const MAGIC: ReadonlyArray<{ bytes: readonly number[]; what: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], what: 'GIF image' },
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], what: 'GIF image' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'TIFF image' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'TIFF image' },
  { bytes: [0x1f, 0x8b], what: 'gzip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'RAR archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: '7-Zip archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'executable' },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

/** Offset of `%PDF-` in the first 1 KB (readers accept leading junk there), or -1. */
export function pdfHeaderOffset(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length - 5, 1024);
  for (let i = 0; i <= limit; i++) {
    if (bytes[i] === 0x25 && startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d], i)) return i;
  }
  return -1;
}

/**
 * Decide the format: by content first (PDF, ZIP/DOCX, OLE, known binary signatures), then by extension for text.
 * Throws ParseError when the file is of a kind we do not read ('unsupported'), is password-protected ('encrypted'),
 * or contradicts its extension ('corrupt'). Does not check that text files are really text: decodeText does.
 */
export function detectDocumentType(bytes: Uint8Array, fileName: string): DocumentType {
  const ext = path.extname(fileName).toLowerCase();
  if (bytes.length === 0) throw new ParseError('empty', 'empty file: nothing to index');

  if (pdfHeaderOffset(bytes) >= 0) return 'pdf';

  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const names = new Set(readZipDirectory(bytes).map((e) => e.name));
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) {
      throw new ParseError(
        'unsupported',
        'Excel workbooks (.xlsx) are not supported yet: save the sheet as CSV and add that',
      );
    }
    if (names.has('ppt/presentation.xml')) {
      throw new ParseError('unsupported', 'PowerPoint files (.pptx) are not supported yet: export as PDF and add that');
    }
    if (ext === '.docx') {
      throw new ParseError('corrupt', 'not a Word document: this .docx is a ZIP archive without word/document.xml');
    }
    throw new ParseError('unsupported', 'ZIP archives are not supported: unpack it and add the documents inside');
  }

  if (isOleCompoundFile(bytes)) {
    throw new ParseError(
      'encrypted',
      'password-protected or legacy .doc file (OLE compound document): remove the password, or open it in Word and save as .docx, then add it again',
    );
  }

  if (ext === '.pdf') {
    throw new ParseError('corrupt', 'not a PDF file: content does not start with %PDF- (renamed or damaged file?)');
  }
  if (ext === '.docx') {
    throw new ParseError('corrupt', 'not a Word .docx file: content is not a ZIP archive (renamed or damaged file?)');
  }

  for (const { bytes: magic, what } of MAGIC) {
    if (startsWith(bytes, magic)) {
      throw new ParseError('unsupported', `binary content, not text (${what}): this file type is not supported`);
    }
  }
  if (startsWith(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66])) {
    throw new ParseError('unsupported', 'RTF documents are not supported: save it as .docx in Word and add that');
  }

  const byExtension = TEXT_EXTENSIONS[ext];
  if (byExtension) return byExtension;
  if (looksLikeHtml(bytes)) return 'html';
  return 'text';
}

/** Unknown extension: `<!DOCTYPE html` or `<html` at the start (after a BOM/whitespace) means HTML. */
function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8')
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return /^<(?:!doctype\s+html|html[\s>])/i.test(head);
}
