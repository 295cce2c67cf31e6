// 等级保护 levels named in questions and in headings. Standards give each level its own chapter
// ("8 第三级安全要求", "H.4 第三级可参考安全控制措施"), and auditors ask "三级系统…" or "二级和三级…区别".

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 };

// 三级 / 第三级 / 3级 / 等保三级 / level 3; not 一级指标 ("first-level indicator") or 上级 ("superior").
const QUESTION_LEVEL = /(?:第\s*)?([一二三四五1-5])\s*级(?!指标|目录|标题|部门|单位|人员|领导)|level\s*([1-5])\b/gi;
const HEADING_LEVEL = /第\s*([一二三四五1-5])\s*级/;

export interface QuestionLevels {
  /** Levels the question names, in the order it names them, deduplicated ("四级…比三级" → [4, 3]). */
  levels: number[];
  /** True when the question names two or more levels ("二级与三级…有何不同", "四级…比三级多了什么"). */
  comparison: boolean;
}

export function questionLevels(question: string): QuestionLevels {
  const levels = new Set<number>();
  for (const match of question.matchAll(QUESTION_LEVEL)) {
    const value = NUMERALS[(match[1] ?? match[2] ?? '').toLowerCase()];
    if (value) levels.add(value);
  }
  return { levels: [...levels], comparison: levels.size >= 2 };
}

/** The level a passage belongs to, from the nearest heading that names one ("8 第三级安全要求" → 3), or null. */
export function headingLevel(headingPath: string[]): number | null {
  for (let i = headingPath.length - 1; i >= 0; i--) {
    const match = HEADING_LEVEL.exec(headingPath[i]!);
    if (match) return NUMERALS[match[1]!] ?? null;
  }
  return null;
}

/** Query tokens that only name a level: left out of the lexical match when ranking handles the level instead. */
export const LEVEL_TOKEN = /^(?:第?[一二三四五1-5]级|第[一二三四五])$/;

// MLPS extension requirements (安全扩展要求) apply only to their scenario: a question that does not name cloud,
// mobile, IoT, industrial control or big data asks about the general requirements (安全通用要求).
const SCENARIOS: { heading: RegExp; question: RegExp }[] = [
  { heading: /云计算/, question: /云/ },
  { heading: /移动互联/, question: /移动|无线|app/i },
  { heading: /物联网/, question: /物联网|感知/ },
  { heading: /工业控制/, question: /工业|工控|控制系统|scada|plc/i },
  { heading: /大数据/, question: /大数据|数据平台/ },
];

/** True when the passage is a scenario's extension requirement and the question does not name that scenario. */
export function isUnaskedScenario(headingPath: string[], question: string): boolean {
  const path = headingPath.join(' ');
  return SCENARIOS.some((scenario) => scenario.heading.test(path) && !scenario.question.test(question));
}
