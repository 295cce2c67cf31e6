import { decodeText } from './decodeText.ts';
import { foldCjkCompatibility } from './foldCjkCompatibility.ts';
import { requireText, textToLines } from './textLines.ts';
import type { ParsedSource } from './types.ts';

/** Plain text: detect the encoding, split lines (\r\n, \r, \n); a blank line ends the paragraph before it. */
export function parseText(bytes: Uint8Array): ParsedSource {
  const { text, encoding } = decodeText(bytes);
  const lines = textToLines(foldCjkCompatibility(text));
  requireText(lines);
  return { type: 'text', lines, encoding, layoutWrapped: false };
}
