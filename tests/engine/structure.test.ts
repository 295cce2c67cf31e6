import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../electron/engine/chunk/chunkDocument.ts';
import { dropRunningHeadersAndFooters, structureDocument } from '../../electron/engine/chunk/structureDocument.ts';
import { EstimatingTokenCounter, WordPieceTokenCounter } from '../../electron/engine/chunk/WordPieceTokenCounter.ts';
import type { ParsedSource, SourceLine } from '../../electron/engine/parse/types.ts';
import { CORPUS, TOKENIZER_DIR } from './helpers.ts';

const counter = WordPieceTokenCounter.fromDirectory(TOKENIZER_DIR);

function pdfLike(pages: string[][]): ParsedSource {
  const lines: SourceLine[] = pages.flatMap((page, i) => page.map((text) => ({ text, page: i + 1 })));
  return { type: 'pdf', lines, layoutWrapped: true, pageCount: pages.length };
}

describe('structureDocument on layout-wrapped (PDF) text', () => {
  const header = (n: number): string =>
    `11/29/26, 1:48 AM GB/T 25070—2019 信息安全技术 网络安全等级保护安全设计技术要求 ${n}`;
  const footer = (n: number): string => `http://127.0.0.1:8765/25070.html ${n}/4`;
  const source = pdfLike([
    [
      header(1),
      '8 第三级安全要求',
      '8.1 安全通用要求',
      '8.1.4 安全计算环境',
      '8.1.4.1 身份鉴别',
      '本项要求包括：',
      'a）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂',
      footer(1),
    ],
    [
      header(2),
      '度要求并定期更换；',
      'b）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接',
      '超时自动退出等相关措施；',
      '每',
      '3 个月进行一次检查。',
      footer(2),
    ],
    [header(3), '8.1.4.2 访问控制', '应对登录的用户分配账户和权限。', '— 3 —', footer(3)],
    [header(4), '8.1.4.3 安全审计', 'The audit log shall be', 'protected.', footer(4)],
  ]);
  const doc = structureDocument(source);

  it('drops running headers, footers and page numbers', () => {
    expect(doc.text).not.toContain('25070.html');
    expect(doc.text).not.toContain('1:48 AM');
    expect(doc.text).not.toContain('— 3 —');
  });

  it('joins lines broken inside a sentence, across pages, without a space between Chinese characters', () => {
    expect(doc.text).toContain('身份鉴别信息具有复杂度要求并定期更换；');
    expect(doc.text).toContain('限制非法登录次数和当登录连接超时自动退出等相关措施；');
    expect(doc.text).toContain('The audit log shall be protected.');
    // "3 个月" continues a sentence: it is not a chapter heading.
    expect(doc.text).toContain('每3 个月进行一次检查。');
    expect(doc.blocks.filter((b) => b.kind === 'heading').map((b) => b.text)).not.toContain('3 个月进行一次检查。');
  });

  it('finds headings by clause number and records heading paths and pages', () => {
    const item = doc.blocks.find((b) => b.text.startsWith('b）'))!;
    expect(item.listItem).toBe(true);
    expect(item.headingPath).toEqual([
      '8 第三级安全要求',
      '8.1 安全通用要求',
      '8.1.4 安全计算环境',
      '8.1.4.1 身份鉴别',
    ]);
    const first = doc.blocks.find((b) => b.text.startsWith('a）'))!;
    expect([first.pageStart, first.pageEnd]).toEqual([1, 2]);
    const audit = doc.blocks.find((b) => b.text.startsWith('The audit'))!;
    expect(audit.headingPath.at(-1)).toBe('8.1.4.3 安全审计');
  });

  it('gives every block a character range into the document text', () => {
    for (const block of doc.blocks) expect(doc.text.slice(block.charStart, block.charEnd)).toBe(block.text);
  });

  it('does not take table-of-contents lines or implausible numbers for headings', () => {
    const toc = structureDocument({
      type: 'text',
      layoutWrapped: false,
      lines: [
        { text: '目 次' },
        { text: '6.1 安全通用要求................................4' },
        { text: '8 第三级安全要求' },
        { text: '8.1 安全通用要求' },
        { text: '2019 年发布。' },
        { text: '57.3 米以上' },
      ],
    });
    expect(toc.blocks.filter((b) => b.kind === 'heading').map((b) => b.text)).toEqual([
      '8 第三级安全要求',
      '8.1 安全通用要求',
    ]);
  });

  it('keeps the repeated-line filter to the edges of pages', () => {
    const lines: SourceLine[] = [1, 2, 3, 4].flatMap((page) => [
      { text: 'Header', page },
      { text: 'a', page },
      { text: 'b', page },
      { text: 'c', page },
      { text: '应对登录的用户分配账户和权限。', page },
      { text: 'd', page },
      { text: 'e', page },
      { text: 'f', page },
    ]);
    const kept = dropRunningHeadersAndFooters(lines).map((line) => line.text);
    expect(kept).not.toContain('Header');
    expect(kept.filter((t) => t === '应对登录的用户分配账户和权限。')).toHaveLength(4);
  });
});

describe('chunkDocument', () => {
  const markdown = readFileSync(path.join(CORPUS, 'mlps/GB/GBT22239-2019_基本要求.md'), 'utf8');
  const lines: SourceLine[] = markdown.split('\n').map((text) => {
    const match = /^(#{1,6})\s+(.*)$/.exec(text);
    return match ? { text: match[2]!, headingLevel: match[1]!.length } : { text, paragraphEnd: text.trim() === '' };
  });
  const doc = structureDocument({ type: 'markdown', lines, layoutWrapped: false });
  const chunks = chunkDocument(doc, counter);

  it('keeps a whole clause with its list items in one chunk under its heading path', () => {
    const clause = chunks.filter((c) => c.headingPath.at(-1) === '8.1.4.1 身份鉴别');
    expect(clause).toHaveLength(1);
    expect(clause[0]!.headingPath).toEqual([
      '8 第三级安全要求',
      '8.1 安全通用要求',
      '8.1.4 安全计算环境',
      '8.1.4.1 身份鉴别',
    ]);
    for (const item of [
      'a）应对登录的用户',
      'b）应具有登录失败处理功能',
      'c）当进行远程管理时',
      'd）应采用口令、密码技术',
    ]) {
      expect(clause[0]!.text).toContain(item);
    }
  });

  it('recognises a clause heading that lost its Markdown marks (8.1.10.8 配置管理)', () => {
    expect(chunks.some((c) => c.headingPath.at(-1) === '8.1.10.8 配置管理')).toBe(true);
  });

  it('never exceeds the token limit, and each chunk is exactly the document text at its range', () => {
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(384);
      expect(counter.count(chunk.text)).toBe(chunk.tokenCount);
      expect(doc.text.slice(chunk.charStart, chunk.charEnd)).toBe(chunk.text);
    }
    expect(chunks.map((c) => c.ord)).toEqual(chunks.map((_, i) => i));
  });

  it('cuts a megabyte line without punctuation into windows within the limit', () => {
    const long = '安全'.repeat(200_000);
    const longDoc = structureDocument({ type: 'text', layoutWrapped: false, lines: [{ text: long }] });
    const pieces = chunkDocument(longDoc, counter, { maxTokens: 256 });
    expect(pieces.length).toBeGreaterThanOrEqual(400000 / 256);
    expect(Math.max(...pieces.map((p) => p.tokenCount))).toBeLessThanOrEqual(256);
    expect(pieces.map((p) => p.text).join('')).toBe(long);
  });
});

describe('token counting', () => {
  it('counts bge WordPiece tokens: one per Chinese character, sub-words for Latin, lowercased', () => {
    expect(counter.count('身份鉴别')).toBe(4);
    expect(counter.count('GB/T 22239')).toBe(counter.count('gb/t 22239'));
    expect(counter.count('，。；')).toBe(3);
  });

  it('the estimate used without a tokenizer does not under-count on real text (MLPS, NIST)', () => {
    const estimate = new EstimatingTokenCounter();
    for (const file of ['mlps/GB/GBT22239-2019_基本要求.md', 'nist/sp800-53r5-controls.md', 'mlps/law/网络安全法.md']) {
      const text = readFileSync(path.join(CORPUS, file), 'utf8').slice(0, 200_000);
      const exact = counter.count(text);
      const estimated = estimate.count(text);
      expect(estimated / exact, file).toBeGreaterThanOrEqual(0.98);
      expect(estimated / exact, file).toBeLessThan(1.6);
    }
  });
});
