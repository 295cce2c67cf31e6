import type { SearchHit } from '../../../shared/types.ts';
import { evidenceCoverage } from '../eval/evidenceMatch.ts';
import { headingLevel } from '../search/headingLevel.ts';
import type { LibraryStore, StoredChunk } from '../store/LibraryStore.ts';

// "二级和三级安全审计有什么区别？": the same control point of the same standard at both levels, side by side, and
// what the higher level adds or rewords, item by item (a）b）c）…).

/** Bigram overlap from which two items say the same (wording differs only in punctuation or a word). */
const SAME_ITEM = 0.9;
/** Bigram overlap from which an item of the higher level rewords one of the lower level rather than adding one. */
const REWORDED_ITEM = 0.5;

// "8.1.4.1 身份鉴别" → "身份鉴别"; a test unit's heading ("8.1.4.1.1 测评单元（L3-CES1-01）") names no control point.
const CLAUSE_TITLE = /^(?:[A-Z]\.)?\d+(?:\.\d+)*\s*(.+)$/;
const TEST_UNIT_HEADING = /测评单元/;

/** The control point a passage belongs to: its last heading's title, or its parent's for a test unit. */
export function controlPointOf(headingPath: string[]): { title: string; depth: number } | null {
  for (let depth = headingPath.length - 1; depth >= 0; depth--) {
    const heading = headingPath[depth]!;
    if (TEST_UNIT_HEADING.test(heading)) continue;
    const title = CLAUSE_TITLE.exec(heading)?.[1]?.trim();
    return title ? { title, depth } : null;
  }
  return null;
}

/** The list items of a clause ("a）…", "b)…"), or its sentences when it has none. */
export function clauseItems(text: string): string[] {
  // "本项要求包括：" introduces the items; it is none of them.
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/[：:]$/.test(line));
  const items: string[] = [];
  for (const line of lines) {
    if (/^(?:[a-z][）)]|\d{1,2}[）)]|[（(]\d{1,2}[）)])/.test(line) || items.length === 0) items.push(line);
    else items[items.length - 1] += line;
  }
  return items.length > 1
    ? items
    : text
        .split(/(?<=[。；;])/)
        .map((s) => s.trim())
        .filter(Boolean);
}

export interface AlignedClause {
  level: number;
  /** The first chunk of the clause at that level (the answer widens it to the whole clause). */
  chunk: StoredChunk;
}

/**
 * The same control point at each named level, in one document: from the hit that best answers the question, its
 * document's clauses with the same control-point title under each level's chapter. Null when the document has the
 * control point at fewer than two of the levels.
 */
export function alignLevels(
  store: LibraryStore,
  hits: SearchHit[],
  levels: number[],
): { controlPoint: string; clauses: AlignedClause[] } | null {
  for (const hit of hits.slice(0, 5)) {
    if (hit.level === null || !levels.includes(hit.level)) continue;
    const point = controlPointOf(hit.headingPath);
    // Only a clause heading itself is aligned (a test unit's parent holds no text of its own).
    if (!point || point.depth !== hit.headingPath.length - 1) continue;
    const pool = store.chunksEndingWithHeading(hit.documentId, point.title);
    const found: AlignedClause[] = [];
    for (const level of levels) {
      // The same control point of the same kind of section (安全通用要求 vs 云计算安全扩展要求): compare the heading
      // paths without numbers and levels.
      const shape = (path: string[]): string =>
        path
          .slice(1, point.depth + 1)
          .map((h) => h.replace(/^[\d.A-Z]+\s*/, '').replace(/第.级/g, ''))
          .join('›');
      const match = pool.find(
        (chunk) =>
          headingLevel(chunk.headingPath) === level &&
          controlPointOf(chunk.headingPath)?.title === point.title &&
          shape(chunk.headingPath) === shape(hit.headingPath),
      );
      if (match) found.push({ level, chunk: match });
    }
    if (found.length >= 2) return { controlPoint: point.title, clauses: found };
  }
  return null;
}

/** What the higher level's clause adds to, rewords from, and drops of the lower level's. */
export function diffItems(lower: string, higher: string): { added: string[]; changed: string[]; removed: string[] } {
  const lowerItems = clauseItems(lower);
  const higherItems = clauseItems(higher);
  const strip = (item: string): string => item.replace(/^(?:[a-z][）)]|\d{1,2}[）)]|[（(]\d{1,2}[）)])\s*/, '');
  const used = new Set<number>();
  const added: string[] = [];
  const changed: string[] = [];
  for (const item of higherItems) {
    let bestIndex = -1;
    let best = 0;
    lowerItems.forEach((candidate, index) => {
      if (used.has(index)) return;
      const overlap = Math.min(
        evidenceCoverage(strip(item), strip(candidate)),
        evidenceCoverage(strip(candidate), strip(item)),
      );
      if (overlap > best) {
        best = overlap;
        bestIndex = index;
      }
    });
    if (best >= SAME_ITEM) used.add(bestIndex);
    else if (best >= REWORDED_ITEM) {
      used.add(bestIndex);
      changed.push(item);
    } else added.push(item);
  }
  const removed = lowerItems.filter((_, index) => !used.has(index));
  return { added, changed, removed };
}
