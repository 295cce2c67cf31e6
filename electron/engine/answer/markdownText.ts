// Text from documents (passages, file names, headings, standards) and from people (questions) written into the
// Markdown working paper. A document is not trusted: written raw, its text could open a heading or a list, close the
// quote it sits in, define the link `[1]` the sources use, or carry links, images and HTML — and so forge source
// entries in an auditor's record. Each function here writes text that reads as itself and opens nothing (CommonMark,
// and GFM's tables, strikethrough and autolinks); the working paper's structure is only what formatAnswer writes.
import { showControlCharacters } from '../../../shared/showControlCharacters.ts';

const LINE_BREAK = /\r\n|\r|\n/; // CommonMark's line endings: a lone CR ends a line too

/**
 * Escapes what has a meaning anywhere in a line: `\` and code spans, emphasis, links and images (`[`, `]`), GFM's
 * strikethrough and table cells, `#` (a heading's closing sequence); `<` and `&` become entities, so no HTML, no
 * autolink and no entity of the document's is read. Scheme colons are escaped too (`javascript\:`, `https\://`,
 * `www\.`): GFM links bare URLs, and a link the document wrote is one the app did not.
 */
function escapeInline(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/[\\`*_[\]~|#]/g, '\\$&')
    .replace(/(javascript|vbscript|data|file)(?=:)/gi, '$1\\')
    .replace(/(?<=[a-z0-9+.-]):(?=\/\/)/gi, '\\:')
    .replace(/\b(www)\./gi, '$1\\.');
  return showControlCharacters(escaped);
}

/**
 * An escaped line that stands at the start of a block: what opens a block there is escaped as well — an ATX
 * heading, a quote, a list item (`-`, `+`, `1.`, `1)`), a setext underline (`===`, `---`), a thematic break — and
 * leading blanks, which would make an indented code block, start with an entity instead.
 */
function escapeLineStart(line: string): string {
  if (/^[ \t]/.test(line)) return `&#${line.charCodeAt(0)};${line.slice(1)}`;
  if (/^[#>+=-]/.test(line)) return `\\${line}`;
  return line.replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, '$1\\$2');
}

/** One line of inline text (a question in a heading, a heading path, a standard): line breaks become spaces. */
export function markdownInline(text: string): string {
  return escapeInline(text.split(LINE_BREAK).join(' '));
}

/** Text of several lines (an answer) as Markdown lines; a blank line stays a paragraph break. */
export function markdownLines(text: string): string[] {
  return text.split(LINE_BREAK).map((line) => (line.trim() === '' ? '' : escapeLineStart(escapeInline(line))));
}

/** A quoted passage: every line inside the quote, none able to end it or to open anything in it. */
export function markdownBlockquote(text: string): string {
  return markdownLines(text)
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/**
 * A code span holding `text` exactly (a file name, settings): fenced by more backticks than the longest run inside
 * it, padded with a space when it starts or ends with a backtick or a space (CommonMark strips one on each side).
 * Line breaks and controls are shown as escapes: a span cannot go past the end of its line.
 */
export function markdownCodeSpan(text: string): string {
  const content = showControlCharacters(text, { lineBreaks: true });
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = content === '' || /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}
