import type { DocumentKind } from '../../../shared/types.ts';
import { REGIONS } from '../documents/detectDocumentProfile.ts';
import { foldForIndex, type ChineseSegmenter } from '../search/ChineseSegmenter.ts';
import type { DocumentProfileRecord } from '../store/LibraryStore.ts';
import {
  CHINESE_QUESTION_WORDS,
  ENGLISH_STOP_WORDS,
  FUNCTION_CHARACTERS,
  FUNCTION_TAGS,
  stemEnglish,
} from './questionWords.ts';
import { findNamedStandards, questionIntents, questionSectors, type NamedStandard } from './standardReferences.ts';
import type { Thesaurus } from './Thesaurus.ts';

/** How much an expansion (another way of saying a question's word) counts against the word itself. */
export const EXPANSION_WEIGHT = 0.7;
/** How much a concept the question says it already has (除了 X 还…) counts against the others. */
export const GIVEN_WEIGHT = 0.4;

/** One way a concept may be worded in a passage. */
export interface ConceptAlternative {
  /** Folded (see foldForIndex): Chinese or mixed text is looked for as a substring, Latin words by their stems. */
  text: string;
  /** 1 for the question's own words, EXPANSION_WEIGHT for the thesaurus's. */
  weight: number;
  /** True when the text is Latin words only: matched word by word, stemmed. */
  latin: boolean;
  /**
   * For a part of a long question word looked for by its parts (卫星 and 通信 of 卫星通信): its share of the word
   * (by idf). A passage holding only some parts holds that share of the word, not all of it.
   */
  part?: number;
}

/** Something the question is about, with the ways it may be worded. */
export interface Concept {
  /** As the question says it (folded). */
  label: string;
  alternatives: ConceptAlternative[];
  /** Where it came from: the question's own word, or a phrase the thesaurus knows. */
  origin: 'question' | 'thesaurus';
  /** Thesaurus families that expanded it. */
  families: string[];
  /** Whether the question asks for it (next to 多少/怎么/哪些/多久…): when it is nowhere in the library, nothing answers. */
  focus: boolean;
  /**
   * Whether it names something specific — a person, place, organisation, product or acronym, a word no dictionary
   * knows (广三铁路, PCI, 区块链) — rather than an everyday word (楼顶, 马路): such a word missing from the library
   * means the library is not about the question.
   */
  specific: boolean;
  /** Whether jieba's dictionary knows it as a name: a person, a place, an organisation (赵鹏, 莱索托, 网信办). */
  name?: true;
  /**
   * A noun phrase the question writes as one (数字人民币 from 数字 + 人民币): never scored (its words are), but when
   * the library's text lacks it as a whole, the question asks about something the library does not hold.
   */
  compound?: true;
  /**
   * Whether the question says it already has it ("除了看机柜接地还查啥", "besides encryption, what…"): the passage
   * that holds the rest answers it, so it weighs less (GIVEN_WEIGHT).
   */
  given?: true;
  /** [start, end) in the folded question. */
  start: number;
  end: number;
}

/** What kind of fact the question asks for, when a passage holding one is more likely the answer. */
export type AnswerType = 'duration' | 'distance' | 'number';

/** The question, understood once; search, the evidence gate, the explanation and the audit record all read this. */
export interface QuestionAnalysis {
  question: string;
  /** The question folded for matching (full-width → ASCII, lowercase). */
  folded: string;
  /** 'zh' when the question holds Chinese, else 'en'. */
  language: 'zh' | 'en';
  /**
   * The language of the documents the question is about: its own, except an English question about China
   * ("China's Cybersecurity Law", MLPS) is about Chinese documents, and a Chinese one about NIST about English ones.
   */
  documentLanguage: 'zh' | 'en';
  /** Protection levels named, in order ("四级…比三级" → [4, 3]). */
  levels: number[];
  /** Two or more levels named: a comparison. */
  comparison: boolean;
  /** Extension scenarios named (cloud, mobile, iot, industrial, bigdata). */
  scenarios: string[];
  /** Library documents the question names (by number or by the name auditors use). */
  standards: NamedStandard[];
  /** Standards or frameworks the question names that the library does not hold ("pci dss", "iso 27001"). */
  absentStandards: string[];
  /** Sectors named (securities, finance, …), most specific first. */
  sectors: string[];
  /** Regions named (上海, 北京, …). */
  regions: string[];
  /** Kinds of document the question asks of (empty: a requirement question). */
  intents: DocumentKind[];
  /** Clause numbers named (8.1.4.1). */
  clauses: string[];
  /** Test-unit codes named (l3-ces1-04). */
  testUnits: string[];
  /** NIST control ids named (ac-7, au-11(1)). */
  controls: string[];
  /** Titles in 《》 (forms, documents): named things the answer must know. */
  bookTitles: string[];
  answerType: AnswerType | null;
  /** Whether it asks what something is or means (是什么, 指什么, 定义, what is): then definitions answer it. */
  asksDefinition: boolean;
  /** What the question is about: its content words and known phrases, each with its alternatives. */
  concepts: Concept[];
  /** The thesaurus in force (recorded with the answer). */
  thesaurusVersion: string;
}

export interface AnalysisContext {
  thesaurus: Thesaurus;
  segmenter: ChineseSegmenter;
  /** The library's documents (profiles), to resolve the standards a question names. */
  documents: DocumentProfileRecord[];
  /** Whether the library's index holds a word (to tell real words from the segmenter's accidents). Defaults to yes. */
  libraryHasWord?: (word: string) => boolean;
}

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 };
// 三级 / 第三级 / 3级 / 等保三级 / level 3 / l3; not 一级指标 ("first-level indicator") or 上级 ("superior").
const LEVEL_MENTION =
  /(?:第\s*)?([一二三四五1-5])\s*级(?!指标|目录|标题|部门|单位|人员|领导|子)|\blevel\s*([1-5])\b|(?<![a-z0-9-])l([1-5])(?![a-z0-9-])/g;

const SCENARIO_WORDS: { name: string; pattern: RegExp }[] = [
  { name: 'cloud', pattern: /云|cloud/ },
  { name: 'mobile', pattern: /移动互联|移动终端|移动应用|无线|app\b|手机|mobile|wireless/ },
  { name: 'iot', pattern: /物联网|感知节点|感知层|传感器|iot\b|internet of things/ },
  { name: 'industrial', pattern: /工业控制|工控|控制系统|scada|plc|dcs|ics\b|industrial/ },
  { name: 'bigdata', pattern: /大数据|数据平台|big data/ },
];

// 8.1.4.1 (at least two dots, or one dot after 条款/第/clause); never a version (等保2.0, v1.2).
const CLAUSE_REFERENCE = /(?<![\d.a-z])(\d{1,2}(?:\.\d{1,3}){2,5}|[a-h]\.\d{1,2}(?:\.\d{1,3}){0,4})(?![\d.])/g;
const TEST_UNIT = /\bl([1-5])-([a-z]{3}\d)-(\d{2})\b/g;
// A dotted quad with a part over 30 is an IPv4 address (an audit log's, an asset list's), never a clause: no
// standard here numbers a clause part above 30. It is content, as written, and matched as a substring (not as
// English words, which start with a letter).
const IPV4_ADDRESS = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])/g;
function isIpv4Address(text: string): boolean {
  const parts = text.split('.').map(Number);
  return parts.every((part) => part <= 255) && parts.some((part) => part > 30);
}
const NIST_CONTROL =
  /\b(ac|at|au|ca|cm|cp|ia|ir|ma|mp|pe|pl|pm|ps|pt|ra|sa|sc|si|sr)-(\d{1,2})(?:\s*\((\d{1,2})\))?(?![\d])/g;
const BOOK_TITLE = /《([^》]{2,40})》/g;
// An English question about China's rules, a Chinese one about American (or other foreign) ones.
const CHINA_WORDS =
  /\b(?:china|chinese|prc|mlps|djcp|dengbao|beijing|shanghai|gb\/t|jr\/t|mps)\b|cybersecurity law|classified protection|multi-level protection/;
const FOREIGN_WORDS = /nist|800-53|美国|fedramp|fisma/;
const QUOTED = /[“"「『]([^”"」』]{2,20})[”"」』]/g;

const ANSWER_TYPES: { type: AnswerType; pattern: RegExp }[] = [
  {
    type: 'duration',
    pattern:
      /多久|多长时间|多长|几天|几年|几个月|多少天|多少年|多少个月|频率|周期|每隔|期限|时限|保存期|留存期|how long|how often|retention period|how frequently/,
  },
  { type: 'distance', pattern: /多远|多少米|多少公里|距离|how far/ },
  { type: 'number', pattern: /多少|几个|几次|几名|几人|几级|how many|what percentage/ },
];

const DEFINITION_QUESTION =
  /是什么(?!要求)|什么是|指什么|指的是|定义|含义|意思|什么意思|\bwhat (?:is|are|does .* mean)\b|\bdefin|\bmeaning\b/;

// Words next to which a concept is what the question asks for. 几 only as a question (几年, 几次), not in 好几家.
const INTERROGATIVE =
  /多少|(?<![好十这那])几(?=[个次年天级名人种项条步分月周]|$)|怎么|怎样|如何|哪些|哪个|哪种|什么|多久|多长|多远|啥|how|what|which/g;
// "好几年", "几台", "几百万": amounts, not content.
const AMOUNT_WORD = /^(?:好)?几[\p{Script=Han}]{0,2}$|^[\p{Script=Han}]{0,2}[百千万亿]+$/u;
// Question words jieba glues to what follows (哪几个, 哪些地方, 什么样): the whole is a question word.
const QUESTION_COMPOUND = /^(?:哪|多少|怎么|怎样|什么|为什么|是否|有没有)/;

function mark(blocked: boolean[], start: number, end: number): void {
  for (let i = start; i < end; i++) blocked[i] = true;
}

/** Runs of the question not taken by other readings, with their offsets. */
function freeRuns(folded: string, blocked: boolean[]): { text: string; start: number }[] {
  const runs: { text: string; start: number }[] = [];
  let start = -1;
  for (let i = 0; i <= folded.length; i++) {
    const free = i < folded.length && !blocked[i];
    if (free && start === -1) start = i;
    if (!free && start !== -1) {
      runs.push({ text: folded.slice(start, i), start });
      start = -1;
    }
  }
  return runs;
}

/**
 * Reads a question once: its language, levels, scenarios, the documents, sectors and regions it names, clause
 * numbers and codes, the kind of fact it asks for, and its content — the words and known phrases an answer must
 * hold, each with the thesaurus's other ways of saying it. Question and filler words are left out.
 */
export function analyzeQuestion(question: string, context: AnalysisContext): QuestionAnalysis {
  const folded = foldForIndex(question);
  const blocked: boolean[] = new Array<boolean>(folded.length).fill(false);

  const levels: number[] = [];
  for (const match of folded.matchAll(LEVEL_MENTION)) {
    const value = NUMERALS[match[1] ?? match[2] ?? match[3] ?? ''];
    if (value && !levels.includes(value)) levels.push(value);
    mark(blocked, match.index, match.index + match[0].length);
  }

  const testUnits: string[] = [];
  for (const match of folded.matchAll(TEST_UNIT)) {
    testUnits.push(match[0]);
    mark(blocked, match.index, match.index + match[0].length);
  }
  const controls: string[] = [];
  for (const match of folded.matchAll(NIST_CONTROL)) {
    controls.push(match[3] ? `${match[1]}-${match[2]}(${match[3]})` : `${match[1]}-${match[2]}`);
    mark(blocked, match.index, match.index + match[0].length);
  }
  const addresses: Concept[] = [];
  for (const match of folded.matchAll(IPV4_ADDRESS)) {
    if (!isIpv4Address(match[1]!)) continue;
    const end = match.index + match[0].length;
    addresses.push({
      label: match[1]!,
      alternatives: [{ text: match[1]!, weight: 1, latin: false }],
      origin: 'question',
      families: [],
      focus: false,
      specific: true,
      start: match.index,
      end,
    });
    mark(blocked, match.index, end);
  }
  const clauses: string[] = [];
  for (const match of folded.matchAll(CLAUSE_REFERENCE)) {
    if (blocked[match.index]) continue;
    clauses.push(match[1]!);
    mark(blocked, match.index, match.index + match[0].length);
  }
  const bookTitles = [...folded.matchAll(BOOK_TITLE)].map((match) => match[1]!);

  const language = /\p{Script=Han}/u.test(question) ? 'zh' : 'en';
  const { named, absent } = findNamedStandards(folded, context.documents);
  for (const standard of named) mark(blocked, standard.start, standard.end);
  // A framework the library lacks is content too: "PCI 要求…" is about PCI.
  const { sectors, spans: sectorSpans } = questionSectors(folded);
  for (const span of sectorSpans) mark(blocked, span.start, span.end);
  const regions: string[] = [];
  for (const region of REGIONS) {
    for (let at = folded.indexOf(region); at !== -1; at = folded.indexOf(region, at + region.length)) {
      if (!regions.includes(region)) regions.push(region);
      const suffix = /^(?:市|省|自治区)/.exec(folded.slice(at + region.length))?.[0] ?? '';
      mark(blocked, at, at + region.length + suffix.length);
    }
  }
  for (const match of folded.matchAll(/[在来赴进]([沪京])/g)) {
    const region = match[1] === '沪' ? '上海' : '北京';
    if (!regions.includes(region)) regions.push(region);
    mark(blocked, match.index, match.index + match[0].length);
  }

  const concepts: Concept[] = [...addresses];
  // A term the question quotes ("部分符合", “不适用”) is meant as written: one concept, unless the thesaurus knows it.
  for (const match of folded.matchAll(QUOTED)) {
    const phrase = match[1]!.trim();
    const start = match.index + match[0].indexOf(phrase);
    const end = start + phrase.length;
    if (blocked.slice(start, end).some(Boolean) || CHINESE_QUESTION_WORDS.has(phrase)) continue;
    // The thesaurus's reading of what is inside ("用国密" → 国密) is the better one.
    if (context.thesaurus.match(phrase).length > 0) continue;
    concepts.push({
      label: phrase,
      alternatives: [{ text: phrase, weight: 1, latin: isLatin(phrase) }],
      origin: 'question',
      families: [],
      focus: false,
      specific: true,
      start,
      end,
    });
    mark(blocked, start, end);
  }
  for (const match of context.thesaurus.match(folded, blocked, wordCutter(folded, context))) {
    // Words that frame every question (等保, 标准) stay out of its content even when the thesaurus knows them.
    if (CHINESE_QUESTION_WORDS.has(match.phrase) || ENGLISH_STOP_WORDS.has(match.phrase)) {
      mark(blocked, match.start, match.end);
      continue;
    }
    concepts.push({
      label: match.phrase,
      alternatives: [
        { text: match.phrase, weight: 1, latin: isLatin(match.phrase) },
        ...match.expansions.map((text) => ({ text, weight: EXPANSION_WEIGHT, latin: isLatin(text) })),
      ],
      origin: 'thesaurus',
      families: match.families,
      focus: false,
      specific: false,
      start: match.start,
      end: match.end,
    });
    mark(blocked, match.start, match.end);
  }

  for (const run of freeRuns(folded, blocked)) {
    for (const word of contentWords(run.text, context.segmenter, context.libraryHasWord ?? (() => true))) {
      const start = run.start + word.offset;
      concepts.push({
        label: word.text,
        alternatives: [
          { text: word.text, weight: 1, latin: word.latin },
          ...(word.base ? [{ text: word.base, weight: EXPANSION_WEIGHT, latin: false }] : []),
        ],
        origin: 'question',
        families: [],
        focus: false,
        specific: word.specific,
        ...(word.name ? { name: true as const } : {}),
        start,
        end: start + word.text.length,
      });
    }
  }
  concepts.sort((a, b) => a.start - b.start);
  // One concept per wording: a word the question repeats, or says once as a known phrase and once alone.
  const unique = concepts.filter((concept, index) => concepts.findIndex((c) => c.label === concept.label) === index);
  concepts.splice(0, concepts.length, ...unique);
  markFocus(folded, concepts);
  for (const compound of compounds(folded, concepts)) {
    if (concepts.some((c) => c.label === compound.label)) continue;
    compound.focus = concepts.some((c) => c.focus && c.start >= compound.start && c.end <= compound.end);
    concepts.push(compound);
  }
  markGiven(folded, concepts);

  return {
    question,
    folded,
    language,
    documentLanguage:
      language === 'en' ? (CHINA_WORDS.test(folded) ? 'zh' : 'en') : FOREIGN_WORDS.test(folded) ? 'en' : 'zh',
    levels,
    comparison: levels.length >= 2,
    scenarios: SCENARIO_WORDS.filter((s) => s.pattern.test(folded)).map((s) => s.name),
    standards: named,
    absentStandards: absent,
    sectors,
    regions,
    intents: questionIntents(folded),
    clauses,
    testUnits,
    controls,
    bookTitles,
    answerType: ANSWER_TYPES.find((a) => a.pattern.test(folded))?.type ?? null,
    asksDefinition: DEFINITION_QUESTION.test(folded),
    concepts,
    thesaurusVersion: context.thesaurus.version,
  };
}

/**
 * Whether a phrase at [start, end) would cut one of the question's words: a word jieba reads across its start or
 * its end that the library itself uses (数据库 in 核心数据库; not jieba's 办报 in 等保办报备, which no document has).
 */
function wordCutter(folded: string, context: AnalysisContext): (start: number, end: number) => boolean {
  const words: { start: number; end: number; word: string }[] = [];
  let offset = 0;
  for (const { word } of context.segmenter.tagWords(folded)) {
    const at = folded.indexOf(word, offset);
    if (at === -1) continue;
    words.push({ start: at, end: at + word.length, word });
    offset = at + word.length;
  }
  const holds = context.libraryHasWord ?? ((): boolean => true);
  return (start, end) =>
    words.some(
      (w) =>
        w.word.length >= 2 && ((w.start < start && w.end > start) || (w.start < end && w.end > end)) && holds(w.word),
    );
}

function isLatin(text: string): boolean {
  return /^[a-z0-9 .\-/'()&+]+$/.test(text) && /[a-z]/.test(text);
}

/**
 * jieba's words of a question: its guesses at words its dictionary lacks are kept when the library's own text has
 * them (names, product names: the index was cut by the same guesses), else the dictionary's cut is taken (还查 →
 * 还, 查; 证才 → 证, 才).
 */
function questionWords(
  text: string,
  segmenter: ChineseSegmenter,
  libraryHasWord: (word: string) => boolean,
): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  for (const tagged of segmenter.tagWords(text, true)) {
    const guessed = tagged.tag === 'x' && tagged.word.length >= 2 && /\p{Script=Han}/u.test(tagged.word);
    if (guessed && !libraryHasWord(tagged.word)) out.push(...segmenter.tagWords(tagged.word, false));
    else out.push(tagged);
  }
  return out;
}

interface ContentWord {
  text: string;
  offset: number;
  latin: boolean;
  /** A shorter wording to look for too, when `text` was joined from a word and a lone character (司马 + 晏). */
  base?: string;
  /** A name, an acronym or a word the dictionary does not know (see Concept.specific). */
  specific: boolean;
  /** A person, place or organisation by the dictionary (see Concept.name). */
  name?: true;
}

// jieba's tags of people and organisations. Not places (ns): regions are read apart, and the dictionary tags
// everyday words so (太阳).
const NAME_TAGS = new Set(['nr', 'nrt', 'nrfg', 'nt']);

// jieba's tags of names: people, places, organisations, other proper nouns; and Latin words.
const SPECIFIC_TAGS = new Set(['nr', 'nrt', 'nrfg', 'ns', 'nt', 'nz', 'eng', 'x']);

/**
 * The content words of a run of the question: jieba's words without function words, question words and fillers.
 * Runs of single characters it does not know are joined back into one word (代+维 → 代维, 漏+扫 → 漏扫, 内+网 →
 * 内网); a lone character joins the word beside it (区块 + 链 → 区块链, 司马 + 晏 → 司马晏), which is then also
 * looked for without it.
 */
function contentWords(
  text: string,
  segmenter: ChineseSegmenter,
  libraryHasWord: (word: string) => boolean,
): ContentWord[] {
  // First the pieces: words (or null for a function word), and lone characters.
  const pieces: (
    | { kind: 'word'; word: ContentWord }
    | { kind: 'char'; text: string; offset: number; name: boolean }
    | { kind: 'gap' }
  )[] = [];
  let offset = 0;
  for (const { word, tag } of questionWords(text, segmenter, libraryHasWord)) {
    const at = text.indexOf(word, offset);
    offset = at === -1 ? offset : at + word.length;
    const token = word.trim();
    if (token.length === 1 && /\p{Script=Han}/u.test(token) && !FUNCTION_CHARACTERS.has(token)) {
      pieces.push({ kind: 'char', text: token, offset: at, name: NAME_TAGS.has(tag) });
      continue;
    }
    const content = contentOf(token, tag);
    const latin = /^[a-z]/.test(content ?? '');
    pieces.push(
      content === null
        ? { kind: 'gap' }
        : {
            kind: 'word',
            word: {
              text: content,
              offset: at,
              latin,
              specific: latin || SPECIFIC_TAGS.has(tag),
              ...(NAME_TAGS.has(tag) ? { name: true as const } : {}),
            },
          },
    );
  }
  const words: ContentWord[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'gap') continue;
    if (piece.kind === 'word') {
      words.push(piece.word);
      continue;
    }
    let run = piece.text;
    let name = piece.name;
    const start = piece.offset;
    while (pieces[i + 1]?.kind === 'char' && (pieces[i + 1] as { offset: number }).offset === start + run.length) {
      const next = pieces[++i] as { text: string; name: boolean };
      run += next.text;
      name &&= next.name;
    }
    if (run.length >= 2) {
      // Characters the dictionary does not know as a word: a name (赵 + 鹏, each a name's character) or shorthand.
      if (!CHINESE_QUESTION_WORDS.has(run))
        words.push({
          text: run,
          offset: start,
          latin: false,
          specific: true,
          ...(name ? { name: true as const } : {}),
        });
      continue;
    }
    // A lone character: it belongs to the word before it, else to the word after it.
    const previous = words.at(-1);
    const next = pieces[i + 1]?.kind === 'word' ? (pieces[i + 1] as { word: ContentWord }).word : null;
    if (
      previous &&
      !previous.latin &&
      previous.offset + previous.text.length === start &&
      pieces[i - 1]?.kind === 'word'
    ) {
      previous.base ??= previous.text;
      previous.text += run;
      previous.specific = true;
    } else if (next && !next.latin && next.offset === start + 1) {
      next.base ??= next.text;
      next.text = run + next.text;
      next.offset = start;
      next.specific = true;
    }
  }
  // One concept per word: "资产台账…资产要不要…" is about 资产 once.
  return words.filter((word, index) => words.findIndex((w) => w.text === word.text) === index);
}

// The dictionary has a few words glued to a particle ("系统对"): the word is the part before it.
const GLUED_PARTICLE = /^(\p{Script=Han}{2,})[对的有在是和与及把被让从向]$/u;

/** A question token as content (null: a function word, a question word or filler). */
function contentOf(token: string, tag: string): string | null {
  if (!token || !/[\p{L}\p{N}]/u.test(token)) return null;
  if (/^[a-z][a-z0-9'-]*$/.test(token))
    return ENGLISH_STOP_WORDS.has(token) || ENGLISH_STOP_WORDS.has(stemEnglish(token)) || token.length < 2
      ? null
      : token;
  // One-digit numbers are amounts or levels (6个月, 三级 is read apart); longer ones name things (16号线, 2012年).
  if (/^\d+(?:\.\d+)?$/.test(token)) return token.length >= 2 ? token : null;
  // A single character is too weak to be content on its own (要, 查, 人): inside the documents it is part of other
  // words (人员), so it would match nearly everything.
  if (
    token.length === 1 ||
    FUNCTION_TAGS.has(tag) ||
    CHINESE_QUESTION_WORDS.has(token) ||
    AMOUNT_WORD.test(token) ||
    QUESTION_COMPOUND.test(token)
  )
    return null;
  const content = GLUED_PARTICLE.exec(token)?.[1] ?? token;
  return CHINESE_QUESTION_WORDS.has(content) ? null : content;
}

/** The longest noun phrase read as one from adjacent words: characters, words. */
const MAX_COMPOUND = 8;
const MAX_COMPOUND_WORDS = 4;

/** Noun phrases written without a break from two or more of the question's own words (量子 + 通信 → 量子通信). */
function compounds(folded: string, concepts: Concept[]): Concept[] {
  const out: Concept[] = [];
  const own = concepts.filter((c) => c.origin === 'question' && !c.alternatives[0]!.latin);
  for (let i = 0; i < own.length; i++) {
    let j = i;
    while (j + 1 < own.length && own[j + 1]!.start === own[j]!.end) j++;
    if (j > i) {
      const start = own[i]!.start;
      const end = own[j]!.end;
      const label = folded.slice(start, end);
      if (label.length <= MAX_COMPOUND && j - i + 1 <= MAX_COMPOUND_WORDS) {
        // Documents put 的 where questions do not (登录用户 / 登录的用户).
        const linked = own
          .slice(i, j + 1)
          .map((c) => folded.slice(c.start, c.end))
          .join('的');
        const alternatives = [
          { text: label, weight: 1, latin: false },
          { text: linked, weight: 1, latin: false },
        ];
        out.push({
          label,
          alternatives,
          origin: 'question',
          families: [],
          focus: false,
          specific: true,
          compound: true,
          start,
          end,
        });
      }
      i = j;
    }
  }
  return out;
}

// 除了 X（以外/之外），… / 除了 X 还/也… ; besides / apart from / other than X, …
const GIVEN =
  /除了([^，,。？?；;]{1,30}?)(?:以外|之外)?(?=[，,]|还|也|另外|其他|其它|别的)|\b(?:besides|apart from|other than|in addition to)\s+([^,?;]{2,60}?)(?=,|\s+(?:what|which|how|is|are|do|does|must|should)\b)/g;

/** Marks the concepts the question says it already has (see Concept.given): they are not what it asks for. */
function markGiven(folded: string, concepts: Concept[]): void {
  for (const match of folded.matchAll(GIVEN)) {
    const inner = match[1] ?? match[2]!;
    const start = match.index + match[0].indexOf(inner);
    const end = start + inner.length;
    for (const concept of concepts) {
      if (concept.start >= start && concept.end <= end) {
        concept.given = true;
        concept.focus = false;
      }
    }
  }
}

/** The most characters between two words of one noun phrase ("区块链的节点": 的). */
const PHRASE_GAP = 1;
const PHRASE_LINK = /^[的之]?$/;
/** Between what is asked and its interrogative, a few light words may stand ("权重是多少", "扣分要怎么"). */
const ASKED_GAP = 3;
const PUNCTUATION = /[，,。.；;：:、？?！!“”"'（）()\s]/;

/**
 * Marks the concepts the question asks for: the noun phrase right before or right after an interrogative
 * ("区块链节点有哪些要求" → 区块链, 节点; "怎么扣分" → 扣分; "权重是多少" → 权重), and a concept that holds one
 * ("多少分").
 */
function markFocus(folded: string, concepts: Concept[]): void {
  const linked = (left: { end: number }, right: { start: number }): boolean => {
    const gap = folded.slice(left.end, right.start);
    return gap.length <= PHRASE_GAP && PHRASE_LINK.test(gap);
  };
  const near = (left: { end: number }, right: { start: number }): boolean => {
    const gap = folded.slice(left.end, right.start);
    return gap.length <= ASKED_GAP && !PUNCTUATION.test(gap);
  };
  for (const match of folded.matchAll(INTERROGATIVE)) {
    const start = match.index;
    const end = start + match[0].length;
    for (const concept of concepts) if (concept.start <= start && concept.end >= end) concept.focus = true;
    let after = concepts.findIndex((c) => c.start >= end && near({ end }, c));
    while (after !== -1) {
      concepts[after]!.focus = true;
      const next = concepts[after + 1];
      after = next && linked(concepts[after]!, next) ? after + 1 : -1;
    }
    let before = concepts.findLastIndex((c) => c.end <= start && near(c, { start }));
    while (before !== -1) {
      concepts[before]!.focus = true;
      const previous = concepts[before - 1];
      before = previous && linked(previous, concepts[before]!) ? before - 1 : -1;
    }
  }
}
