// Text encoding detection for text-based formats. Detect, do not assume: Chinese documents still arrive as GB18030/GBK,
// Big5 and UTF-16, and Western CSV exports as cp1252.

import { ParseError } from './types.ts';

export interface DecodedText {
  text: string;
  /** WHATWG encoding name: 'utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'big5' or 'windows-1252'. */
  encoding: string;
}

/** Legacy encodings we choose among when the bytes are not UTF-8/UTF-16, in order of preference on a tie. */
const LEGACY_ENCODINGS = ['gb18030', 'big5', 'windows-1252'] as const;
type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

/**
 * Decode a text file's bytes, detecting the encoding: BOM, then UTF-16 without BOM (NUL patterns, or code-unit
 * plausibility for pure CJK), then UTF-8, then the most plausible of GB18030, Big5 and Windows-1252.
 * @throws ParseError('unsupported') when the bytes are binary content rather than text.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) return { text: '', encoding: 'utf-8' };

  // 1. Byte-order marks.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return checked(new TextDecoder('utf-8').decode(bytes), 'utf-8');
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    if (bytes[2] === 0 && bytes[3] === 0 && bytes.length % 4 === 0) {
      throw new ParseError('unsupported', 'UTF-32 text is not supported: save the file as UTF-8 and add it again');
    }
    return checked(new TextDecoder('utf-16le').decode(bytes), 'utf-16le');
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return checked(new TextDecoder('utf-16be').decode(bytes), 'utf-16be');
  }

  // 2. NUL bytes: UTF-16 without BOM, or binary — or a stray NUL or two in UTF-8 text (ASCII pairs read as UTF-16
  //    look like CJK, so do not let a few NULs turn a UTF-8 file into UTF-16).
  const nuls = countByte(bytes, 0);
  if (nuls > 0) {
    if (nuls <= bytes.length / 200) {
      const text = tryDecode('utf-8', bytes);
      if (text !== undefined) return checked(text, 'utf-8');
    }
    const utf16 = detectUtf16WithNuls(bytes);
    if (utf16) return checked(new TextDecoder(utf16).decode(bytes), utf16);
    throw binary('contains NUL bytes');
  }

  // 3. UTF-8 (strict, or with a sequence cut off at the very end, or overwhelmingly valid).
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== undefined) {
    if (utf8IsReallyGb(bytes, utf8)) return checked(new TextDecoder('gb18030').decode(bytes), 'gb18030');
    // Bytes under 0x80 that read as control characters: UTF-16 ideographs whose bytes are all low (备上。 is
    // 07 59 0A 4E 02 30), not ASCII text.
    const cjk16 = controlShare(utf8) > 0.05 ? detectPureCjkUtf16(bytes) : undefined;
    if (cjk16) return checked(new TextDecoder(cjk16).decode(bytes), cjk16);
    return checked(utf8, 'utf-8');
  }
  if (looksLikeDamagedUtf8(bytes)) {
    // stream: a character cut off at the very end is dropped rather than turned into U+FFFD
    return checked(new TextDecoder('utf-8').decode(bytes, { stream: true }), 'utf-8');
  }

  // 4. UTF-16 without BOM and without any ASCII (so no NUL bytes): pure CJK text.
  const cjk16 = detectPureCjkUtf16(bytes);
  if (cjk16) return checked(new TextDecoder(cjk16).decode(bytes), cjk16);

  // 5. Legacy single/double-byte encodings, by byte-level plausibility.
  const encoding = guessLegacyEncoding(bytes);
  return checked(new TextDecoder(encoding).decode(bytes), encoding);
}

/** Scores of each legacy encoding for these bytes (average per non-ASCII character, roughly -2..1). Exported for tests. */
export function legacyEncodingScores(bytes: Uint8Array): Record<LegacyEncoding, number> {
  return { gb18030: gbScore(bytes), big5: big5Score(bytes), 'windows-1252': cp1252Score(bytes) };
}

/** The most plausible legacy encoding for bytes that are neither UTF-8 nor UTF-16. */
export function guessLegacyEncoding(bytes: Uint8Array): LegacyEncoding {
  const scores = legacyEncodingScores(bytes);
  let best: LegacyEncoding = 'windows-1252';
  let bestScore = -Infinity;
  for (const encoding of LEGACY_ENCODINGS) {
    if (scores[encoding] > bestScore) {
      best = encoding;
      bestScore = scores[encoding];
    }
  }
  return best;
}

function binary(why: string): ParseError {
  return new ParseError(
    'unsupported',
    `binary content, not text (${why}): this file type is not supported; convert it to PDF, DOCX or text and add it again`,
  );
}

function countByte(bytes: Uint8Array, value: number): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === value) n++;
  return n;
}

function tryDecode(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function countControls(text: string): number {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // C0 controls other than \t \n \v \f \r and ESC; DEL; U+FFFD (undecodable bytes).
    if ((c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1b) || c === 0x7f || c === 0xfffd) controls++;
  }
  return controls;
}

function controlShare(text: string): number {
  return text.length === 0 ? 0 : countControls(text) / text.length;
}

/** Refuse decoded "text" that is mostly control characters (binary data that happened to decode). */
function checked(text: string, encoding: string): DecodedText {
  const controls = countControls(text);
  if (controls > 0 && controls / text.length > 0.05) {
    throw binary(`${controls} control or undecodable characters as ${encoding}`);
  }
  return { text, encoding };
}

// ---------------------------------------------------------------------------------------------------------------
// UTF-16

/** Share of UTF-16 code units that are plausible in a document (ASCII, Latin, punctuation, CJK). 0 if invalid. */
function utf16Plausibility(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', cjkOnly: boolean): number {
  const text = tryDecode(encoding, bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1));
  if (text === undefined || text.length === 0) return 0;
  let plausible = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const cjk =
      (c >= 0x4e00 && c <= 0x9fff) || // CJK unified ideographs
      (c >= 0x3400 && c <= 0x4dbf) || // extension A
      (c >= 0x3000 && c <= 0x303f) || // CJK punctuation
      (c >= 0xff00 && c <= 0xffef) || // full-width forms
      (c >= 0x2000 && c <= 0x206f) || // general punctuation (— “ ” …)
      (c >= 0x2190 && c <= 0x21ff) || // arrows →
      (c >= 0x2460 && c <= 0x24ff) || // enclosed numbers ①
      (c >= 0x2500 && c <= 0x25ff); // box drawing (├── │ in folder trees) and shapes ■ ●
    const other = (c >= 0x20 && c <= 0x7e) || c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0xa0 && c <= 0x24f); // ASCII, Latin
    if (cjk || (!cjkOnly && other)) plausible++;
  }
  return plausible / text.length;
}

/**
 * Text with NUL bytes: UTF-16 when one byte order reads as text. Both are scored: ASCII puts its NULs on one parity
 * (the high byte), but common ideographs have a NUL low byte too (开 U+5F00, 需 U+9700, 一 U+4E00), so Chinese with
 * spaces or digits has NULs on both parities (7 % of GB/T 22239's lines as BOM-less UTF-16 were refused as binary
 * when the NULs had to sit on one parity). When both orders read well (ASCII pairs read backwards look like CJK),
 * the parity of the NULs decides.
 */
function detectUtf16WithNuls(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 2) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  // ASCII in UTF-16LE is "x\0": NULs at odd offsets; in UTF-16BE at even offsets.
  const byParity: 'utf-16le' | 'utf-16be' = odd >= even ? 'utf-16le' : 'utf-16be';
  const le = utf16Plausibility(bytes, 'utf-16le', false);
  const be = utf16Plausibility(bytes, 'utf-16be', false);
  if (Math.max(le, be) < 0.9) return undefined; // neither order reads as text: binary
  if (Math.abs(le - be) < 0.02) return byParity;
  return le > be ? 'utf-16le' : 'utf-16be';
}

/** UTF-16 CJK text with no ASCII at all has no NUL bytes; recognise it by its code units (ideographs, CJK punctuation). */
function detectPureCjkUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  if (looksLikeAsciiProse(bytes)) return undefined;
  const le = utf16Plausibility(bytes, 'utf-16le', true);
  const be = utf16Plausibility(bytes, 'utf-16be', true);
  if (le >= 0.95 && le > be) return 'utf-16le';
  if (be >= 0.95 && be > le) return 'utf-16be';
  return undefined;
}

/**
 * Latin prose in a legacy encoding (cp1252 with a ’ or é): lowercase ASCII pairs read as UTF-16 are ideographs
 * (0x6100–0x7AFF), so such a line "reads" as pure CJK UTF-16 (6 % of NIST's non-ASCII lines did). Prose has spaces
 * (0x20) in one byte of eight or so; CJK UTF-16 has a 0x20 byte only in the rare code unit that holds one.
 */
function looksLikeAsciiProse(bytes: Uint8Array): boolean {
  let ascii = 0;
  let spaces = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) ascii++;
    if (b === 0x20) spaces++;
  }
  return ascii >= 0.8 * bytes.length && spaces >= 0.05 * bytes.length;
}

/**
 * Valid UTF-8 that is really GBK: two GBK ideographs can form valid two-byte UTF-8 (实施 CA B5 CA A9 reads as
 * "ʵʩ"), so a short GBK line ("2019-12-01 实施") passes strict UTF-8. Such text has only two-byte sequences, decoding
 * to IPA letters, modifiers, combining marks or Hebrew/Arabic (U+0180–U+036F, U+0590–U+07FF) rather than the
 * accented Latin (U+00A0–U+017F), Greek or Cyrillic that real two-byte UTF-8 holds, and it reads as common GBK.
 */
function utf8IsReallyGb(bytes: Uint8Array, text: string): boolean {
  let unlikely = 0;
  let nonAscii = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    if (c > 0x7ff) return false; // a three- or four-byte sequence: CJK, punctuation… real UTF-8
    nonAscii++;
    if ((c >= 0x180 && c <= 0x36f) || (c >= 0x590 && c <= 0x7ff)) unlikely++;
  }
  return nonAscii > 0 && unlikely * 2 >= nonAscii && gbScore(bytes) >= 0.9;
}

// ---------------------------------------------------------------------------------------------------------------
// UTF-8 with damage

/** Invalid only because the last character was cut off, or at least 95% of multi-byte sequences are valid. */
function looksLikeDamagedUtf8(bytes: Uint8Array): boolean {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  let invalidAtEnd = false;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0;
    let j = 1;
    for (; ok && j <= need; j++) {
      const t = bytes[i + j];
      if (t === undefined) {
        invalidAtEnd = true;
        ok = false;
      } else if (t < 0x80 || t > 0xbf) ok = false;
    }
    if (invalidAtEnd) {
      invalid++;
      break;
    }
    if (ok) {
      valid++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  if (invalid === 0) return true;
  if (invalid === 1 && invalidAtEnd && valid > 0) return true;
  return valid >= 20 && valid / (valid + invalid) >= 0.95;
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy encodings: byte-level plausibility. Each non-ASCII character scores about +1 when it falls where common text
// of that encoding lives, less for rare regions, negative for private-use/reserved areas and -2 for invalid bytes.

function isAsciiLetter(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

/** GB2312/GBK/GB18030. */
function gbScore(bytes: Uint8Array): number {
  let score = 0;
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    n++;
    const t = bytes[i + 1];
    if (b === 0x80 || b === 0xff || t === undefined) {
      score -= 2;
      i++;
      continue;
    }
    if (t >= 0x30 && t <= 0x39) {
      // Four-byte GB18030 sequence: valid but used for rare characters only.
      const t3 = bytes[i + 2];
      const t4 = bytes[i + 3];
      if (t3 !== undefined && t3 >= 0x81 && t3 <= 0xfe && t4 !== undefined && t4 >= 0x30 && t4 <= 0x39) {
        score -= 0.5;
        i += 4;
      } else {
        score -= 2;
        i++;
      }
      continue;
    }
    if (t < 0x40 || t === 0x7f || t === 0xff) {
      score -= 2;
      i++;
      continue;
    }
    if (t >= 0xa1) {
      if (b >= 0xb0 && b <= 0xd7)
        score += 1; // GB2312 level-1 hanzi: the common simplified characters
      else if (b >= 0xa1 && b <= 0xa3)
        score += 1; // punctuation, full-width forms: ，。：（）
      else if (b >= 0xd8 && b <= 0xf7)
        score += 0.4; // level-2 hanzi
      else if (b >= 0xa4 && b <= 0xa9)
        score -= 0.3; // kana, Greek, Cyrillic, pinyin, box drawing
      else score -= 1; // user-defined / private use
    } else if (b >= 0xa1 && b <= 0xa7) {
      score -= 1; // user-defined
    } else {
      score -= 0.3; // GBK extension: valid, mostly rare characters
    }
    i += 2;
  }
  return n === 0 ? 0 : score / n;
}

/** Big5 (with the HKSCS extension, as WHATWG decodes it). */
function big5Score(bytes: Uint8Array): number {
  let score = 0;
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    n++;
    const t = bytes[i + 1];
    if (b === 0x80 || b === 0xff || t === undefined || !((t >= 0x40 && t <= 0x7e) || (t >= 0xa1 && t <= 0xfe))) {
      score -= 2;
      i++;
      continue;
    }
    const code = (b << 8) | t;
    if (code >= 0xa440 && code <= 0xc67e)
      score += 1; // frequently used hanzi
    else if (code >= 0xa140 && code <= 0xa3bf)
      score += 1; // punctuation and symbols: ，。、
    else if (code >= 0xc940 && code <= 0xf9d5)
      score += 0.4; // less frequently used hanzi
    else score -= 0.5; // reserved, user-defined, HKSCS
    i += 2;
  }
  return n === 0 ? 0 : score / n;
}

/** Windows-1252: Latin text has isolated high bytes (’ — é) between ASCII; CJK in any DBCS has runs of them. */
function cp1252Score(bytes: Uint8Array): number {
  let score = 0;
  let n = 0;
  let i = 0;
  while (i < bytes.length) {
    if ((bytes[i] ?? 0) < 0x80) {
      i++;
      continue;
    }
    let end = i;
    while (end < bytes.length && (bytes[end] ?? 0) >= 0x80) end++;
    const run = end - i;
    for (let k = i; k < end; k++) {
      const b = bytes[k] ?? 0;
      n++;
      if (b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d)
        score -= 1; // undefined in cp1252
      else if (run === 1) score += 1;
      else if (run === 2) {
        // Two accented letters in a Latin word ("Größe") are plausible; other pairs look like a DBCS character.
        const letters = isLatinLetter(bytes[i] ?? 0) && isLatinLetter(bytes[i + 1] ?? 0);
        score += letters && (isAsciiLetter(bytes[i - 1]) || isAsciiLetter(bytes[end])) ? 0.5 : -0.2;
      } else score -= 0.6;
    }
    i = end;
  }
  return n === 0 ? 0 : score / n;
}

function isLatinLetter(b: number): boolean {
  return b >= 0xc0 && b !== 0xd7 && b !== 0xf7;
}
