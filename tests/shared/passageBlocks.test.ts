// The renderer reads a passage's table rows back into a table (renderer/src/components/passageBlocks.ts): on rows
// written by the engine's own table reader from a real standard, and on the shapes it must leave as prose.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../electron/engine/chunk/chunkDocument.ts';
import { structureDocument } from '../../electron/engine/chunk/structureDocument.ts';
import { WordPieceTokenCounter } from '../../electron/engine/chunk/WordPieceTokenCounter.ts';
import { parseMarkdown } from '../../electron/engine/parse/parseMarkdown.ts';
import { passageBlocks, truncatePassage } from '../../shared/passageBlocks.ts';
import { CORPUS, TOKENIZER_DIR } from '../engine/helpers.ts';

describe('passageBlocks', () => {
  it("reads the engine's rows of JR/T 0060's grading table back into its header and rows", () => {
    const doc = structureDocument(parseMarkdown(readFileSync(path.join(CORPUS, 'mlps/JR/JRT0060.md'))));
    const chunks = chunkDocument(doc, WordPieceTokenCounter.fromDirectory(TOKENIZER_DIR));
    const chunk = chunks.find((c) => c.text.includes('定级结果的组合: S1A1'));
    expect(chunk).toBeDefined();
    const tables = passageBlocks(chunk!.text).filter((block) => block.kind === 'table');
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({ header: ['安全保护等级', '定级结果的组合'] });
    expect(tables[0]!.kind === 'table' && tables[0]!.rows.slice(0, 3)).toEqual([
      ['第一级', 'S1A1'],
      ['第二级', 'S1A2，S2A2，S2A1'],
      ['第三级', 'S1A3，S2A3，S3A3，S3A2，S3A1'],
    ]);
  });

  it('keeps prose around a table in order, puts a value under its own column, and continues a broken row', () => {
    const text = [
      '表A.1 对应关系表',
      '序号 | 层面 | 控制项',
      '序号: 1 | 层面: 安全物理环境 | 控制项: 应配置电子门禁',
      '序号: 2 | 控制项: 应设置消防',
      '控制项: 合的鉴别技术',
      '注：见正文。',
    ].join('\n');
    expect(passageBlocks(text)).toEqual([
      { kind: 'text', text: '表A.1 对应关系表' },
      {
        kind: 'table',
        header: ['序号', '层面', '控制项'],
        rows: [
          ['1', '安全物理环境', '应配置电子门禁'],
          ['2', '', '应设置消防'],
          ['', '', '合的鉴别技术'],
        ],
      },
      { kind: 'text', text: '注：见正文。' },
    ]);
  });

  it('reads rows without labels as a table without header, and leaves prose with colons alone', () => {
    expect(passageBlocks('8.1.4.1 | 身份鉴别\n8.1.4.2 | 访问控制 | 三级')).toEqual([
      {
        kind: 'table',
        header: null,
        rows: [
          ['8.1.4.1', '身份鉴别', ''],
          ['8.1.4.2', '访问控制', '三级'],
        ],
      },
    ]);
    const prose = 'a）标准要求：机房出入口应配置电子门禁系统。\nNote: see 8.1.4.1; time 10:30';
    expect(passageBlocks(prose)).toEqual([{ kind: 'text', text: prose }]);
  });

  it('cuts a long passage on a line boundary, never inside a row', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `序号: ${i + 1} | 控制项: ${'应'.repeat(30)}`);
    const cut = truncatePassage(rows.join('\n'), 200);
    expect(cut.endsWith('\n…')).toBe(true);
    for (const line of cut.split('\n').slice(0, -1)) expect(rows).toContain(line);
    expect(truncatePassage('短', 200)).toBe('短');
    expect(truncatePassage('长'.repeat(300), 200)).toBe(`${'长'.repeat(200)}…`);
  });
});
