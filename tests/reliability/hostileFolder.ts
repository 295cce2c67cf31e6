// Builds, in a temporary folder, the kind of USB stick a client hands an auditor: broken, encrypted, scanned and
// mislabelled documents, zip bombs, enormous files, legacy encodings, odd names, deep trees, symlink loops and
// unreadable files, next to good documents that must still be indexed. Nothing here is committed: every byte is
// generated when the test runs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import path from 'node:path';
import { constants as zlibConstants, createDeflateRaw, crc32 } from 'node:zlib';
import {
  concat,
  encodeLegacy,
  encodeUtf16,
  makeDocx,
  makePdf,
  makeZip,
  serializePdf,
  utf8,
  w,
} from '../engine/parse/fixtures.ts';
import {
  makeDoc,
  makeEncryptedOoxml,
  makeOfd,
  makeOle,
  makePptx,
  testRecordWorkbook,
  withOleStream,
  workbookBytes,
} from '../engine/parse/officeFixtures.ts';

/** What the ingestion must do with a file (or folder): index it, fail it, or skip it — with a reason matching `reason`. */
export type Expectation =
  | { outcome: 'indexed'; /** A query whose top hit must come from this file. */ query: string; encoding?: string }
  | { outcome: 'failed'; code: string; reason: RegExp }
  | { outcome: 'skipped'; skip: string; reason: RegExp };

export interface HostileFolder {
  root: string;
  /** Keyed by path relative to `root`. */
  expected: Map<string, Expectation>;
  /** Paths (relative) that only a non-root user sees as unreadable: indexed when the ingestion runs as root. */
  permissionDenied: { file: string; folder: string; fileQuery: string };
}

interface DeflatedPayload {
  body: Uint8Array;
  crc: number;
  size: number;
}

/** `totalBytes` of one repeated byte, deflated in a stream (RLE: 1 GiB in half a second, ~1 MiB out). */
async function deflateRepeatedByte(totalBytes: number): Promise<DeflatedPayload> {
  const deflate = createDeflateRaw({ level: 9, strategy: zlibConstants.Z_RLE });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  // '<' repeated: XML-ish garbage; 4 MiB a write keeps the generator itself small in memory.
  const block = Buffer.alloc(4 * 1024 * 1024, 0x3c);
  let crc = 0;
  for (let written = 0; written < totalBytes; written += block.length) {
    crc = crc32(block, crc);
    if (!deflate.write(block)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { body: Buffer.concat(parts), crc, size: totalBytes };
}

/**
 * A .docx-looking ZIP whose `name` entry is `payload` (a real zip bomb), declared in its headers as `claimedSize`
 * bytes (the truth by default; a lie to test the inflation limit).
 */
function zipWithDeflatedEntry(
  name: string,
  payload: DeflatedPayload,
  claimedSize = payload.size,
  /** Parts that make the archive a workbook, a deck, an OFD package. */
  parts: { name: string; data: string }[] = [{ name: '[Content_Types].xml', data: '<Types/>' }],
): Uint8Array {
  // Sizes over 4 GiB would need ZIP64: saturate (0xFFFFFFFF means "see ZIP64" and would be refused as damaged).
  return makeZip([...parts, { name, data: '', deflated: payload, claimedSize: Math.min(claimedSize, 0xfffffffe) }]);
}

/** A workbook of one sheet whose rows hold `marker`. */
function markerWorkbook(marker: string): import('@e965/xlsx').WorkBook {
  const book = testRecordWorkbook();
  const sheet = book.Sheets[book.SheetNames[0]!]!;
  sheet['B5'] = { t: 's', v: `应对登录的用户分配${marker}账户和权限` };
  return book;
}

/** Insert a BIFF FILEPASS record after the workbook stream's BOF: how Excel marks an encrypted .xls. */
function withFilePass(xls: Uint8Array): Uint8Array {
  return withOleStream(xls, 'Workbook', (biff) => {
    const bofLength = 4 + ((biff[2] ?? 0) | ((biff[3] ?? 0) << 8));
    return concat(
      biff.subarray(0, bofLength),
      new Uint8Array([0x2f, 0x00, 0x02, 0x00, 0x00, 0x00]),
      biff.subarray(bofLength),
    );
  });
}

/** A one-page PDF whose only content is an image (what a scanner produces): no text layer at all. */
function makeScannedPdf(): Uint8Array {
  const side = 64;
  const pixels = Buffer.alloc(side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  const content = `q 400 0 0 400 100 200 cm /Im1 Do Q`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n${pixels.toString('latin1')}\nendstream`,
  ];
  return serializePdf(objects);
}

/** Chinese prose with sentence ends, `bytes` long (about), each paragraph numbered so that it is distinct. */
function writeEnormousText(file: string, bytes: number, marker: string): void {
  const fd = openSync(file, 'w');
  try {
    const sentences = [
      '应对登录的用户进行身份标识和鉴别，身份标识具有唯一性。',
      '应具有登录失败处理功能，应配置并启用结束会话和限制非法登录次数等相关措施。',
      '应提供重要数据的本地数据备份与恢复功能，并定期检查备份介质的可用性。',
      '应在网络边界部署访问控制设备，启用访问控制功能，并根据策略控制数据流。',
    ];
    let written = 0;
    for (let paragraph = 0; written < bytes; paragraph++) {
      const text = `第${paragraph}段。${sentences[paragraph % 4]}${sentences[(paragraph + 1) % 4]}${paragraph === 5000 ? marker + '。' : ''}\n\n`;
      written += writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

/** One line of `chars` CJK characters and no punctuation at all, with `marker` somewhere in the middle. */
function oneEnormousLine(chars: number, marker: string): string {
  const alphabet = '安全管理制度网络边界访问控制数据完整性保密性身份鉴别审计日志恶意代码防范入侵检测资源控制';
  const parts: string[] = [];
  for (let i = 0; i < chars; i++) parts.push(alphabet[(i * 7 + (i >> 5)) % alphabet.length]!);
  parts.splice(Math.floor(chars / 2), 0, marker);
  return parts.join('');
}

/**
 * Writes the hostile folder under `root` and returns what must happen to each entry. `enormousMb` sizes the big
 * plain-text file (the memory test).
 */
export async function buildHostileFolder(root: string, options: { enormousMb: number }): Promise<HostileFolder> {
  const expected = new Map<string, Expectation>();
  const put = (relative: string, data: Uint8Array | string, expectation: Expectation): void => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    expected.set(relative, expectation);
  };
  mkdirSync(root, { recursive: true });

  // ---- good documents: all must be indexed and found -----------------------------------------------------------
  put(
    'good/标准 8.1.4.1.md',
    '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\na）应对登录的用户进行身份标识和鉴别，采用口令锁蟹鉴别技术；\n',
    {
      outcome: 'indexed',
      query: '口令锁蟹鉴别',
    },
  );
  put('good/text-layer.pdf', makePdf({ pages: [['Firewall zebracorn policy review', 'second line of the page']] }), {
    outcome: 'indexed',
    query: 'zebracorn',
  });
  put(
    'good/word document.docx',
    makeDocx(w.p('7.1 管理制度', 'Heading1') + w.p('应制定网络安全工作的总体方针和蓝鲸策略。')),
    {
      outcome: 'indexed',
      query: '蓝鲸策略',
    },
  );
  put(
    'good/gbk 国标编码.txt',
    encodeLegacy('等级保护测评报告：应对机房实施电磁屏蔽与麒麟防护。\n第二段落说明。\n', 'gb18030'),
    {
      outcome: 'indexed',
      query: '麒麟防护',
      encoding: 'gb18030',
    },
  );
  put('good/big5 繁體.txt', encodeLegacy('資訊安全管理：應對機房實施鳳凰巡檢與門禁管理。\n', 'big5'), {
    outcome: 'indexed',
    query: '鳳凰巡檢',
    encoding: 'big5',
  });
  put('good/utf16le-bom.txt', encodeUtf16('应定期开展貔貅演练并记录结果。\n', 'le', true), {
    outcome: 'indexed',
    query: '貔貅演练',
    encoding: 'utf-16le',
  });
  put('good/utf16le-nobom.txt', encodeUtf16('应定期开展麒麟演练并记录结果 in the log.\n', 'le', false), {
    outcome: 'indexed',
    query: '麒麟演练',
    encoding: 'utf-16le',
  });
  put('good/utf16be-bom.txt', encodeUtf16('应对重要服务器实施饕餮监控。\n', 'be', true), {
    outcome: 'indexed',
    query: '饕餮监控',
    encoding: 'utf-16be',
  });
  put('good/utf16be-nobom.txt', encodeUtf16('应对核心交换机实施獬豸审计。\n', 'be', false), {
    outcome: 'indexed',
    query: '獬豸审计',
    encoding: 'utf-16be',
  });
  put('good/utf8-bom.md', '\uFEFF# 附录A\n\n应部署鲲鹏网关并定期审查。\n', {
    outcome: 'indexed',
    query: '鲲鹏网关',
    encoding: 'utf-8',
  });
  put('good/名字 with spaces 😀 emoji.md', '# 测试\n\n包含表情符号文件名的文档讲述朱雀机房。\n', {
    outcome: 'indexed',
    query: '朱雀机房',
  });
  put('good/one line of megabytes.txt', oneEnormousLine(3 * 1024 * 1024, '白泽标记'), {
    outcome: 'indexed',
    query: '白泽标记',
  });

  // A deep tree: 60 levels (Chinese folder names), one document at the bottom.
  const deep = Array.from({ length: 60 }, (_, i) => `层${String(i).padStart(2, '0')}`).join('/');
  put(`deep/${deep}/最深处.md`, '# 深层\n\n位于六十层目录之下的玄武文档。\n', {
    outcome: 'indexed',
    query: '玄武文档',
  });

  // Office and OFD documents, generated here (the .doc by LibreOffice).
  put('good/测评记录 workbook.xlsx', workbookBytes(markerWorkbook('麒麟账户'), 'xlsx'), {
    outcome: 'indexed',
    query: '麒麟账户',
  });
  put('good/旧表格.xls', workbookBytes(markerWorkbook('饕餮账户'), 'xls'), { outcome: 'indexed', query: '饕餮账户' });
  put('good/WPS 表格.et', workbookBytes(markerWorkbook('貔貅账户'), 'xls'), { outcome: 'indexed', query: '貔貅账户' });
  put('good/开放表格.ods', workbookBytes(markerWorkbook('白泽账户'), 'ods'), { outcome: 'indexed', query: '白泽账户' });
  const doc = makeDoc('<h1>8.1.4.5 恶意代码防范</h1><p>应采用免受恶意代码攻击的朱雀技术措施。</p>');
  put('good/旧版 Word.doc', doc, { outcome: 'indexed', query: '朱雀技术措施' });
  put('good/WPS 文字.wps', makeDoc('<p>应对重要节点进行麒麟冗余部署。</p>'), {
    outcome: 'indexed',
    query: '麒麟冗余部署',
  });
  const deck = makePptx([{ title: '培训', paragraphs: ['应提供青鸾数据备份'] }], {});
  put('good/培训 slides.pptx', deck, { outcome: 'indexed', query: '青鸾数据备份' });
  const ofd = makeOfd([[{ x: 20, y: 30, text: '应保证鸿鹄存储空间得到完全清除。' }]]);
  put('good/公文.ofd', ofd, { outcome: 'indexed', query: '鸿鹄存储空间' });

  // Broken copies of them: truncated, or with a stream that is not what it claims.
  put('broken/truncated.xlsx', workbookBytes(testRecordWorkbook(), 'xlsx').subarray(0, 3000), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /damaged ZIP archive/,
  });
  put('broken/truncated.pptx', deck.subarray(0, deck.length - 40), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /damaged ZIP archive/,
  });
  put('broken/truncated.ofd', ofd.subarray(0, ofd.length - 40), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /damaged ZIP archive/,
  });
  put('broken/truncated.doc', doc.subarray(0, 1536), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /damaged (Office document|Word \.doc)/,
  });
  put('broken/not-word-inside.doc', makeOle({ WordDocument: new Uint8Array(4096).fill(0x41) }), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /^damaged Word \.doc \(its WordDocument stream does not start with a Word file header\)/,
  });
  put(
    'broken/fib-encrypted.doc',
    withOleStream(doc, 'WordDocument', (fib) => {
      const out = Uint8Array.from(fib);
      out[0x0b] = (out[0x0b] ?? 0) | 0x01;
      return out;
    }),
    { outcome: 'failed', code: 'encrypted', reason: /^password-protected Office document/ },
  );
  put(
    'broken/no-docroot.ofd',
    makeZip([{ name: 'OFD.xml', data: '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>' }]),
    {
      outcome: 'failed',
      code: 'corrupt',
      reason: /damaged OFD document: OFD\.xml names no DocRoot/,
    },
  );
  put('broken/pictures only.pptx', makePptx([{}, {}]), {
    outcome: 'failed',
    code: 'empty',
    reason: /empty presentation/,
  });

  // The enormous plain file: streamed to disk so the generator itself stays small.
  mkdirSync(path.join(root, 'big'), { recursive: true });
  writeEnormousText(path.join(root, 'big', 'enormous 巨大.txt'), options.enormousMb * 1024 * 1024, '青龙巨型标记');
  expected.set('big/enormous 巨大.txt', { outcome: 'indexed', query: '青龙巨型标记' });

  // ---- PDFs that cannot be read --------------------------------------------------------------------------------
  const validPdf = makePdf({ pages: [['page one text'], ['page two text']] });
  put('pdf/truncated.pdf', validPdf.subarray(0, Math.floor(validPdf.length / 2)), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /truncated.*%%EOF/,
  });
  put('pdf/corrupt.pdf', concat(utf8('%PDF-1.7\n'), randomBytes(20_000), utf8('\n%%EOF\n')), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /^(damaged PDF|could not read the PDF).*(save a new copy|may be damaged)/,
  });
  put('pdf/empty.pdf', '', { outcome: 'failed', code: 'empty', reason: /^empty file: nothing to index$/ });
  put('pdf/password 加密.pdf', makePdf({ pages: [['secret']], encrypted: true }), {
    outcome: 'failed',
    code: 'encrypted',
    reason: /^password-protected PDF: remove the password/,
  });
  put('pdf/scanned 扫描件.pdf', makeScannedPdf(), {
    outcome: 'failed',
    code: 'no-text-layer',
    reason: /^no extractable text \(scanned document\?\)/,
  });
  put('pdf/blank-page.pdf', makePdf({ pages: [[]] }), {
    outcome: 'failed',
    code: 'no-text-layer',
    reason: /no extractable text \(scanned document\?\)/,
  });

  // ---- not what their extension says ---------------------------------------------------------------------------
  put('mislabelled/binary.txt', randomBytes(64 * 1024), {
    outcome: 'failed',
    code: 'unsupported',
    reason: /binary|not text/i,
  });
  put('mislabelled/elf.txt', concat(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), randomBytes(4096)), {
    outcome: 'failed',
    code: 'unsupported',
    reason: /binary content, not text \(executable\)/,
  });
  put('mislabelled/random.docx', randomBytes(32 * 1024), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /not a Word \.docx file|damaged ZIP/,
  });
  put(
    'mislabelled/photo.pdf',
    concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4096)),
    {
      outcome: 'failed',
      code: 'corrupt',
      reason: /^not a PDF file: content does not start with %PDF-/,
    },
  );
  put('mislabelled/notes.pdf', '这其实是一份纯文本笔记，不是PDF。\n', {
    outcome: 'failed',
    code: 'corrupt',
    reason: /^not a PDF file/,
  });
  // Content decides: a real workbook named .docx is read as the workbook it is.
  put('mislabelled/spreadsheet.docx', workbookBytes(markerWorkbook('獬豸表格'), 'xlsx'), {
    outcome: 'indexed',
    query: '獬豸表格',
  });
  put('mislabelled/archive.docx', makeZip([{ name: 'readme.txt', data: 'hello' }]), {
    outcome: 'failed',
    code: 'corrupt',
    reason: /not a Word \.docx file: this ZIP archive lacks the parts it needs/,
  });
  put(
    'mislabelled/ole-garbage.docx',
    concat(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), randomBytes(4096)),
    {
      outcome: 'failed',
      code: 'corrupt',
      reason: /^damaged Office document: its OLE compound structure cannot be read/,
    },
  );
  for (const [name, what] of [
    ['notes.xlsx', /not an Excel \.xlsx workbook/],
    ['notes.xls', /not an Excel \.xls workbook/],
    ['notes.et', /not a WPS \.et workbook/],
    ['notes.ods', /not an OpenDocument spreadsheet/],
    ['notes.pptx', /not a PowerPoint \.pptx file/],
    ['notes.ofd', /not an OFD document/],
    ['notes.doc', /not a Word \.doc file/],
  ] as const) {
    put(`mislabelled/${name}`, '这其实是一份纯文本笔记。\n', { outcome: 'failed', code: 'corrupt', reason: what });
  }
  // An .xls named .doc: an Excel workbook, read as one (content decides).
  put('mislabelled/workbook.doc', workbookBytes(markerWorkbook('独角兽账户'), 'xls'), {
    outcome: 'indexed',
    query: '独角兽账户',
  });
  put('mislabelled/slides.ppt-as.doc', makeOle({ 'PowerPoint Document': new Uint8Array(2048) }), {
    outcome: 'failed',
    code: 'unsupported',
    reason: /PowerPoint 97–2003 \.ppt files are not supported: .*export it as PDF/,
  });

  // ---- password-protected Office and OFD files -------------------------------------------------------------------
  for (const name of ['encrypted-ooxml.docx', 'encrypted-ooxml.xlsx', 'encrypted-ooxml.pptx', 'encrypted-ooxml.doc']) {
    put(`encrypted/${name}`, makeEncryptedOoxml(), {
      outcome: 'failed',
      code: 'encrypted',
      reason: /^password-protected Office document/,
    });
  }
  put('encrypted/filepass.xls', withFilePass(workbookBytes(testRecordWorkbook(), 'xls')), {
    outcome: 'failed',
    code: 'encrypted',
    reason: /^password-protected Office document/,
  });
  put(
    'encrypted/signed-and-sealed.ofd',
    makeOfd([[{ x: 20, y: 30, text: '加密的公文' }]], { extra: [{ name: 'Encryptions.xml', data: '<Encryptions/>' }] }),
    { outcome: 'failed', code: 'encrypted', reason: /^password-protected \(encrypted\) OFD document/ },
  );

  // A disk image renamed .txt: 40 MiB, sparse (costs no disk), all NUL bytes.
  {
    const fd = openSync(path.join(root, 'mislabelled', 'disk-image.txt'), 'w');
    ftruncateSync(fd, 40 * 1024 * 1024);
    closeSync(fd);
    expected.set('mislabelled/disk-image.txt', { outcome: 'failed', code: 'unsupported', reason: /binary|NUL/i });
  }
  put('mislabelled/empty.txt', '', { outcome: 'failed', code: 'empty', reason: /^empty file: nothing to index$/ });
  put('mislabelled/whitespace.md', '\n\n   \n\t\n', {
    outcome: 'failed',
    code: 'empty',
    reason: /nothing to index|no text/,
  });

  // ---- archives built to explode -------------------------------------------------------------------------------
  // The directory claims 3.75 GiB for a tiny entry: refused from the directory alone.
  put(
    'bombs/claims-gigabytes.docx',
    makeDocx(w.p('正文'), { extra: [{ name: 'word/bomb.xml', data: '<x/>'.repeat(1000), claimedSize: 0xf0000000 }] }),
    {
      outcome: 'failed',
      code: 'too-large',
      reason: /^word\/bomb\.xml would decompress from \d+ bytes to 3\.8 GiB: a zip bomb, not indexed$/,
    },
  );
  // A real 1 GiB document.xml that deflates to ~1 MiB, honestly declared: refused from the directory (ratio).
  const gigabyte = await deflateRepeatedByte(1024 * 1024 * 1024);
  put('bombs/honest-bomb.docx', zipWithDeflatedEntry('word/document.xml', gigabyte), {
    outcome: 'failed',
    code: 'too-large',
    reason: /^word\/document\.xml would decompress from [\d.]+ (KiB|MiB) to 1\.0 GiB: a zip bomb, not indexed$/,
  });
  // The same payload declared as 4 KiB: the lie is caught while inflating, by a hard output limit.
  put('bombs/lying-bomb.docx', zipWithDeflatedEntry('word/document.xml', gigabyte, 4096), {
    outcome: 'failed',
    code: 'too-large',
    reason:
      /word\/document\.xml decompresses to more than 4\.0 KiB \(a zip bomb or an extremely large document\): not indexed/,
  });
  // Declared as 15 MiB (under the 16 MiB limit, a plausible ratio): inflation stops at the declared size.
  put('bombs/understated-bomb.docx', zipWithDeflatedEntry('word/document.xml', gigabyte, 15 * 1024 * 1024), {
    outcome: 'failed',
    code: 'too-large',
    reason: /zip bomb|decompresses to more than/,
  });

  // The same payload as a workbook's sheet declared as 4 KiB, a deck's slide honestly declared, an OFD page claiming
  // 3.75 GiB: every ZIP-based reader passes DOCX's guards before its library inflates anything.
  put(
    'bombs/lying-bomb.xlsx',
    zipWithDeflatedEntry('xl/worksheets/sheet1.xml', gigabyte, 4096, [
      { name: 'xl/workbook.xml', data: '<workbook/>' },
    ]),
    { outcome: 'failed', code: 'too-large', reason: /xl\/worksheets\/sheet1\.xml decompresses to more than 4\.0 KiB/ },
  );
  put(
    'bombs/honest-bomb.pptx',
    zipWithDeflatedEntry('ppt/slides/slide1.xml', gigabyte, gigabyte.size, [
      { name: 'ppt/presentation.xml', data: '<p:presentation/>' },
    ]),
    {
      outcome: 'failed',
      code: 'too-large',
      reason: /^ppt\/slides\/slide1\.xml would decompress from .* to 1\.0 GiB: a zip bomb/,
    },
  );
  put(
    'bombs/understated-bomb.ods',
    zipWithDeflatedEntry('content.xml', gigabyte, 15 * 1024 * 1024, [
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' },
    ]),
    { outcome: 'failed', code: 'too-large', reason: /zip bomb|decompresses to more than/ },
  );
  put(
    'bombs/claims-gigabytes.ofd',
    makeOfd([[{ x: 20, y: 30, text: '正文' }]], {
      extra: [{ name: 'Doc_0/Res/bomb.xml', data: '<x/>'.repeat(1000), claimedSize: 0xf0000000 }],
    }),
    {
      outcome: 'failed',
      code: 'too-large',
      reason: /^Doc_0\/Res\/bomb\.xml would decompress from \d+ bytes to 3\.8 GiB/,
    },
  );

  // ---- skipped before reading ----------------------------------------------------------------------------------
  put('office/~$报告.docx', randomBytes(162), {
    outcome: 'skipped',
    skip: 'office-lock-file',
    reason: /^Office lock file/,
  });
  put('office/~$lock.xlsx', randomBytes(165), {
    outcome: 'skipped',
    skip: 'office-lock-file',
    reason: /^Office lock file/,
  });
  put('office/slides.ppt', randomBytes(1024), {
    outcome: 'skipped',
    skip: 'unsupported-extension',
    reason: /PowerPoint 97–2003 \.ppt is not supported: export it as PDF/,
  });
  put('office/.DS_Store', randomBytes(1024), { outcome: 'skipped', skip: 'hidden', reason: /hidden/ });
  put('office/setup.exe', randomBytes(1024), {
    outcome: 'skipped',
    skip: 'unsupported-extension',
    reason: /unsupported file type "\.exe"/,
  });
  // Over the 100 MiB default limit: sparse, so it costs nothing to make and must not be read.
  {
    const fd = openSync(path.join(root, 'office', 'too big.txt'), 'w');
    ftruncateSync(fd, 150 * 1024 * 1024);
    closeSync(fd);
    expected.set('office/too big.txt', {
      outcome: 'skipped',
      skip: 'too-large',
      reason: /150\.0 MiB is over the 100\.0 MiB size limit/,
    });
  }

  // ---- links, special files, permissions -----------------------------------------------------------------------
  mkdirSync(path.join(root, 'links', 'inner'), { recursive: true });
  symlinkSync('..', path.join(root, 'links', 'inner', 'back-up'));
  expected.set('links/inner/back-up', { outcome: 'skipped', skip: 'symlink-loop', reason: /loop/ });
  symlinkSync('self.md', path.join(root, 'links', 'self.md'));
  expected.set('links/self.md', { outcome: 'skipped', skip: 'symlink-loop', reason: /points to itself/ });
  symlinkSync('nowhere.md', path.join(root, 'links', 'dangling.md'));
  expected.set('links/dangling.md', { outcome: 'skipped', skip: 'unreadable', reason: /broken symbolic link/ });
  execFileSync('mkfifo', [path.join(root, 'links', 'pipe.txt')]);
  expected.set('links/pipe.txt', { outcome: 'skipped', skip: 'unreadable', reason: /not a regular file/ });

  put('locked/secret.txt', '权限受限文件中的白虎条款。\n', { outcome: 'indexed', query: '白虎条款' });
  chmodSync(path.join(root, 'locked', 'secret.txt'), 0o000);
  mkdirSync(path.join(root, 'locked', 'closed folder'));
  writeFileSync(path.join(root, 'locked', 'closed folder', 'inside.md'), '# 内部\n\n不可读目录中的文件。\n');
  chmodSync(path.join(root, 'locked', 'closed folder'), 0o000);

  return {
    root,
    expected,
    permissionDenied: { file: 'locked/secret.txt', folder: 'locked/closed folder', fileQuery: '白虎条款' },
  };
}
