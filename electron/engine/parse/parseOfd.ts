import path from 'node:path/posix';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { readZipDirectory } from './readZipDirectory.ts';
import { attribute, findAll, findFirst, readXmlTree, textOf } from './readXmlTree.ts';
import type { XmlElement } from './readXmlTree.ts';
import { ParseError } from './types.ts';
import type { ParseOptions, ParsedSource, SourceLine } from './types.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, readXmlPartsGuarded } from './zipLimits.ts';

/**
 * OFD (GB/T 33190-2016, China's fixed-layout format for official documents), read from its XML with our ZIP reader
 * and htmlparser2 — there is no OFD text library for Node: OFD.xml → the first DocBody's DocRoot (Document.xml) →
 * its pages in order (Pages/Page BaseLoc) → each page's TextObject/TextCode, placed at the text object's Boundary
 * plus the code's X/Y. Text on one baseline (within half a character's height) is one line, left to right; lines top
 * to bottom. Page numbers are kept; as for PDF, lines are layout (`layoutWrapped`), so lines broken inside a
 * sentence are joined and running headers dropped later. Template pages (letterheads) are not read. Encrypted
 * packages (GM/T 0099 Encryptions.xml) are refused. The same zip-bomb and size guards as DOCX come first.
 */
export function parseOfd(bytes: Uint8Array, options: ParseOptions = {}): ParsedSource {
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const entries = readZipDirectory(bytes);
  if (entries.some((e) => /(^|\/)Encryptions?\.xml$/i.test(e.name))) {
    throw new ParseError(
      'encrypted',
      'password-protected (encrypted) OFD document: open it in the OFD reader, save a copy without protection and add that',
    );
  }
  const parts = readXmlPartsGuarded(bytes, entries, maxBytes, 'an OFD document');
  const part = (name: string): XmlElement | undefined => {
    const data = parts.get(name.replace(/^\/+/, ''));
    return data ? readXmlTree(data) : undefined;
  };
  const ofd = part('OFD.xml');
  if (!ofd) throw new ParseError('corrupt', 'not an OFD document: the package has no OFD.xml');
  const body = findFirst(ofd, 'DocBody');
  const docRoot = body ? findFirst(body, 'DocRoot') : undefined;
  const documentPart = docRoot ? resolve('', textOf(docRoot).trim()) : undefined;
  const document = documentPart ? part(documentPart) : undefined;
  if (!documentPart || !document) {
    throw new ParseError('corrupt', 'damaged OFD document: OFD.xml names no DocRoot, or its Document.xml is missing');
  }

  const pages = findAll(findFirst(document, 'Pages') ?? document, 'Page');
  const lines: SourceLine[] = [];
  pages.forEach((pageElement, index) => {
    const location = attribute(pageElement, 'BaseLoc');
    const content = location ? part(resolve(path.dirname(documentPart), location)) : undefined;
    if (!content) return;
    for (const text of pageLines(content)) lines.push({ text, page: index + 1 });
  });
  if (lines.length === 0) {
    throw new ParseError('no-text-layer', 'no extractable text in this OFD document (scanned pages?)');
  }
  const last = lines[lines.length - 1];
  if (last) last.paragraphEnd = true;
  const parsed: ParsedSource = { type: 'ofd', lines, pageCount: pages.length, layoutWrapped: true };
  const titleElement = body ? findFirst(body, 'Title') : undefined;
  const title = titleElement ? foldCjkCompatibility(textOf(titleElement).replace(/\s+/g, ' ').trim()) : '';
  if (title) parsed.title = title;
  return parsed;
}

/** An OFD location: absolute from the package root when it starts with '/', else relative to `folder`. */
function resolve(folder: string, location: string): string {
  const joined = location.startsWith('/') ? location.slice(1) : path.join(folder, location);
  return path.normalize(joined).replace(/^(\.\.\/)+/, '');
}

interface Piece {
  x: number;
  y: number;
  size: number;
  text: string;
}

/** The page's text lines, top to bottom, each left to right. */
function pageLines(content: XmlElement): string[] {
  const pieces: Piece[] = [];
  for (const object of findAll(content, 'TextObject')) {
    const [bx = 0, by = 0] = numbers(attribute(object, 'Boundary'));
    const size = Number(attribute(object, 'Size')) || 3.5; // mm; 3.5 ≈ 10 pt, OFD's unit being the millimetre
    let x = 0;
    let y = 0;
    for (const code of findAll(object, 'TextCode')) {
      // A TextCode without X/Y continues where the previous one was placed.
      const cx = attribute(code, 'X');
      const cy = attribute(code, 'Y');
      if (cx !== undefined) x = Number(cx) || 0;
      if (cy !== undefined) y = Number(cy) || 0;
      const text = foldCjkCompatibility(textOf(code));
      if (text.trim()) pieces.push({ x: bx + x, y: by + y, size, text });
    }
  }
  pieces.sort((a, b) => a.y - b.y || a.x - b.x);
  const rows: Piece[][] = [];
  for (const piece of pieces) {
    const row = rows.at(-1);
    const first = row?.[0];
    if (row && first && Math.abs(piece.y - first.y) <= Math.max(first.size, piece.size) / 2) row.push(piece);
    else rows.push([piece]);
  }
  return rows
    .map((row) =>
      row
        .sort((a, b) => a.x - b.x)
        .map((piece, i, all) => (i > 0 && spaceBefore(all[i - 1]!, piece) ? ' ' : '') + piece.text)
        .join('')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '');
}

/** Latin words placed apart need a space; characters placed one by one (some producers do) must not get one. */
function spaceBefore(previous: Piece, piece: Piece): boolean {
  if (!/[A-Za-z0-9.,;:]$/.test(previous.text) || !/^[A-Za-z0-9]/.test(piece.text)) return false;
  // Width estimated from the characters: an ideograph is about one em wide, a Latin letter about half.
  let width = 0;
  for (const ch of previous.text) width += (ch.codePointAt(0) ?? 0) > 0x2e80 ? previous.size : previous.size / 2;
  return piece.x - (previous.x + width) > previous.size / 4;
}

function numbers(value: string | undefined): number[] {
  return (value ?? '').trim().split(/\s+/).map(Number);
}
