import { parseArgs, type ParseArgsConfig } from 'node:util';
import { everyCommand, type CliCommand, type CliOption, type CliOptions, type NamedCommand } from './CliCommand.ts';
import { EVERY_COMMAND_OPTIONS } from './sharedOptions.ts';
import { UsageError } from './UsageError.ts';

/** What the command line asks for. */
export type CommandLine =
  /** No command: `kb` alone (exit code 2) or `kb --help` (0) prints the list of commands. */
  | { kind: 'usage'; exitCode: 0 | 2 }
  /** `kb <command> --help` or `kb help <command>`: that command's help. */
  | { kind: 'help'; names: string[]; command: CliCommand }
  /** Run `command` with the words after its name and the options given. */
  | { kind: 'run'; names: string[]; command: CliCommand; positionals: string[]; values: Record<string, OptionValue> };

type OptionValue = string | boolean | undefined;

/**
 * Every option of every command, for the first reading of the command line (which words are options' values and
 * which the command's name). One name must mean one kind of option in every command, or that reading would be wrong.
 */
function everyOption(commands: readonly CliCommand[]): CliOptions {
  const all: Record<string, CliOption> = { ...EVERY_COMMAND_OPTIONS };
  for (const { names, command } of everyCommand(commands)) {
    for (const [name, option] of Object.entries(command.options)) {
      const seen = all[name];
      if (seen && (seen.type !== option.type || seen.short !== option.short)) {
        const kb = `kb ${names.join(' ')}`;
        throw new Error(`${kb} declares --${name} unlike another command does: one option name, one kind of option`);
      }
      all[name] = option;
    }
  }
  return all;
}

function parseArgsOptions(options: CliOptions): NonNullable<ParseArgsConfig['options']> {
  const entries = Object.entries(options).map(
    ([name, { type, short }]) => [name, short ? { type, short } : { type }] as const,
  );
  return Object.fromEntries(entries);
}

/** Damerau–Levenshtein distance (optimal string alignment): a swapped pair of letters is one mistake. */
function editDistance(a: string, b: string): number {
  const row = (i: number): number[] => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0));
  const d = Array.from({ length: a.length + 1 }, (_, i) => row(i));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The one candidate a typo most likely meant: at most 2 mistakes, and fewer than half of the word. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(word, candidate) }));
  const close = scored.filter(({ distance }) => distance <= 2 && distance < word.length / 2);
  return close.sort((x, y) => x.distance - y.distance)[0]?.candidate;
}

/** The command the first words name (`docs`, then `set` if it is one of its subcommands), or null. */
function findCommand(words: string[], commands: readonly CliCommand[]): NamedCommand | null {
  let command: CliCommand | undefined = commands.find((c) => c.name === words[0]);
  if (!command) return null;
  const names = [command.name];
  for (;;) {
    const sub: CliCommand | undefined = command.subcommands?.find((s) => s.name === words[names.length]);
    if (!sub) return { names, command };
    command = sub;
    names.push(sub.name);
  }
}

function unknownCommand(word: string, commands: readonly CliCommand[]): UsageError {
  const suggestion = closest(word, [...commands.map((c) => c.name), 'help']);
  return new UsageError(
    `unknown command "${word}"${suggestion ? `: did you mean kb ${suggestion}?` : ''} (try: kb help)`,
  );
}

/** "a", "a and b", "a, b and c". */
function inWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Refuses the first option that `names` does not take, naming it, the command, and the options it does take. */
function refuseForeignOptions(
  tokens: { name: string; rawName: string }[],
  names: string[],
  own: CliOptions,
  commands: readonly CliCommand[],
): void {
  const foreign = tokens.find((token) => !Object.hasOwn(own, token.name));
  if (!foreign) return;
  const kb = `kb ${names.join(' ')}`;
  const takes = `${kb} takes ${Object.keys(own)
    .map((name) => `--${name}`)
    .join(', ')}`;
  const others = everyCommand(commands).filter(({ command }) => Object.hasOwn(command.options, foreign.name));
  if (others.length > 0) {
    // Up to three: "(kb ask does)", "(kb ingest and kb watch do)"; --library and --json are taken by nearly all.
    const takers = others.map((other) => `kb ${other.names.join(' ')}`);
    const who = takers.length > 3 ? 'other commands do' : `${inWords(takers)} ${takers.length === 1 ? 'does' : 'do'}`;
    throw new UsageError(`${kb} does not take ${foreign.rawName} (${who}); ${takes}`);
  }
  const meant = foreign.rawName.startsWith('--') ? closest(foreign.name, Object.keys(own)) : undefined;
  throw new UsageError(
    `Unknown option '${foreign.rawName}' for ${kb}${meant ? ` (did you mean --${meant}?)` : ''}; ${takes}`,
  );
}

/**
 * Reads a `kb` command line. The command is found first (options may come before it, as in `kb --library x docs`),
 * then the line is read again with that command's options only, strictly: an option it does not take is refused
 * (UsageError), and parseArgs' own errors (a missing value) are thrown as they are.
 */
export function parseCommandLine(argv: string[], commands: readonly CliCommand[]): CommandLine {
  const all = everyOption(commands);
  const firstReading = parseArgs({ args: argv, options: parseArgsOptions(all), strict: false, tokens: true });
  const optionTokens = firstReading.tokens.filter((token) => token.kind === 'option');
  const [word, ...words] = firstReading.positionals;
  if (word === undefined) {
    const { values } = parseArgs({ args: argv, options: parseArgsOptions(all), strict: true, allowPositionals: true });
    return { kind: 'usage', exitCode: values.help ? 0 : 2 };
  }
  if (word === 'help') {
    refuseForeignOptions(optionTokens, ['help'], EVERY_COMMAND_OPTIONS, commands);
    if (words.length === 0) return { kind: 'usage', exitCode: 0 };
    const found = findCommand(words, commands);
    if (!found) throw unknownCommand(words[0]!, commands);
    return { kind: 'help', names: found.names, command: found.command };
  }
  const found = findCommand([word, ...words], commands);
  if (!found) throw unknownCommand(word, commands);
  const own = { ...found.command.options, ...EVERY_COMMAND_OPTIONS };
  refuseForeignOptions(optionTokens, found.names, own, commands);
  const { values, positionals } = parseArgs({
    args: argv,
    options: parseArgsOptions(own),
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { kind: 'help', names: found.names, command: found.command };
  const { names, command } = found;
  // No option is declared `multiple`, so no value is an array.
  return {
    kind: 'run',
    names,
    command,
    positionals: positionals.slice(names.length),
    values: values as Record<string, OptionValue>,
  };
}
