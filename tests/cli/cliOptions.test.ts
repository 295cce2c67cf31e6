// Each `kb` command takes its own options: one it does not take is refused (exit code 2, one line naming the option,
// the command and what it does take), `kb <command> --help` prints that command's help, an unknown command is
// refused with a suggestion when one is close. The commands to check are read from their own declarations
// (KB_COMMANDS), so a new command is covered without touching this file. The real `kb`, in its own process.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCommand, type CliCommand, type NamedCommand } from '../../electron/cli/CliCommand.ts';
import { KB_COMMANDS } from '../../electron/cli/commands/kbCommands.ts';
import { exitCodeFor, ExitCode } from '../../electron/cli/exitCodeFor.ts';
import { parseCommandLine } from '../../electron/cli/parseCommandLine.ts';
import { EVERY_COMMAND_OPTIONS } from '../../electron/cli/sharedOptions.ts';
import { UsageError } from '../../electron/cli/UsageError.ts';
import { EmbeddingModelError } from '../../electron/engine/embed/TransformersEmbedder.ts';
import { IngestInputError } from '../../electron/engine/ingest/walkInputs.ts';
import { LlmBackendError } from '../../electron/engine/llm/LlmBackendError.ts';
import { ModelFileError } from '../../electron/engine/llm/ModelFileError.ts';
import { LibraryError, storageError } from '../../electron/engine/store/openLibraryDatabase.ts';
import { fromWireError, KbError } from '../../shared/errors.ts';
import { runKb, sha256File, tempDir, type KbRun } from '../reliability/helpers.ts';

const COMMANDS = everyCommand(KB_COMMANDS);
const ALL_OPTIONS = new Map(COMMANDS.flatMap(({ command }) => Object.entries(command.options)));
const label = ({ names }: NamedCommand): string => names.join(' ');
/** What a command takes, as its refusals list it. */
const takes = ({ command }: NamedCommand): string[] =>
  [...Object.keys(command.options), ...Object.keys(EVERY_COMMAND_OPTIONS)].map((name) => `--${name}`);
/** The command-line words of an option: `--k x`, `--json`. */
const given = (name: string): string[] =>
  ALL_OPTIONS.get(name)!.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
/** The options of other commands that this one does not take. */
const foreignOptions = ({ command }: NamedCommand): string[] =>
  [...ALL_OPTIONS.keys()].filter((name) => !Object.hasOwn(command.options, name));
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Runs `runs` at most `parallel` at a time (each kb is its own Node process; the machine has few cores). */
async function inTurn<T, R>(items: readonly T[], parallel: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

function expectOneLineRefusal(run: KbRun, message: RegExp | string): void {
  expect(run.code, run.stderr).toBe(ExitCode.usage);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(run.stderr.trim()).toBe(message);
  else expect(run.stderr.trim()).toMatch(message);
}

describe('kb: each command takes its own options', () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;
  let docs: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('kb-cli-options-'));
    docs = path.join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(
      path.join(docs, 'std.md'),
      '# 8 第三级安全要求\n\n#### 8.1.4.1 身份鉴别\n\na）应对登录的用户进行身份标识和鉴别；\nb）应具有登录失败处理功能。\n',
    );
    library = path.join(dir, 'options.kb.sqlite');
    const ingest = await runKb(['ingest', docs, '--library', library]);
    expect(ingest.code, ingest.stderr).toBe(0);
  }, 60_000);
  afterAll(() => cleanup());

  it('the declarations cover every command, and every command but the two parents leaves options to others', () => {
    expect(COMMANDS.map(label)).toEqual(
      expect.arrayContaining([
        'ingest',
        'search',
        'docs',
        'docs set',
        'synonyms list',
        'ask',
        'history',
        'export',
        'eval',
        'watch',
        'serve',
      ]),
    );
    for (const named of COMMANDS) expect(foreignOptions(named).length, label(named)).toBeGreaterThan(0);
  });

  it('kb docs --model x and kb search --max-tokens 5 are refused, naming the option, the command and what it takes', async () => {
    const [docsRun, searchRun] = await Promise.all([
      runKb(['docs', '--library', library, '--model', 'x']),
      runKb(['search', '身份鉴别', '--library', library, '--max-tokens', '5']),
    ]);
    expectOneLineRefusal(
      docsRun,
      'kb: kb docs does not take --model (kb ask does); kb docs takes --library, --json, --help, --verbose',
    );
    expectOneLineRefusal(
      searchRun,
      'kb: kb search does not take --max-tokens (kb ask does); kb search takes --library, --json, --k, --batch, --retrieval, --help, --verbose',
    );
  }, 30_000);

  it('every command refuses an option of another command it does not take (the real kb, one run per command)', async () => {
    const runs = await inTurn(COMMANDS, 3, async (named) => {
      const option = foreignOptions(named)[0]!;
      return { named, option, run: await runKb([...named.names, '--library', library, ...given(option)]) };
    });
    for (const { named, option, run } of runs) {
      const kb = `kb ${label(named)}`;
      const takers = COMMANDS.filter(({ command }) => Object.hasOwn(command.options, option)).map(
        (c) => `kb ${label(c)}`,
      );
      const inWords = takers.length === 1 ? takers[0] : `${takers.slice(0, -1).join(', ')} and ${takers.at(-1)}`;
      const who = takers.length > 3 ? 'other commands do' : `${inWords} ${takers.length === 1 ? 'does' : 'do'}`;
      expectOneLineRefusal(run, `kb: ${kb} does not take --${option} (${who}); ${kb} takes ${takes(named).join(', ')}`);
    }
  }, 120_000);

  it('every command refuses an option that no command takes, and suggests a close one', async () => {
    for (const named of COMMANDS) {
      const kb = `kb ${label(named)}`;
      // Starts as parseArgs' own refusal did, so what matched it before still does.
      const message = `Unknown option '--no-such-option' for ${kb}; ${kb} takes ${takes(named).join(', ')}`;
      expect(() => parseCommandLine([...named.names, '--no-such-option', '--library', library], KB_COMMANDS)).toThrow(
        message,
      );
      if (named.names.length > 1 || named.command.name === 'serve') {
        // The real kb for a subcommand and for kb serve (which runs outside the CLI's own code): the same line.
        expectOneLineRefusal(await runKb([...named.names, '--no-such-option', '--library', library]), `kb: ${message}`);
      }
    }
    expectOneLineRefusal(
      await runKb(['search', 'x', '--retreival', 'vector', '--library', library]),
      /^kb: Unknown option '--retreival' for kb search \(did you mean --retrieval\?\); /,
    );
    expectOneLineRefusal(
      await runKb(['search', 'x', '-x', '--library', library]),
      /^kb: Unknown option '-x' for kb search; /,
    );
  }, 120_000);

  it('the whole matrix: every command refuses every option it does not take (the same parser, in-process)', () => {
    let refusals = 0;
    for (const named of COMMANDS) {
      for (const option of foreignOptions(named)) {
        expect(
          () => parseCommandLine([...named.names, ...given(option)], KB_COMMANDS),
          `kb ${label(named)} --${option}`,
        ).toThrow(new RegExp(`^kb ${escape(label(named))} does not take --${option} \\(`));
        refusals++;
      }
      for (const option of Object.keys(named.command.options)) {
        expect(
          parseCommandLine([...named.names, ...given(option)], KB_COMMANDS),
          `kb ${label(named)} --${option}`,
        ).toMatchObject({ kind: 'run' });
      }
    }
    expect(refusals).toBeGreaterThan(100);
  });

  it('a refused option is refused before anything is written: no library is created', async () => {
    const fresh = path.join(dir, 'never-created.kb.sqlite');
    expectOneLineRefusal(
      await runKb(['ingest', docs, '--library', fresh, '--model', 'x.gguf']),
      /^kb: kb ingest does not take --model /,
    );
    expect(existsSync(fresh)).toBe(false);
    const before = sha256File(library);
    expectOneLineRefusal(
      await runKb(['synonyms', 'add', '堡垒机', '运维审计', '--library', library, '--json']),
      /^kb: kb synonyms add does not take --json /,
    );
    expect(sha256File(library)).toBe(before);
  }, 30_000);

  it('one option name is one kind of option in every command (the first reading of a line relies on it)', () => {
    const a: CliCommand = {
      name: 'a',
      synopsis: '',
      options: { n: { type: 'string', help: 'n' } },
      run: () => Promise.resolve(0),
    };
    const b: CliCommand = {
      name: 'b',
      synopsis: '',
      options: { n: { type: 'boolean', help: 'n' } },
      run: () => Promise.resolve(0),
    };
    expect(() => parseCommandLine(['a'], [a, b])).toThrow(/kb b declares --n unlike another command does/);
    expect(() => parseCommandLine(['a'], KB_COMMANDS)).toThrow(UsageError);
  });

  it("kb <command> --help, -h and kb help <command> print that command's usage and every option it takes", async () => {
    const runs = await inTurn(COMMANDS, 3, async (named) => ({ named, run: await runKb([...named.names, '--help']) }));
    for (const { named, run } of runs) {
      expect(run.code, run.stderr).toBe(ExitCode.ok);
      expect(run.stderr).toBe('');
      const synopsis = [named.command, ...(named.command.subcommands ?? [])]
        .map((c) => c.synopsis)
        .filter(Boolean)
        .join('\n');
      expect(run.stdout.startsWith(`Usage:\n${synopsis}\n\nOptions of kb ${label(named)}:\n`), run.stdout).toBe(true);
      for (const option of Object.keys(named.command.options))
        expect(run.stdout, `kb ${label(named)} --help`).toMatch(new RegExp(`^ {2}--${option}\\b`, 'm'));
      expect(run.stdout).toMatch(/^ {2}-h, --help +this help$/m);
      for (const sub of named.command.subcommands ?? [])
        expect(run.stdout).toContain(`kb ${label(named)} ${sub.name} --help`);
    }
    const docsSetHelp = runs.find(({ named }) => label(named) === 'docs set')!.run.stdout;
    const [short, viaHelp] = await Promise.all([runKb(['docs', 'set', '-h']), runKb(['help', 'docs', 'set'])]);
    expect(short).toMatchObject({ code: 0, stdout: docsSetHelp });
    expect(viaHelp).toMatchObject({ code: 0, stdout: docsSetHelp });
    // --help needs nothing else: no --library, no question.
    expect(runs.find(({ named }) => label(named) === 'ask')!.run.stdout).toContain('--max-tokens N');
  }, 120_000);

  it("kb --help lists every command (as before) and says where each command's options are; kb alone exits 2", async () => {
    const [help, bare, helpWord] = await Promise.all([runKb(['--help']), runKb([]), runKb(['help'])]);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.stdout).toMatch(/^kb — offline knowledge base\n\nUsage:\n/);
    for (const named of COMMANDS) if (named.command.synopsis) expect(help.stdout).toContain(named.command.synopsis);
    for (const name of KB_COMMANDS.map((c) => c.name)) expect(help.stdout).toMatch(new RegExp(`^ {2}kb ${name} `, 'm'));
    expect(help.stdout).toMatch(/^ {2}--library <file> {3}the library \(\*\.kb\.sqlite\); ingest creates it$/m);
    expect(help.stdout).toMatch(/\nA command with all its options: kb <command> --help\n$/);
    expect(bare).toMatchObject({ code: ExitCode.usage, stdout: help.stdout, stderr: '' });
    expect(helpWord).toMatchObject({ code: ExitCode.ok, stdout: help.stdout });
  }, 30_000);

  it('an unknown command is refused with exit code 2, with a suggestion when one is close', async () => {
    const [typo, swapped, far, helpTypo, subTypo] = await Promise.all([
      runKb(['serch', 'x', '--library', library]),
      runKb(['ingset', docs, '--library', library]),
      runKb(['frobnicate']),
      runKb(['help', 'histroy']),
      runKb(['docs', 'sett', '1', '--library', library]),
    ]);
    expectOneLineRefusal(typo, 'kb: unknown command "serch": did you mean kb search? (try: kb help)');
    expectOneLineRefusal(swapped, 'kb: unknown command "ingset": did you mean kb ingest? (try: kb help)');
    expectOneLineRefusal(far, 'kb: unknown command "frobnicate" (try: kb help)');
    expectOneLineRefusal(helpTypo, 'kb: unknown command "histroy": did you mean kb history? (try: kb help)');
    // A word after a command is the command's to judge, as before.
    expectOneLineRefusal(subTypo, 'kb: unknown kb docs argument "sett" (kb docs, or kb docs set <id> …)');
  }, 30_000);

  it('options before the command, --name=value and -- still read as before', async () => {
    const [before, equals, terminated] = await Promise.all([
      runKb(['--library', library, 'search', '身份鉴别', '--json']),
      runKb(['search', '身份鉴别', `--library=${library}`, '--json', '--k=1']),
      runKb(['search', '--library', library, '--json', '--', '--k']),
    ]);
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)[0].headingPath).toEqual(['8 第三级安全要求', '8.1.4.1 身份鉴别']);
    expect(equals.code, equals.stderr).toBe(0);
    expect(JSON.parse(equals.stdout)).toHaveLength(1);
    expect(terminated.code, terminated.stderr).toBe(0);
    expect(JSON.parse(terminated.stdout)).toEqual([]);
  }, 30_000);

  describe('exit codes of errors, as before', () => {
    it('a damaged library, a missing library, a missing input and a bad kb serve port: 2, one line', async () => {
      const damaged = path.join(dir, 'damaged.kb.sqlite');
      const good = readFileSync(library);
      writeFileSync(damaged, Buffer.concat([good.subarray(0, 100), Buffer.alloc(good.length - 100, 0x5a)]));
      const [corrupt, missingLibrary, missingInput, serveUsage] = await Promise.all([
        runKb(['search', '身份鉴别', '--library', damaged]),
        runKb(['docs', '--library', path.join(dir, 'nowhere.kb.sqlite')]),
        runKb(['ingest', path.join(dir, 'no-such-folder'), '--library', library]),
        runKb(['serve', '--library', library, '--port', '99999']),
      ]);
      expectOneLineRefusal(
        corrupt,
        new RegExp(`^kb: ${escape(damaged)} is damaged \\(.+\\)[;:] restore it from a backup`),
      );
      expectOneLineRefusal(
        missingLibrary,
        /^kb: no library at .*nowhere\.kb\.sqlite: create one with "kb ingest <folder> --library /,
      );
      expectOneLineRefusal(missingInput, `kb: no such file or folder: ${path.join(dir, 'no-such-folder')}`);
      // kb serve's own usage error (ServeUsageError) is the CLI's too.
      expectOneLineRefusal(serveUsage, 'kb: --port must be a port number (0-65535), got "99999"');
    }, 30_000);

    it('--verbose prints the refusal’s code and params under its sentence', async () => {
      const nowhere = path.join(dir, 'nowhere.kb.sqlite');
      const [missingLibrary, usage] = await Promise.all([
        runKb(['docs', '--library', nowhere, '--verbose']),
        runKb(['ask', '--library', library, '--mode', 'maybe', '--verbose']),
      ]);
      expect(missingLibrary.code).toBe(ExitCode.usage);
      expect(missingLibrary.stderr).toContain(`kb: no library at ${nowhere}`);
      expect(missingLibrary.stderr).toContain(
        `\nkb: error code library.not-found ${JSON.stringify({ file: nowhere })} (user)\n`,
      );
      expect(usage.code).toBe(ExitCode.usage);
      expect(usage.stderr).toContain(
        'kb: error code cli.usage {"detail":"--mode must be exact or generate, got \\"maybe\\""}',
      );
    }, 30_000);

    it.skipIf(process.getuid?.() !== 0)(
      'a read-only library (as nobody): a write says so with exit 2, the library named from --library=<file>',
      async () => {
        const shared = path.join(dir, 'shared');
        mkdirSync(shared, { mode: 0o777 });
        chmodSync(dir, 0o755);
        chmodSync(shared, 0o777);
        const readOnly = path.join(shared, 'team.kb.sqlite');
        writeFileSync(readOnly, readFileSync(library));
        chmodSync(readOnly, 0o644);
        const run = await runKb(['synonyms', 'add', '备份', '数据备份', `--library=${readOnly}`], {
          uid: 65534,
          env: { HOME: dir },
        });
        expectOneLineRefusal(
          run,
          new RegExp(
            `^kb: ${escape(readOnly)} is read-only: searching and asking work, but adding, removing or editing needs a library you can write`,
          ),
        );
      },
      30_000,
    );

    it('an error kb did not expect exits 1, with the stack only under KB_DEBUG', async () => {
      const output = path.join(dir, 'no-such-folder', 'paper.md');
      await runKb(['ask', '身份鉴别', '--library', library]);
      const [plain, debug] = await Promise.all([
        runKb(['export', '--library', library, '--output', output]),
        runKb(['export', '--library', library, '--output', output], { env: { KB_DEBUG: '1' } }),
      ]);
      expect(plain.code).toBe(ExitCode.failed);
      expect(plain.stderr).toBe(`kb: ENOENT: no such file or directory, open '${output}'\n`);
      expect(debug.code).toBe(ExitCode.failed);
      expect(debug.stderr).toMatch(/^kb: ENOENT: .*\nError: ENOENT: .*\n {4}at /);
    }, 30_000);

    it('one function decides by the error kind: what a person can fix is 2, anything else 1', () => {
      const fixable: unknown[] = [
        new UsageError('x'),
        new LibraryError({ code: 'library.corrupt', params: { file: 'x', detail: 'x' } }, 'x'),
        new IngestInputError('x'),
        new EmbeddingModelError({ code: 'embedding.model-invalid', params: { folder: 'x', missing: 'x' } }, 'x'),
        new ModelFileError({ code: 'model-file.not-gguf', params: { file: 'x.gguf' } }, 'x'),
        new LlmBackendError({ code: 'llm.backend-failed', params: { backend: 'cuda', detail: 'x' } }, 'x'),
        new KbError('service.refused', 'x', { detail: 'x' }),
        // From another process: its kind travels with it.
        fromWireError({
          name: 'LibraryError',
          code: 'library.read-only',
          params: { file: 'x' },
          message: 'x',
          kind: 'user',
        }),
        storageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'x.kb.sqlite'),
        Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }),
        Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }),
        Object.assign(new TypeError("Unknown option '--x'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }),
      ];
      for (const error of fixable) expect(exitCodeFor(error), String(error)).toBe(ExitCode.usage);
      for (const error of [
        new Error('x'),
        new KbError('internal', 'x', {}, 'internal'),
        fromWireError({ name: 'TypeError', code: 'internal', params: {}, message: 'x', kind: 'internal' }),
        fromWireError({ what: 'malformed' }),
        Object.assign(new Error('x'), { code: 'ENOENT' }),
        Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }),
        'a string',
        null,
        { code: 7 },
      ]) {
        expect(exitCodeFor(error), String(error)).toBe(ExitCode.failed);
      }
    });

    it('decides without loading the engine (kb --help and a usage error stay fast)', () => {
      // better-sqlite3 is the engine's first native module: CommonJS, so it shows in require.cache once loaded.
      const script = `
        const { createRequire } = await import('node:module');
        const require = createRequire(import.meta.url);
        const { exitCodeFor } = await import('./electron/cli/exitCodeFor.ts');
        const { UsageError } = await import('./electron/cli/UsageError.ts');
        const code = exitCodeFor(new UsageError('x'));
        const loaded = Object.keys(require.cache).some((file) => file.includes('better-sqlite3'));
        const sqlite = (await import('better-sqlite3'), Object.keys(require.cache).some((f) => f.includes('better-sqlite3')));
        console.log(JSON.stringify({ code, loaded, sqlite }));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: path.resolve(import.meta.dirname, '../..'),
      });
      // sqlite: true shows the check itself sees a loaded engine module.
      expect(JSON.parse(out)).toEqual({ code: ExitCode.usage, loaded: false, sqlite: true });
    });
  });
});
