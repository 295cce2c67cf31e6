// OLE compound documents (Word 97–2003 .doc, Excel .xls, WPS .et/.wps, PowerPoint .ppt, and encrypted OOXML, which
// Office wraps in one): which of them a file is, from its stream names, and whether it is password-protected.

import * as XLSX from '@e965/xlsx';
import { ParseError } from './types.ts';

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isOleCompoundFile(bytes: Uint8Array): boolean {
  return OLE_MAGIC.every((b, i) => bytes[i] === b);
}

/** What an OLE compound document holds: a Word document, an Excel (or WPS) workbook, or a PowerPoint deck. */
export type OleKind = 'doc' | 'xls' | 'ppt';

/** The reason given for every password-protected Office file, whatever its format. */
export const PASSWORD_PROTECTED =
  'password-protected Office document (encrypted OLE compound file): remove the password (in Word/WPS: File › Info › Protect), save it again and add it again';

interface CfbEntry {
  name: string;
  content?: Uint8Array | number[];
}

/**
 * Read the streams' names and tell what the document is. Throws ParseError: 'encrypted' for password-protected
 * files (encrypted OOXML, a .doc whose FIB says fEncrypted, an .xls with a FILEPASS record), 'unsupported' for an
 * OLE file that is none of the three, 'corrupt' when the compound file cannot be read.
 */
export function classifyOleDocument(bytes: Uint8Array): OleKind {
  let entries: CfbEntry[];
  try {
    const cfb = XLSX.CFB.read(bytes, { type: 'buffer' }) as { FileIndex: CfbEntry[] };
    entries = cfb.FileIndex;
  } catch (error) {
    throw new ParseError(
      'corrupt',
      `damaged Office document: its OLE compound structure cannot be read (${libraryReason(error)}); open it in Word, Excel or WPS, save a new copy and add that`,
    );
  }
  const stream = (name: string): CfbEntry | undefined => entries.find((e) => e.name === name);
  if (stream('EncryptionInfo') || stream('EncryptedPackage')) throw new ParseError('encrypted', PASSWORD_PROTECTED);

  const word = stream('WordDocument');
  if (word) {
    const fib = toBytes(word.content);
    // FibBase: wIdent 0xA5EC (Word 97 and later; 0xA5DC Word 6/95) at 0; flags at 0x0A, bit 8 = fEncrypted.
    const ident = (fib[0] ?? 0) | ((fib[1] ?? 0) << 8);
    if (fib.length < 32 || (ident !== 0xa5ec && ident !== 0xa5dc)) {
      throw new ParseError(
        'corrupt',
        'damaged Word .doc (its WordDocument stream does not start with a Word file header): open it in Word or WPS, save it as .docx and add that',
      );
    }
    if (((fib[0x0a] ?? 0) | ((fib[0x0b] ?? 0) << 8)) & 0x0100) throw new ParseError('encrypted', PASSWORD_PROTECTED);
    return 'doc';
  }
  const workbook = stream('Workbook') ?? stream('Book');
  if (workbook) {
    if (hasFilePass(toBytes(workbook.content))) throw new ParseError('encrypted', PASSWORD_PROTECTED);
    return 'xls';
  }
  if (stream('PowerPoint Document')) return 'ppt';
  throw new ParseError(
    'unsupported',
    'an OLE compound document that is neither Word, Excel nor PowerPoint (a WPS native file, an .msg, …): open it in its program, save it as .docx or .xlsx and add that',
  );
}

/**
 * What a reading library's error says, for a person: its message when it threw one on purpose (an Error), or
 * "truncated or damaged data" when it tripped over the data (a TypeError or RangeError: "Cannot read properties of
 * undefined" says nothing to an auditor).
 */
export function libraryReason(error: unknown): string {
  if (error instanceof TypeError || error instanceof RangeError || !(error instanceof Error)) {
    return 'truncated or damaged data';
  }
  return error.message.replace(/\s+/g, ' ').trim().slice(0, 120) || 'truncated or damaged data';
}

function toBytes(content: Uint8Array | number[] | undefined): Uint8Array {
  if (!content) return new Uint8Array(0);
  return content instanceof Uint8Array ? content : Uint8Array.from(content);
}

/** BIFF: a FILEPASS record (0x002F) among the workbook globals' first records means the workbook is encrypted. */
function hasFilePass(biff: Uint8Array): boolean {
  let p = 0;
  // 200 records: FILEPASS follows BOF directly; the globals' first records are a few dozen.
  for (let k = 0; k < 200 && p + 4 <= biff.length; k++) {
    const type = (biff[p] ?? 0) | ((biff[p + 1] ?? 0) << 8);
    const length = (biff[p + 2] ?? 0) | ((biff[p + 3] ?? 0) << 8);
    if (type === 0x002f) return true;
    if (type === 0x0085 || type === 0x000a) return false; // BOUNDSHEET or EOF: past where FILEPASS would be
    p += 4 + length;
  }
  return false;
}
