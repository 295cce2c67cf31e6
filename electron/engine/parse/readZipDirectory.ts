// Minimal ZIP reading: the central directory (to recognise DOCX and refuse zip bombs before any decompression) and
// bounded inflation of single entries.

import { inflateRawSync } from 'node:zlib';
import { ParseError } from './types.ts';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  /** General-purpose flags; bit 0 = encrypted. */
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

function damaged(what: string): ParseError {
  return new ParseError(
    'corrupt',
    `damaged ZIP archive (${what}): the file is truncated or not a valid Office document`,
  );
}

/** Read the central directory. Throws ParseError('corrupt') when it cannot be found or is inconsistent. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged('no end-of-central-directory record');

  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE)
      throw damaged('missing ZIP64 locator');
    const zip64 = safeNumber(view.getBigUint64(locator + 8, true));
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== ZIP64_EOCD_SIGNATURE) {
      throw damaged('bad ZIP64 record');
    }
    count = safeNumber(view.getBigUint64(zip64 + 32, true));
    size = safeNumber(view.getBigUint64(zip64 + 40, true));
    offset = safeNumber(view.getBigUint64(zip64 + 48, true));
  }
  if (offset + size > bytes.length) throw damaged('central directory beyond end of file');

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE)
      throw damaged('bad central directory entry');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    const nameStart = p + 46;
    const extraStart = nameStart + nameLength;
    const end = extraStart + extraLength + commentLength;
    if (end > bytes.length) throw damaged('central directory entry beyond end of file');
    const name = decoder.decode(bytes.subarray(nameStart, extraStart));

    // ZIP64 extended information: 64-bit values for the fields set to 0xFFFFFFFF, in this order.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      let q = extraStart;
      while (q + 4 <= extraStart + extraLength) {
        const id = view.getUint16(q, true);
        const len = view.getUint16(q + 2, true);
        if (id === 0x0001) {
          let r = q + 4;
          const read = (): number => {
            if (r + 8 > q + 4 + len) throw damaged('short ZIP64 field');
            const v = safeNumber(view.getBigUint64(r, true));
            r += 8;
            return v;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = read();
          if (compressedSize === 0xffffffff) compressedSize = read();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = read();
          break;
        }
        q += 4 + len;
      }
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = end;
  }
  return entries;
}

function safeNumber(v: bigint): number {
  // Anything past 2^53 is absurd for a document; saturate so size checks refuse it.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/**
 * Decompress one entry, refusing to produce more than `maxBytes` (whatever the directory claims).
 * Throws ParseError('too-large') past the limit, ParseError('corrupt') for damaged data.
 */
export function inflateZipEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = entry.localHeaderOffset;
  if (p + 30 > bytes.length || view.getUint32(p, true) !== LOCAL_SIGNATURE)
    throw damaged(`bad local header for ${entry.name}`);
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw damaged(`${entry.name} extends beyond end of file`);
  if (entry.flags & 1) {
    throw new ParseError(
      'encrypted',
      `password-protected ZIP entry ${entry.name}: remove the password and add it again`,
    );
  }
  const data = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (data.length > maxBytes) throw tooLarge(entry.name, maxBytes);
    return data;
  }
  if (entry.method !== 8) {
    throw new ParseError(
      'unsupported',
      `ZIP entry ${entry.name} uses compression method ${entry.method}, which is not supported`,
    );
  }
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(entry.name, maxBytes);
    throw damaged(`cannot decompress ${entry.name}: ${(error as Error).message}`);
  }
}

function tooLarge(name: string, maxBytes: number): ParseError {
  return new ParseError(
    'too-large',
    `${name} decompresses to more than ${formatBytes(maxBytes)} (a zip bomb or an extremely large document): not indexed`,
  );
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
