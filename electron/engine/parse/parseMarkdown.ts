import { decodeText } from './decodeText.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { endParagraph, isBlank, requireText, splitLines } from './textLines.ts';
import type { ParsedSource, SourceLine } from './types.ts';

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_H1 = /^ {0,3}=+[ \t]*$/;
const SETEXT_H2 = /^ {0,3}-+[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]/;
const TABLE_SEPARATOR = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Markdown as lines: ATX (`## x`) and setext headings → `headingLevel` with the markers stripped; a blank line ends
 * the paragraph before it; fenced code is kept line by line; tables become one line per row with cells joined by
 * ' | ' (separator rows dropped); trivial emphasis (`**x**`, `*x*`, `__x__`) and link syntax are removed.
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
      endParagraph(lines);
      fence = open[1];
      inTable = false;
      afterParagraphLine = false;
      continue;
    }

    if (isBlank(line)) {
      endParagraph(lines);
      inTable = false;
      afterParagraphLine = false;
      continue;
    }

    const atx = ATX.exec(line);
    if (atx?.[1]) {
      heading(atx[1].length, atx[2] ?? '');
      inTable = false;
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

    // Tables: a row with pipes followed by a separator row starts a table; rows continue until a non-pipe line.
    const next = raw[i + 1];
    if (!inTable && line.includes('|') && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes('-')) {
      endParagraph(lines);
      inTable = true;
      pushRow(lines, line);
      i++; // skip the separator row
      afterParagraphLine = false;
      continue;
    }
    if (inTable) {
      if (line.includes('|')) {
        pushRow(lines, line);
        continue;
      }
      inTable = false;
    }

    lines.push({ text: inline(line.trimEnd()) });
    afterParagraphLine = !LIST_ITEM.test(line);
  }
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

function pushRow(lines: SourceLine[], row: string): void {
  let body = row.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells = body
    .split(/(?<!\\)\|/)
    .map((c) => inline(c.trim().replace(/\\\|/g, '|')))
    .filter((c) => c !== '');
  if (cells.length > 0) lines.push({ text: cells.join(' | '), paragraphEnd: true });
}

/** Remove trivial inline markup: emphasis markers around a span, link/image syntax (keeping the text). */
function inline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)\s]*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?![\w])/g, '$1$2');
}
