import type { PassageCopy, SearchHit } from '../../../shared/types.ts';
import { evidenceCoverage } from '../eval/evidenceMatch.ts';
import { EXPANSION_WEIGHT, GIVEN_WEIGHT, type Concept, type QuestionAnalysis } from '../question/analyzeQuestion.ts';
import { ENGLISH_STOP_WORDS } from '../question/questionWords.ts';
import type { DocumentProfileRecord, LibraryStore, StoredChunk } from '../store/LibraryStore.ts';
import type { VectorIndex } from '../store/VectorIndex.ts';
import type { ChineseSegmenter } from './ChineseSegmenter.ts';
import { headingLevel } from './headingLevel.ts';
import {
  answerTypeFactor,
  definitionFactor,
  documentFactor,
  frontMatterFactor,
  languageFactor,
  levelFactor,
  passageScenario,
  scenarioFactor,
} from './rankingPriors.ts';
import { prepareText, scoreConcepts, type WeighedConcept } from './scoreConcepts.ts';

export type RetrievalMode = 'lexical' | 'vector' | 'hybrid';

export interface PassageSearchOptions {
  /** Number of passages returned (copies of one clause count once). Defaults to `10`. */
  k?: number;
  /** Defaults to `'lexical'` here; the Library defaults to `'hybrid'` when it has an embedding model. */
  retrieval?: RetrievalMode;
  /** The query's embedding, required for `'vector'` and `'hybrid'`. */
  queryVector?: Float32Array;
  /**
   * Ranking by what passages are — level chapter, scenario, document (named standard, sector, region, kind) — on
   * top of their words. Defaults to `true`; `false` gives the plain ranking of the words.
   */
  aware?: boolean;
}

/**
 * Lexical candidates fetched from FTS5 before scoring by concepts. 300: every level's copy of a clause across the
 * MLPS standards, as PDF, DOCX and Markdown (≈ 5 levels × 7 documents), fits with room for the thesaurus's
 * expansions, and scoring 300 passages costs ~3 ms.
 */
const LEXICAL_CANDIDATES = 300;
/**
 * Vector candidates: 50. Past rank 50 a passage adds under 1/110 to an RRF score, and every extra candidate costs
 * time in quantised search (bench:search: the bit scan grows with k).
 */
const VECTOR_CANDIDATES = 50;
/**
 * Reciprocal-rank fusion constant: score = Σ 1 / (RRF_K + rank). 60 is the value of Cormack et al. (SIGIR 2009),
 * robust across collections; it lets a passage ranked well by both retrievers beat one ranked first by only one.
 */
export const RRF_K = 60;
/** Copies are looked for among this many of the best passages (answers and pages of results never reach further). */
const MERGE_WINDOW = 120;
// Two passages of one standard are one clause when they share their heading and most of their text (a PDF's
// layout breaks lines and drops running headers; its words stay), or when one holds nearly all of the other.
const SAME_CLAUSE_OVERLAP = 0.6;
const CONTAINED_OVERLAP = 0.85;
/** Direct look-ups (clause numbers, test-unit codes, control ids) rank this far above the best scored passage. */
const DIRECT_LEAD = 1.5;
/** Sub-words of a question word the library does not hold (用国密 → 国密) count this much. */
const PART_WEIGHT = EXPANSION_WEIGHT * 0.85;
/** Share of its score a passage holding none of the question's rarer content keeps (coordination factor). */
const COORDINATION_FLOOR = 0.3;
/** Most chunks a text scan returns for a word the index does not hold (its df is then capped there). */
const SCAN_LIMIT = 200;
/**
 * Libraries up to this many chunks are scanned for words the index does not hold: ~10 MB of text, a few ms. Larger
 * ones rely on the index alone (a scan of 100,000 chunks took ~100 ms per absent word in bench:search).
 */
const SCAN_MAX_CHUNKS = 30_000;
// A question word as common as jieba's ~1,500 most frequent words (rarity ≤ 8) counts 30 %; from rarity 12 (words
// such as 口令, 补丁, 杀毒) fully; linearly between.
const EVERYDAY_RARITY = 8;
const EVERYDAY_SPAN = 4;
const EVERYDAY_FLOOR = 0.3;
/** Question words this long (characters) are also looked for by their parts. */
const LONG_WORD = 4;
// A part no chunk holds still counts for something in its word's share (a part the library lacks is a rare one).
const MIN_PART_IDF = 0.1;

// A first character a question may glue onto a word (用国密, 接内网, 做备份): a light verb or preposition, never a
// negation (无人机, 不联网).
const GLUED_LEAD = /^[用接连装配开做搞弄上在对给从把让被将由向往查看管]$/u;

/**
 * The parts of a word that say it when written apart: words of two or more characters that, one after another, make
 * up the word, and how much of the word they say. A light first character glued on (用国密, 接内网) may be left out
 * freely; a last character left out (科技 of 科技部, 无人 of 无人机) takes its share of the word with it, since Chinese
 * words end with their head. Overlapping parts (无人 + 人机) are no cut. `share` 0 when no cut exists.
 */
export function tilingParts(word: string, candidates: string[]): { parts: string[]; share: number } {
  const parts = [...new Set(candidates)].filter((p) => p !== word && p.length >= 2);
  const cut = (from: number, to: number): string[] | null => {
    // best[i]: a cut of word[i..to) into parts, the fewest first (longer parts say more of the word).
    const best: (string[] | null)[] = new Array<string[] | null>(to + 1).fill(null);
    best[to] = [];
    for (let i = to - 1; i >= from; i--) {
      for (const part of parts) {
        const rest = i + part.length <= to ? best[i + part.length] : null;
        if (rest && word.startsWith(part, i) && (best[i] === null || rest.length + 1 < best[i]!.length))
          best[i] = [part, ...rest];
      }
    }
    return best[from] ?? null;
  };
  const from = GLUED_LEAD.test(word[0] ?? '') ? [0, 1] : [0];
  for (const to of [word.length, word.length - 1]) {
    for (const start of from) {
      const found = cut(start, to);
      if (found?.length) return { parts: found, share: (to - start + (start === 1 ? 1 : 0)) / word.length };
    }
  }
  return { parts: [], share: 0 };
}

/** A token quoted for FTS5, so that no query text is ever read as FTS5 syntax. */
function quote(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

// Rounded so that the last bits of floating point never make two runs' output differ.
function round(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

interface Ranked {
  chunk: StoredChunk;
  record: DocumentProfileRecord | undefined;
  score: number;
  level: number | null;
  coverage: number;
  found: string[];
  /** Whether the passage is written in Chinese (see scoreConcepts). */
  chinese: boolean;
  direct: boolean;
  copies: Ranked[];
}

/**
 * Passage search over one library: the question's concepts (its words and the thesaurus's other wordings) scored by
 * bm25 over FTS5 candidates, optionally fused with sqlite-vec KNN by reciprocal rank; then the passage's level,
 * scenario and document (named standard, sector, region, kind) weigh in; copies of one clause of one standard
 * (PDF, DOCX, Markdown) become one hit with the others listed. Holds caches (document profiles, concept
 * frequencies) that `invalidate()` drops after the library changes.
 */
export class PassageSearch {
  readonly #store: LibraryStore;
  readonly #vectors: VectorIndex | null;
  readonly #segmenter: ChineseSegmenter;
  #documents: DocumentProfileRecord[] | null = null;
  #byId: Map<number, DocumentProfileRecord> | null = null;
  #sectors: Set<string> | null = null;
  readonly #frequencies = new Map<string, number>();
  readonly #scans = new Map<string, number[]>();
  readonly #held = new Map<string, boolean>();
  #chunkCount: number | null = null;
  #dataVersion: number | null = null;
  #averageLength: number | null = null;

  constructor(store: LibraryStore, vectors: VectorIndex | null, segmenter: ChineseSegmenter) {
    this.#store = store;
    this.#vectors = vectors;
    this.#segmenter = segmenter;
  }

  /**
   * Forgets the cached statistics when another connection has written to the library since they were read. The
   * cache is one snapshot: a chunk count read while a `kb ingest` in another process had written 2 documents, beside
   * a word's frequency read after it had written 12, gave that word a negative idf and no search found it.
   */
  #forgetIfWritten(): void {
    const version = this.#store.dataVersion();
    if (version !== this.#dataVersion) {
      this.invalidate();
      this.#dataVersion = version;
    }
  }

  /** Forgets cached statistics and profiles: call after ingestion, removal or a profile edit. */
  invalidate(): void {
    this.#documents = null;
    this.#byId = null;
    this.#sectors = null;
    this.#frequencies.clear();
    this.#scans.clear();
    this.#held.clear();
    this.#chunkCount = null;
    this.#averageLength = null;
  }

  /** The library's indexed documents with their profiles (cached). */
  documents(): DocumentProfileRecord[] {
    this.#forgetIfWritten();
    this.#documents ??= this.#store.documentProfiles();
    return this.#documents;
  }

  #record(documentId: number): DocumentProfileRecord | undefined {
    this.#byId ??= new Map(this.documents().map((d) => [d.documentId, d]));
    return this.#byId.get(documentId);
  }

  #librarySectors(): Set<string> {
    this.#sectors ??= new Set(this.documents().flatMap((d) => (d.profile.sector ? [d.profile.sector] : [])));
    return this.#sectors;
  }

  /** The FTS5 expression of one wording: its words ANDed (a phrase the segmenter cuts in several). */
  #wordingExpression(text: string, latin: boolean): string | null {
    const tokens = latin
      ? (text.match(/[a-z0-9]+/g) ?? []).filter((w) => !ENGLISH_STOP_WORDS.has(w))
      : [...new Set(this.#segmenter.phraseTokens(text))].filter((t) => t.length > 1 || /[a-z0-9]/.test(t));
    if (tokens.length === 0) return null;
    return tokens.length === 1 ? quote(tokens[0]!) : `(${tokens.map(quote).join(' AND ')})`;
  }

  #conceptExpression(concept: Concept): string | null {
    const groups = [
      ...new Set(
        concept.alternatives
          .map((a) => this.#wordingExpression(a.text, a.latin))
          .filter((g): g is string => g !== null),
      ),
    ];
    return groups.length ? groups.join(' OR ') : null;
  }

  #frequency(expression: string): number {
    let df = this.#frequencies.get(expression);
    if (df === undefined) {
      df = this.#store.matchCount(expression);
      this.#frequencies.set(expression, df);
    }
    return df;
  }

  /**
   * Whether the library's text holds a wording anywhere (lowercase compare), cached: "not in the library" is said only
   * of what the text lacks, not of what the index happened to cut otherwise.
   */
  holds(text: string): boolean {
    let held = this.#held.get(text);
    if (held === undefined) {
      held = (this.#scans.get(`scan:${text}`)?.length ?? 0) > 0 || this.#store.textContains(text);
      this.#held.set(text, held);
    }
    return held;
  }

  /** Whether any chunk holds the word (one index token), cached. */
  hasWord(word: string): boolean {
    this.#forgetIfWritten();
    return this.#frequency(quote(word)) > 0;
  }

  /** The idf of a word exactly one chunk holds: the weight of a word the question has and the library lacks. */
  singletonIdf(): number {
    return this.#idf(1);
  }

  #idf(df: number): number {
    this.#chunkCount ??= this.#store.chunkCount();
    // df never above the count it is divided against, whatever was cached when.
    return df === 0 ? 0 : Math.log(1 + (Math.max(this.#chunkCount, df) - df + 0.5) / (df + 0.5));
  }

  /**
   * Each concept with its document frequency and idf. A question word no chunk holds (jieba glued it: 用国密,
   * 接内网) is looked for by its parts instead.
   */
  weigh(analysis: QuestionAnalysis): WeighedConcept[] {
    this.#forgetIfWritten();
    return analysis.concepts.map((concept) => {
      // A compound is scored through its words; it only speaks when the library lacks it whole (see Concept.compound).
      if (concept.compound) return { concept, df: 0, idf: 0, everyday: 1 };
      const expression = this.#conceptExpression(concept);
      let df = expression ? this.#frequency(expression) : 0;
      let weighed = concept;
      // A long question word (业务范围) is also looked for by its parts (业务, 范围), which documents may word apart
      // (业务信息和系统服务范围); a word no chunk holds (用国密, 接内网) only by them.
      const long = concept.label.length >= LONG_WORD;
      if (
        (df === 0 || long) &&
        concept.origin === 'question' &&
        concept.label.length >= 3 &&
        !concept.alternatives[0]!.latin
      ) {
        const { parts, share } = tilingParts(concept.label, this.#segmenter.searchParts(concept.label));
        if (parts.length) {
          // Each part counts by its rarity: of 卫星通信, 通信 alone (everywhere in the standards) is little of it.
          const partIdf = parts.map((text) => {
            const expression = this.#wordingExpression(text, false);
            return Math.max(this.#idf(expression ? this.#frequency(expression) : 0), MIN_PART_IDF);
          });
          const total = partIdf.reduce((sum, idf) => sum + idf, 0);
          weighed = {
            ...concept,
            alternatives: [
              ...concept.alternatives,
              ...parts.map((text, i) => ({
                text,
                weight: PART_WEIGHT,
                latin: false,
                part: (share * partIdf[i]!) / total,
              })),
            ],
          };
          const partsExpression = this.#conceptExpression(weighed);
          df = partsExpression ? this.#frequency(partsExpression) : 0;
        }
      }
      // The index cut the documents' words otherwise than the question's (津蓟铁路 → 津/蓟铁路): the text decides —
      // where a scan of it is cheap (it reads every chunk's text).
      this.#chunkCount ??= this.#store.chunkCount();
      if (df === 0 && !weighed.alternatives[0]!.latin && this.#chunkCount <= SCAN_MAX_CHUNKS) {
        const scanned = this.#scanned(weighed);
        if (scanned.length) df = scanned.length;
      }
      const everyday = this.#everyday(weighed);
      return { concept: weighed, df, idf: this.#idf(df) * everyday * (concept.given ? GIVEN_WEIGHT : 1), everyday };
    });
  }

  /**
   * How much a question's own word counts for how common it is in general Chinese: an everyday word (交给, 公司,
   * 合同, 太阳) rare in standards would otherwise weigh as much as their own rare terms (口令, 恶意代码). Words the
   * thesaurus knows, names and Latin words count fully.
   */
  #everyday(concept: Concept): number {
    if (concept.origin !== 'question' || concept.alternatives[0]!.latin) return 1;
    const rarity = this.#segmenter.generalRarity(concept.label);
    return Math.min(1, Math.max(EVERYDAY_FLOOR, (rarity - EVERYDAY_RARITY) / EVERYDAY_SPAN));
  }

  /** Chunks holding a concept's own wording by a text scan (cached), for words the index does not hold as tokens. */
  #scanned(concept: Concept): number[] {
    const key = `scan:${concept.label}`;
    let ids = this.#scans.get(key);
    if (!ids) {
      ids = this.#store.chunksContaining(concept.label, SCAN_LIMIT);
      this.#scans.set(key, ids);
    }
    return ids;
  }

  #directLookups(analysis: QuestionAnalysis): Set<number> {
    const ids = new Set<number>();
    // "GB/T 22239 8.1.4.1": the clause of the named standard, not JR/T's clause of the same number.
    const named = new Set(analysis.standards.flatMap((s) => s.documentIds));
    const look = (expression: string, test: RegExp): void => {
      for (const chunk of this.#store.chunks(this.#store.chunksMatching(expression, 2000))) {
        if (!test.test(chunk.headingPath.at(-1) ?? '')) continue;
        if (named.size && !named.has(chunk.documentId)) continue;
        ids.add(chunk.chunkId);
      }
    };
    for (const clause of analysis.clauses)
      look(`heading : ${quote(clause)}`, new RegExp(`^${clause.replace(/\./g, '\\.')}(?![.\\d])`, 'i'));
    for (const unit of analysis.testUnits)
      look(`heading : ${quote(unit.replace(/-/g, ' '))}`, new RegExp(unit.replace(/-/g, '\\s*-\\s*'), 'i'));
    for (const control of analysis.controls) {
      const [, family, number, enhancement] = /^([a-z]{2})-(\d+)(?:\((\d+)\))?$/.exec(control)!;
      const pattern = new RegExp(`^${family}-${number}${enhancement ? `\\s*\\(${enhancement}\\)` : '(?![\\d(])'}`, 'i');
      look(`heading : ${quote(`${family} ${number}${enhancement ? ` ${enhancement}` : ''}`)}`, pattern);
    }
    return ids;
  }

  /** Ranked passages for an analysed question. */
  search(analysis: QuestionAnalysis, options: PassageSearchOptions = {}): SearchHit[] {
    this.#forgetIfWritten();
    const k = options.k ?? 10;
    const aware = options.aware !== false;
    const retrieval = options.retrieval ?? 'lexical';
    const concepts = this.weigh(analysis);
    const present = concepts.filter((c) => c.idf > 0);

    const candidates = new Set<number>();
    if (retrieval !== 'vector') {
      const expressions = [
        ...new Set(present.map((c) => this.#conceptExpression(c.concept)).filter((e): e is string => e !== null)),
      ];
      if (expressions.length)
        for (const c of this.#store.lexicalCandidates(expressions.join(' OR '), LEXICAL_CANDIDATES))
          candidates.add(c.chunkId);
    }
    let nearest: { chunkId: number; distance: number }[] = [];
    if (retrieval !== 'lexical') {
      if (!this.#vectors || !options.queryVector)
        throw new Error(`${retrieval} retrieval needs an embedding model and a query vector`);
      nearest = this.#vectors.nearest(options.queryVector, Math.max(k, VECTOR_CANDIDATES));
      for (const n of nearest) candidates.add(n.chunkId);
    }
    for (const c of present)
      if (this.#scans.has(`scan:${c.concept.label}`))
        for (const id of this.#scans.get(`scan:${c.concept.label}`)!) candidates.add(id);
    const direct = this.#directLookups(analysis);
    for (const id of direct) candidates.add(id);

    const withWords = present.some((c) => c.concept.alternatives.some((a) => a.latin));
    const averageLength = (this.#averageLength ??= this.#store.averageChunkLength());
    const scored: Ranked[] = [];
    // In id order: the set's order depends on which retriever found a chunk first.
    for (const chunk of this.#store.chunks([...candidates]).sort((a, b) => a.chunkId - b.chunkId)) {
      const chunkId = chunk.chunkId;
      const prepared = prepareText(chunk.headingPath, chunk.text, withWords);
      const words = scoreConcepts(present, prepared, averageLength);
      scored.push({
        chunk,
        record: this.#record(chunk.documentId),
        score: words.score,
        level: headingLevel(chunk.headingPath),
        coverage: direct.has(chunkId) ? 1 : Math.round(words.coverage * 1000) / 1000,
        found: words.found,
        chinese: prepared.chinese,
        direct: direct.has(chunkId),
        copies: [],
      });
    }

    // Base scores from the chosen retriever(s).
    const base = new Map<Ranked, number>();
    if (retrieval === 'lexical') for (const r of scored) base.set(r, r.score);
    else {
      const byId = new Map(scored.map((r) => [r.chunk.chunkId, r]));
      if (retrieval === 'vector') for (const n of nearest) base.set(byId.get(n.chunkId)!, 1 - n.distance);
      else {
        const lexicalOrder = scored
          .filter((r) => r.score > 0)
          .sort((a, b) => b.score - a.score || a.chunk.chunkId - b.chunk.chunkId);
        lexicalOrder.forEach((r, rank) => base.set(r, (base.get(r) ?? 0) + 1 / (RRF_K + rank + 1)));
        nearest.forEach((n, rank) => {
          const r = byId.get(n.chunkId);
          if (r) base.set(r, (base.get(r) ?? 0) + 1 / (RRF_K + rank + 1));
        });
      }
    }
    const librarySectors = this.#librarySectors();
    const ranked: Ranked[] = [];
    for (const r of scored) {
      const b = base.get(r);
      if (b === undefined || (b <= 0 && !r.direct)) continue;
      // Lucene's coordination factor, by rarity: a passage holding more of what the question is about beats one
      // repeating one of its words.
      let factor = r.direct ? 1 : COORDINATION_FLOOR + (1 - COORDINATION_FLOOR) * r.coverage;
      if (aware) {
        factor *=
          levelFactor(analysis, r.level) *
          scenarioFactor(analysis, passageScenario(r.chunk.headingPath)) *
          answerTypeFactor(analysis, r.chunk.text);
        factor *=
          frontMatterFactor(r.chunk.headingPath, Boolean(r.record?.profile.standard), r.record?.type !== 'csv') *
          definitionFactor(analysis, r.chunk.headingPath);
        if (r.record) factor *= documentFactor(analysis, r.record.documentId, r.record.profile, librarySectors);
        // A named document is asked for whatever its language (the Cybersecurity Law from an English question).
        if (!analysis.standards.some((s) => s.documentIds.includes(r.chunk.documentId)))
          factor *= languageFactor(analysis, r.chinese ? 'zh' : 'en');
      }
      ranked.push({ ...r, score: round(b * factor) });
    }
    const best = ranked.reduce((max, r) => Math.max(max, r.score), 0);
    for (const r of ranked) if (r.direct) r.score = round(Math.max(r.score, best * DIRECT_LEAD));
    // Ties by document path and position, not chunk id: ids depend on the order files were indexed, and two libraries
    // of the same documents must give the same answer.
    ranked.sort(
      (a, b) =>
        b.score - a.score ||
        (a.chunk.documentPath < b.chunk.documentPath ? -1 : a.chunk.documentPath > b.chunk.documentPath ? 1 : 0) ||
        a.chunk.ord - b.chunk.ord,
    );
    const merged = mergeCopies(ranked.slice(0, MERGE_WINDOW)).concat(ranked.slice(MERGE_WINDOW));

    if (aware && analysis.comparison) {
      // Both sides of the comparison first: the best passage of each named level, in the order the question names them.
      const leaders = analysis.levels
        .map((level) => merged.find((entry) => entry.level === level))
        .filter((entry): entry is Ranked => !!entry);
      merged.splice(0, merged.length, ...leaders, ...merged.filter((entry) => !leaders.includes(entry)));
    }
    return merged.slice(0, k).map(toHit);
  }
}

function normalizedHeading(headingPath: string[]): string {
  return (headingPath.at(-1) ?? '').replace(/[\s\p{P}]+/gu, '');
}

/** The identity under which copies are one: the standard's number, or for other documents their title. */
function identityOf(r: Ranked): string | null {
  const profile = r.record?.profile;
  if (!profile) return null;
  if (profile.standard) return `s:${profile.standard}`;
  return profile.title ? `t:${profile.title}` : null;
}

/**
 * One clause of one standard, once: passages of the same standard with the same heading and most of their text,
 * or one holding nearly all of the other, are copies (the PDF, DOCX and Markdown of GB/T 22239). The copy with page
 * numbers represents them (a citation then has its page and the PDF view); the group keeps its best score.
 */
function mergeCopies(ranked: Ranked[]): Ranked[] {
  const out: Ranked[] = [];
  for (const r of ranked) {
    const identity = identityOf(r);
    const heading = normalizedHeading(r.chunk.headingPath);
    const group = identity
      ? out.find((g) => {
          if (identityOf(g) !== identity || g.chunk.documentId === r.chunk.documentId) return false;
          if (g.copies.some((c) => c.chunk.documentId === r.chunk.documentId)) return false;
          const sameHeading = normalizedHeading(g.chunk.headingPath) === heading;
          // Text is compared only where it can be a copy: the same heading, or a format without headings (a CSV
          // export of a catalogue beside its Markdown), which must then hold nearly all of the other.
          if (sameHeading)
            return (
              Math.min(evidenceCoverage(r.chunk.text, g.chunk.text), evidenceCoverage(g.chunk.text, r.chunk.text)) >=
              SAME_CLAUSE_OVERLAP
            );
          if (r.chunk.headingPath.length > 0 && g.chunk.headingPath.length > 0) return false;
          const shorter = r.chunk.text.length <= g.chunk.text.length ? r.chunk.text : g.chunk.text;
          const longer = shorter === r.chunk.text ? g.chunk.text : r.chunk.text;
          return evidenceCoverage(shorter, longer) >= CONTAINED_OVERLAP;
        })
      : undefined;
    if (!group) {
      out.push({ ...r, copies: [] });
      continue;
    }
    // The paged copy (PDF) stands for the group; the group keeps the best score and every copy.
    if (r.record?.paged && !group.record?.paged) {
      const index = out.indexOf(group);
      const { copies, ...previous } = group;
      out[index] = {
        ...r,
        score: group.score,
        coverage: Math.max(group.coverage, r.coverage),
        copies: [...copies, { ...previous, copies: [] }],
      };
    } else {
      group.copies.push(r);
    }
  }
  return out;
}

function copyOf(r: Ranked): PassageCopy {
  const c = r.chunk;
  return {
    chunkId: c.chunkId,
    documentId: c.documentId,
    documentPath: c.documentPath,
    documentTitle: c.documentTitle,
    pageStart: c.pageStart,
    pageEnd: c.pageEnd,
    charStart: c.charStart,
    charEnd: c.charEnd,
  };
}

function toHit(r: Ranked): SearchHit {
  const c = r.chunk;
  return {
    chunkId: c.chunkId,
    documentId: c.documentId,
    documentPath: c.documentPath,
    documentTitle: c.documentTitle,
    headingPath: c.headingPath,
    pageStart: c.pageStart,
    pageEnd: c.pageEnd,
    charStart: c.charStart,
    charEnd: c.charEnd,
    text: c.text,
    score: r.score,
    matchedTerms: [...new Set(r.found)],
    standard: r.record?.profile.standard ?? null,
    documentKind: r.record?.profile.kind ?? 'other',
    level: r.level,
    coverage: r.coverage,
    reference: r.direct,
    alsoIn: r.copies.map(copyOf).sort((a, b) => (a.documentPath < b.documentPath ? -1 : 1)),
  };
}
