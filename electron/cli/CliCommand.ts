import type { CliIo } from './CliIo.ts';

/** One option of one command, as node:util parseArgs reads it and as `--help` shows it. */
export interface CliOption {
  /** `'string'` takes a value (`--k 5` or `--k=5`); `'boolean'` is a switch. */
  type: 'string' | 'boolean';
  /** The value as help shows it after the name (`<file>`, `N`, `cls|mean`). Defaults to none. */
  value?: string;
  /** A one-letter alias (`h` for `-h`). Defaults to none. */
  short?: string;
  /** What the option does, for a person; a line break starts a continuation line in help. */
  help: string;
}

export type CliOptions = Readonly<Record<string, CliOption>>;

/** The values parseArgs returns for `options`: a string for each `'string'` option given, `true` for each switch. */
export type OptionValues<O extends CliOptions> = {
  [K in keyof O]?:
    (O[K]['type'] extends 'boolean' ? boolean : O[K]['type'] extends 'string' ? string : string | boolean) | undefined;
};

/** A `kb` command (or a subcommand such as `kb docs set`): the options it takes, its help, what it does. */
export interface CliCommand<O extends CliOptions = CliOptions> {
  /** The word typed after `kb` (or after the parent command: `set` in `kb docs set`). */
  name: string;
  /** Its lines in `kb --help`, each indented by two spaces; empty for a command shown only by its subcommands. */
  synopsis: string;
  /** The options it takes; every other option is refused (`--help` is added to every command). */
  options: O;
  /** Subcommands chosen by the next word (`kb docs set …`); any other word is left to `run`. Defaults to none. */
  subcommands?: readonly CliCommand[];
  /** Runs the command; returns the exit code. `positionals` are the words after the command's name. */
  run(positionals: string[], values: OptionValues<O>, io: CliIo): Promise<number>;
}

/** A command with the words that name it after `kb` (`['docs', 'set']`). */
export interface NamedCommand {
  names: string[];
  command: CliCommand;
}

/** Every command and subcommand, a parent before its subcommands (the order of `kb --help`). */
export function everyCommand(commands: readonly CliCommand[], parents: string[] = []): NamedCommand[] {
  return commands.flatMap((command) => {
    const names = [...parents, command.name];
    return [{ names, command }, ...everyCommand(command.subcommands ?? [], names)];
  });
}

/** Declares a command; `options` types the values its `run` receives. */
export function defineCommand<O extends CliOptions>(command: CliCommand<O>): CliCommand {
  return command;
}
