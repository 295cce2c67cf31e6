// Where a cited quote sits among the text items of the rendered PDF pages it spans. The quote is the engine's
// extracted text (line breaks and spaces re-flowed, Kangxi radicals folded, running headers and page numbers dropped)
// while the items are pdf.js's raw text runs, so both sides are compared in a normalised form: NFKC per character
// (full-width forms, Kangxi radicals, compatibility ideographs), no whitespace, lower case. Pure: no DOM, no pdf.js.

/** One highlighted run: `[start, end)` in UTF-16 units of the page's `items[item]`. */
export interface QuoteHighlight {
  item: number;
  start: number;
  end: number;
}

export interface QuoteMatch {
  /** Runs to highlight, in page order. */
  highlights: QuoteHighlight[];
  /**
   * How the quote was found: verbatim (`exact`); aligned with some differences, such as a running header between two
   * pages (`aligned`); on this page alone, part of it (`partial`); as items sharing most character pairs with the
   * quote (`bigram`); or not at all (`none`).
   */
  method: 'exact' | 'aligned' | 'partial' | 'bigram' | 'none';
}

// CJK Radicals Supplement (U+2E80–U+2EFF) that NFKC leaves alone; the engine folds them to the ideograph fonts draw
// with the same glyph (⻅ → 见). On the page side such a character matches any one character of the quote.
const WILDCARD = '\u0000';
// Whitespace, soft hyphens, zero-width characters and hyphens differ between the page's runs and the re-flowed text.
const IGNORED = /[\s\u00AD\u200B-\u200D\u2060\uFEFF-]/u;
/** Of the quote's characters an alignment covers, at least this share must match the page. */
const MIN_ALIGNED_SHARE = 0.6;
/** A part of the quote found on one page alone counts from this many matching characters (shorter ones coincide). */
const MIN_PARTIAL_MATCHED = 16;
/** Page characters inside an alignment that match nothing, up to this many in a row, are highlighted too. */
const FILL_GAP = 6;
/** Above this many quote × page characters no alignment is tried (memory: two bytes each; ~2 000 × 10 000). */
const MAX_ALIGNMENT_CELLS = 20_000_000;
/** Bigram fallback: an item is highlighted when this share of its character pairs occurs in the quote. */
const MIN_BIGRAM_SHARE = 0.6;
/** Bigram fallback: items with fewer character pairs (page numbers, list labels) are never highlighted. */
const MIN_BIGRAMS = 3;

/** One character of text in comparable form ('' when it does not count, e.g. whitespace). */
function foldChar(ch: string, pageSide: boolean): string {
  const code = ch.codePointAt(0) ?? 0;
  const nfkc = ch.normalize('NFKC');
  if (pageSide && code >= 0x2e80 && code <= 0x2eff && nfkc === ch) return WILDCARD;
  let out = '';
  for (const c of nfkc.toLowerCase()) {
    if (IGNORED.test(c)) continue;
    // KANGXI RADICAL DOOR (⼾) is 戶 to NFKC, but 户 in simplified-Chinese text (the engine decides by the document).
    out += c === '戶' ? '户' : c;
  }
  return out;
}

/** Text in the form the matcher compares: see the file comment. */
export function normalizeForMatch(text: string): string {
  let out = '';
  for (const ch of text) out += foldChar(ch, false);
  return out;
}

/** Pages' items as one normalised string, each UTF-16 unit tied to the page, item and raw range it came from. */
interface NormalisedText {
  text: string;
  page: number[];
  item: number[];
  rawStart: number[];
  rawEnd: number[];
}

function normalisePages(pages: readonly (readonly string[])[]): NormalisedText {
  const out: NormalisedText = { text: '', page: [], item: [], rawStart: [], rawEnd: [] };
  const parts: string[] = [];
  pages.forEach((items, page) =>
    items.forEach((str, item) => {
      let offset = 0;
      for (const ch of str) {
        const folded = foldChar(ch, true);
        for (let k = 0; k < folded.length; k++) {
          out.page.push(page);
          out.item.push(item);
          out.rawStart.push(offset);
          out.rawEnd.push(offset + ch.length);
        }
        parts.push(folded);
        offset += ch.length;
      }
    }),
  );
  out.text = parts.join('');
  return out;
}

interface Alignment {
  /** Positions in the normalised text to highlight, ascending. */
  positions: number[];
  /** Quote characters matched exactly. */
  matched: number;
  /** Quote characters the alignment covers (matched, replaced, or missing from the page). */
  quoteSpan: number;
}

/** How the alignment reached a cell: it starts here, or a quote and a page character, or one of them alone. */
const Step = { Start: 0, Both: 1, QuoteOnly: 2, PageOnly: 3 } as const;
/** How a run of page characters aligned with nothing reached a cell: opened here, or extended. */
const Gap = { Open: 0, Extend: 1 } as const;
/**
 * Page characters aligned with nothing cost little once a run of them is open (affine gap, Gotoh): a running header
 * and footer between two pages of a quote may be 100 characters, which a linear cost would refuse to bridge.
 */
const PAGE_GAP_OPEN = 3;
const PAGE_GAP_EXTEND = 0.1;

/**
 * The best alignment of the quote with the text: +1 a matching character, −1 a different one or a quote character
 * missing from the text, −3 − 0.1 per character for a run of text characters missing from the quote. `wholeQuote`:
 * every quote character is aligned (the quote is fitted into the text, the semi-global form of Smith–Waterman); else
 * the best-scoring part of the quote (local). Null when too big to try.
 */
function align(quote: string, text: string, wholeQuote: boolean): Alignment | null {
  const n = quote.length;
  const m = text.length;
  if ((n + 1) * (m + 1) > MAX_ALIGNMENT_CELLS) return null;
  const NONE = -1e9;
  const steps = new Uint8Array((n + 1) * (m + 1));
  const gaps = new Uint8Array((n + 1) * (m + 1));
  let previous = new Float64Array(m + 1).fill(NONE);
  let current = new Float64Array(m + 1);
  let best = NONE;
  let bestI = -1;
  let bestJ = -1;
  for (let i = 0; i <= n; i++) {
    const mayStart = i === 0 || !wholeQuote;
    const mayEnd = i === n || !wholeQuote;
    // The best score of this row ending in a run of text characters aligned with nothing.
    let inGap = NONE;
    for (let j = 0; j <= m; j++) {
      const cell = i * (m + 1) + j;
      if (j > 0) {
        const open = current[j - 1]! - PAGE_GAP_OPEN - PAGE_GAP_EXTEND;
        const extend = inGap - PAGE_GAP_EXTEND;
        inGap = extend > open ? extend : open;
        gaps[cell] = extend > open ? Gap.Extend : Gap.Open;
      }
      let score = NONE;
      let step: number = Step.Start;
      if (i > 0 && j > 0 && previous[j - 1]! > NONE) {
        const t = text[j - 1];
        score = previous[j - 1]! + (t === quote[i - 1] || t === WILDCARD ? 1 : -1);
        step = Step.Both;
      }
      if (i > 0 && previous[j]! - 1 > score) {
        score = previous[j]! - 1;
        step = Step.QuoteOnly;
      }
      if (j > 0 && inGap > score) {
        score = inGap;
        step = Step.PageOnly;
      }
      if (mayStart && score <= 0) {
        score = 0;
        step = Step.Start;
      }
      current[j] = score;
      steps[cell] = step;
      if (mayEnd && step !== Step.PageOnly && score > best) {
        best = score;
        bestI = i;
        bestJ = j;
      }
    }
    [previous, current] = [current, previous];
  }
  if (bestI < 0) return null;

  const positions: number[] = [];
  let matched = 0;
  let i = bestI;
  let j = bestJ;
  let skipped: number[] = [];
  for (let step = steps[i * (m + 1) + j]; step !== Step.Start; step = steps[i * (m + 1) + j]) {
    if (step === Step.Both) {
      // Unmatched page characters between two aligned ones are highlighted when few (a glyph read differently);
      // more (a running header and footer between two pages) are not.
      if (skipped.length <= FILL_GAP && positions.length > 0) positions.push(...skipped);
      skipped = [];
      if (text[j - 1] === quote[i - 1] || text[j - 1] === WILDCARD) matched++;
      positions.push(j - 1);
      i--;
      j--;
    } else if (step === Step.QuoteOnly) {
      i--;
    } else {
      // A run of text characters: back to where it was opened.
      for (let gap = gaps[i * (m + 1) + j]; ; gap = gaps[i * (m + 1) + j]) {
        skipped.push(j - 1);
        j--;
        if (gap === Gap.Open) break;
      }
    }
  }
  return { positions: positions.reverse(), matched, quoteSpan: bestI - i };
}

/** Per page, highlights for positions (ascending) of the normalised text, merged per item where they touch. */
function toHighlights(normalised: NormalisedText, positions: readonly number[], pageCount: number): QuoteHighlight[][] {
  const perPage: QuoteHighlight[][] = Array.from({ length: pageCount }, () => []);
  for (const j of positions) {
    const highlights = perPage[normalised.page[j] as number] as QuoteHighlight[];
    const item = normalised.item[j] as number;
    const rawStart = normalised.rawStart[j] as number;
    const rawEnd = normalised.rawEnd[j] as number;
    const last = highlights.at(-1);
    // Characters normalisation dropped (spaces) between two highlighted ones of one item are highlighted too.
    if (last && last.item === item && rawStart >= last.start && rawStart <= last.end + 2)
      last.end = Math.max(last.end, rawEnd);
    else highlights.push({ item, start: rawStart, end: rawEnd });
  }
  return perPage;
}

function withMethod(perPage: QuoteHighlight[][], method: QuoteMatch['method']): QuoteMatch[] {
  return perPage.map((highlights) => (highlights.length > 0 ? { highlights, method } : { highlights, method: 'none' }));
}

function bigrams(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) out.push(text.slice(i, i + 2));
  return out;
}

/** Fallback: whole items most of whose character pairs occur in the quote. */
function bigramHighlights(quote: string, items: readonly string[]): QuoteHighlight[] {
  const inQuote = new Set(bigrams(quote));
  const highlights: QuoteHighlight[] = [];
  items.forEach((str, item) => {
    const pairs = bigrams(normalizeForMatch(str));
    if (pairs.length < MIN_BIGRAMS) return;
    const shared = pairs.filter((pair) => inQuote.has(pair)).length;
    if (shared / pairs.length < MIN_BIGRAM_SHARE) return;
    // The item without its leading and trailing whitespace.
    highlights.push({ item, start: str.length - str.trimStart().length, end: str.trimEnd().length });
  });
  return highlights;
}

/**
 * Which parts of the text items of the pages a passage spans are its quote; one result per page, in order.
 * 1. The whole normalised quote verbatim in the pages' normalised text.
 * 2. The whole quote fitted into the pages' text, tolerating differences: a running header and footer where it goes
 *    from one page to the next, a glyph read differently. As one alignment over all the pages, the cited clause wins
 *    over another clause with the same sentences on one of them (it would leave the rest of the quote unmatched).
 * 3. Per page, the best-matching part of the quote (the pages do not fit the file, e.g. it changed since indexing).
 * 4. Per page, items sharing most character bigrams with the quote.
 * @param quote the cited passage as the engine stored it
 * @param pages each page's text runs in pdf.js order (TextLayer's `textContentItemsStr`), from the passage's first page
 */
export function matchQuoteOnPages(quote: string, pages: readonly (readonly string[])[]): QuoteMatch[] {
  const normalisedQuote = normalizeForMatch(quote);
  const none = (): QuoteMatch[] => pages.map(() => ({ highlights: [], method: 'none' }));
  if (normalisedQuote.length === 0) return none();
  const all = normalisePages(pages);
  if (all.text.length === 0) return none();

  const at = all.text.indexOf(normalisedQuote);
  if (at >= 0) {
    const positions = Array.from({ length: normalisedQuote.length }, (_, k) => at + k);
    return withMethod(toHighlights(all, positions, pages.length), 'exact');
  }

  const enough = (alignment: Alignment | null, minMatched: number): alignment is Alignment =>
    alignment !== null &&
    alignment.matched >= minMatched &&
    alignment.matched >= MIN_ALIGNED_SHARE * alignment.quoteSpan;
  const whole = align(normalisedQuote, all.text, true);
  if (enough(whole, 1)) return withMethod(toHighlights(all, whole.positions, pages.length), 'aligned');

  return pages.map((items) => {
    const page = normalisePages([items]);
    const part = align(normalisedQuote, page.text, false);
    if (enough(part, Math.min(MIN_PARTIAL_MATCHED, normalisedQuote.length))) {
      return { highlights: toHighlights(page, part.positions, 1)[0] ?? [], method: 'partial' };
    }
    const fallback = bigramHighlights(normalisedQuote, items);
    return fallback.length > 0 ? { highlights: fallback, method: 'bigram' } : { highlights: [], method: 'none' };
  });
}
