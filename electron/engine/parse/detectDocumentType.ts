import path from 'node:path';
import { classifyOleDocument, isOleCompoundFile } from './readOleDocument.ts';
import { inflateZipEntry, readZipDirectory } from './readZipDirectory.ts';
import type { ZipEntry } from './readZipDirectory.ts';
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

/** Extensions of the binary formats we read: content that is not theirs is a mislabelled or damaged file. */
const BINARY_EXTENSIONS: Readonly<Record<string, string>> = {
  '.docx': 'a Word .docx file (a ZIP archive)',
  '.doc': 'a Word .doc file (an OLE compound document)',
  '.wps': 'a WPS document saved in Word format (an OLE compound document)',
  '.xlsx': 'an Excel .xlsx workbook (a ZIP archive)',
  '.xlsm': 'an Excel .xlsm workbook (a ZIP archive)',
  '.xls': 'an Excel .xls workbook (an OLE compound document)',
  '.et': 'a WPS .et workbook (an OLE compound document)',
  '.ods': 'an OpenDocument spreadsheet (a ZIP archive)',
  '.pptx': 'a PowerPoint .pptx file (a ZIP archive)',
  '.ofd': 'an OFD document (a ZIP archive)',
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
 * Decide the format: by content first (PDF; ZIP packages: DOCX, XLSX, PPTX, ODS, OFD; OLE documents: DOC, XLS/ET;
 * known binary signatures), then by extension for text.
 * Throws ParseError when the file is of a kind we do not read ('unsupported'), is password-protected ('encrypted'),
 * or contradicts its extension ('corrupt'). Does not check that text files are really text: decodeText does.
 */
export function detectDocumentType(bytes: Uint8Array, fileName: string): DocumentType {
  const ext = path.extname(fileName).toLowerCase();
  if (bytes.length === 0) throw new ParseError('empty', 'empty file: nothing to index');

  if (pdfHeaderOffset(bytes) >= 0) return 'pdf';

  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipDocumentType(bytes, ext);
  }

  if (isOleCompoundFile(bytes)) {
    const kind = classifyOleDocument(bytes); // throws for encrypted, damaged and unknown OLE files
    if (kind === 'ppt') {
      throw new ParseError(
        'unsupported',
        'PowerPoint 97–2003 .ppt files are not supported: open it in PowerPoint or WPS, export it as PDF (or save as .pptx) and add that',
      );
    }
    return kind;
  }

  if (ext === '.pdf') {
    throw new ParseError('corrupt', 'not a PDF file: content does not start with %PDF- (renamed or damaged file?)');
  }
  const binaryFormat = BINARY_EXTENSIONS[ext];
  if (binaryFormat) {
    throw new ParseError(
      'corrupt',
      `not ${binaryFormat}: the content is not what its extension says (renamed or damaged file?)`,
    );
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

/** A ZIP archive: which Office/OFD package it is, by its parts. */
function zipDocumentType(bytes: Uint8Array, ext: string): DocumentType {
  const entries = readZipDirectory(bytes);
  const names = new Set(entries.map((e) => e.name));
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('xl/workbook.bin')) {
    // Binary parts escape the XML size guard: not read.
    throw new ParseError(
      'unsupported',
      'Excel binary workbooks (.xlsb) are not supported: save it as .xlsx in Excel and add that',
    );
  }
  if (names.has('ppt/presentation.xml')) return 'pptx';
  if (names.has('OFD.xml')) return 'ofd';
  const mimetype = entries.find((e) => e.name === 'mimetype');
  if (mimetype) {
    const type = openDocumentMimetype(bytes, mimetype);
    if (type === 'application/vnd.oasis.opendocument.spreadsheet') return 'ods';
    if (type.startsWith('application/vnd.oasis.opendocument.')) {
      throw new ParseError(
        'unsupported',
        `OpenDocument files other than spreadsheets (${type.slice('application/vnd.oasis.opendocument.'.length)}) are not supported: save it as .docx or PDF and add that`,
      );
    }
  }
  const expected = BINARY_EXTENSIONS[ext];
  if (expected && ext !== '.doc' && ext !== '.xls' && ext !== '.et' && ext !== '.wps') {
    throw new ParseError(
      'corrupt',
      `not ${expected.replace(/ \(a ZIP archive\)$/, '')}: this ZIP archive lacks the parts it needs`,
    );
  }
  throw new ParseError('unsupported', 'ZIP archives are not supported: unpack it and add the documents inside');
}

/** The `mimetype` entry of an OpenDocument package (stored first, a few dozen bytes). */
function openDocumentMimetype(bytes: Uint8Array, entry: ZipEntry): string {
  try {
    return new TextDecoder('utf-8').decode(inflateZipEntry(bytes, entry, 256)).trim();
  } catch {
    return '';
  }
}

/** Unknown extension: `<!DOCTYPE html` or `<html` at the start (after a BOM/whitespace) means HTML. */
function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8')
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return /^<(?:!doctype\s+html|html[\s>])/i.test(head);
}
