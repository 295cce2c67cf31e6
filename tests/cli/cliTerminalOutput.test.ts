// What `kb` writes to a terminal when documents hold terminal escapes: an OSC 52 clipboard write, CSI colours and
// screen clears, BEL, C1 controls, a carriage return, bidi overrides — in their text and in their file names. The
// real CLI (in-process, its output captured write by write) on a real library of real files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, SearchHit } from '../../shared/types.ts';
import { runCli } from '../../electron/cli/runCli.ts';
import { tempDir, TOKENIZER_DIR } from '../engine/helpers.ts';

const ESC = '\x1b';
const CLIPBOARD_WRITE = `${ESC}]52;c;ZXZpbA==\x07`;
// Never written as themselves: C0 controls but tab and line feed, DEL, C1 controls, bidi controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// The one escape kb writes itself: on a terminal, the progress line is redrawn (carriage return, erase line).
const REDRAW = '\r\x1b[K';

const ESCAPE_NAME = `${ESC}[31mred-name${ESC}[0m.md`;
const HOSTILE_MARKDOWN = [
  `# 口令策略${CLIPBOARD_WRITE}`,
  '',
  `## 8.1.4.1 身份鉴别${ESC}[2J`,
  '',
  `应对登录的用户进行身份鉴别${CLIPBOARD_WRITE}，口令复杂度${ESC}[31m红色${ESC}[0m，\u202e反转\u202c，C1 \x9b2J 控制\x85，响铃\x07，删除\x7f。`,
  '',
].join('\n');
const HOSTILE_TEXT = `身份鉴别的口令应定期更换${ESC}]52;c;cm0gLXJmIH4=\x07，覆盖\r伪造的行${ESC}[1A${ESC}[2K。\n`;

interface Run {
  code: number;
  stdout: string;
  /** Each write to stderr, as it was made. */
  stderrWrites: string[];
}

async function kb(args: string[], { stderrIsTty = false } = {}): Promise<Run> {
  let stdout = '';
  const stderrWrites: string[] = [];
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void stderrWrites.push(text),
    stderrIsTty,
    env: { KB_TOKENIZER_DIR: TOKENIZER_DIR },
  });
  return { code, stdout, stderrWrites };
}

/** What a terminal receives on stderr, less kb's own redraw at the start of a progress write. */
function stderrText(run: Run): string {
  return run.stderrWrites.map((write) => (write.startsWith(REDRAW) ? write.slice(REDRAW.length) : write)).join('');
}

describe('kb text output of documents that hold terminal escapes', () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;
  let docs: string;
  let ingestRun: Run;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-cli-escapes-'));
    docs = path.join(dir, 'docs');
    library = path.join(dir, 'escapes.kb.sqlite');
    mkdirSync(docs);
    writeFileSync(path.join(docs, ESCAPE_NAME), HOSTILE_MARKDOWN);
    writeFileSync(path.join(docs, `口令${ESC}]52;c;ZXZpbA==\x07\u202e.txt`), HOSTILE_TEXT);
    ingestRun = await kb(['ingest', docs, '--library', library], { stderrIsTty: true });
    expect(ingestRun.code).toBe(0);
    expect((await kb(['ask', '身份鉴别', '--library', library])).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('the library holds the escapes as the documents wrote them (JSON is lossless)', async () => {
    const run = await kb(['search', '身份鉴别', '--library', library, '--json']);
    const hits = JSON.parse(run.stdout) as SearchHit[];
    expect(hits.map((h) => path.basename(h.documentPath))).toContain(ESCAPE_NAME);
    expect(
      hits.some((h) => h.text.includes(CLIPBOARD_WRITE) && h.text.includes('\u202e') && h.text.includes('\x9b')),
    ).toBe(true);
    expect(hits.some((h) => h.headingPath.some((heading) => heading.includes(`${ESC}[2J`)))).toBe(true);
  });

  it.each([
    ['search', ['search', '身份鉴别']],
    ['ask', ['ask', '身份鉴别']],
    ['docs', ['docs']],
    ['history', ['history']],
    ['export to stdout', ['export', '--format', 'md']],
  ])('kb %s writes every control character as a visible escape', async (_name, args) => {
    const run = await kb([...args, '--library', library]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(stderrText(run)).not.toMatch(CONTROL);
    // Shown, not dropped: the reader sees that the document holds an escape.
    expect(run.stdout.replace(/\\(?=[[\]])/g, '')).toMatch(/\\u001b\]52;c;|\\u001b\[31mred-name\\u001b\[0m\.md/);
  });

  it('kb search and kb docs name the file with its escapes shown', async () => {
    for (const args of [['search', '身份鉴别'], ['docs']]) {
      const { stdout } = await kb([...args, '--library', library]);
      expect(stdout).toContain('\\u001b[31mred-name\\u001b[0m.md');
      expect(stdout).toContain('口令\\u001b]52;c;ZXZpbA==\\u0007\\u202e.txt');
    }
    const { stdout } = await kb(['search', '身份鉴别', '--library', library]);
    expect(stdout).toContain(
      '\\u001b]52;c;ZXZpbA==\\u0007，口令复杂度\\u001b[31m红色\\u001b[0m，\\u202e反转\\u202c，C1 \\u009b2J 控制\\u0085',
    );
  });

  it('kb ingest progress on a terminal redraws its line and writes no escape of a file name', () => {
    expect(ingestRun.stderrWrites.some((write) => write.startsWith(REDRAW))).toBe(true);
    expect(stderrText(ingestRun)).not.toMatch(CONTROL);
  });

  it('JSON output escapes C1 and bidi controls too, and reads back unchanged', async () => {
    for (const args of [
      ['search', '身份鉴别', '--json'],
      ['docs', '--json'],
      ['history', '--json'],
      ['ingest', docs, '--json'],
    ]) {
      const run = await kb([...args, '--library', library]);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(CONTROL);
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
    const history = JSON.parse((await kb(['history', '--library', library, '--json'])).stdout) as HistoryEntry[];
    expect(
      history[0]!.answer.citations.some(
        (c) => c.quote.includes(CLIPBOARD_WRITE) && c.quote.includes('\u202e反转\u202c'),
      ),
    ).toBe(true);
  });
});
