import type { DocumentKind, DocumentProfile } from '../../../shared/types.ts';

// What a document is, read from its own first page: the standard's number and year, its title, its kind and sector.
// Answers name the standard they quote ("GB/T 22239-2019 · 8.1.4.1 身份鉴别") and prefer the general requirement
// standard unless a question names a sector, a standard or testing. The user can correct every field.

/** How much of the start of a document is read: the cover page of a standard (number, title, issuer). */
const COVER_CHARACTERS = 1500;

// "GB/T 22239—2019", "JR/T 0071.2—2020", "GA/T 2182-2024", "GB 17859-1999", "DB31/T 1234-2020", "YD/T …".
const CN_STANDARD =
  /\b(GB\/T|GB\/Z|GB|JR\/T|GA\/T|GA|YD\/T|DL\/T|WS\/T|DB\d{2}\/T)\s*(\d{2,6}(?:\.\d{1,2})?)\s*[—–\-－]\s*((?:19|20)\d{2})/;
// NIST publications: "NIST SP 800-53 Rev. 5", "SP 800-53B", file names such as sp800-53r5 or sp800-53b.
const NIST_PUBLICATION = /\b(?:nist\s*)?sp\s*[-_ ]?(800)-(\d{1,3})([a-z](?!\d))?(?:\s*(?:rev(?:ision)?\.?\s*|r)(\d))?/i;
// Chinese government documents: 公网安〔2025〕1846号, 国办发〔2023〕12号.
const GOVERNMENT_DOCUMENT = /([\p{Script=Han}]{2,6}[〔[［(（]\s*((?:19|20)\d{2})\s*[〕\]］)）]\s*\d{1,5}\s*号)/u;
// A law or regulation is titled by itself: 中华人民共和国网络安全法, 关键信息基础设施安全保护条例.
const LAW_TITLE = /^(?:中华人民共和国)?[\p{Script=Han}]{2,30}(?:法|条例)$/u;

/** Words of a title that say what kind of document it is, most specific first. */
const KIND_BY_TITLE: { pattern: RegExp; kind: DocumentKind; titleOnly?: true }[] = [
  { pattern: /测评过程指南|测评过程/, kind: 'evaluation-process' },
  { pattern: /测评要求|测试评价方法|评估方法|evaluation requirement|assessment procedures/i, kind: 'evaluation' },
  { pattern: /设计技术要求|设计要求|security design/i, kind: 'design' },
  { pattern: /定级指南|classification guide/i, kind: 'grading' },
  // "金融行业…实施指引 第2部分：基本要求" is a requirements standard although its series is a guide.
  { pattern: /(?:基本要求|安全要求)$/, kind: 'requirements', titleOnly: true },
  { pattern: /判定|指引|手册|释疑|说明的函|通知|意见|工作指引|guide|guidance|mapping/i, kind: 'guidance' },
  {
    pattern: /基本要求|安全要求|技术要求|baseline|control catalog|security and privacy controls/i,
    kind: 'requirements',
  },
];

/** Sectors named in a title; the general standards have none. */
const SECTOR_BY_TITLE: { pattern: RegExp; sector: string }[] = [
  { pattern: /证券期货|证券|期货|securities|futures/i, sector: 'securities' },
  { pattern: /金融|银行|保险|financial|banking/i, sector: 'finance' },
  { pattern: /电力|能源|power/i, sector: 'power' },
  { pattern: /医疗|卫生|健康|health/i, sector: 'healthcare' },
  { pattern: /电信|通信行业|telecom/i, sector: 'telecom' },
  { pattern: /交通|铁路|民航|transport/i, sector: 'transport' },
  { pattern: /教育|学校|education/i, sector: 'education' },
];

/** Chinese provincial-level regions: a document issued for one of them (上海测评机构工作指引) applies there only. */
export const REGIONS = [
  '北京',
  '天津',
  '上海',
  '重庆',
  '河北',
  '山西',
  '辽宁',
  '吉林',
  '黑龙江',
  '江苏',
  '浙江',
  '安徽',
  '福建',
  '江西',
  '山东',
  '河南',
  '湖北',
  '湖南',
  '广东',
  '海南',
  '四川',
  '贵州',
  '云南',
  '陕西',
  '甘肃',
  '青海',
  '台湾',
  '内蒙古',
  '广西',
  '西藏',
  '宁夏',
  '新疆',
  '香港',
  '澳门',
  '深圳',
] as const;
// The one-character abbreviations used in titles ("在沪", "京津冀" excluded: too ambiguous).
const REGION_ABBREVIATIONS: Record<string, string> = {
  沪: '上海',
  粤: '广东',
  浙: '浙江',
  苏: '江苏',
  鲁: '山东',
  川: '四川',
  渝: '重庆',
};

function cleanCjkSpacing(text: string): string {
  // Cover pages space out characters ("中 华 人 民 共 和 国") and run title lines together; keep one space after a
  // title's field prefix (信息安全技术 网络安全等级保护基本要求), as standards print it.
  const joined = text
    .replace(/(?<=[\p{Script=Han}])\s+(?=[\p{Script=Han}])/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return joined.replace(/^信息安全技术(?=\S)/, '信息安全技术 ');
}

function standardFromText(cover: string, fileName: string): { code: string; year: string } | null {
  const fromText = CN_STANDARD.exec(cover);
  // The file name settles what a damaged cover page cannot (an OCR'd "GB/T2849—2018" in a file named GBT28449…).
  const fromName = /(GBT|GB|JRT|GAT|YDT|DLT|WST)[\s_-]?(\d{3,6}(?:\.\d{1,2})?)/i.exec(fileName);
  if (fromText) {
    let number = fromText[2]!;
    if (
      fromName &&
      fromName[2]! !== number &&
      !number.includes('.') &&
      fromName[2]!.startsWith(number.slice(0, 2)) &&
      fromName[2]!.length > number.length
    ) {
      number = fromName[2]!;
    }
    return { code: `${fromText[1]} ${number}`, year: fromText[3]! };
  }
  return null;
}

function nistFrom(text: string): string | null {
  const match = NIST_PUBLICATION.exec(text);
  if (!match) return null;
  const suffix = (match[3] ?? '').toUpperCase();
  return `NIST SP ${match[1]}-${match[2]}${suffix}${match[4] ? ` Rev. ${match[4]}` : ''}`;
}

/** The title on a standard's cover: the Chinese text after its number (and the number it replaces), before the English title. */
function coverTitle(cover: string): string | null {
  const afterNumber = new RegExp(
    `${CN_STANDARD.source}\\s*(?:代替\\s*(?:[A-Z/]+\\s*[\\d.]+\\s*[—–\\-－]\\s*\\d{4}|/\\s*[—–-]?))?\\s*([\\p{Script=Han}\\s（）()：:、—第部分\\d]{4,80}?)\\s*(?=[A-Za-z]|\\d{4}-\\d{2}-\\d{2}|$)`,
    'mu',
  ).exec(cover);
  const raw = afterNumber?.[4];
  if (!raw) return null;
  const title = cleanCjkSpacing(raw).replace(/[—\-\s]+$/, '');
  return title.length >= 4 ? title : null;
}

/** The first line that reads as a title: not a cover formality, not a table of contents, not a clause heading. */
function firstTitleLine(text: string): string | null {
  for (const rawLine of text.slice(0, COVER_CHARACTERS).split('\n').slice(0, 12)) {
    const line = cleanCjkSpacing(rawLine);
    if (line.length < 4 || line.length > 80) continue;
    if (/^(?:中华人民共和国(?:国家|金融行业|行业)?标准|ICS|目\s*次|目录|前\s*言|\d|[（(]|附件)/.test(line)) continue;
    if (/[。；;]$/.test(line) || /：$/.test(line)) continue;
    return line.replace(/\s*\(V\d[\d.]*\)$/i, '');
  }
  return null;
}

// A law's cover: "（2016 年11 月7 日第十二届全国人民代表大会常务委员会第二十四次会议通过）" or "…修正".
const ADOPTED = /((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^）)]{0,60}(?:通过|修正|修订|发布|印发)/g;

/** The year of the version: a standard's own, else the last adoption/amendment or issue date on the cover. */
function documentYear(
  standardYear: string | null,
  nist: string | null,
  governmentYear: string | null,
  cover: string,
): string | null {
  if (standardYear) return standardYear;
  if (nist) return null;
  if (governmentYear) return governmentYear;
  const years = [...cover.matchAll(ADOPTED)].map((m) => m[1]!);
  return years.length ? years.sort().at(-1)! : null;
}

export interface ProfileInput {
  /** The document's extracted, normalised text. */
  text: string;
  /** The title the format gave (Word's core title, HTML <title>, the first Markdown heading), if any. */
  formatTitle: string | null;
  /** The file's name, without folders. */
  fileName: string;
}

/**
 * Reads a document's identity from its cover page and file name. Never throws: what cannot be read stays null, and
 * the kind falls back to 'other'.
 */
export function detectDocumentProfile({ text, formatTitle, fileName }: ProfileInput): DocumentProfile {
  // The cover ends where the body starts: numbers after it are references to other standards (规范性引用文件).
  const bodyStart = /(?:^|\n)\s*(?:前\s*言|目\s*次|目\s*录|引\s*言|1\s*范\s*围|2\s*规范性引用文件)/.exec(
    text.slice(0, COVER_CHARACTERS),
  );
  const cover = text.slice(0, bodyStart && bodyStart.index > 0 ? bodyStart.index : COVER_CHARACTERS);
  const coverFlat = cover.replace(/\n/g, ' ');
  const cn = standardFromText(cover, fileName);
  const nist = cn ? null : (nistFrom(fileName.replace(/[_]/g, '-')) ?? nistFrom(coverFlat));
  const government = cn || nist ? null : (GOVERNMENT_DOCUMENT.exec(fileName) ?? GOVERNMENT_DOCUMENT.exec(cover));
  const standard = cn
    ? `${cn.code}-${cn.year}`
    : (nist ??
      (government
        ? government[1]!
            .replace(/\s+/g, '')
            .replace(/[[［(（]/, '〔')
            .replace(/[\]］)）]/, '〕')
        : null));

  let title = cn ? coverTitle(cover) : null;
  if (!title) {
    const line = firstTitleLine(text);
    // A format title that is a clause heading ("1 范围", "前 言") says nothing; a cover line does.
    const usableFormatTitle =
      formatTitle && !/^(?:\d|前\s*言|目\s*次|引\s*言)/.test(formatTitle.trim()) ? cleanCjkSpacing(formatTitle) : null;
    title = usableFormatTitle ?? line;
  }
  if (title && standard && title.startsWith(standard))
    title = title.slice(standard.length).replace(/^[\s—–-]+/, '') || null;
  if (title && cn) title = title.replace(CN_STANDARD, '').trim() || null;

  const identity = `${title ?? ''} ${fileName} ${nist ?? ''}`;
  let kind: DocumentKind = 'other';
  if (title && LAW_TITLE.test(title.replace(/\s/g, ''))) kind = 'law';
  else {
    for (const entry of KIND_BY_TITLE) {
      if (entry.pattern.test(entry.titleOnly ? (title ?? '') : identity)) {
        kind = entry.kind;
        break;
      }
    }
  }
  // NIST's baseline and mapping tables are guidance on the catalog, not requirements of their own.
  if (nist && /800-53B|mapping/i.test(`${nist} ${fileName}`)) kind = 'guidance';
  else if (nist && kind === 'other') kind = 'requirements';
  // A mapping between two frameworks (CSF → SP 800-53) is neither of them.
  const mapping = /mapping|crosswalk|-to-/i.test(fileName);

  // From the title only: a body speaks of 健康发展 or 银行卡 without being written for that sector.
  const sector = SECTOR_BY_TITLE.find((entry) => entry.pattern.test(title ?? ''))?.sector ?? null;
  // A region is read from the title (and the issuer line under it), never from the body: standards list
  // companies from everywhere among their drafters.
  const head = `${title ?? ''} ${cover.slice(0, 200)}`;
  let region: string | null =
    REGIONS.find((name) => new RegExp(`${name}(?:市|省|自治区)`).test(head) || (title ?? '').includes(name)) ?? null;
  if (!region && title) {
    const abbreviation = /在([沪粤浙苏鲁川渝])/.exec(title);
    if (abbreviation) region = REGION_ABBREVIATIONS[abbreviation[1]!] ?? null;
  }
  return {
    standard: mapping ? null : standard,
    title,
    year: documentYear(cn?.year ?? null, nist, government?.[2] ?? null, cover),
    kind,
    sector,
    region,
  };
}
