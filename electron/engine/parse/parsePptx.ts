import path from 'node:path/posix';
import { coreTitle } from './parseDocx.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { readZipDirectory } from './readZipDirectory.ts';
import { attribute, childElements, findAll, findFirst, localName, readXmlTree, textOf } from './readXmlTree.ts';
import type { XmlElement } from './readXmlTree.ts';
import { tableLines, type TableCell } from './tableLines.ts';
import { ParseError } from './types.ts';
import type { ParseOptions, ParsedSource, SourceLine } from './types.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, readXmlPartsGuarded } from './zipLimits.ts';

/** Placeholders that repeat the deck's furniture, not its content. */
const FURNITURE = new Set(['sldNum', 'dt', 'ftr', 'hdr', 'sldImg']);

/**
 * PowerPoint .pptx, read from its XML (our ZIP reader, htmlparser2): the slides in the deck's order, each slide's
 * number its `page`; its title a level-1 heading (`Slide n` when it has none, so that a passage never takes the
 * previous slide's title), then its text in shape order, one line per paragraph; a table as other formats' tables
 * (tableLines.ts: one line per row, `Header: value | …`); the speaker notes after the slide's text, on the same
 * page. Slide numbers, dates and footers are left out. The same zip-bomb and size guards as DOCX come first.
 */
export function parsePptx(bytes: Uint8Array, options: ParseOptions = {}): ParsedSource {
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const parts = readXmlPartsGuarded(bytes, readZipDirectory(bytes), maxBytes, 'a presentation');
  const part = (name: string): XmlElement | undefined => {
    const data = parts.get(name);
    return data ? readXmlTree(data) : undefined;
  };
  const presentation = part('ppt/presentation.xml');
  if (!presentation) throw new ParseError('corrupt', 'not a PowerPoint file: the .pptx has no ppt/presentation.xml');

  const relationships = readRelationships(part('ppt/_rels/presentation.xml.rels'), 'ppt/presentation.xml');
  const slideParts = findAll(presentation, 'sldId')
    .map((slide) => relationships.get(attribute(slide, 'r:id') ?? attribute(slide, 'id') ?? '')?.target)
    .filter((target): target is string => target !== undefined);

  const lines: SourceLine[] = [];
  slideParts.forEach((slidePart, index) => {
    const page = index + 1;
    const slide = part(slidePart);
    if (!slide) return;
    const slideLines: SourceLine[] = [];
    let title: string | undefined;
    for (const shape of shapesInOrder(slide)) {
      const kind = placeholderType(shape);
      if (kind && FURNITURE.has(kind)) continue;
      const texts = shapeLines(shape);
      if (!title && (kind === 'title' || kind === 'ctrTitle') && texts.length > 0) {
        title = texts.map((line) => line.text).join(' ');
        continue;
      }
      for (const line of texts) slideLines.push({ ...line, page, paragraphEnd: true });
    }
    lines.push({ text: title ?? `Slide ${page}`, page, headingLevel: 1, paragraphEnd: true }, ...slideLines);

    const slideRelationships = readRelationships(part(relationshipsPartOf(slidePart)), slidePart);
    const notesPart = [...slideRelationships.values()].find((r) => r.type.endsWith('/notesSlide'))?.target;
    const notes = notesPart ? part(notesPart) : undefined;
    if (notes) {
      for (const shape of shapesInOrder(notes)) {
        const kind = placeholderType(shape);
        if (kind && FURNITURE.has(kind)) continue;
        for (const line of shapeLines(shape)) lines.push({ ...line, page, paragraphEnd: true });
      }
    }
  });
  // Headings alone ('Slide 3' for a slide of pictures) are no text.
  if (!lines.some((line) => line.headingLevel === undefined)) {
    throw new ParseError('empty', 'empty presentation: no slide holds text to index (pictures only?)');
  }
  const parsed: ParsedSource = { type: 'pptx', lines, pageCount: slideParts.length, layoutWrapped: false };
  const core = parts.get('docProps/core.xml');
  const documentTitle = core ? coreTitle(core) : undefined;
  if (documentTitle) parsed.title = documentTitle;
  return parsed;
}

interface Relationship {
  type: string;
  /** The target part's name in the package. */
  target: string;
}

/** A part's relationships by id, targets resolved against the part's folder. */
function readRelationships(rels: XmlElement | undefined, ofPart: string): Map<string, Relationship> {
  const map = new Map<string, Relationship>();
  if (!rels) return map;
  for (const r of findAll(rels, 'Relationship')) {
    const id = attribute(r, 'Id');
    const target = attribute(r, 'Target');
    if (!id || !target || attribute(r, 'TargetMode') === 'External') continue;
    const resolved = target.startsWith('/') ? target.slice(1) : path.normalize(path.join(path.dirname(ofPart), target));
    map.set(id, { type: attribute(r, 'Type') ?? '', target: resolved });
  }
  return map;
}

function relationshipsPartOf(partName: string): string {
  return path.join(path.dirname(partName), '_rels', `${path.basename(partName)}.rels`);
}

/** The slide's shapes (text shapes and tables), groups opened, in the order the slide lists them. */
function shapesInOrder(slide: XmlElement): XmlElement[] {
  const tree = findFirst(slide, 'spTree');
  if (!tree) return [];
  const shapes: XmlElement[] = [];
  const visit = (container: XmlElement): void => {
    for (const child of childElements(container)) {
      const name = localName(child.name);
      if (name === 'grpSp') visit(child);
      else if (name === 'sp' || name === 'graphicFrame') shapes.push(child);
    }
  };
  visit(tree);
  return shapes;
}

function placeholderType(shape: XmlElement): string | undefined {
  const ph = findFirst(shape, 'ph');
  if (!ph) return undefined;
  return attribute(ph, 'type') ?? 'body';
}

/**
 * A shape's lines: a table's rows (through tableLines: merged cells resolved, the header in every row), or its
 * paragraphs (a:br splits one).
 */
function shapeLines(shape: XmlElement): { text: string; tableRow?: boolean }[] {
  const table = findFirst(shape, 'tbl');
  if (table) {
    const rows: TableCell[][] = findAll(table, 'tr').map((row) =>
      findAll(row, 'tc')
        // Cells covered by a merge (hMerge/vMerge) are the merged cell's, which carries the span.
        .filter((cell) => attribute(cell, 'hMerge') !== '1' && attribute(cell, 'vMerge') !== '1')
        .map((cell) => ({
          text: paragraphs(cell).join(' '),
          colspan: Number(attribute(cell, 'gridSpan')) || undefined,
          rowspan: Number(attribute(cell, 'rowSpan')) || undefined,
        })),
    );
    return tableLines(rows).map((line) => ({ text: line.text, tableRow: true }));
  }
  const body = findFirst(shape, 'txBody');
  return body ? paragraphs(body).map((text) => ({ text })) : [];
}

function paragraphs(container: XmlElement): string[] {
  const lines: string[] = [];
  for (const p of findAll(container, 'p')) {
    let current = '';
    const visit = (e: XmlElement): void => {
      for (const child of childElements(e)) {
        const name = localName(child.name);
        if (name === 't') current += textOf(child);
        else if (name === 'br') current += '\n';
        else if (name !== 'rPr' && name !== 'pPr' && name !== 'endParaRPr') visit(child);
      }
    };
    visit(p);
    for (const line of foldCjkCompatibility(current).split('\n')) {
      const text = line.replace(/\s+/g, ' ').trim();
      if (text) lines.push(text);
    }
  }
  return lines;
}
