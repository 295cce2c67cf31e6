import { ocrImage, ocrSourceLines } from './ocrImage.ts';
import { DEFAULT_OCR_PAGE_CAP, ParseError } from './types.ts';
import type { ParseOptions, ParsedSource } from './types.ts';

/**
 * An image (.png, .jpg, .tif) read by OCR as one page: its lines are marked `ocr` and carry page 1, so citations
 * name the page as they do for a PDF. A multi-page TIFF is read by its first frame.
 * Errors: OCR turned off (page cap 0) or no text found → 'no-text-layer'; an image sharp cannot decode → 'corrupt'.
 */
export async function parseImage(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedSource> {
  if ((options.ocrPageCap ?? DEFAULT_OCR_PAGE_CAP) === 0) {
    throw new ParseError('no-text-layer', 'an image has no text layer and OCR is turned off: not indexed');
  }
  options.signal?.throwIfAborted();
  options.onOcrProgress?.(0, 1);
  let lines;
  try {
    lines = ocrSourceLines(await ocrImage(bytes), 1);
  } catch (error) {
    if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) throw error;
    throw new ParseError('corrupt', `could not read the image (${(error as Error).message}): the file may be damaged`);
  }
  options.onOcrProgress?.(1, 1);
  if (lines.length === 0) throw new ParseError('no-text-layer', 'no text found in the image by OCR: not indexed');
  return { type: 'image', lines, pageCount: 1, layoutWrapped: true };
}
