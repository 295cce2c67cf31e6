import { everyCommand, type CliCommand, type CliOption, type CliOptions } from './CliCommand.ts';
import { EVERY_COMMAND_OPTIONS } from './sharedOptions.ts';

/** The options `kb --help` explains, as most commands share them; each command's own are in `kb <command> --help`. */
const GENERAL_OPTIONS = ['model', 'library', 'tokenizer', 'embedding-model', 'embedding-pooling', 'retrieval', 'json'];

// Help's second column: 2 spaces of indent, the option in 17 or more, 2 spaces.
const DESCRIPTION_COLUMN = 21;

function synopses(commands: readonly CliCommand[]): string {
  return everyCommand(commands)
    .map(({ command }) => command.synopsis)
    .filter(Boolean)
    .join('\n');
}

function formatOption(name: string, option: CliOption): string {
  const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` ${option.value}` : ''}`;
  return `  ${flag.padEnd(DESCRIPTION_COLUMN - 4)}  ${option.help.split('\n').join(`\n${' '.repeat(DESCRIPTION_COLUMN)}`)}`;
}

function formatOptions(options: CliOptions): string {
  return Object.entries(options)
    .map(([name, option]) => formatOption(name, option))
    .join('\n');
}

/** `kb --help`: every command's lines, then the options most of them share. */
export function formatUsage(commands: readonly CliCommand[]): string {
  const all = everyCommand(commands);
  const general: Record<string, CliOption> = {};
  for (const name of GENERAL_OPTIONS) {
    const first = all.find(({ command }) => command.options[name])?.command.options[name];
    if (first) general[name] = first;
  }
  return (
    `kb — offline knowledge base\n\nUsage:\n${synopses(commands)}\n\nOptions:\n${formatOptions(general)}\n` +
    '\nA command with all its options: kb <command> --help\n'
  );
}

/** `kb <command> --help`: its lines (and its subcommands'), then every option it takes. */
export function formatCommandUsage(names: readonly string[], command: CliCommand): string {
  const kb = `kb ${names.join(' ')}`;
  const options = formatOptions({ ...command.options, ...EVERY_COMMAND_OPTIONS });
  const subcommands = (command.subcommands ?? []).map(
    (sub) => `The options of ${kb} ${sub.name}: ${kb} ${sub.name} --help\n`,
  );
  return `Usage:\n${synopses([command])}\n\nOptions of ${kb}:\n${options}\n${subcommands.length ? `\n${subcommands.join('')}` : ''}`;
}
