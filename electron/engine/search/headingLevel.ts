// 等级保护 levels in headings: standards give each level its own chapter ("8 第三级安全要求", "H.4 第三级可参考安全
// 控制措施"), so a passage's level is that of the nearest heading naming one.

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 };
const HEADING_LEVEL = /第\s*([一二三四五1-5])\s*级/;

/** The level a passage belongs to, from the nearest heading that names one ("8 第三级安全要求" → 3), or null. */
export function headingLevel(headingPath: string[]): number | null {
  for (let i = headingPath.length - 1; i >= 0; i--) {
    const match = HEADING_LEVEL.exec(headingPath[i]!);
    if (match) return NUMERALS[match[1]!] ?? null;
  }
  return null;
}
