import { parse } from 'csv-parse/sync';
import { decodeText } from './decodeText.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { ParseError } from './types.ts';
import type { ParsedSource, SourceLine } from './types.ts';

/**
 * CSV (or TSV): the first row is the header; every data row becomes ONE line `Header1: value1 | Header2: value2 | …`
 * (empty cells skipped, newlines inside cells replaced by spaces) that ends a paragraph. The delimiter (`,` `;` tab)
 * is detected from the header row.
 */
export function parseCsv(bytes: Uint8Array): ParsedSource {
  const { text, encoding } = decodeText(bytes);
  const content = foldCjkCompatibility(text);
  if (content.trim() === '') throw new ParseError('empty', 'empty file: nothing to index');

  let records: string[][];
  try {
    records = parse(content, {
      delimiter: detectDelimiter(content),
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (error) {
    const e = error as { message?: string; lines?: number; records?: number };
    const where = e.lines !== undefined ? ` at line ${e.lines}` : '';
    const row = e.records !== undefined ? ` (row ${e.records + 1})` : '';
    throw new ParseError(
      'corrupt',
      `malformed CSV${where}${row}: ${e.message ?? String(error)} — fix the quoting there or export the file again`,
    );
  }

  const [header, ...rows] = records;
  const names = (header ?? []).map((h, i) => oneLine(h) || `Column ${i + 1}`);
  const lines: SourceLine[] = [];
  for (const row of rows) {
    const parts: string[] = [];
    row.forEach((value, i) => {
      const v = oneLine(value);
      if (v) parts.push(`${names[i] ?? `Column ${i + 1}`}: ${v}`);
    });
    if (parts.length > 0) lines.push({ text: parts.join(' | '), paragraphEnd: true, tableRow: true });
  }
  if (lines.length === 0) {
    throw new ParseError('empty', 'CSV has a header row but no data rows: nothing to index');
  }
  return { type: 'csv', lines, encoding, layoutWrapped: false };
}

function oneLine(cell: string): string {
  return cell.replace(/\r\n|\r|\n/g, ' ').trim();
}

/** Most frequent of , ; \t in the first record (outside quotes); comma when none. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length && i < 65536; i++) {
    const ch = text[i] ?? '';
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}
