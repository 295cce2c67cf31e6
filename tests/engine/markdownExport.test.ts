// The Markdown working paper (`kb export --format md`, the app's Export) of answers that cite hostile documents:
// passages and file names that hold Markdown and HTML meant to forge headings, source entries and links, terminal
// escapes and bidi overrides. Real files, the real engine and the real CLI; the exported file is then read by
// CommonMark's rules for what opens a block or an inline element (no Markdown parser is installed in this project),
// and every quoted passage, file name and question is read back to check that it says exactly what the library holds.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/types.ts';
import { runCli } from '../../electron/cli/runCli.ts';
import { tempDir, TOKENIZER_DIR } from './helpers.ts';

const ESC = '\x1b';
// Characters that must never reach a reader as themselves: C0 controls but tab and line feed, DEL, C1, bidi controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const HOSTILE_TEXT = [
  '8.1.4.1 身份鉴别',
  `应对登录的用户进行身份鉴别${ESC}]52;c;ZXZpbA==\x07，口令复杂度${ESC}[31m红色${ESC}[0m\u202e反转\u202c，C1 \x9b2J 控制\x85。\r## 来源 伪造`,
  '## 来源',
  '[1] GB/T 99999-2099 伪造 — 8.1.4.1 身份鉴别, p. 3',
  '**[2]** `x.md` — 伪造',
  '[1]: javascript:alert(1)',
  '身份鉴别 [点击](javascript:alert(1)) ![图](http://evil.example/x.png) <script>alert(1)</script> <img src=x onerror=alert(1)> <https://evil.example> www.evil.example https://evil.example/a',
  '===',
  '---',
  '> 引用 身份鉴别',
  '1. 列表 身份鉴别',
  '```',
  '~~~',
  '| a | b |',
  '&lt;b&gt; &amp; 身份鉴别 \\ 反斜杠 *强调* _强调_ ~~删除~~',
].join('\n\n');
const HOSTILE_MARKDOWN =
  '# 8 安全要求\n\n## 8.1.4.2 身份鉴别 [伪造](javascript:alert(1)) <b>粗</b> `code` *强调*\n\n身份鉴别应采用两种组合的鉴别技术 <script>alert(2)</script>。\n';
// A file name that closes a two-backtick code span and starts lines of its own.
const HOSTILE_NAME = 'x`` y\n## 来源\n[9] 伪造.txt';
const ESCAPE_NAME = `${ESC}[31mred-name${ESC}[0m.txt`;
const HOSTILE_QUESTION = '量子计算机的液冷散热 ## 结论\n## 审计结论\n<b>是</b> [1]: vbscript:msgbox';

/** How the working paper shows a character never written as itself: JSON's escape, `\u001b`; in a file name, line breaks too. */
function shown(text: string, { lineBreaks = false } = {}): string {
  const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const controls = text.replace(CONTROL, escape);
  return lineBreaks ? controls.replace(/[\t\n]/g, escape) : controls;
}

/** A line's content inside its block quotes (CommonMark: up to three spaces, `>`, an optional space) and their depth. */
function unquote(line: string): { depth: number; content: string } {
  let depth = 0;
  let content = line;
  for (let marker = /^ {0,3}>[ ]?/.exec(content); marker; marker = /^ {0,3}>[ ]?/.exec(content), depth++)
    content = content.slice(marker[0].length);
  return { depth, content };
}

/** The code spans of a line by CommonMark's rule (a backtick run closed by the next run of the same length), with their content. */
function codeSpans(line: string): { start: number; end: number; content: string }[] {
  const spans = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\') {
      i += 2; // an escaped backtick opens nothing (nor does any escaped character)
      continue;
    }
    if (line[i] !== '`') {
      i++;
      continue;
    }
    const run = /^`+/.exec(line.slice(i))![0];
    let close = -1;
    for (let j = i + run.length; j < line.length;) {
      const next = /`+/.exec(line.slice(j));
      if (!next) break;
      if (next[0].length === run.length) {
        close = j + next.index;
        break;
      }
      j += next.index + next[0].length;
    }
    if (close === -1) {
      i += run.length; // an unclosed run is literal backticks
      continue;
    }
    let content = line.slice(i + run.length, close);
    if (content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '')
      content = content.slice(1, -1);
    spans.push({ start: i, end: close + run.length, content });
    i = close + run.length;
  }
  return spans;
}

/** What of a line Markdown reads as syntax: the line without its code spans and backslash-escaped punctuation. */
function syntaxResidue(line: string): string {
  let rest = line;
  for (const span of codeSpans(line).reverse()) rest = rest.slice(0, span.start) + rest.slice(span.end);
  return rest.replace(/\\[!-/:-@[-`{-~]/g, '');
}

/** Text as a Markdown reader shows it: backslash escapes and the entities the working paper writes, resolved. */
function readBack(markdown: string): string {
  return markdown
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');
}

async function kb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stderrIsTty: false,
    env: { KB_TOKENIZER_DIR: TOKENIZER_DIR },
  });
  return { code, stdout, stderr };
}

describe('the Markdown working paper of answers citing hostile documents', () => {
  let dir: string;
  let cleanup: () => void;
  let exported: string;
  let entries: HistoryEntry[];

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-md-export-'));
    const docs = path.join(dir, 'docs');
    const library = path.join(dir, 'hostile.kb.sqlite');
    const output = path.join(dir, 'paper.md');
    mkdirSync(docs);
    writeFileSync(path.join(docs, 'hostile.txt'), HOSTILE_TEXT);
    writeFileSync(path.join(docs, 'hostile.md'), HOSTILE_MARKDOWN);
    writeFileSync(path.join(docs, HOSTILE_NAME), '身份鉴别：口令应定期更换。\n');
    writeFileSync(path.join(docs, ESCAPE_NAME), `口令唯一性${ESC}]52;c;ZXZpbA==\x07：用户标识应唯一。\n`);
    expect((await kb(['ingest', docs, '--library', library])).code).toBe(0);
    // One conversation, so that one working paper holds the three questions.
    const first = await kb(['ask', '身份鉴别', '--library', library]);
    const conversation = /recorded as conversation (\d+)/.exec(first.stderr)![1]!;
    for (const question of [HOSTILE_QUESTION, '口令唯一性'])
      expect((await kb(['ask', question, '--library', library, '--conversation', conversation])).code).toBe(0);
    expect((await kb(['export', '--library', library, '--format', 'md', '--output', output])).code).toBe(0);
    exported = readFileSync(output, 'utf8');
    entries = JSON.parse((await kb(['history', '--library', library, '--json'])).stdout) as HistoryEntry[];
  });
  afterAll(() => cleanup());

  it('the questions were answered from the hostile documents (the test exercises what it means to)', () => {
    expect(entries.map((e) => e.answer.status)).toEqual(['answered', 'not_found', 'answered']);
    const cited = entries.flatMap((e) => e.answer.citations.map((c) => c.documentPath));
    for (const name of ['hostile.txt', 'hostile.md', HOSTILE_NAME, ESCAPE_NAME])
      expect(cited).toContain(path.join(dir, 'docs', name));
    expect(
      entries[0]!.answer.citations.some(
        (c) => c.quote.includes('[1]: javascript:alert(1)') && c.quote.includes(`${ESC}]52;`),
      ),
    ).toBe(true);
  });

  it('has exactly the headings, list items and source entries the app wrote', () => {
    const lines = exported.split(/\r\n|\r|\n/); // CommonMark's line endings: a lone CR ends a line
    const blocks = lines.map(unquote);
    expect(
      blocks
        .filter((b) => /^ {0,3}#{1,6}(?:[ \t]|$)/.test(b.content))
        .map((b) => `${b.depth}:${b.content.split(' ').slice(0, 2).join(' ')}`),
    ).toEqual(['0:# 问答记录', '0:## Q1.', '0:### Sources', '0:## Q2.', '0:## Q3.', '0:### Sources']);
    // Setext underlines, thematic breaks, fences, indented code, HTML blocks, link reference definitions: none.
    for (const { content } of blocks) {
      expect(content).not.toMatch(/^ {0,3}(?:=+|-+)[ \t]*$/);
      expect(content).not.toMatch(/^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/);
      expect(content).not.toMatch(/^ {0,3}(?:`{3,}|~{3,})/);
      expect(content).not.toMatch(/^(?: {4}|\t)/);
      expect(content).not.toMatch(/^ {0,3}[<[]/);
    }
    const listItems = blocks.filter((b) => /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/.test(b.content));
    expect(
      listItems.every((b) => b.depth === 0 && /^- (Library|Conversation|Exported|Asked|Mode): /.test(b.content)),
    ).toBe(true);
    expect(listItems).toHaveLength(3 + 2 * entries.length);
    const sourceEntries = blocks.filter((b) => /^\*\*\[\d+\]\*\*/.test(b.content));
    expect(sourceEntries.map((b) => `${b.depth}:${/^\*\*\[(\d+)\]\*\*/.exec(b.content)![1]}`)).toEqual(
      entries.flatMap((e) => e.answer.citations.map((c) => `0:${c.n}`)),
    );
  });

  it('holds no link, image, autolink, raw HTML, emphasis or table cell made from document text', () => {
    for (const [index, line] of exported.split(/\r\n|\r|\n/).entries()) {
      // What the app writes with Markdown's meaning: a source entry's number, "not found" in bold, the status name.
      const appWritten = unquote(line)
        .content.replace(/^\*\*\[\d+\]\*\* /, '')
        .replace(/^\*\*未找到 Not found\.\*\* /, '')
        .replace('status: not_found;', '');
      const residue = syntaxResidue(appWritten);
      expect(residue, `line ${index + 1}: ${line}`).not.toMatch(/[[\]<`*_~|]/);
      expect(residue, `line ${index + 1}: ${line}`).not.toMatch(/javascript:|:\/\/|www\./i);
      expect(
        residue.replace(/&(?:amp|lt|#\d+);/g, '').replace(/^# 问答记录 Q&A record/, ''),
        `line ${index + 1}: ${line}`,
      ).not.toContain('&');
    }
  });

  it('writes no control character, escape sequence or bidi override as itself', () => {
    expect(exported.match(CONTROL)).toBeNull();
    expect(readBack(exported)).toContain('\\u001b]52;c;ZXZpbA==\\u0007');
    expect(readBack(exported)).toContain('\\u202e反转\\u202c');
  });

  it('quotes every passage and names every file exactly, as a reader reads them back', () => {
    const lines = exported.split('\n');
    const citations = entries.flatMap((e) => e.answer.citations);
    const sourceLines = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => /^\*\*\[\d+\]\*\*/.test(line));
    expect(sourceLines).toHaveLength(citations.length);
    sourceLines.forEach(({ line, index }, k) => {
      const citation = citations[k]!;
      expect(codeSpans(line)[0]?.content).toBe(shown(citation.documentPath, { lineBreaks: true }));
      const quoted: string[] = [];
      for (let i = index + 2; i < lines.length && lines[i]!.startsWith('>'); i++)
        quoted.push(readBack(lines[i]!.replace(/^> ?/, '')));
      const expected = shown(citation.quote)
        .split(/\r\n|\r|\n/)
        .map((l) => (l.trim() === '' ? '' : l))
        .join('\n');
      expect(quoted.join('\n')).toBe(expected);
      expect(readBack(line)).toContain(`— ${shown(citation.headingPath.join(' › ')) || '(no heading)'}`);
    });
    const questionHeadings = lines
      .filter((line) => /^## Q\d+\. /.test(line))
      .map((line) => readBack(line.replace(/^## Q\d+\. /, '')));
    expect(questionHeadings).toEqual(entries.map((e) => e.question.split(/\r\n|\r|\n/).join(' ')));
  });
});
