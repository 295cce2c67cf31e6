import { createHash } from 'node:crypto';
import { foldForIndex } from '../search/ChineseSegmenter.ts';
import builtin from './builtinThesaurus.json' with { type: 'json' };
import { englishWords } from './questionWords.ts';

/**
 * One entry: when a question holds one of `ask` (what people type: 杀毒, 堡垒机, MFA, audit log), the search also
 * looks for each of `means` (the documents' own wording: 恶意代码, 运维审计, 两种或两种以上组合的鉴别技术, 审计记录)
 * and for the other `ask` phrases. Directional: 密码 asks for 口令, 口令 does not ask for 密码 (which in the standards
 * also means cryptography).
 */
export interface ThesaurusEntry {
  /** abbreviation | colloquial | english | english-reverse | term | user */
  family: string;
  ask: string[];
  means: string[];
}

export interface ThesaurusFile {
  version: string;
  entries: ThesaurusEntry[];
}

/** A phrase of the question that the thesaurus knows, with what it stands for. */
export interface ThesaurusMatch {
  /** [start, end) in the folded question. */
  start: number;
  end: number;
  /** The phrase as it is in the (folded) question. */
  phrase: string;
  /** Families of the entries that matched. */
  families: string[];
  /** Other ways of saying it (the entries' other `ask` phrases and all their `means`), folded, without the phrase. */
  expansions: string[];
}

interface IndexedPhrase {
  /** Folded phrase (Chinese or mixed), or the stemmed words of an English phrase joined by spaces. */
  key: string;
  latin: boolean;
  entries: ThesaurusEntry[];
}

const LATIN_ONLY = /^[a-z0-9 .\-/'()&+]+$/;

/** Splits a folded question into Latin words with their character offsets (for English phrase matching). */
function latinWordSpans(folded: string): { stem: string; start: number; end: number }[] {
  const spans: { stem: string; start: number; end: number }[] = [];
  for (const match of folded.matchAll(/[a-z][a-z0-9']*/g)) {
    spans.push({ stem: englishWords(match[0])[0] ?? match[0], start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/**
 * The domain thesaurus: the built-in entries (builtinThesaurus.json, versioned) plus a library's own. Matches the
 * phrases of a question it knows, longest first and without overlaps, in well under a millisecond.
 */
export class Thesaurus {
  readonly version: string;
  readonly entryCount: number;
  readonly #chinese: IndexedPhrase[];
  /** English phrases by their first stemmed word. */
  readonly #latin = new Map<string, IndexedPhrase[]>();

  private constructor(entries: ThesaurusEntry[], version: string) {
    this.version = version;
    this.entryCount = entries.length;
    const byKey = new Map<string, IndexedPhrase>();
    for (const entry of entries) {
      for (const ask of entry.ask) {
        const folded = foldForIndex(ask).trim();
        if (!folded) continue;
        const latin = LATIN_ONLY.test(folded);
        const key = latin ? englishWords(folded).join(' ') : folded;
        if (!key) continue;
        const indexed = byKey.get(`${latin}:${key}`) ?? { key, latin, entries: [] };
        indexed.entries.push(entry);
        byKey.set(`${latin}:${key}`, indexed);
      }
    }
    this.#chinese = [...byKey.values()]
      .filter((p) => !p.latin)
      .sort((a, b) => b.key.length - a.key.length || (a.key < b.key ? -1 : 1));
    for (const phrase of byKey.values()) {
      if (!phrase.latin) continue;
      const first = phrase.key.split(' ')[0]!;
      const list = this.#latin.get(first) ?? [];
      list.push(phrase);
      this.#latin.set(first, list);
    }
    for (const list of this.#latin.values()) list.sort((a, b) => b.key.length - a.key.length);
  }

  /** The built-in thesaurus, optionally with a library's own entries (family 'user'). */
  static create(userEntries: { ask: string; means: string[] }[] = []): Thesaurus {
    const file = builtin as ThesaurusFile;
    const user = userEntries.map((e) => ({ family: 'user', ask: [e.ask], means: e.means }));
    // The audit record names the thesaurus in force: the built-in version, and a digest of the library's entries.
    const digest = user.length
      ? `+user:${user.length}:${createHash('sha256').update(JSON.stringify(user)).digest('hex').slice(0, 8)}`
      : '';
    return new Thesaurus([...file.entries, ...user], `${file.version}${digest}`);
  }

  /** The built-in entries (for tests and for `kb synonyms list --builtin`). */
  static builtinEntries(): readonly ThesaurusEntry[] {
    return (builtin as ThesaurusFile).entries;
  }

  /**
   * The known phrases of a folded question (see foldForIndex), longest first, never overlapping; `blocked` marks
   * characters already taken by other readings (levels, standard names); `cutsWord` tells whether a phrase at
   * [start, end) would cut one of the question's words in two.
   */
  match(folded: string, blocked: boolean[] = [], cutsWord?: (start: number, end: number) => boolean): ThesaurusMatch[] {
    const taken = blocked.slice();
    // A phrase must not cut a word of the question: 核心数据 is not in 核心数据库服务器.
    const aligned = (start: number, end: number): boolean => !cutsWord || !cutsWord(start, end);
    const found: { start: number; end: number; phrase: IndexedPhrase }[] = [];
    const free = (start: number, end: number): boolean => {
      for (let i = start; i < end; i++) if (taken[i]) return false;
      return true;
    };
    for (const phrase of this.#chinese) {
      let at = folded.indexOf(phrase.key);
      while (at !== -1) {
        const end = at + phrase.key.length;
        if (free(at, end) && aligned(at, end)) {
          found.push({ start: at, end, phrase });
          for (let i = at; i < end; i++) taken[i] = true;
        }
        at = folded.indexOf(phrase.key, at + 1);
      }
    }
    const words = latinWordSpans(folded);
    for (let i = 0; i < words.length; i++) {
      for (const phrase of this.#latin.get(words[i]!.stem) ?? []) {
        const parts = phrase.key.split(' ');
        if (i + parts.length > words.length) continue;
        if (!parts.every((part, j) => words[i + j]!.stem === part)) continue;
        const start = words[i]!.start;
        const end = words[i + parts.length - 1]!.end;
        if (!free(start, end)) continue;
        found.push({ start, end, phrase });
        for (let c = start; c < end; c++) taken[c] = true;
        i += parts.length - 1;
        break;
      }
    }
    found.sort((a, b) => a.start - b.start);
    return found.map(({ start, end, phrase }) => {
      const text = folded.slice(start, end);
      const expansions = new Set<string>();
      for (const entry of phrase.entries) {
        for (const other of [...entry.ask, ...entry.means]) {
          const folded = foldForIndex(other).trim();
          if (folded && folded !== text) expansions.add(folded);
        }
      }
      return {
        start,
        end,
        phrase: text,
        families: [...new Set(phrase.entries.map((e) => e.family))],
        expansions: [...expansions],
      };
    });
  }
}
