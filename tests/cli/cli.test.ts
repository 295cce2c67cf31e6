import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, TOKENIZER_DIR } from '../engine/helpers.ts';

const KB = path.resolve(import.meta.dirname, '../../bin/kb.js');
const run = promisify(execFile);

/** Runs the real `kb` in its own Node process; never throws, returns code and output. */
async function kb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [KB, ...args], {
      env: { ...process.env, KB_TOKENIZER_DIR: TOKENIZER_DIR },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('kb CLI', () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;

  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    library = path.join(dir, 'cli.kb.sqlite');
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(
      path.join(dir, 'docs', 'std.md'),
      '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\na）应对登录的用户进行身份标识和鉴别；\nb）应具有登录失败处理功能。\n',
    );
    writeFileSync(path.join(dir, 'docs', 'broken.pdf'), 'not really a pdf');
    writeFileSync(
      path.join(dir, 'queries.jsonl'),
      '{"id":"q1","query":"登录失败"}\nnot json\n{"id":"q2","query":"身份鉴别"}\n',
    );
  });
  afterAll(() => cleanup());

  it('ingest --json prints the summary; failures carry their reasons', async () => {
    const result = await kb('ingest', path.join(dir, 'docs'), '--library', library, '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.indexed).toBe(1);
    expect(summary.failed).toEqual([
      expect.objectContaining({ code: 'corrupt', path: expect.stringMatching(/broken\.pdf$/) }),
    ]);
  });

  it('ingest prints progress and a readable summary on stderr', async () => {
    const result = await kb('ingest', path.join(dir, 'docs'), '--library', library);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[\d+\/2\]/);
    expect(result.stderr).toMatch(/0 indexed, 1 unchanged, 0 skipped, 1 failed/);
    expect(result.stderr).toMatch(/failed +.*broken\.pdf: /);
  });

  it('search prints ranked passages with heading path; --json and --batch are machine-readable', async () => {
    const text = await kb('search', '登录失败处理', '--library', library);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('8 第三级安全要求 › 8.1.4.1 身份鉴别');
    const json = JSON.parse((await kb('search', '登录失败处理', '--library', library, '--json', '--k', '3')).stdout);
    expect(json[0]).toMatchObject({ headingPath: ['8 第三级安全要求', '8.1.4.1 身份鉴别'], pageStart: null });
    const batch = (await kb('search', '--batch', path.join(dir, 'queries.jsonl'), '--library', library)).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(batch).toHaveLength(3);
    expect(batch[0]).toMatchObject({ id: 'q1' });
    expect(batch[0].hits.length).toBeGreaterThan(0);
    expect(batch[1]).toEqual({ line: 2, error: 'line 2: not valid JSON' });
    expect(batch[2]).toMatchObject({ id: 'q2' });
  });

  it("--verbose writes the engine's log to stderr (the library, each search, timings) and leaves stdout as it was", async () => {
    const quiet = await kb('search', '登录失败', '--library', library, '--json');
    const verbose = await kb('search', '登录失败', '--library', library, '--json', '--verbose');
    expect(verbose.code).toBe(0);
    expect(JSON.parse(verbose.stdout)).toEqual(JSON.parse(quiet.stdout));
    expect(quiet.stderr).not.toMatch(/\[(info|debug)\]/);
    const lines = verbose.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\S+Z \\[info\\] library\\.open file=${library.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} documents=2 chunks=\\d+ readOnly=false semantic=off$`,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/ \[debug\] search retrieval=null queryChars=4 hits=1 ms=\d+$/));
    // The question's words are not in the log.
    expect(verbose.stderr).not.toContain('登录');
    const ingest = await kb('ingest', path.join(dir, 'docs'), '--library', library, '--verbose');
    expect(ingest.stderr).toMatch(
      /\[info\] ingest\.done file=\S+ filesSeen=2 indexed=0 unchanged=1 skipped=0 failed=1 /,
    );
    expect(ingest.stderr).toMatch(/\[warn\] ingest\.file-failed path=\S+broken\.pdf code=/);
  });

  it('docs lists documents with status and failure reasons', async () => {
    const result = await kb('docs', '--library', library, '--json');
    const { documents, stats } = JSON.parse(result.stdout);
    expect(stats).toMatchObject({ documents: 2, indexed: 1, failed: 1 });
    expect(documents.find((d: { status: string }) => d.status === 'failed').error).toMatch(/PDF/);
    const text = await kb('docs', '--library', library);
    expect(text.stdout).toMatch(/failed +\? +.*broken\.pdf +— /);
  });

  it.each([
    [['search', 'x', '--library', '/nonexistent/x.kb.sqlite'], /^kb: no library at/],
    [['docs'], /^kb: missing --library/],
    [['frobnicate'], /^kb: unknown command "frobnicate"/],
    [['search', 'x', '--library', 'lib', '--k', 'ten'], /^kb: --k must be a positive whole number/],
    [['search', 'x', '--nope'], /^kb: Unknown option '--nope'/],
    [['ingest', '/nonexistent/folder', '--library', 'x.kb.sqlite'], /^kb: no such file or folder/],
  ])('bad arguments %j: one line, exit code 2, no stack trace', async (args, message) => {
    const result = await kb(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("ingest creates a new library's missing folders; a folder that cannot be made is named, exit code 2", async () => {
    const nested = path.join(dir, 'not', 'made', 'yet', 'client.kb.sqlite');
    const made = await kb('ingest', path.join(dir, 'docs', 'std.md'), '--library', nested, '--json');
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ indexed: 1 });
    expect(existsSync(nested)).toBe(true);
    // A file where a folder must go: refused with the library and the reason, nothing created.
    writeFileSync(path.join(dir, 'a-file'), 'x');
    const refused = await kb(
      'ingest',
      path.join(dir, 'docs', 'std.md'),
      '--library',
      path.join(dir, 'a-file', 'x.kb.sqlite'),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^kb: cannot create the folder of library .*a-file\/x\.kb\.sqlite: EEXIST/);
    // Only ingest creates: a search names the missing library instead of creating one.
    const search = await kb('search', 'x', '--library', path.join(dir, 'nowhere', 'x.kb.sqlite'));
    expect(search.code).toBe(2);
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('a file that is not a library is refused with exit code 2 and left untouched', async () => {
    const notLibrary = path.join(dir, 'notes.txt');
    writeFileSync(notLibrary, 'hello');
    const result = await kb('docs', '--library', notLibrary);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a library/);
  });

  it("synonyms add, list and remove the library's own thesaurus entries; answers then reach the new wording", async () => {
    const before = await kb('ask', '小机能锁定吗？', '--library', library, '--json');
    expect(JSON.parse(before.stdout).status).toBe('not_found');
    const added = await kb('synonyms', 'add', '小机能锁定', '登录失败处理', '--library', library);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^#1 {2}小机能锁定 → 登录失败处理 {2}\(thesaurus [\d.]+\+user:1:[0-9a-f]{8}\)/);
    const listed = JSON.parse((await kb('synonyms', 'list', '--library', library, '--json')).stdout);
    expect(listed.own).toEqual([expect.objectContaining({ id: 1, ask: '小机能锁定', means: ['登录失败处理'] })]);
    expect(listed.builtinEntries).toBeGreaterThan(500);
    const after = JSON.parse((await kb('ask', '小机能锁定吗？', '--library', library, '--json')).stdout);
    expect(after.status).not.toBe('not_found');
    expect(after.citations[0].headingPath.at(-1)).toBe('8.1.4.1 身份鉴别');
    expect(after.evidence.thesaurusVersion).toBe(listed.version);
    expect((await kb('synonyms', 'remove', '1', '--library', library)).code).toBe(0);
    const gone = await kb('synonyms', 'remove', '1', '--library', library);
    expect(gone).toMatchObject({ code: 2, stderr: expect.stringMatching(/no thesaurus entry 1/) });
    expect((await kb('synonyms', 'add', '只有一个词', '--library', library)).code).toBe(2);
  });

  it('docs shows what each document is; docs set corrects it and --reset returns to the detected', async () => {
    const listed = await kb('docs', '--library', library);
    const id = /#(\d+)\s+indexed/.exec(listed.stdout)![1]!;
    const set = await kb(
      'docs',
      'set',
      id,
      '--library',
      library,
      '--standard',
      'Q/ABC 001-2024',
      '--kind',
      'requirements',
      '--title',
      '公司安全基线',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Q/ABC 001-2024 公司安全基线');
    expect(set.stdout).toContain('set by hand: standard, title, kind');
    const answer = JSON.parse((await kb('ask', '登录失败处理有什么要求？', '--library', library, '--json')).stdout);
    expect(answer.answer).toMatch(/^Q\/ABC 001-2024 · 8\.1\.4\.1 身份鉴别 \[1\]/);
    expect((await kb('docs', 'set', id, '--library', library, '--reset', 'standard,kind,title')).stdout).not.toContain(
      'set by hand',
    );
    expect((await kb('docs', 'set', id, '--library', library, '--kind', 'poem')).code).toBe(2);
    expect((await kb('docs', 'set', '9999', '--library', library, '--title', 'x')).stderr).toMatch(/no document 9999/);
  });
});
