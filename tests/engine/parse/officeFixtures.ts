// Office and OFD documents generated in the tests: workbooks written by SheetJS (and converted by LibreOffice, a
// second producer, for .xls/.ods/.doc), PowerPoint and OFD packages written as ZIP XML by hand, OLE files for the
// encrypted variants. Small and built in code; nothing is copied from elsewhere.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import { makeZip, type ZipInput } from './fixtures.ts';

// ---------------------------------------------------------------------------------------------------------------
// Workbooks

/** Serial of 2019-12-01 (days since 1899-12-30): dates are written as serials with a date format, zone-free. */
export const SERIAL_2019_12_01 = 43800;

/**
 * An MLPS test-record workbook: a merged title across the table, a header, a control point merged down two rows,
 * formulas with their cached values, dates; a second sheet with a name that needs quoting.
 */
export function testRecordWorkbook(): XLSX.WorkBook {
  const records = XLSX.utils.aoa_to_sheet([
    ['网络安全等级保护测评记录表'],
    ['控制点', '测评项', '符合项数', '检查日期', '得分'],
    [
      '身份鉴别',
      '应对登录的用户进行身份标识和鉴别，身份标识具有唯一性',
      3,
      { t: 'n', v: SERIAL_2019_12_01, z: 'yyyy-mm-dd' },
      { t: 'n', f: 'C3*2', v: 6 },
    ],
    [
      null,
      '应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施',
      4,
      { t: 'n', v: SERIAL_2019_12_01 + 45, z: 'yyyy-mm-dd' },
      { t: 'n', f: 'C4*2', v: 8 },
    ],
    [
      '访问控制',
      '应对登录的用户分配账户和权限',
      2,
      { t: 'n', v: SERIAL_2019_12_01 + 1, z: 'yyyy-mm-dd' },
      { t: 'n', f: 'C5*2', v: 4 },
    ],
  ]);
  records['!merges'] = [
    { s: { r: 0, c: 0 }, e: { r: 0, c: 4 } },
    { s: { r: 2, c: 0 }, e: { r: 3, c: 0 } },
  ];
  const notes = XLSX.utils.aoa_to_sheet([
    ['问题', '整改建议'],
    ['堡垒机未启用双因素认证', '采用口令和数字证书两种鉴别技术'],
  ]);
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, records, '安全计算环境');
  XLSX.utils.book_append_sheet(workbook, notes, '问题 清单');
  return workbook;
}

export function workbookBytes(workbook: XLSX.WorkBook, bookType: 'xlsx' | 'xls' | 'ods'): Uint8Array {
  return new Uint8Array(XLSX.write(workbook, { type: 'buffer', bookType }) as Buffer);
}

// ---------------------------------------------------------------------------------------------------------------
// LibreOffice: a second producer (Debian's libreoffice-writer-nogui / -calc-nogui; .ci/run installs them)

/**
 * Convert a file with LibreOffice (`soffice --headless --convert-to`), e.g. ('t.xlsx', 'xls') or
 * ('t.html', 'doc:MS Word 97'). Each call has its own LibreOffice profile, so parallel tests do not share one.
 */
export function convertWithLibreOffice(bytes: Uint8Array | string, inputName: string, target: string): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-soffice-'));
  try {
    const input = path.join(dir, inputName);
    writeFileSync(input, bytes);
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
        '--headless',
        '--convert-to',
        target,
        '--outdir',
        path.join(dir, 'out'),
        input,
      ],
      { stdio: 'pipe', timeout: 120_000 },
    );
    const extension = target.split(':')[0]!;
    return new Uint8Array(readFileSync(path.join(dir, 'out', `${path.parse(inputName).name}.${extension}`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Word 97–2003 .doc written by LibreOffice from HTML (headings, paragraphs, a table). */
export function makeDoc(html: string): Uint8Array {
  return convertWithLibreOffice(
    `<html><head><meta charset="utf-8"></head><body>${html}</body></html>`,
    'document.html',
    'doc:MS Word 97',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// OLE compound files

/** An OLE compound file holding the given streams (what Office wraps encrypted OOXML in, with EncryptionInfo). */
export function makeOle(streams: Record<string, Uint8Array>): Uint8Array {
  const cfb = XLSX.CFB.utils.cfb_new();
  for (const [name, content] of Object.entries(streams)) XLSX.CFB.utils.cfb_add(cfb, name, content);
  return new Uint8Array(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/** An OLE document with one stream replaced (e.g. a .doc's WordDocument with its FIB's fEncrypted bit set). */
export function withOleStream(
  bytes: Uint8Array,
  name: string,
  change: (content: Uint8Array) => Uint8Array,
): Uint8Array {
  const cfb = XLSX.CFB.read(bytes, { type: 'buffer' });
  const entry = XLSX.CFB.find(cfb, name) as { content: Uint8Array | number[] } | null;
  if (!entry) throw new Error(`no ${name} stream`);
  entry.content = change(Uint8Array.from(entry.content));
  return new Uint8Array(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/** Encrypted OOXML as Office writes it: an OLE file with EncryptionInfo and EncryptedPackage (whatever the name). */
export function makeEncryptedOoxml(): Uint8Array {
  return makeOle({ EncryptionInfo: new Uint8Array(256).fill(4), EncryptedPackage: new Uint8Array(8192).fill(0x5a) });
}

// ---------------------------------------------------------------------------------------------------------------
// PowerPoint

export interface SlideInput {
  title?: string;
  paragraphs?: string[];
  table?: string[][];
  notes?: string[];
}

const P_NS =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const paragraph = (text: string): string => `<a:p><a:r><a:rPr lang="zh-CN"/><a:t>${xml(text)}</a:t></a:r></a:p>`;
const textShape = (id: number, placeholder: string | null, paragraphs: string[]): string =>
  `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="s${id}"/><p:cNvSpPr/><p:nvPr>${placeholder ? `<p:ph type="${placeholder}"/>` : ''}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>${paragraphs.map(paragraph).join('')}</p:txBody></p:sp>`;

/** A .pptx: slides with a title placeholder, body paragraphs, an optional table and speaker notes; a slide number. */
export function makePptx(slides: SlideInput[], opts: { title?: string; extra?: ZipInput[] } = {}): Uint8Array {
  const files: ZipInput[] = [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
    },
    {
      name: 'docProps/core.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${xml(opts.title ?? '')}</dc:title></cp:coreProperties>`,
    },
  ];
  // Slide parts are listed in reverse so that the deck's order (sldIdLst) and the parts' order differ.
  const ids = slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 10}"/>`).join('');
  files.push({
    name: 'ppt/presentation.xml',
    data: `<?xml version="1.0" encoding="UTF-8"?><p:presentation ${P_NS}><p:sldIdLst>${ids}</p:sldIdLst></p:presentation>`,
  });
  const order = slides.map((_, i) => i);
  const partOf = (i: number): number => slides.length - i; // slide i is the part slide{n-i}.xml
  files.push({
    name: 'ppt/_rels/presentation.xml.rels',
    data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${order
      .map((i) => `<Relationship Id="rId${i + 10}" Type="${REL_NS}/slide" Target="slides/slide${partOf(i)}.xml"/>`)
      .join('')}</Relationships>`,
  });
  slides.forEach((slide, i) => {
    const n = partOf(i);
    const shapes: string[] = [];
    if (slide.title) shapes.push(textShape(2, 'title', [slide.title]));
    if (slide.paragraphs?.length) shapes.push(textShape(3, null, slide.paragraphs));
    if (slide.table) {
      const rows = slide.table
        .map(
          (row) =>
            `<a:tr h="0">${row.map((cell) => `<a:tc><a:txBody><a:bodyPr/>${paragraph(cell)}</a:txBody></a:tc>`).join('')}</a:tr>`,
        )
        .join('');
      shapes.push(
        `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="t"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl>${rows}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`,
      );
    }
    shapes.push(textShape(5, 'sldNum', [String(i + 1)]));
    files.push({
      name: `ppt/slides/slide${n}.xml`,
      data: `<?xml version="1.0" encoding="UTF-8"?><p:sld ${P_NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shapes.join('')}</p:spTree></p:cSld></p:sld>`,
    });
    if (slide.notes) {
      files.push({
        name: `ppt/slides/_rels/slide${n}.xml.rels`,
        data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/notesSlide" Target="../notesSlides/notesSlide${n}.xml"/></Relationships>`,
      });
      files.push({
        name: `ppt/notesSlides/notesSlide${n}.xml`,
        data: `<?xml version="1.0" encoding="UTF-8"?><p:notes ${P_NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${textShape(2, 'sldImg', [])}${textShape(3, 'body', slide.notes)}${textShape(4, 'sldNum', [String(i + 1)])}</p:spTree></p:cSld></p:notes>`,
      });
    }
  });
  return makeZip([...files, ...(opts.extra ?? [])]);
}

// ---------------------------------------------------------------------------------------------------------------
// OFD (GB/T 33190-2016)

export interface OfdText {
  /** Millimetres from the page's left and top. */
  x: number;
  y: number;
  text: string;
}

const OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';

/** An OFD package: OFD.xml → Doc_0/Document.xml → Pages/Page_n/Content.xml, one TextObject per text. */
export function makeOfd(pages: OfdText[][], opts: { title?: string; extra?: ZipInput[] } = {}): Uint8Array {
  const files: ZipInput[] = [
    {
      name: 'OFD.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0C1D4F7159954EEEDE517F7285E84DC4</ofd:DocID><ofd:Title>${xml(opts.title ?? '')}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
    },
    {
      name: 'Doc_0/Document.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><ofd:Document ${OFD_NS}><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>${pages
        .map((_, i) => `<ofd:Page ID="${i + 1}" BaseLoc="Pages/Page_${i}/Content.xml"/>`)
        .join('')}</ofd:Pages></ofd:Document>`,
    },
  ];
  pages.forEach((texts, i) => {
    const objects = texts
      .map(
        (t, k) =>
          // The text object's boundary holds the position; the code's X/Y (the baseline) are relative to it.
          `<ofd:TextObject ID="${100 * (i + 1) + k}" Boundary="${t.x} ${t.y - 4} 180 6" Font="1" Size="3.5"><ofd:TextCode X="0" Y="4">${xml(t.text)}</ofd:TextCode></ofd:TextObject>`,
      )
      .join('');
    files.push({
      name: `Doc_0/Pages/Page_${i}/Content.xml`,
      data: `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${OFD_NS}><ofd:Content><ofd:Layer ID="${i + 1}">${objects}</ofd:Layer></ofd:Content></ofd:Page>`,
    });
  });
  return makeZip([...files, ...(opts.extra ?? [])]);
}
