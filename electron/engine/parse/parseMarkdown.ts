import { decodeText } from './decodeText.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { htmlToLines } from './htmlToLines.ts';
import { tableLines, type TableCell } from './tableLines.ts';
import { endParagraph, isBlank, requireText, splitLines } from './textLines.ts';
import type { ParsedSource, SourceLine } from './types.ts';

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_H1 = /^ {0,3}=+[ \t]*$/;
const SETEXT_H2 = /^ {0,3}-+[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]/;
/**
 * The start of an HTML block that holds document structure (CommonMark's HTML block kind 6, the tags converters
 * write: MinerU and pandoc put tables as `<table>…` or `<html><body><table>…` on one line). It runs to a blank line.
 */
const HTML_BLOCK =
  /^ {0,3}<\/?(?:html|body|table|thead|tbody|tfoot|tr|td|th|div|p|ul|ol|li|blockquote|center)(?:[\s/>]|$)/i;
const TABLE_SEPARATOR = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Markdown as lines: ATX (`## x`) and setext headings → `headingLevel` with the markers stripped; a blank line ends
 * the paragraph before it; fenced code is kept line by line; pipe tables and HTML blocks (the tables converters
 * write as `<table>` markup) become rows by tableLines.ts — merged cells resolved, the header repeated as
 * `Header: value | …` — never markup; trivial emphasis (`**x**`, `*x*`, `__x__`), link syntax and the LaTeX that
 * converters leave around numbers and units (`$3 0 { \mathtt { k m } }$` → 30km) are removed.
 * Title = the first level-1 heading.
 */
export function parseMarkdown(bytes: Uint8Array): ParsedSource {
  const { text, encoding } = decodeText(bytes);
  const raw = splitLines(foldCjkCompatibility(text));
  const lines: SourceLine[] = [];
  let title: string | undefined;

  let i = skipFrontMatter(raw);
  let fence: string | undefined; // the opening fence while inside fenced code
  let inTable = false;
  /** The rows of the open pipe table, written out when it ends. */
  let pipeRows: TableCell[][] = [];
  const endTable = (): void => {
    if (!inTable) return;
    inTable = false;
    for (const row of tableLines(pipeRows)) lines.push(row);
    pipeRows = [];
  };
  /** Whether the previous raw line was paragraph text (so `---`/`===` under it is a setext underline). */
  let afterParagraphLine = false;

  const heading = (level: number, content: string): void => {
    const t = inline(content.trim());
    if (!t) return;
    endParagraph(lines);
    lines.push({ text: t, headingLevel: level, paragraphEnd: true });
    if (level === 1 && title === undefined) title = t;
  };

  for (; i < raw.length; i++) {
    const line = raw[i] ?? '';

    if (fence !== undefined) {
      const close = FENCE.exec(line);
      if (close?.[1] && close[1][0] === fence[0] && close[1].length >= fence.length && line.trim() === close[1]) {
        fence = undefined;
        endParagraph(lines);
      } else {
        lines.push({ text: line.trimEnd() }); // code is verbatim, blank lines included
      }
      continue;
    }

    const open = FENCE.exec(line);
    if (open?.[1] && !(open[1][0] === '`' && line.slice(line.indexOf('`') + open[1].length).includes('`'))) {
      endTable();
      endParagraph(lines);
      fence = open[1];
      afterParagraphLine = false;
      continue;
    }

    if (isBlank(line)) {
      endTable();
      endParagraph(lines);
      afterParagraphLine = false;
      continue;
    }

    const atx = ATX.exec(line);
    if (atx?.[1]) {
      endTable();
      heading(atx[1].length, atx[2] ?? '');
      afterParagraphLine = false;
      continue;
    }

    // Setext underline: turn the previous paragraph line into a heading.
    if (afterParagraphLine && (SETEXT_H1.test(line) || SETEXT_H2.test(line))) {
      const prev = lines.pop();
      if (prev) heading(SETEXT_H1.test(line) ? 1 : 2, prev.text);
      afterParagraphLine = false;
      continue;
    }

    if (THEMATIC_BREAK.test(line)) {
      endParagraph(lines);
      afterParagraphLine = false;
      continue;
    }

    if (!inTable && HTML_BLOCK.test(line)) {
      endParagraph(lines);
      let end = i;
      while (end + 1 < raw.length && !isBlank(raw[end + 1] ?? '')) end++;
      for (const htmlLine of htmlToLines(raw.slice(i, end + 1).join('\n')).lines) {
        const text = inline(htmlLine.text);
        if (text !== '') lines.push({ ...htmlLine, text });
      }
      endParagraph(lines);
      i = end;
      afterParagraphLine = false;
      continue;
    }

    // Tables: a row with pipes followed by a separator row starts a table; rows continue until a non-pipe line.
    const next = raw[i + 1];
    if (!inTable && line.includes('|') && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes('-')) {
      endParagraph(lines);
      inTable = true;
      pipeRows = [pipeCells(line)];
      i++; // skip the separator row
      afterParagraphLine = false;
      continue;
    }
    if (inTable) {
      if (line.includes('|')) {
        pipeRows.push(pipeCells(line));
        continue;
      }
      endTable();
    }

    lines.push({ text: inline(line.trimEnd()) });
    afterParagraphLine = !LIST_ITEM.test(line);
  }
  endTable();
  endParagraph(lines);
  requireText(lines);

  const result: ParsedSource = { type: 'markdown', lines, encoding, layoutWrapped: false };
  if (title !== undefined) result.title = title;
  return result;
}

/** YAML front matter (`---` … `---` at the very top) is metadata, not text. Returns the index of the first body line. */
function skipFrontMatter(raw: readonly string[]): number {
  if (raw[0]?.trim() !== '---') return 0;
  for (let i = 1; i < raw.length && i < 200; i++) {
    const t = raw[i]?.trim();
    if (t === '---' || t === '...') return i + 1;
  }
  return 0;
}

function pipeCells(row: string): TableCell[] {
  let body = row.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((c) => ({ text: inline(c.trim().replace(/\\\|/g, '|')) }));
}

/** Remove trivial inline markup: emphasis markers around a span, link/image syntax (keeping the text), inline math. */
function inline(text: string): string {
  return text
    .replace(INLINE_MATH, (span: string, math: string) => (LOOKS_LIKE_MATH.test(math) ? mathText(math) : span))
    .replace(/!?\[([^\]]*)\]\([^)\s]*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?![\w])/g, '$1$2');
}

/**
 * Inline LaTeX as PDF-to-Markdown converters write it around numbers, units and codes: short, no Chinese inside
 * (`$1 8 ^ { \\circ } C - 2 7 ^ { \\circ } C$`, `$\\mathrm { J R } / \\mathrm { T 0 0 } 7 1$`). Real formulas are
 * not what these documents hold; a `$` price or a longer span is left alone.
 */
const INLINE_MATH = /\$(?=\S)([^$\n\u3400-\u9fff]{1,80}?)(?<=\S)\$(?!\d)/g;
/** What makes a `$…$` span a converter's formula rather than two dollar signs: a command, a brace, a caret, or digits
 * spaced out one by one (`5 0 \\%`). */
const LOOKS_LIKE_MATH = /[\\{}^]|\d \d/;
const MATH_SYMBOLS: Readonly<Record<string, string>> = {
  circ: '°',
  '%': '%',
  sim: '~',
  bullet: '•',
  times: '×',
  le: '≤',
  leq: '≤',
  ge: '≥',
  geq: '≥',
  pm: '±',
  cdot: '·',
  '{': '{',
  '}': '}',
  _: '_',
  '&': '&',
  '#': '#',
  $: '$',
};

/** The text a reader sees in a short inline formula: commands for fonts and sizing dropped, symbols as characters. */
function mathText(math: string): string {
  const text = math
    .replace(
      /\\([a-zA-Z]+|[%{}_&#$])/g,
      (command: string, name: string) =>
        MATH_SYMBOLS[name] ?? (command.length > 1 && /^[a-zA-Z]/.test(name) ? '' : name),
    )
    .replace(/\^/g, '')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, '');
  return text;
}
