// Tables as lines a reader (and a search) can use, shared by every format that has tables (HTML, Markdown's HTML
// and pipe tables, DOCX through mammoth's HTML). Merged cells are resolved into a grid first: a cell spanning rows
// is repeated in each row it covers, so every row stands alone in a passage ("控制点: 物理访问控制" travels with the
// row, not only with the first row of its group). When the first row reads as a header, each data row becomes
// `Header: value | Header: value`, the header repeated — as CSV rows are (parseCsv.ts) — so that a passage holding a
// few rows of an 81-row table still says what each value is; a row that is one cell across the whole table (a
// merged title) is a line of its own, once.
import type { SourceLine } from './types.ts';

/** One cell as the markup gives it. */
export interface TableCell {
  text: string;
  rowspan?: number;
  colspan?: number;
  /** A <th>: the row it starts is a header row. */
  header?: boolean;
}

// HTML caps colspan at 1000 and rowspan at 65534; a table that large is not a document's table but generated or
// hostile markup: spans are clamped, and a grid over this many slots is given as plain rows instead.
const MAX_COLSPAN = 100;
const MAX_ROWSPAN = 2000;
const MAX_GRID_SLOTS = 200_000;
/** A header cell is a label: short, and not a number (a first row of numbers is data). */
const MAX_HEADER_CHARACTERS = 40;
const NUMBER = /^[\d\s.,%+-]+$/;

interface Slot {
  text: string;
  /** Which cell of the markup fills this slot: a colspan's slots share it, and it is written once per row. */
  cell: number;
}

/** Lines for one table: `rows` as the markup lists them (cells in order, spans as given). */
export function tableLines(rows: readonly (readonly TableCell[])[]): SourceLine[] {
  const present = rows.filter((row) => row.length > 0);
  if (present.length === 0) return [];
  const grid = toGrid(present);
  if (grid === null) return plainRows(present);
  const width = Math.max(...grid.map((row) => row.length));
  const lines: SourceLine[] = [];
  let r = 0;
  // Leading rows that are one cell across the table: a title, written once.
  for (; r < grid.length && isMergedTitle(grid[r]!, width); r++) pushLine(lines, grid[r]![0]!.text);
  const headerRow = grid[r];
  const header =
    headerRow !== undefined && grid.length - r >= 2 && readsAsHeader(headerRow, present[r] ?? [], width)
      ? headerRow
      : undefined;
  if (header === undefined) {
    for (; r < grid.length; r++) pushLine(lines, rowText(grid[r]!, undefined));
    return lines;
  }
  pushLine(lines, rowText(header, undefined));
  for (r++; r < grid.length; r++) {
    const row = grid[r]!;
    if (isMergedTitle(row, width)) pushLine(lines, row[0]!.text);
    else pushLine(lines, rowText(row, header));
  }
  return lines;
}

/** The markup's rows placed on a grid (spans filled in), or null when it would be too large. */
function toGrid(rows: readonly (readonly TableCell[])[]): Slot[][] | null {
  const grid: (Slot | undefined)[][] = [];
  let slots = 0;
  let cellId = 0;
  for (let r = 0; r < rows.length; r++) {
    grid[r] ??= [];
    let c = 0;
    for (const cell of rows[r]!) {
      while (grid[r]![c] !== undefined) c++;
      const colspan = clampSpan(cell.colspan, MAX_COLSPAN);
      const rowspan = Math.min(clampSpan(cell.rowspan, MAX_ROWSPAN), rows.length - r);
      slots += colspan * rowspan;
      if (slots > MAX_GRID_SLOTS) return null;
      const slot: Slot = { text: cell.text, cell: cellId++ };
      for (let dr = 0; dr < rowspan; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < colspan; dc++) target[c + dc] = slot;
      }
      c += colspan;
    }
  }
  return grid.map((row) => Array.from(row, (slot) => slot ?? { text: '', cell: -1 }));
}

function clampSpan(span: number | undefined, max: number): number {
  return span !== undefined && Number.isInteger(span) && span > 1 ? Math.min(span, max) : 1;
}

/** One cell across the whole table (and the table wider than one column). */
function isMergedTitle(row: readonly Slot[], width: number): boolean {
  return width > 1 && row.length === width && row.every((slot) => slot.cell === row[0]!.cell) && row[0]!.text !== '';
}

function readsAsHeader(row: readonly Slot[], cells: readonly TableCell[], width: number): boolean {
  if (cells.some((cell) => cell.header)) return true;
  const labels = distinct(row);
  return (
    labels.length >= 2 &&
    row.length === width &&
    labels.every((slot) => slot.text !== '' && slot.text.length <= MAX_HEADER_CHARACTERS && !NUMBER.test(slot.text))
  );
}

/** A row's slots with each markup cell once (a colspan fills several slots). */
function distinct(row: readonly Slot[]): Slot[] {
  return row.filter((slot, c) => c === 0 || slot.cell !== row[c - 1]!.cell);
}

function rowText(row: readonly Slot[], header: readonly Slot[] | undefined): string {
  const parts: string[] = [];
  row.forEach((slot, c) => {
    if (slot.text === '' || (c > 0 && slot.cell === row[c - 1]!.cell)) return;
    const label = header?.[c]?.text ?? '';
    parts.push(label !== '' && label !== slot.text ? `${label}: ${slot.text}` : slot.text);
  });
  return parts.join(' | ');
}

/** Fallback for a table too large to place on a grid: each row's cells joined, as the markup lists them. */
function plainRows(rows: readonly (readonly TableCell[])[]): SourceLine[] {
  const lines: SourceLine[] = [];
  for (const row of rows)
    pushLine(
      lines,
      row
        .map((cell) => cell.text)
        .filter((text) => text !== '')
        .join(' | '),
    );
  return lines;
}

function pushLine(lines: SourceLine[], text: string): void {
  if (text !== '') lines.push({ text, paragraphEnd: true, tableRow: true });
}
