import type { DocumentKind, DocumentProfile } from '../../../shared/types.ts';
import type { QuestionAnalysis } from '../question/analyzeQuestion.ts';

// Which passage answers a question is decided first by its words (bm25 over concepts), then by what it is: the
// level's chapter it sits in, the scenario it extends, and the document it comes from. These factors multiply the
// score. A question that names nothing is a requirement question for the general standard at level 3, the level
// auditors deal with most; a named level, standard, sector, region or kind of document (testing, design, grading,
// the law) moves its passages to the front. Each factor is well under what separates a passage that holds the
// question's content from one that does not, so the words still decide between unrelated passages.

/** The level a question is answered for when it names none: 三级 is the common case in MLPS work. */
export const DEFAULT_LEVEL = 3;

// Levels named: a passage of a named level keeps its score; one from no level's chapter (definitions, guidance)
// keeps 80 %; another level's copy of the clause 60 %, which puts it below the named level's copy (copies differ in
// bm25 by far less than 40 %).
const LEVEL_MATCH = 1.0;
const LEVEL_NONE = 0.8;
const LEVEL_OTHER = 0.6;
// No level named: the level-3 copy of a clause first, the other levels' copies below it (a level-1 clause is short,
// and bm25 would put it first for that alone).
const LEVEL_NOT_DEFAULT = 0.75;
// A scenario's extension requirement (云计算安全扩展要求…) when the question names no such scenario.
const SCENARIO_UNASKED = 0.8;
// A question naming a scenario: the general requirement still applies, below the scenario's own.
const SCENARIO_GENERAL = 0.9;

// Documents named by the question keep their score; the others keep 40 % (the text of GB/T 22239 recurs in JR/T
// and in GB/T 28448, and an English question about the Cybersecurity Law shares more words with NIST's English
// than with the law's Chinese: naming a document must move it clearly ahead).
const NAMED_STANDARD_OTHER = 0.4;
// Sector: the named sector's own standard first, the general standard next (most of JR/T repeats it), then a
// parent sector's; another sector's standard well below. No sector named: sector standards below the general one.
const SECTOR_MATCH = 1.0;
const SECTOR_PARENT = 0.9;
const SECTOR_GENERAL_WHEN_NAMED = 0.85;
const SECTOR_OTHER = 0.5;
const SECTOR_UNASKED = 0.65;
// Regions: another region's rules apply there only.
const REGION_OTHER = 0.4;
const REGION_UNASKED = 0.9;

/**
 * By kind of document, for a question that asks of no particular kind (a requirement question). Test and design
 * standards restate the requirements (测评指标, 设计要求) and must not displace them; guidance, grading and the law
 * answer their own questions and lose less. A user's own documents ('other') are never held back.
 */
const KIND_FOR_REQUIREMENT_QUESTION: Record<DocumentKind, number> = {
  requirements: 1.0,
  law: 0.9,
  guidance: 0.85,
  grading: 0.85,
  'evaluation-process': 0.8,
  evaluation: 0.7,
  design: 0.7,
  other: 1.0,
};
// A question asking of some kinds (测评时怎么查 → evaluation): those first, the requirements next, the rest below.
const KIND_ASKED = 1.0;
const KIND_REQUIREMENTS_WHEN_OTHER_ASKED = 0.85;
const KIND_OTHER_WHEN_ASKED = 0.7;
const KIND_USER_DOCUMENT_WHEN_ASKED = 0.9;

/** Share kept by a passage for the level it belongs to (its chapter's 第X级), given the question's levels. */
export function levelFactor(analysis: QuestionAnalysis, passageLevel: number | null): number {
  if (analysis.levels.length === 0)
    return passageLevel === null || passageLevel === DEFAULT_LEVEL ? 1 : LEVEL_NOT_DEFAULT;
  if (passageLevel === null) return LEVEL_NONE;
  return analysis.levels.includes(passageLevel) ? LEVEL_MATCH : LEVEL_OTHER;
}

const SCENARIO_HEADINGS: { name: string; heading: RegExp }[] = [
  { name: 'cloud', heading: /云计算|云安全|云服务/ },
  { name: 'mobile', heading: /移动互联/ },
  { name: 'iot', heading: /物联网/ },
  { name: 'industrial', heading: /工业控制/ },
  { name: 'bigdata', heading: /大数据/ },
];

/** The extension scenario a passage's heading path places it in (云计算安全扩展要求 → 'cloud'), or null. */
export function passageScenario(headingPath: string[]): string | null {
  const path = headingPath.join(' ');
  return SCENARIO_HEADINGS.find((s) => s.heading.test(path))?.name ?? null;
}

export function scenarioFactor(analysis: QuestionAnalysis, scenario: string | null): number {
  if (scenario) return analysis.scenarios.includes(scenario) ? 1 : SCENARIO_UNASKED;
  return analysis.scenarios.length > 0 ? SCENARIO_GENERAL : 1;
}

/** Share kept by a passage for the document it comes from: named standards, sector, region and kind. */
export function documentFactor(
  analysis: QuestionAnalysis,
  documentId: number,
  profile: DocumentProfile,
  librarySectors: ReadonlySet<string>,
): number {
  let factor = 1;
  if (analysis.standards.length > 0) {
    if (!analysis.standards.some((s) => s.documentIds.includes(documentId))) factor *= NAMED_STANDARD_OTHER;
  } else {
    factor *= sectorFactor(analysis, profile.sector, librarySectors);
  }
  if (profile.region) {
    if (analysis.regions.length === 0) factor *= REGION_UNASKED;
    else if (!analysis.regions.includes(profile.region)) factor *= REGION_OTHER;
  }
  factor *= kindFactor(analysis, profile.kind);
  return factor;
}

function sectorFactor(analysis: QuestionAnalysis, sector: string | null, librarySectors: ReadonlySet<string>): number {
  // Only sectors the library has a standard for count as named: 电厂 in a library without a power-sector standard
  // is a scene, not a reason to hold the general standard back.
  const named = analysis.sectors.filter((s) => librarySectors.has(s));
  if (named.length === 0) return sector ? SECTOR_UNASKED : 1;
  if (sector === null) return SECTOR_GENERAL_WHEN_NAMED;
  if (sector === named[0]) return SECTOR_MATCH;
  return named.includes(sector) ? SECTOR_PARENT : SECTOR_OTHER;
}

function kindFactor(analysis: QuestionAnalysis, kind: DocumentKind): number {
  if (analysis.intents.length === 0) return KIND_FOR_REQUIREMENT_QUESTION[kind];
  if (analysis.intents.includes(kind)) return KIND_ASKED;
  if (kind === 'requirements') return KIND_REQUIREMENTS_WHEN_OTHER_ASKED;
  return kind === 'other' ? KIND_USER_DOCUMENT_WHEN_ASKED : KIND_OTHER_WHEN_ASKED;
}

// A passage holding the kind of fact asked for: a period (六个月, 每年, 至少…一次), a distance (米, 公里), a number.
const ANSWER_TYPE_PATTERNS = {
  duration:
    /(?:\d+|[一二三四五六七八九十两半]+)\s*(?:个)?(?:月|年|日|天|周|小时|工作日)|每(?:年|月|季度|半年|周|天|日)|定期|周期|至少.{0,6}一次/,
  distance: /\d+\s*(?:米|公里|km|m\b)|[一二三四五六七八九十百千]+\s*(?:米|公里)/,
  number: /\d+|[一二三四五六七八九十两]+\s*(?:个|次|名|人|级|种|项|位)/,
} as const;
/** The gain of a passage that holds the kind of fact asked for. */
const ANSWER_TYPE_BOOST = 1.1;

export function answerTypeFactor(analysis: QuestionAnalysis, text: string): number {
  if (!analysis.answerType) return 1;
  return ANSWER_TYPE_PATTERNS[analysis.answerType].test(text) ? ANSWER_TYPE_BOOST : 1;
}

// A standard's front matter — cover, foreword, contents, normative references, bibliography — lists drafters,
// changes and other standards' names: it matches many words and answers almost nothing.
const FRONT_MATTER =
  /^(?:前\s*言|目\s*次|目\s*录|引\s*言|参\s*考\s*文\s*献|\d?\s*规范性引用文件|foreword|contents|references|bibliography)$/i;
const FRONT_MATTER_FACTOR = 0.6;

/**
 * Passages before a standard's first heading are its cover, contents and drafters (a table or a text file without
 * headings has no such thing: `headed` tells whether the format gives headings at all).
 */
export function frontMatterFactor(headingPath: string[], isStandard: boolean, headed: boolean): number {
  if (headingPath.length === 0) return isStandard && headed ? FRONT_MATTER_FACTOR : 1;
  return headingPath.some((heading) => FRONT_MATTER.test(heading.trim())) ? FRONT_MATTER_FACTOR : 1;
}

// A passage in another language than the documents the question is about (NIST's English for a Chinese question
// reached through the thesaurus's translations) stays below those in the right language.
const OTHER_LANGUAGE = 0.6;

export function languageFactor(analysis: QuestionAnalysis, passageLanguage: 'zh' | 'en'): number {
  return passageLanguage === analysis.documentLanguage ? 1 : OTHER_LANGUAGE;
}

// A standard's definitions (3 术语和定义) answer "what is X"; asked whether X is required, the requirement answers.
const DEFINITIONS = /术语和定义|术语与定义|定义$|terms and definitions/i;
const DEFINITION_UNASKED = 0.7;

export function definitionFactor(analysis: QuestionAnalysis, headingPath: string[]): number {
  if (analysis.asksDefinition) return 1;
  return headingPath.some((heading) => DEFINITIONS.test(heading)) ? DEFINITION_UNASKED : 1;
}
