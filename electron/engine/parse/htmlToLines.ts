// HTML → lines, shared by the HTML parser and the DOCX parser (mammoth produces HTML).

import { Parser } from 'htmlparser2';
import { tableLines, type TableCell } from './tableLines.ts';
import { ParseError, type SourceLine } from './types.ts';

export interface HtmlLines {
  lines: SourceLine[];
  /** Text of the first <title>, whitespace collapsed. */
  title?: string;
}

/** Elements whose content is not document text. `head` is skipped too, except its <title>. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
]);

/** Elements that start and end a line of their own. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

const HEADING = /^h([1-6])$/;

/**
 * The deepest nesting of elements read. htmlparser2 (12.0) keeps its open elements with Array unshift/shift, so each
 * tag costs time in proportion to the depth: 2 MB of nested tags took 82 s, blocking the engine. Browsers stop
 * nesting at 512 (Blink's parser); no document an auditor has nests near this, so deeper HTML is refused, in time
 * bounded by this depth, with a reason.
 */
export const MAX_HTML_NESTING = 2000;

interface OpenElement {
  name: string;
  skip: boolean;
}

/** HTML whitespace collapsed to single spaces, trimmed. */
function collapse(text: string): string {
  return text.replace(/[ \t\n\f\r]+/g, ' ').trim();
}

/**
 * Convert HTML to lines: headings (h1–h6) get `headingLevel`; block elements and <br> end lines; the end of a block
 * (</p>, </li>, </h2>, …) ends a paragraph; tables become lines by tableLines.ts (merged cells resolved, a header row
 * repeated in each row as `Header: value | …`); <pre> keeps its
 * line breaks; script/style/head (except <title>) are dropped; entities are decoded; inline whitespace is collapsed.
 */
export function htmlToLines(html: string): HtmlLines {
  const lines: SourceLine[] = [];
  const stack: OpenElement[] = [];
  let skipDepth = 0;
  let headingLevel: number | undefined;
  let preDepth = 0;
  let tableDepth = 0;
  let buf = '';
  /** The rows of the open top-level table, written out when it closes. */
  let tableRows: TableCell[][] = [];
  let row: TableCell[] | undefined;
  /** The open cell's text; `cellStart` holds its spans. */
  let cell: string | undefined;
  let cellStart: Omit<TableCell, 'text'> = {};
  let title: string | undefined;
  let titleBuf: string | undefined;

  const push = (text: string, paragraphEnd: boolean): void => {
    const line: SourceLine = { text };
    if (headingLevel !== undefined) line.headingLevel = headingLevel;
    if (paragraphEnd) line.paragraphEnd = true;
    lines.push(line);
  };

  const markParagraphEnd = (): void => {
    const last = lines[lines.length - 1];
    if (last) last.paragraphEnd = true;
  };

  /** End the current line (if any text); `paragraphEnd` also ends the paragraph. */
  const flush = (paragraphEnd: boolean): void => {
    if (preDepth > 0) {
      const pre = buf.split(/\r\n|\r|\n/).map((l) => l.trimEnd());
      while (pre.length > 0 && pre[0] === '') pre.shift();
      while (pre.length > 0 && pre[pre.length - 1] === '') pre.pop();
      buf = '';
      pre.forEach((l, i) => push(l, paragraphEnd && i === pre.length - 1));
      if (pre.length === 0 && paragraphEnd) markParagraphEnd();
      return;
    }
    const text = collapse(buf);
    buf = '';
    if (text) push(text, paragraphEnd);
    else if (paragraphEnd) markParagraphEnd();
  };

  const inCell = (): boolean => cell !== undefined;

  const endCell = (): void => {
    if (cell !== undefined) (row ??= []).push({ ...cellStart, text: collapse(cell) });
    cell = undefined;
  };

  /** End the current table row: its cells join the table's rows. */
  const endRow = (): void => {
    endCell();
    if (row !== undefined) tableRows.push(row);
    row = undefined;
  };

  const span = (value: string | undefined): number | undefined => {
    const n = value === undefined ? NaN : Number.parseInt(value, 10);
    return Number.isFinite(n) && n > 1 ? n : undefined;
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const skip = SKIPPED.has(name) || attribs.hidden !== undefined;
        stack.push({ name, skip });
        if (stack.length > MAX_HTML_NESTING) {
          throw new ParseError(
            'unsupported',
            `HTML nested more than ${MAX_HTML_NESTING.toLocaleString('en')} elements deep (no document nests so deep; generated or damaged markup): not indexed`,
          );
        }
        if (name === 'title' && title === undefined && titleBuf === undefined) titleBuf = '';
        if (skip) skipDepth++;
        if (skipDepth > 0) return;

        if (tableDepth === 1 && (name === 'td' || name === 'th')) {
          endCell();
          cell = '';
          cellStart = {};
          const rowspan = span(attribs.rowspan);
          const colspan = span(attribs.colspan);
          if (rowspan !== undefined) cellStart.rowspan = rowspan;
          if (colspan !== undefined) cellStart.colspan = colspan;
          if (name === 'th') cellStart.header = true;
          return;
        }
        if (tableDepth === 1 && name === 'tr') {
          endRow();
          row = [];
          return;
        }
        if (name === 'table') {
          tableDepth++;
          if (tableDepth === 1) {
            flush(true);
            tableRows = [];
          } else if (inCell()) cell += ' ';
          return;
        }
        if (inCell()) {
          if (BLOCKS.has(name) || name === 'br') cell += ' ';
          return;
        }
        if (name === 'br') {
          if (preDepth > 0) buf += '\n';
          else flush(false);
          return;
        }
        if (BLOCKS.has(name)) {
          flush(true);
          const h = HEADING.exec(name);
          if (h) headingLevel = Number(h[1]);
          if (name === 'pre') preDepth++;
        }
      },
      ontext(text) {
        if (titleBuf !== undefined) {
          titleBuf += text;
          return;
        }
        if (skipDepth > 0) return;
        if (cell !== undefined) cell += text;
        else if (tableDepth === 1 && row !== undefined)
          return; // whitespace between cells
        else buf += text;
      },
      onclosetag(name) {
        const open = stack.pop();
        if (name === 'title' && titleBuf !== undefined) {
          const t = collapse(titleBuf);
          titleBuf = undefined;
          title = t || undefined;
        }
        if (open?.skip) {
          skipDepth--;
          return;
        }
        if (skipDepth > 0) return;

        if (tableDepth === 1 && (name === 'td' || name === 'th')) {
          endCell();
          return;
        }
        if (tableDepth === 1 && name === 'tr') {
          endRow();
          return;
        }
        if (name === 'table') {
          if (tableDepth === 1) {
            endRow();
            for (const line of tableLines(tableRows)) lines.push(line);
            tableRows = [];
          }
          tableDepth = Math.max(0, tableDepth - 1);
          if (tableDepth > 0 && inCell()) cell += ' ';
          return;
        }
        if (inCell()) {
          if (BLOCKS.has(name)) cell += ' ';
          return;
        }
        if (BLOCKS.has(name)) {
          flush(true);
          if (HEADING.test(name)) headingLevel = undefined;
          if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  // A table left open by damaged markup still gives its rows.
  if (tableDepth > 0) {
    endRow();
    for (const line of tableLines(tableRows)) lines.push(line);
  }
  flush(true);
  const result: HtmlLines = { lines };
  if (title !== undefined) result.title = title;
  return result;
}
