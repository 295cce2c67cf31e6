import type { ParsedSource, SourceLine } from '../parse/types.ts';

/** A heading or a run of text, after normalisation, in reading order. */
export interface DocumentBlock {
  kind: 'heading' | 'text';
  text: string;
  /** For headings: 1 = top level. Clause numbers decide it (8.1.4.1 → 4), else the format's heading level. */
  level?: number;
  /** For text blocks: true when the block starts a list item (a）, 1), （1）, •, 注1：). */
  listItem?: boolean;
  /** A table row (SourceLine.tableRow): chunked with the rows of its table, apart from prose. */
  tableRow?: boolean;
  pageStart: number | null;
  pageEnd: number | null;
  /** Headings above this block, outermost first (for a heading: its parents). */
  headingPath: string[];
  /** [start, end) of the block in the document text. */
  charStart: number;
  charEnd: number;
}

export interface StructuredDocument {
  /** The extracted, normalised text: blocks joined by '\n'. Citations' character ranges point into it. */
  text: string;
  blocks: DocumentBlock[];
}

// ───────────────────────── running headers, footers and page numbers (paged formats) ─────────────────────────

const PAGE_NUMBER_LINE =
  /^[\s\-–—·.]*(?:\d{1,4}|[ivxlcdm]{1,7}|第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+|page\s+\d+(?:\s+of\s+\d+)?)[\s\-–—·.]*$/i;
// Lines looked at, at the top and at the bottom of each page, for running headers and footers.
const EDGE_LINES = 3;

function edgeKey(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\d+/g, '#').trim();
}

function numbersOf(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** The most frequent value of a list (the first of equals). */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0]!;
  for (const [value, count] of counts) if (count > counts.get(best)!) best = value;
  return best;
}

interface EdgeLine {
  index: number;
  page: number;
  numbers: number[];
}

/**
 * The lines of one edge-line shape (the same text with digits masked) that are running lines: where the shape's
 * numbers differ from page to page, each differing number must count the pages (page + a constant offset: printed
 * page numbers, "n/58", "第 n 页 共 58 页"); numbers the same on every page (a year, "58") may be anything. A line of
 * the shape whose numbers do not count pages is content — audit log lines at a page's edge differ in their digits
 * (times, IP addresses) and are kept. The counting lines must be on `minPages` pages.
 */
function runningOfShape(lines: EdgeLine[], minPages: number): EdgeLine[] {
  const width = lines[0]!.numbers.length;
  const offsets: (number | null)[] = [];
  for (let position = 0; position < width; position++) {
    const values = lines.map((line) => line.numbers[position]!);
    const varies = values.some((value) => value !== values[0]);
    offsets.push(varies ? mode(lines.map((line) => line.numbers[position]! - line.page)) : null);
  }
  const running = lines.filter((line) =>
    offsets.every((offset, position) => offset === null || line.numbers[position]! - line.page === offset),
  );
  return new Set(running.map((line) => line.page)).size >= minPages ? running : [];
}

/** A page-number line seen on one page only: it is one when its number is that page's own (offset 0). */
function isOwnPageNumber(line: EdgeLine): boolean {
  return line.numbers.length === 1 && line.numbers[0] === line.page;
}

/**
 * Drops running headers and footers of paged sources (print date, title, URL, "n/58") and page numbers, looking only
 * at the first and last EDGE_LINES lines of each page. A line is running when its shape (digits masked) is at the
 * edge of at least half the pages, and of at least 3, and its digits are the same on every page or count the pages
 * (runningOfShape). A line that is only a page number ("12", "— 3 —", "第 3 页", "3/58") goes when its number
 * counts pages on at least 2 pages, or is its page's own number. Nothing else is ever dropped: an edge line
 * that only looks like others — a log line, a table row — is content.
 */
export function dropRunningHeadersAndFooters(lines: SourceLine[]): SourceLine[] {
  const byPage = new Map<number, number[]>();
  lines.forEach((line, index) => {
    if (line.page === undefined || !line.text.trim()) return;
    const list = byPage.get(line.page) ?? [];
    list.push(index);
    byPage.set(line.page, list);
  });
  const pageCount = byPage.size;
  const shapes = new Map<string, EdgeLine[]>();
  for (const [page, indexes] of byPage) {
    const edges = new Set([...indexes.slice(0, EDGE_LINES), ...indexes.slice(-EDGE_LINES)]);
    for (const index of edges) {
      const text = lines[index]!.text;
      const key = `${PAGE_NUMBER_LINE.test(text) ? 'page-number' : 'line'}:${edgeKey(text)}`;
      const shape = shapes.get(key) ?? [];
      shape.push({ index, page, numbers: numbersOf(text) });
      shapes.set(key, shape);
    }
  }
  const pagesNeeded = Math.max(3, Math.ceil(pageCount / 2));
  const dropped = new Set<number>();
  for (const [key, shape] of shapes) {
    const pageNumber = key.startsWith('page-number:');
    const minPages = pageNumber ? 2 : pagesNeeded;
    if (!pageNumber && pageCount < 3) continue;
    for (const line of runningOfShape(shape, minPages)) dropped.add(line.index);
    // A page number the others do not confirm goes only when it is its own page's number (a roman one too).
    if (pageNumber)
      for (const line of shape) if (line.numbers.length === 0 || isOwnPageNumber(line)) dropped.add(line.index);
  }
  return lines.filter((_line, index) => !dropped.has(index));
}

// ───────────────────────── headings by clause number ─────────────────────────

const CLAUSE_HEADING = /^(?:(附录\s*[A-Z])|([A-Z](?:\.\d{1,3}){1,5})|(\d{1,2}(?:\.\d{1,3}){0,5}))(?![.\d])\s*(.*)$/;
// Dot leaders or a trailing page number: a table-of-contents line, not a heading.
const TABLE_OF_CONTENTS = /(?:\.{3,}|…{2,}|·{3,}|．{3,}|…\s*\.|\s{2,}\d+\s*$|\.\s*[IVX\d]+\s*$)/;
const SENTENCE_PUNCTUATION = /[，。；！？,;!?]/;
// After a one-part number ("3 个月"), these mean a quantity, not a clause.
const QUANTITY_UNIT = /^(?:年|月|日|天|个|次|名|人|种|项|条|款|页|倍|层|级|位|小时|分钟|秒|%|％|k?b\b|mb\b|gb\b|元)/i;

interface ClauseNumber {
  /** Numeric parts; an annex letter counts as 100 + its index so that annexes sort after chapters. */
  parts: number[];
  label: string;
  title: string;
}

/** The clause number at the start of a line, if any: 8.1.4.1 → [8, 1, 4, 1]; A.2 → [100, 2]; 附录B → [101]. */
function parseClauseNumber(text: string): ClauseNumber | null {
  const match = CLAUSE_HEADING.exec(text);
  if (!match) return null;
  const [, annex, lettered, numbered, rawTitle] = match;
  const title = (rawTitle ?? '').trim();
  if (annex) return { parts: [100 + annex.replace(/\s/g, '').charCodeAt(2) - 65], label: annex, title };
  if (lettered) {
    const [letter, ...rest] = lettered.split('.');
    return { parts: [100 + letter!.charCodeAt(0) - 65, ...rest.map(Number)], label: lettered, title };
  }
  return { parts: numbered!.split('.').map(Number), label: numbered!, title };
}

/** A line of plain text that reads as a numbered heading ("8.1.4.1 身份鉴别"), not a numbered sentence. */
function parseClauseHeading(text: string): ClauseNumber | null {
  if (text.length > 80 || TABLE_OF_CONTENTS.test(text)) return null;
  const clause = parseClauseNumber(text);
  if (!clause) return null;
  if (clause.label.startsWith('附录')) return clause; // "附录A（规范性附录）…": the annex mark makes the heading
  // "8 第三级安全要求": a chapter needs a space after its number and must not read as a quantity ("3 个月").
  const chapter = clause.parts.length === 1;
  if (chapter && (!/^\d{1,2}\s/.test(text) || QUANTITY_UNIT.test(clause.title) || clause.parts[0]! === 0)) return null;
  return checkTitle(clause);
}

function checkTitle(clause: ClauseNumber): ClauseNumber | null {
  const title = clause.title;
  if (!title || title.length > 50 || SENTENCE_PUNCTUATION.test(title) || /[、：:]$/.test(title)) return null;
  return /^[\p{L}（(“"《]/u.test(title) ? clause : null;
}

/**
 * Whether `next` can follow `current` in a standard's numbering: a child, or a following number at the same or a
 * higher level. Small skips are tolerated (conversions lose headings, excerpts start mid-chapter); big jumps
 * ("8.1.4" then "57.3") are numbers in running text.
 */
function isPlausibleNext(current: number[] | null, next: number[]): boolean {
  if (!current) return next[0]! <= 20 || next[0]! >= 100;
  if (next.length === current.length + 1 && next.slice(0, -1).every((part, i) => part === current[i])) {
    return next[next.length - 1]! <= 9;
  }
  for (let level = 0; level < Math.min(current.length, next.length); level++) {
    const prefixEqual = next.slice(0, level).every((part, i) => part === current[i]);
    if (!prefixEqual) return false;
    const step = next[level]! - current[level]!;
    if (step >= 1 && step <= 5) return next.slice(level + 1).every((part) => part <= 9);
    if (step !== 0) return level === 0 && next[0]! >= 100 && current[0]! < 100;
  }
  return false;
}

// ───────────────────────── headings of laws and Q&A letters ─────────────────────────

// Laws are numbered 第一章 › 第一节 › 第二十一条 whatever marks the format gives them; an official Q&A letter's
// answers are headed 问题三、… ？ (some with a Markdown mark, some as plain lines).
const LEGAL_OUTLINE = /^第\s*[一二三四五六七八九十百零〇\d]+\s*(章|节|条)(?![^\s\p{Script=Han}])/u;
const NUMBERED_QUESTION = /^问题\s*[一二三四五六七八九十百零〇\d]+\s*[、.．:：]/;
const OUTLINE_LEVEL: Record<string, number> = { 章: 1, 节: 2, 条: 3 };
// A 问题 heading sits under the letter's own title (level 1).
const QUESTION_LEVEL = 2;

/** The outline level of a law's 章/节/条 or a letter's 问题 heading, or null for other text. */
function outlineLevel(text: string): number | null {
  const legal = LEGAL_OUTLINE.exec(text);
  if (legal) return OUTLINE_LEVEL[legal[1]!] ?? null;
  return NUMBERED_QUESTION.test(text) ? QUESTION_LEVEL : null;
}

/** A plain line that is a letter's question heading ("问题四、跨省…如何选择备案地？"), not a sentence citing one. */
function isQuestionHeading(text: string): boolean {
  return NUMBERED_QUESTION.test(text) && text.length <= 80 && /[？?]$/.test(text) && !/[。；]/.test(text);
}

// ───────────────────────── list items and line joining ─────────────────────────

const LIST_ITEM =
  /^(?:[a-zA-Z][）)]|\d{1,2}[）)]|[（(](?:\d{1,2}|[a-zA-Z]|[一二三四五六七八九十]{1,3})[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．]|[-*•·●○■□▪]\s|注\s*\d*\s*[:：])/;
// A line that ends like this ends its sentence (or introduces a list): the next line is not its continuation.
const LINE_END_STOPS = /[。！？；：.!?;:）)」』”]$/;
const CJK_END = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]$/u;
const CJK_START = /^[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

function joinText(left: string, right: string): string {
  // Chinese never had a space at a layout break; Latin words did.
  return CJK_END.test(left) || CJK_START.test(right) ? left + right : `${left} ${right}`;
}

interface PendingBlock {
  kind: 'heading' | 'text';
  text: string;
  level?: number;
  listItem?: boolean;
  tableRow?: boolean;
  pageStart: number | null;
  pageEnd: number | null;
}

/**
 * Turns parsed lines into headings and text blocks: drops running headers/footers of paged sources, joins lines
 * broken inside a sentence (no separator between Chinese characters), recognises headings by the format's own
 * marks and by clause numbers (8.1.4.1, A.2, 附录B), and records each block's heading path and character range.
 */
export function structureDocument(source: ParsedSource): StructuredDocument {
  const lines = source.layoutWrapped ? dropRunningHeadersAndFooters(source.lines) : source.lines;
  const pending: PendingBlock[] = [];
  let open: PendingBlock | null = null; // the text block a continuation line may join
  let numbering: number[] | null = null;

  for (const line of lines) {
    const text = line.text.replace(/[\s\u3000]+/g, ' ').trim();
    const page = line.page ?? null;
    if (!text) {
      open = null;
      continue;
    }
    if (line.tableRow) {
      pending.push({ kind: 'text', text, tableRow: true, pageStart: page, pageEnd: page });
      open = null;
      continue;
    }
    const startsFresh = open === null || LINE_END_STOPS.test(open.text);
    // In layout-wrapped text a clause number right after an unfinished sentence is that sentence's continuation
    // ("每\n3 个月…"); elsewhere line breaks are the author's, and a heading may follow a title line.
    const headingAllowed = startsFresh || !source.layoutWrapped;
    const formatHeading = line.headingLevel !== undefined && !TABLE_OF_CONTENTS.test(text);
    // The format's own heading marks are trusted; its level is still taken from the clause number when there is one,
    // so that Markdown's arbitrary # counts and Word's styles give the same paths.
    const clause = formatHeading ? parseClauseNumber(text) : parseClauseHeading(text);
    const questionHeading = !formatHeading && headingAllowed && isQuestionHeading(text);
    if (formatHeading || questionHeading || (clause && headingAllowed && isPlausibleNext(numbering, clause.parts))) {
      if (clause) numbering = clause.parts;
      const level = outlineLevel(text) ?? (clause ? clause.parts.length : Math.min(line.headingLevel ?? 1, 6));
      pending.push({ kind: 'heading', text, level, pageStart: page, pageEnd: page });
      open = null;
      continue;
    }
    const listItem = LIST_ITEM.test(text);
    if (open && !listItem && !startsFresh) {
      open.text = joinText(open.text, text);
      open.pageEnd = page ?? open.pageEnd;
    } else {
      open = { kind: 'text', text, listItem, pageStart: page, pageEnd: page };
      pending.push(open);
    }
    if (line.paragraphEnd) open = null;
  }

  const blocks: DocumentBlock[] = [];
  const stack: { level: number; text: string }[] = [];
  let offset = 0;
  for (const block of pending) {
    if (offset > 0) offset += 1; // the '\n' between blocks
    const charStart = offset;
    offset += block.text.length;
    if (block.kind === 'heading') {
      const level = block.level ?? 1;
      while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
      blocks.push({ ...block, headingPath: stack.map((entry) => entry.text), charStart, charEnd: offset });
      stack.push({ level, text: block.text });
    } else {
      blocks.push({ ...block, headingPath: stack.map((entry) => entry.text), charStart, charEnd: offset });
    }
  }
  return { text: pending.map((block) => block.text).join('\n'), blocks };
}
