// Every `kb` command, in the order `kb --help` lists them. A new command is a file beside this one and a line here.
import type { CliCommand } from '../CliCommand.ts';
import { askCommand } from './ask.ts';
import { docsCommand } from './docs.ts';
import { evalCommand } from './eval.ts';
import { exportCommand } from './export.ts';
import { historyCommand } from './history.ts';
import { ingestCommand } from './ingest.ts';
import { searchCommand } from './search.ts';
import { serveCommand } from './serve.ts';
import { synonymsCommand } from './synonyms.ts';
import { watchCommand } from './watch.ts';

export const KB_COMMANDS: readonly CliCommand[] = [
  ingestCommand,
  searchCommand,
  docsCommand,
  synonymsCommand,
  askCommand,
  historyCommand,
  exportCommand,
  evalCommand,
  watchCommand,
  serveCommand,
];
