import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../CliCommand.ts';
import { REDRAW, type CliIo } from '../CliIo.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { formatDuration, progressPrinter } from '../progressPrinter.ts';
import { JSON_OUTPUT, LIBRARY, MAX_FILE_MB, requireLibrary, TOKENIZER } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

/**
 * Where the default embedding model is looked for: $KB_MODELS_DIR, then resources/models/ beside the app (the folder a
 * packaged build ships and `npm run fetch-models` fills).
 */
function defaultEmbeddingModelDir(io: CliIo): string | null {
  const roots = [io.env.KB_MODELS_DIR, path.resolve(import.meta.dirname, '../../../resources/models')].filter(
    (r): r is string => !!r,
  );
  for (const root of roots) {
    const dir = path.join(root, 'bge-small-zh-v1.5');
    if (existsSync(path.join(dir, 'config.json'))) return dir;
  }
  return null;
}

export const ingestCommand = defineCommand({
  name: 'ingest',
  synopsis:
    '  kb ingest <path…> --library <file> [--json] [--max-file-mb N] [--tokenizer <dir>] [--embedding-model <dir>]',
  options: {
    library: LIBRARY,
    json: JSON_OUTPUT,
    'max-file-mb': MAX_FILE_MB,
    tokenizer: TOKENIZER,
    'embedding-model': {
      type: 'string',
      value: '<dir>',
      help:
        'a transformers.js embedding model folder (bge-small-zh-v1.5 ONNX): turns on semantic\n' +
        'search; recorded in the library, later commands use it; a different model re-embeds everything',
    },
    'embedding-pooling': {
      type: 'string',
      value: 'cls|mean',
      help: 'override how the model pools (default: from the model folder; cls for bge)',
    },
  },
  async run(inputs, values, io) {
    if (inputs.length === 0) throw new UsageError('kb ingest needs at least one folder or file');
    const libraryFile = requireLibrary(values);
    // Before the library file is created: a mistyped folder must not leave an empty library behind.
    const missing = inputs.find((input) => !existsSync(input));
    if (missing !== undefined) throw new UsageError(`no such file or folder: ${missing}`);
    return withEngine({ tokenizer: values.tokenizer, maxFileMb: values['max-file-mb'] }, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile, { create: true });
      // The default model (bge-small-zh-v1.5) is used for a new library when it is installed in the models folder.
      const defaultModel = defaultEmbeddingModelDir(io);
      const modelArgument =
        values['embedding-model'] ??
        (library.semanticStatus().modelId === null && defaultModel ? defaultModel : undefined);
      if (modelArgument) {
        const modelDir = path.resolve(modelArgument);
        io.stderr(`loading embedding model ${modelDir}\n`);
        const pooling = values['embedding-pooling'];
        if (pooling !== undefined && pooling !== 'cls' && pooling !== 'mean') {
          throw new UsageError(`--embedding-pooling must be cls or mean, got "${pooling}"`);
        }
        const { reembedded } = await library.setEmbeddingModel(modelDir, {
          pooling,
          onProgress: (p) =>
            io.stderr(
              `${io.stderrIsTty ? REDRAW : ''}embedding existing chunks ${p.embedded}/${p.total} ` +
                `(${p.chunksPerSecond.toFixed(0)} chunks/s)${io.stderrIsTty ? '' : '\n'}`,
            ),
        });
        if (reembedded > 0 && io.stderrIsTty) io.stderr('\n');
      }
      const status = library.semanticStatus();
      if (status.state !== 'on' && !values.json) io.stderr(`${status.message}\n`);
      const controller = new AbortController();
      // Ctrl-C stops after the file in progress: everything committed so far stays valid.
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const summary = await library.ingest(inputs, { signal: controller.signal, onProgress: progressPrinter(io) });
        if (values.json) {
          io.stdout(`${JSON.stringify(summary)}\n`);
        } else {
          const mb = summary.bytesRead / 1024 / 1024;
          io.stderr(
            `${summary.cancelled ? 'Cancelled' : 'Done'} in ${formatDuration(summary.elapsedMs)}: ${summary.indexed} indexed, ` +
              `${summary.unchanged} unchanged, ${summary.skipped.length} skipped, ${summary.failed.length} failed, ` +
              `${summary.removed} removed; ${summary.chunksWritten} chunks (${summary.chunksEmbedded} embedded), ${mb.toFixed(1)} MB read\n`,
          );
          for (const file of summary.skipped) io.stderr(`  skipped  ${file.path}: ${file.detail}\n`);
          for (const file of summary.failed) io.stderr(`  failed   ${file.path}: ${file.reason}\n`);
        }
        return summary.cancelled ? ExitCode.interrupted : ExitCode.ok;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
  },
});
