// Shared line helpers for the text-based parsers.

import { ParseError } from './types.ts';
import type { SourceLine } from './types.ts';

/** Split on \r\n, \r or \n. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/**
 * Plain-text lines: blank lines are not emitted; instead the line before them gets `paragraphEnd`, as does the last
 * line. Trailing whitespace is dropped; everything else is kept verbatim.
 */
export function textToLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  for (const raw of splitLines(text)) {
    if (isBlank(raw)) {
      endParagraph(lines);
      continue;
    }
    lines.push({ text: raw.trimEnd() });
  }
  endParagraph(lines);
  return lines;
}

/** Mark the last line as ending a paragraph (no-op on an empty list). */
export function endParagraph(lines: SourceLine[]): void {
  const last = lines[lines.length - 1];
  if (last) last.paragraphEnd = true;
}

/** Throw ParseError('empty') unless some line has visible text. */
export function requireText(lines: readonly SourceLine[], what = 'empty file: nothing to index'): void {
  if (!lines.some((l) => !isBlank(l.text))) throw new ParseError('empty', what);
}
