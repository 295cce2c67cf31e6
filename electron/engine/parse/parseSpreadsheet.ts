import * as XLSX from '@e965/xlsx';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { PASSWORD_PROTECTED, classifyOleDocument, isOleCompoundFile, libraryReason } from './readOleDocument.ts';
import { formatBytes, readZipDirectory } from './readZipDirectory.ts';
import { ParseError } from './types.ts';
import type { ParseOptions, ParsedSource, SourceLine } from './types.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, readXmlPartsGuarded } from './zipLimits.ts';

/** The spreadsheet types: OOXML (.xlsx/.xlsm), BIFF (.xls, WPS .et), OpenDocument (.ods). */
export type SpreadsheetType = 'xlsx' | 'xls' | 'ods';

/**
 * Cells read at most: a sheet's range can claim a million rows (XFD1048576) while holding ten; past this many
 * non-empty cells the workbook is refused rather than held in memory. 2 million: ~40× NIST's 800-53 catalogue as one
 * sheet (1,200 rows × 10 columns ≈ 12,000 cells, far less).
 */
const MAX_CELLS = 2_000_000;

/**
 * A workbook via SheetJS (@e965/xlsx): each sheet one section (its name a level-1 heading, so it is in every
 * passage's heading path); a title above the table (a merged cell across it, or a row of one cell) once, as a
 * level-2 heading; then the first row of two or more cells is the header, and every row after it ONE table-row line
 * `单元格: Sheet!A12 | Header1: value1 | Header2: value2 | …` that ends a paragraph — the header repeated in every
 * row so that a passage reads alone (as tableLines.ts writes other formats' tables), and the row's cell reference
 * first, so that a citation says where it is. Cells merged
 * across rows or columns give their value to every row they cover. Formulas by their cached value (the one the
 * spreadsheet showed when saved; a formula never calculated is left out), dates as ISO dates (2019-12-01), numbers as
 * formatted. Hidden sheets are read too (auditors hide working sheets, not secrets). ZIP-based workbooks pass the same
 * zip-bomb and size guards as DOCX before SheetJS inflates anything; a BIFF workbook (not compressed) is refused over
 * the same byte limit.
 */
export function parseSpreadsheet(bytes: Uint8Array, type: SpreadsheetType, options: ParseOptions = {}): ParsedSource {
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (isOleCompoundFile(bytes)) {
    if (classifyOleDocument(bytes) !== 'xls') {
      throw new ParseError('corrupt', 'not a spreadsheet: this OLE compound file is not an Excel or WPS workbook');
    }
    if (bytes.length > maxBytes) {
      throw new ParseError(
        'too-large',
        `workbook too large: ${formatBytes(bytes.length)} of Excel 97–2003 data is over the ${formatBytes(maxBytes)} limit: save the sheets as .csv and add those`,
      );
    }
  } else {
    // The directory can lie: every XML part is inflated under the cap before SheetJS inflates it again.
    readXmlPartsGuarded(bytes, readZipDirectory(bytes), maxBytes, 'a spreadsheet');
  }

  let workbook: XLSX.WorkBook;
  // SheetJS reports what it could not render exactly (an ODS number format, a defined name) with console.error:
  // about formatting, not text, and it would reach the CLI's stderr and the engine's log as noise. The read is
  // synchronous, so nothing else writes to the console meanwhile.
  const consoleError = console.error;
  const consoleWarn = console.warn;
  console.error = console.warn = () => {};
  try {
    workbook = XLSX.read(bytes, {
      type: 'buffer',
      // Dates as serial numbers with their format: converted here without the machine's time zone (SheetJS's Date
      // objects depend on it, for writing and reading).
      cellDates: false,
      cellNF: true,
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      bookVBA: false,
      // Never follow external links or load anything else.
      WTF: false,
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/password|encrypt/i.test(message)) throw new ParseError('encrypted', PASSWORD_PROTECTED);
    throw new ParseError(
      'corrupt',
      `damaged spreadsheet (${libraryReason(error)}): open it in Excel or WPS, save a new copy (or the sheets as .csv) and add that`,
    );
  } finally {
    console.error = consoleError;
    console.warn = consoleWarn;
  }

  const lines: SourceLine[] = [];
  let cells = 0;
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name];
    if (!sheet) continue;
    const rows = sheetRows(sheet, Boolean(workbook.Workbook?.WBProps?.date1904));
    cells += rows.reduce((n, row) => n + row.cells.filter((c) => c !== '').length, 0);
    if (cells > MAX_CELLS) {
      throw new ParseError(
        'too-large',
        `workbook too large: over ${MAX_CELLS.toLocaleString('en')} filled cells; split it or save the sheets as .csv and add those`,
      );
    }
    lines.push(...sheetLines(name, rows));
  }
  if (!lines.some((line) => line.headingLevel === undefined)) {
    throw new ParseError('empty', 'empty spreadsheet: no sheet holds any values to index');
  }
  const parsed: ParsedSource = { type, lines, layoutWrapped: false };
  const title = workbook.Props?.Title?.trim();
  if (title) parsed.title = foldCjkCompatibility(title);
  return parsed;
}

interface SheetRow {
  /** 0-based row index in the sheet. */
  r: number;
  /** Display text per column from the range's first column ('' for empty). */
  cells: string[];
  /** Columns that hold a cell of their own (not a value spread from a merge). */
  own: boolean[];
}

/** The rows that hold anything, with merged values spread over the cells they cover. */
function sheetRows(sheet: XLSX.WorkSheet, date1904: boolean): SheetRow[] {
  const data = (sheet as { '!data'?: (XLSX.CellObject | undefined)[][] })['!data'] ?? [];
  const byRow = new Map<number, SheetRow>();
  let width = 0;
  // Sparse arrays: forEach visits only the rows and cells that exist, whatever range the sheet claims.
  data.forEach((row, r) => {
    if (!row) return;
    const cells: string[] = [];
    const own: boolean[] = [];
    row.forEach((cell, c) => {
      const text = cell ? cellText(cell, date1904) : '';
      if (text) {
        cells[c] = text;
        own[c] = true;
      }
    });
    if (cells.length > 0) {
      byRow.set(r, { r, cells, own });
      width = Math.max(width, cells.length);
    }
  });
  let spread = 0;
  for (const merge of sheet['!merges'] ?? []) {
    const value = byRow.get(merge.s.r)?.cells[merge.s.c];
    if (!value) continue;
    // Merges can claim whole columns: the cells they fill count against the same cap as filled cells.
    spread += (Math.min(merge.e.r - merge.s.r, 10_000) + 1) * (Math.min(merge.e.c - merge.s.c, 1000) + 1);
    if (spread > MAX_CELLS) {
      throw new ParseError(
        'too-large',
        `workbook too large: its merged cells cover over ${MAX_CELLS.toLocaleString('en')} cells; save the sheets as .csv and add those`,
      );
    }
    // Cap the spread at the sheet's real extent: a merge can claim whole columns.
    const lastRow = Math.min(merge.e.r, merge.s.r + 10_000);
    for (let r = merge.s.r; r <= lastRow; r++) {
      let row = byRow.get(r);
      if (!row) {
        row = { r, cells: [], own: [] };
        byRow.set(r, row);
      }
      for (let c = merge.s.c; c <= Math.min(merge.e.c, width - 1, merge.s.c + 1000); c++) {
        if (!row.cells[c]) row.cells[c] = value;
      }
    }
  }
  return [...byRow.values()]
    .sort((a, b) => a.r - b.r)
    .map((row) => ({ r: row.r, cells: Array.from(row.cells, (c) => c ?? ''), own: Array.from(row.own, Boolean) }));
}

function sheetLines(name: string, rows: readonly SheetRow[]): SourceLine[] {
  const filled = (row: SheetRow): string[] => distinct(row.cells.filter((c) => c !== ''));
  const headerIndex = rows.findIndex((row) => filled(row).length >= 2);
  if (rows.length === 0) return [];
  const lines: SourceLine[] = [
    { text: oneLine(foldCjkCompatibility(name)) || 'Sheet', headingLevel: 1, paragraphEnd: true },
  ];
  // Titles: the rows above the header, each with one distinct value (a merged title spread over the row is one).
  const titleRows = headerIndex < 0 ? [] : rows.slice(0, headerIndex);
  for (const row of titleRows) {
    lines.push({ text: filled(row).join(' '), headingLevel: 2, paragraphEnd: true });
  }
  if (headerIndex < 0) {
    // A list in one column: each value one line, with its reference.
    for (const row of rows) lines.push(rowLine(name, row, []));
    return lines;
  }
  const header = rows[headerIndex]!.cells.map((h) => h);
  for (const row of rows.slice(headerIndex + 1)) {
    const line = rowLine(name, row, header);
    if (line.text) lines.push(line);
  }
  return lines;
}

/** The label of a row's cell reference, first in every row line. */
export const CELL_LABEL = '单元格';

/** `单元格: Sheet!A12 | 控制点: 身份鉴别 | 要求: …`: the reference of the row's first cell of its own, then header: value. */
function rowLine(sheetName: string, row: SheetRow, header: readonly string[]): SourceLine {
  const parts: string[] = [];
  row.cells.forEach((value, c) => {
    if (!value) return;
    const name = header[c];
    parts.push(name && name !== value ? `${name}: ${value}` : value);
  });
  const first = Math.max(0, row.own.findIndex(Boolean));
  const reference = `${sheetReference(sheetName)}!${XLSX.utils.encode_cell({ r: row.r, c: first })}`;
  // Labelled like the other cells, so that a passage's rows read back as a table (shared/passageBlocks.ts) keep it
  // as a column of their own.
  return {
    text: parts.length ? `${CELL_LABEL}: ${reference} | ${parts.join(' | ')}` : '',
    paragraphEnd: true,
    tableRow: true,
  };
}

/** A sheet name as a formula writes it: quoted when it holds anything but letters, digits, _ and . */
function sheetReference(name: string): string {
  return /^[\p{L}\p{N}_.]+$/u.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** A cell as the sheet shows it: a formula by its cached value, a date as an ISO date, a number as formatted. */
function cellText(cell: XLSX.CellObject, date1904: boolean): string {
  switch (cell.t) {
    case 's':
    case 'str' as XLSX.ExcelDataType:
      return oneLine(foldCjkCompatibility(String(cell.v ?? '')));
    case 'n':
      if (typeof cell.v !== 'number') return '';
      if (typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z)) return serialDate(cell.v, date1904);
      return oneLine(cell.w ?? String(cell.v));
    case 'b':
      return cell.v === undefined ? '' : cell.v ? 'TRUE' : 'FALSE';
    case 'd':
      return cell.v instanceof Date ? isoDate(cell.v) : oneLine(String(cell.v ?? ''));
    case 'e': // an error value (#DIV/0!): nothing an auditor would quote
    case 'z': // a stub
      return '';
  }
  return '';
}

/** A date serial (days since 1899-12-30, or 1904-01-01) as an ISO date: what the sheet shows, in no time zone. */
function serialDate(serial: number, date1904: boolean): string {
  const days = serial + (date1904 ? 1462 : 0);
  // A time alone (serial < 1: 08:30) is shown as the time.
  const date = new Date(Date.UTC(1899, 11, 30) + Math.round(days * 86_400_000));
  return days < 1 ? date.toISOString().slice(11, 16) : isoDate(date);
}

/** 2019-12-01, or 2019-12-01 08:30 when it has a time of day (read in UTC: the serial's own clock). */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  const time = iso.slice(11, 16);
  return time === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
