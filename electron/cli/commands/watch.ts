import { existsSync } from 'node:fs';
import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { progressPrinter } from '../progressPrinter.ts';
import { JSON_OUTPUT, LIBRARY, MAX_FILE_MB, requireLibrary, TOKENIZER } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

export const watchCommand = defineCommand({
  name: 'watch',
  synopsis:
    "  kb watch [<folder>…] --library <file> [--json]     re-index the library's folders as files change (Ctrl-C stops)",
  options: { library: LIBRARY, json: JSON_OUTPUT, 'max-file-mb': MAX_FILE_MB, tokenizer: TOKENIZER },
  async run(inputs, values, io) {
    const libraryFile = requireLibrary(values);
    const missing = inputs.find((input) => !existsSync(input));
    if (missing !== undefined) throw new UsageError(`no such file or folder: ${missing}`);
    return withEngine({ tokenizer: values.tokenizer, maxFileMb: values['max-file-mb'] }, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile, { create: inputs.length > 0 });
      if (inputs.length > 0) await library.ingest(inputs, { onProgress: progressPrinter(io) }); // records them as sources
      if (library.sourcePaths().length === 0) {
        throw new UsageError(`${libraryFile} has no folders yet: kb watch <folder> --library ${libraryFile}`);
      }
      const stopped = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      const watcher = library.watch({
        onIngested: (summary) => {
          if (values.json) return io.stdout(`${JSON.stringify(summary)}\n`);
          io.stderr(
            `${new Date().toISOString()} ${summary.indexed} indexed, ${summary.removed} removed, ` +
              `${summary.failed.length} failed, ${summary.unchanged} unchanged\n`,
          );
          for (const file of summary.failed) io.stderr(`  failed   ${file.path}: ${file.reason}\n`);
        },
        onError: (error) => io.stderr(`kb watch: ${error.message}\n`),
      });
      io.stderr(`watching ${watcher.sources.join(', ')} (Ctrl-C to stop)\n`);
      await stopped;
      await watcher.close();
      return ExitCode.ok;
    });
  },
});
