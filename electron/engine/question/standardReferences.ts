import type { DocumentKind } from '../../../shared/types.ts';
import type { DocumentProfileRecord } from '../store/LibraryStore.ts';

// How questions name documents, and how a name is found among the library's own documents. Numbers are read from
// the library's profiles (any standard the user adds is found by its number); the aliases below are the names
// auditors use for the MLPS family instead of its numbers.

/** A name auditors use for a document, and what in a document's profile it points at. */
interface StandardAlias {
  pattern: RegExp;
  /** Matches a document whose profile.standard contains this … */
  standardIncludes?: string;
  /** … or whose title contains this. */
  titleIncludes?: string;
}

const ALIASES: StandardAlias[] = [
  { pattern: /等保\s*2\.0|等保二点零|mlps\s*2\.0|基本要求|baseline requirements?/, standardIncludes: '22239' },
  { pattern: /测评要求/, standardIncludes: '28448' },
  { pattern: /设计技术要求|设计要求/, standardIncludes: '25070' },
  { pattern: /测评过程指南|过程指南/, standardIncludes: '28449' },
  { pattern: /定级指南/, standardIncludes: '22240' },
  { pattern: /高风险判定|判定指引|高风险判例|判例/, titleIncludes: '高风险' },
  { pattern: /网络安全法|cyber\s?security law|\bcsl\b/, titleIncludes: '网络安全法' },
  { pattern: /1846|问题释疑|说明的函|clarification letter|公安部.{0,6}函/, standardIncludes: '1846' },
  { pattern: /在沪工作指引|工作指引规范手册|测评机构在沪/, titleIncludes: '在沪' },
  { pattern: /800-53b|baselines?\b.*800-53/, standardIncludes: '800-53B' },
  { pattern: /800-53(?!b)|\bnist\b/, standardIncludes: '800-53' },
];

// A standard's number in a question: "22239", "GB/T 22239", "JR/T 0071", "0060", "800-53".
const NUMBER_IN_QUESTION = /(?<![\d.])(\d{4,5}(?:\.\d)?|800-\d{2,3}[a-z]?)(?![\d])/g;

/**
 * Frameworks and standards a question may name that are not numbered like Chinese standards. When none of the
 * library's documents is one of them, the question is about something the library does not hold.
 */
const FOREIGN_FRAMEWORK =
  /\b(pci[\s-]?dss|pci|iso\s*\/?\s*(?:iec\s*)?\d{4,5}(?:-\d)?|gdpr|hipaa|soc\s*[12]|cobit|itil|tisax|cmmc|sox|fedramp|nist\s*csf|csf\s*2\.0|cis\s+controls?|owasp|ccpa)\b|等保\s*1\.0|(?:gb\/t|gb|jr\/t|ga\/t|yd\/t|db\d{2}\/t)\s*\d{4,5}(?:\.\d)?/g;

// Any other standard code: "TISEAA 001-2020", "T/ISEAA 001—2020", "DB31/T 1234-2021".
const OTHER_STANDARD_CODE =
  /\b(?:[a-z]{1,3}\/)?[a-z]{2,8}(?:\/[a-z])?\s*\d{3,5}(?:\.\d{1,2})?\s*[-—–]\s*(?:19|20)\d{2}\b/g;
// A regulation, law or standard named by its title: 《关键信息基础设施安全保护条例》.
const NAMED_REGULATION = /《([^》]{2,60}(?:法|条例|办法|规定|细则|标准|规范|指南|指引|要求|通知|意见))》/g;
// A version the question asks about: "2025年修订", "2025版", "新版（2025年…征求意见稿）".
const VERSION_YEAR = /((?:19|20)\d{2})\s*(?:年)?\s*(?:版|修订|修正|修改|新版|征求意见稿|草案)/;
// A part of a multi-part standard: "JR/T 0071 第3部分", "0071.3".
const PART = /^\s*(?:第\s*([1-9一二三四五六七八九])\s*部分|\.([1-9]))/;
const PART_NUMERALS: Record<string, string> = {
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

function normalizedTitle(text: string): string {
  return text.replace(/^中华人民共和国/, '').replace(/[\s《》]/g, '');
}

export interface NamedStandard {
  /** How the question names it ("22239", "测评要求", "网络安全法"). */
  mention: string;
  /** [start, end) of the mention in the folded question. */
  start: number;
  end: number;
  /** Library documents it points at (all copies: PDF, DOCX, Markdown). */
  documentIds: number[];
}

function documentsFor(
  documents: DocumentProfileRecord[],
  alias: { standardIncludes?: string; titleIncludes?: string },
): number[] {
  return documents
    .filter((d) => {
      const standard = (d.profile.standard ?? '').toLowerCase();
      const title = d.profile.title ?? '';
      return (
        (alias.standardIncludes && standard.includes(alias.standardIncludes.toLowerCase())) ||
        (alias.titleIncludes && title.includes(alias.titleIncludes))
      );
    })
    .map((d) => d.documentId);
}

/**
 * Documents the question names, by number or by the name auditors use, resolved against the library; and the
 * frameworks or standards it names that the library does not hold.
 */
export function findNamedStandards(
  folded: string,
  documents: DocumentProfileRecord[],
): { named: NamedStandard[]; absent: string[] } {
  const named: NamedStandard[] = [];
  const covered: [number, number][] = [];
  const add = (mention: string, start: number, documentIds: number[]): void => {
    const end = start + mention.length;
    if (covered.some(([s, e]) => start < e && end > s)) return;
    covered.push([start, end]);
    named.push({ mention, start, end, documentIds });
  };
  for (const alias of ALIASES) {
    const ids = documentsFor(documents, alias);
    if (ids.length === 0) continue;
    for (const match of folded.matchAll(new RegExp(alias.pattern.source, 'g'))) add(match[0], match.index, ids);
  }
  const absent: string[] = [];
  for (const match of folded.matchAll(NUMBER_IN_QUESTION)) {
    const prefixed = /(?:gb\/t|gbt|gb|jr\/t|jrt|ga\/t|nist\s*sp|sp)\s*$/.test(
      folded.slice(Math.max(0, match.index - 8), match.index),
    );
    // "2025" is a year unless a standard's prefix says otherwise.
    if (/^(?:19|20)\d{2}$/.test(match[1]!) && !prefixed) continue;
    let ids = documentsFor(documents, { standardIncludes: match[1]! });
    // "JR/T 0071 第3部分" is another document than the library's JR/T 0071.2.
    const part = PART.exec(folded.slice(match.index + match[0].length));
    if (ids.length && part && !match[1]!.includes('.')) {
      const wanted = `${match[1]}.${part[1] ? (PART_NUMERALS[part[1]] ?? part[1]) : part[2]}`;
      ids = documentsFor(documents, { standardIncludes: wanted });
      if (ids.length === 0) absent.push(wanted);
    }
    if (ids.length) {
      // "GB/T 22239" and "JR/T 0071" take their prefix with them.
      const prefix = /(?:gb\/t|gbt|gb|jr\/t|jrt|ga\/t|nist\s*sp|sp)\s*$/.exec(
        folded.slice(Math.max(0, match.index - 8), match.index),
      );
      const start = prefix ? match.index - prefix[0].length : match.index;
      add(folded.slice(start, match.index + match[0].length), start, ids);
    }
  }
  for (const match of folded.matchAll(FOREIGN_FRAMEWORK)) {
    const mention = match[0].trim();
    const inNamed = named.some((n) => match.index < n.end && match.index + match[0].length > n.start);
    if (inNamed) continue;
    const digits = /\d{4,5}(?:\.\d)?/.exec(mention)?.[0];
    const known = documents.some((d) => {
      const identity = `${d.profile.standard ?? ''} ${d.profile.title ?? ''} ${d.path}`.toLowerCase();
      return identity.includes(mention) || (digits !== undefined && identity.includes(digits));
    });
    if (!known) absent.push(mention);
  }
  for (const match of folded.matchAll(OTHER_STANDARD_CODE)) {
    if (named.some((n) => match.index < n.end && match.index + match[0].length > n.start)) continue;
    const digits = /\d{3,5}/.exec(match[0])![0];
    if (!documents.some((d) => (d.profile.standard ?? '').includes(digits))) absent.push(match[0].trim());
  }
  // A law or standard named by its title that is not a document of the library (it may only be mentioned in one).
  for (const match of folded.matchAll(NAMED_REGULATION)) {
    const name = normalizedTitle(match[1]!);
    const held = documents.some(
      (d) =>
        normalizedTitle(d.profile.title ?? '').includes(name) ||
        (name.includes(normalizedTitle(d.profile.title ?? '')) && (d.profile.title ?? '').length > 3),
    );
    if (!held) absent.push(`《${match[1]}》`);
  }
  // A version of a named document that the library does not hold: "22239 的 2025 年修订版".
  const version = VERSION_YEAR.exec(folded);
  if (version && named.length) {
    const year = version[1]!;
    const ids = new Set(named.flatMap((n) => n.documentIds));
    const held = documents.some(
      (d) => ids.has(d.documentId) && (d.profile.year === year || (d.profile.standard ?? '').includes(year)),
    );
    if (!held) absent.push(`${named[0]!.mention} (${year})`);
  }
  return { named, absent: [...new Set(absent)] };
}

/**
 * The kinds of document a question asks of: testing (测评时怎么查 → the test standard), the test process, design,
 * grading and filing, guidance (高风险判例, 备案), the law. Empty: a requirement question.
 */
const INTENTS: { pattern: RegExp; kinds: DocumentKind[] }[] = [
  {
    pattern:
      /测评时|测评的时候|测的时候|测评要求|测评单元|测评指标|测评实施|单元判定|核查|怎么测|怎么查|查什么|查啥|查哪些|检查什么|测评项|test(?:ing)? procedure|assessment (?:procedure|method)/,
    kinds: ['evaluation'],
  },
  {
    pattern:
      /测评过程|测评流程|测评机构|测评报告|测评记录|测评活动|现场测评|测评方案|报告编制|不适用|部分符合|风险规避|测评结论|测评准备|测评人员|被测/,
    kinds: ['evaluation-process', 'guidance'],
  },
  { pattern: /设计/, kinds: ['design'] },
  { pattern: /定级|定几级|等级变更|定的级别|重新定级|级别.{0,4}(?:定|变|升|降)|grading|classif/, kinds: ['grading'] },
  { pattern: /备案|filing|record-filing/, kinds: ['grading', 'guidance'] },
  { pattern: /高风险|判例|判定|重大风险|整改|摸底|等保办|抽审|公安|网安部门|high[- ]risk/, kinds: ['guidance'] },
  {
    pattern:
      /法律|违法|处罚|罚款|法律责任|网络安全法|治安|拘留|吊销|法条|网络运营者|关键信息基础设施|cyber\s?security law|penalt|fine[sd]?\b/,
    kinds: ['law'],
  },
];

export function questionIntents(folded: string): DocumentKind[] {
  const kinds = new Set<DocumentKind>();
  for (const intent of INTENTS) if (intent.pattern.test(folded)) for (const kind of intent.kinds) kinds.add(kind);
  return [...kinds];
}

/** Sector words of questions, by the sector code of document profiles. 券商 is the securities sector, inside finance. */
const SECTOR_WORDS: { pattern: RegExp; sectors: string[] }[] = [
  { pattern: /券商|证券|期货|基金公司|交易所|securities|brokerage|futures/g, sectors: ['securities', 'finance'] },
  {
    pattern:
      /银行|金融|保险|支付机构|信用社|农商行|城商行|人民银行|央行|银保监|bank(?:ing|s)?\b|financial|insurer|insurance/g,
    sectors: ['finance'],
  },
  { pattern: /电力|电网|电厂|发电|power grid|power plant/g, sectors: ['power'] },
  { pattern: /医院|医疗|卫健|hospital|healthcare/g, sectors: ['healthcare'] },
  { pattern: /电信|运营商网络|telecom/g, sectors: ['telecom'] },
];

export interface ScopeWord {
  text: string;
  start: number;
  end: number;
}

/** Sectors the question names (first the most specific), and where it names them. */
export function questionSectors(folded: string): { sectors: string[]; spans: ScopeWord[] } {
  const sectors: string[] = [];
  const spans: ScopeWord[] = [];
  for (const entry of SECTOR_WORDS) {
    for (const match of folded.matchAll(entry.pattern)) {
      spans.push({ text: match[0], start: match.index, end: match.index + match[0].length });
      for (const sector of entry.sectors) if (!sectors.includes(sector)) sectors.push(sector);
    }
  }
  return { sectors, spans };
}
