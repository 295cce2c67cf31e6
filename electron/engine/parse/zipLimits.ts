// The guards every ZIP-based reader (DOCX, XLSX, ODS, PPTX, OFD) passes before a library inflates anything: the
// central directory checked for absurd compression ratios and for XML that would take too much memory to parse,
// then every XML part inflated under a hard cap, because the directory can lie.

import { formatBytes, inflateZipEntry } from './readZipDirectory.ts';
import type { ZipEntry } from './readZipDirectory.ts';
import { ParseError } from './types.ts';

/**
 * The XML an Office/OFD file may hold. mammoth builds a DOM of it: peak memory is ~60× the XML (measured with
 * `kb ingest` on generated Word text: 16 MiB of XML → 987 MiB peak RSS, 48 MiB → 2.4 GiB; a 53 MB .docx reached
 * 4.1 GB with the former 200 MiB limit). 16 MiB is ~40 times GB/T 22239's own 0.4 MB document.xml; images do not
 * count. SheetJS and our own XML readers use it too: one limit for every ZIP-based format.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/** An entry this large that compresses better than MAX_RATIO:1 is a zip bomb, not a document. */
const RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024;
const MAX_RATIO = 200;

/** XML parts: what the readers parse (and what the size limit counts). */
export function isXmlPart(name: string): boolean {
  return /\.(xml|rels)$/i.test(name);
}

/**
 * Refuse, from the central directory alone, archives whose XML parts claim more than `maxBytes` in total or whose
 * entries have an absurd compression ratio. Returns the XML parts. `what` names the format for the message
 * ("Word text", "a spreadsheet").
 */
export function checkZipLimits(entries: readonly ZipEntry[], maxBytes: number, what = 'Word text'): ZipEntry[] {
  const xmlParts: ZipEntry[] = [];
  let total = 0;
  for (const entry of entries) {
    if (
      entry.uncompressedSize > RATIO_CHECK_MIN_BYTES &&
      entry.uncompressedSize > MAX_RATIO * Math.max(1, entry.compressedSize)
    ) {
      throw new ParseError(
        'too-large',
        `${entry.name} would decompress from ${formatBytes(entry.compressedSize)} to ${formatBytes(entry.uncompressedSize)}: a zip bomb, not indexed`,
      );
    }
    if (isXmlPart(entry.name)) {
      xmlParts.push(entry);
      total += entry.uncompressedSize;
    }
  }
  if (total > maxBytes) {
    throw new ParseError(
      'too-large',
      `document too large: its XML parts decompress to ${formatBytes(total)}, over the ${formatBytes(maxBytes)} limit (reading ${what} takes many times that in memory): split it into smaller documents, or save it as PDF and add that`,
    );
  }
  return xmlParts;
}

/**
 * Inflate the given parts under one budget of `maxBytes` in total, whatever the directory claims: a part that
 * inflates past what is left throws ParseError('too-large'). Returns the inflated parts by name.
 */
export function inflateWithinBudget(
  bytes: Uint8Array,
  parts: readonly ZipEntry[],
  maxBytes: number,
): Map<string, Uint8Array> {
  let budget = maxBytes;
  const inflated = new Map<string, Uint8Array>();
  for (const entry of parts) {
    const data = inflateZipEntry(bytes, entry, Math.min(budget, Math.max(entry.uncompressedSize, 0)) || 1);
    budget -= data.length;
    inflated.set(entry.name, data);
  }
  return inflated;
}

/** The guards in one call: directory checks, then every XML part inflated within the budget. */
export function readXmlPartsGuarded(
  bytes: Uint8Array,
  entries: readonly ZipEntry[],
  maxBytes: number,
  what?: string,
): Map<string, Uint8Array> {
  return inflateWithinBudget(bytes, checkZipLimits(entries, maxBytes, what), maxBytes);
}
