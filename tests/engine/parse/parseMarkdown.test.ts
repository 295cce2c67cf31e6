import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../electron/engine/parse/parseMarkdown.ts';
import { parseSource } from '../../../electron/engine/parse/parseSource.ts';
import { corpus, parseErrorOf, utf8 } from './fixtures.ts';

describe('parseMarkdown', () => {
  it('maps headings, paragraphs, code, tables and trivial emphasis', () => {
    const md = [
      '---',
      'title: front matter',
      '---',
      '# 网络安全等级保护 #',
      '',
      'First paragraph line one',
      'line two with **bold**, *em* and a [link](http://example.com).',
      '',
      'Setext Title',
      '============',
      'Sub title',
      '---',
      '',
      '###### 8.1.4.1 身份鉴别',
      '- item a * b * c',
      '- snake_case_name stays',
      '',
      '```sh',
      'echo "# not a heading"',
      '',
      'exit 0',
      '```',
      '| 控制点 | 要求 |',
      '| :--- | ---: |',
      '| 身份鉴别 | 应对用户进行身份鉴别 |',
      '| 访问控制 | a \\| b |',
      '',
      '***',
      'last line',
    ].join('\n');
    const r = parseMarkdown(utf8(md));
    expect(r.type).toBe('markdown');
    expect(r.title).toBe('网络安全等级保护');
    expect(r.lines).toEqual([
      { text: '网络安全等级保护', headingLevel: 1, paragraphEnd: true },
      { text: 'First paragraph line one' },
      { text: 'line two with bold, em and a link.', paragraphEnd: true },
      { text: 'Setext Title', headingLevel: 1, paragraphEnd: true },
      { text: 'Sub title', headingLevel: 2, paragraphEnd: true },
      { text: '8.1.4.1 身份鉴别', headingLevel: 6, paragraphEnd: true },
      { text: '- item a * b * c' },
      { text: '- snake_case_name stays', paragraphEnd: true },
      { text: 'echo "# not a heading"' },
      { text: '' },
      { text: 'exit 0', paragraphEnd: true },
      { text: '控制点 | 要求', paragraphEnd: true, tableRow: true },
      { text: '控制点: 身份鉴别 | 要求: 应对用户进行身份鉴别', paragraphEnd: true, tableRow: true },
      { text: '控制点: 访问控制 | 要求: a | b', paragraphEnd: true, tableRow: true },
      { text: 'last line', paragraphEnd: true },
    ]);
  });

  it('parses the GB/T 22239 Markdown from the corpus', async () => {
    const bytes = new Uint8Array(readFileSync(corpus('mlps/GB/GBT22239-2019_基本要求.md')));
    const r = await parseSource(bytes, 'GBT22239-2019_基本要求.md');
    expect(r.type).toBe('markdown');
    const h = r.lines.find((l) => l.text === '8.1.4.1 身份鉴别');
    expect(h?.headingLevel).toBeGreaterThan(0);
    expect(r.lines.some((l) => l.text.startsWith('#'))).toBe(false);
  });

  it('is chosen for .md and .markdown', async () => {
    expect((await parseSource(utf8('# T\n'), 'a.markdown')).type).toBe('markdown');
    expect((await parseSource(utf8('# T\n'), 'A.MD')).type).toBe('markdown');
  });

  it('refuses whitespace-only Markdown as empty', async () => {
    expect((await parseErrorOf(() => parseMarkdown(utf8('\n  \n\t\n')))).code).toBe('empty');
  });
});
