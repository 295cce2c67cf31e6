// `kb serve` itself lives in serve/runServeCommand.ts (it is the web face, not a CLI command): this declares the
// options it reads and hands them over.
import { defineCommand } from '../CliCommand.ts';
import { LIBRARY, TOKENIZER } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';

export const serveCommand = defineCommand({
  name: 'serve',
  synopsis:
    '  kb serve --library <file> [--port N] [--renderer <dir>]   the app in a browser on 127.0.0.1 (prints the URL with its token)',
  options: {
    library: { ...LIBRARY, help: 'the library (*.kb.sqlite); created when it does not exist' },
    port: { type: 'string', value: 'N', help: 'the port on 127.0.0.1 (default: 0, any free port)' },
    renderer: {
      type: 'string',
      value: '<dir>',
      help: 'the built renderer (default: out/renderer, from npm run build)',
    },
    tokenizer: TOKENIZER,
  },
  async run(_args, values, io) {
    // Loaded when run: it loads the engine and the server, which --help and the other commands do without.
    const { runServeCommand, ServeUsageError } = await import('../../serve/runServeCommand.ts');
    try {
      return await runServeCommand(values, io);
    } catch (error) {
      // Its usage error is the CLI's (exit code 2, see exitCodeFor); the message is kept as it is.
      throw error instanceof ServeUsageError ? new UsageError(error.message) : error;
    }
  },
});
