// Small generated fixtures for the parser tests: ZIP archives, minimal PDFs, legacy-encoded text.

import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** Real documents from the shared test corpus (read-only, never copied into the repo). */
export function corpus(...parts: string[]): string {
  return path.resolve(import.meta.dirname, '../../../../shared/corpus', ...parts);
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy encodings: TextDecoder can decode GB18030/Big5/windows-1252 but nothing encodes them, so build the reverse
// table by decoding every lead/trail byte pair.

const encoders = new Map<string, Map<string, number[]>>();

function reverseTable(encoding: 'gb18030' | 'big5' | 'windows-1252'): Map<string, number[]> {
  let table = encoders.get(encoding);
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder(encoding, { fatal: true });
  const add = (bytes: number[]): void => {
    try {
      const ch = decoder.decode(new Uint8Array(bytes));
      if ([...ch].length === 1 && !table!.has(ch)) table!.set(ch, bytes);
    } catch {
      // not a valid sequence
    }
  };
  if (encoding === 'windows-1252') {
    for (let b = 0x80; b <= 0xff; b++) add([b]);
  } else {
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) add([lead, trail]);
    }
  }
  encoders.set(encoding, table);
  return table;
}

/** Encode text in GB18030 (two-byte part), Big5 or windows-1252. Throws on a character the table lacks. */
export function encodeLegacy(text: string, encoding: 'gb18030' | 'big5' | 'windows-1252'): Uint8Array {
  const table = reverseTable(encoding);
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`cannot encode ${ch} (U+${cp.toString(16)}) in ${encoding}`);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

export function encodeUtf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  const view = new DataView(out.buffer);
  let o = 0;
  if (bom) {
    view.setUint16(0, 0xfeff, endian === 'le');
    o = 2;
  }
  for (let i = 0; i < text.length; i++, o += 2) view.setUint16(o, text.charCodeAt(i), endian === 'le');
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ZIP

export interface ZipInput {
  name: string;
  data: Uint8Array | string;
  /** Default true (deflate). */
  compress?: boolean;
  /** Override the uncompressed size written in the central directory (to forge a lying directory). */
  claimedSize?: number;
  /** An entry deflated elsewhere (a zip bomb too large to build in memory); `data` is then ignored. */
  deflated?: { body: Uint8Array; crc: number; size: number };
}

/** Build a ZIP archive (local headers, central directory, end record). */
export function makeZip(files: ZipInput[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const raw = typeof f.data === 'string' ? utf8(f.data) : f.data;
    const compress = f.deflated !== undefined || (f.compress ?? true);
    const body = f.deflated?.body ?? (compress ? new Uint8Array(deflateRawSync(raw)) : raw);
    const crc = f.deflated?.crc ?? crc32(raw);
    const name = utf8(f.name);
    const size = f.claimedSize ?? f.deflated?.size ?? raw.length;

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, compress ? 8 : 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, compress ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const cd = concat(...centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return concat(...locals, cd, end);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`;

const DOC_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>`;

const NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`;

/** A Word document from `body` (WordprocessingML paragraphs/tables), with an optional core-properties title. */
export function makeDocx(body: string, opts: { title?: string; extra?: ZipInput[] } = {}): Uint8Array {
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
  const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${opts.title ?? ''}</dc:title></cp:coreProperties>`;
  return makeZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: '_rels/.rels', data: ROOT_RELS },
    { name: 'word/_rels/document.xml.rels', data: DOC_RELS },
    { name: 'word/document.xml', data: document },
    { name: 'word/numbering.xml', data: NUMBERING },
    { name: 'docProps/core.xml', data: core },
    ...(opts.extra ?? []),
  ]);
}

/** WordprocessingML paragraph helpers. */
export const w = {
  p: (text: string, style?: string): string =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`,
  /** One paragraph whose runs are separated by manual line breaks. */
  pWithBreaks: (...texts: string[]): string =>
    `<w:p><w:r>${texts.map((t) => `<w:t xml:space="preserve">${t}</w:t>`).join('<w:br/>')}</w:r></w:p>`,
  li: (text: string): string =>
    `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>${text}</w:t></w:r></w:p>`,
  table: (rows: string[][]): string =>
    `<w:tbl>${rows
      .map((r) => `<w:tr>${r.map((c) => `<w:tc><w:p><w:r><w:t>${c}</w:t></w:r></w:p></w:tc>`).join('')}</w:tr>`)
      .join('')}</w:tbl>`,
};

// ---------------------------------------------------------------------------------------------------------------
// PDF

/** Escape a PDF literal string. */
function pdfString(s: string): string {
  return `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

export interface PdfOptions {
  /** Text lines per page (Helvetica); an empty array gives a page with no text (a drawn line only). */
  pages: string[][];
  title?: string;
  /** Add a standard-security /Encrypt dictionary whose user password is not empty. */
  encrypted?: boolean;
}

/** A minimal valid PDF with a correct cross-reference table. */
export function makePdf(opts: PdfOptions): Uint8Array {
  const objects: string[] = []; // index i = object number i + 1
  const pageCount = opts.pages.length;
  const fontNum = 3;
  const firstPageNum = 4;
  const pageNums = opts.pages.map((_, i) => firstPageNum + i * 2);
  objects[0] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[1] = `<< /Type /Pages /Kids [${pageNums.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageCount} >>`;
  objects[fontNum - 1] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  opts.pages.forEach((lines, i) => {
    const pageNum = pageNums[i] ?? 0;
    const content =
      lines.length === 0
        ? '0.5 w 72 72 m 500 700 l S'
        : `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `${pdfString(l)} Tj T*`).join(' ')} ET`;
    objects[pageNum - 1] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontNum} 0 R >> >> /Contents ${pageNum + 1} 0 R >>`;
    objects[pageNum] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  });
  let infoNum: number | undefined;
  if (opts.title !== undefined) {
    objects.push(`<< /Title ${pdfString(opts.title)} >>`);
    infoNum = objects.length;
  }
  let encryptNum: number | undefined;
  if (opts.encrypted) {
    const hex32 = 'A5'.repeat(32);
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${'5A'.repeat(32)}> /P -44 >>`);
    encryptNum = objects.length;
  }

  let trailer = '';
  if (infoNum) trailer += ` /Info ${infoNum} 0 R`;
  if (encryptNum) trailer += ` /Encrypt ${encryptNum} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
  return serializePdf(objects, trailer);
}

/**
 * A PDF file of `objects` (object n is objects[n - 1], object 1 the catalog), with its cross-reference table; `trailer`
 * adds entries to the trailer dictionary. Bodies are latin1 text: one byte per character.
 */
export function serializePdf(objects: readonly string[], trailer = ''): Uint8Array {
  let out = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  // latin1: one byte per char, so the offsets above are byte offsets
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

// ---------------------------------------------------------------------------------------------------------------
// Assertions

/** Run `fn` and return the ParseError it throws (or rejects with); fails when it does not throw one. */
export async function parseErrorOf(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    // `code` here is the short reason ('empty'); the error's own code is 'parse.<reason>'.
    const e = error as { name?: string; code?: string; reason?: string; message: string };
    if (e.name !== 'ParseError' || typeof e.reason !== 'string' || e.code !== `parse.${e.reason}`) throw error;
    return { code: e.reason, message: e.message };
  }
  throw new Error('expected a ParseError, but parsing succeeded');
}
