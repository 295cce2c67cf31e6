// A passage's text as a reader should see it: prose, and tables drawn as tables (the renderer's PassageText) or
// written as tables (the Markdown working paper). The engine writes a table's rows as lines of cells joined by ' | ',
// each cell labelled by its column when the table has a header (`层面: 安全物理环境 | 控制点: 防火 | …`,
// electron/engine/parse/tableLines.ts; CSV rows the same way); here those lines are read back into a header and rows.

export type PassageBlock =
  | { kind: 'text'; text: string }
  | {
      kind: 'table';
      /** Column labels, or null for a table without a header row. */
      header: string[] | null;
      /** One entry per row, one cell per column ('' where a row has no value for it). */
      rows: string[][];
    };

const CELL_SEPARATOR = ' | ';
/** `label: value` as tableLines.ts writes a labelled cell; a label is short and holds no separator. */
const LABELLED = /^([^|:\n]{1,40}): ([\s\S]*)$/;

const cellsOf = (line: string): string[] => line.split(CELL_SEPARATOR);
const isRowLine = (line: string): boolean => line.includes(CELL_SEPARATOR) && cellsOf(line).length >= 2;

/** Splits a passage into prose and tables, in order. */
export function passageBlocks(text: string): PassageBlock[] {
  const blocks: PassageBlock[] = [];
  const lines = text.split('\n');
  let prose: string[] = [];
  let table: string[] = [];
  const endProse = (): void => {
    if (prose.length > 0) blocks.push({ kind: 'text', text: prose.join('\n') });
    prose = [];
  };
  const endTable = (): void => {
    if (table.length > 0) blocks.push(readTable(table));
    table = [];
  };
  for (const line of lines) {
    // A labelled single cell right under a table's rows continues it (a row the source broke across a page).
    const continuesTable = table.length > 0 && LABELLED.test(line) && labelsOf(table).has(LABELLED.exec(line)![1]!);
    if (isRowLine(line) || continuesTable) {
      endProse();
      table.push(line);
    } else {
      endTable();
      prose.push(line);
    }
  }
  endTable();
  endProse();
  return blocks;
}

function labelsOf(lines: readonly string[]): Set<string> {
  const labels = new Set<string>();
  for (const line of lines)
    for (const cell of cellsOf(line)) {
      const label = LABELLED.exec(cell)?.[1];
      if (label !== undefined) labels.add(label);
    }
  return labels;
}

function readTable(lines: readonly string[]): PassageBlock {
  const rows = lines.map(cellsOf);
  const cells = rows.flat();
  const labelled = cells.filter((cell) => LABELLED.test(cell)).length;
  if (labelled < cells.length * 0.6) {
    const width = Math.max(...rows.map((row) => row.length));
    return { kind: 'table', header: null, rows: rows.map((row) => pad(row, width)) };
  }
  // The header row as the engine writes it (plain labels, before the labelled rows), else the labels in order.
  const first = rows[0]!;
  const firstIsHeader = first.every((cell) => !LABELLED.test(cell));
  const dataRows = firstIsHeader ? rows.slice(1) : rows;
  const header = firstIsHeader ? [...first] : [];
  for (const row of dataRows) {
    let after = -1;
    for (const cell of row) {
      const label = LABELLED.exec(cell)?.[1];
      if (label === undefined) continue;
      const at = header.indexOf(label);
      if (at >= 0) after = at;
      else header.splice(++after, 0, label);
    }
  }
  return {
    kind: 'table',
    header,
    rows: dataRows.map((row) => {
      const values = new Map<string, string>();
      const unlabelled: string[] = [];
      for (const cell of row) {
        const match = LABELLED.exec(cell);
        if (match) values.set(match[1]!, match[2]!);
        else unlabelled.push(cell);
      }
      // A cell without a label (its header cell was empty, or it repeated its header) fills the next empty column.
      const out = header.map((label) => values.get(label) ?? '');
      for (const cell of unlabelled) {
        const c = out.indexOf('');
        if (c < 0) break;
        out[c] = cell;
      }
      return out;
    }),
  };
}

function pad(row: readonly string[], width: number): string[] {
  return [...row, ...Array<string>(width - row.length).fill('')];
}

/**
 * A passage cut to about `limit` characters for a list (search hits, source cards), on a line boundary so that no
 * table row is cut in half; the first line is cut when it alone is longer.
 */
export function truncatePassage(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const lines = text.split('\n');
  let kept = lines[0]!;
  if (kept.length > limit) return `${kept.slice(0, limit)}…`;
  for (const line of lines.slice(1)) {
    if (kept.length + 1 + line.length > limit) break;
    kept += `\n${line}`;
  }
  return `${kept}\n…`;
}
