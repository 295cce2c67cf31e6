import type { Engine } from '../engine/index.ts';
import { GPU_MODES } from '../../shared/engineApi.ts';
import { loadEngine } from './loadEngine.ts';
import { positiveInteger } from './sharedOptions.ts';
import { UsageError } from './UsageError.ts';
import type { CliIo } from './CliIo.ts';

/** The command-line values that configure the engine, as typed; a command passes those it takes. */
export interface EngineOptionValues {
  /** `--tokenizer <dir>`. Defaults to $KB_TOKENIZER_DIR, else chunk sizes are estimated. */
  tokenizer?: string | undefined;
  /** `--max-file-mb N`. Defaults to `100`. */
  maxFileMb?: string | undefined;
  /** `--gpu auto|cpu|metal|cuda|vulkan`. Defaults to `auto`. */
  gpu?: string | undefined;
}

/** Builds an engine from the command line, runs `run` on it, and disposes of it however `run` ends. */
export async function withEngine<T>(
  values: EngineOptionValues,
  io: CliIo,
  run: (engine: Engine) => Promise<T>,
): Promise<T> {
  const tokenizerDir = values.tokenizer ?? io.env.KB_TOKENIZER_DIR ?? null;
  const maxFileMb = positiveInteger(values.maxFileMb, 'max-file-mb', 100);
  const llmGpu = GPU_MODES.find((mode) => mode === (values.gpu ?? 'auto'));
  if (llmGpu === undefined) throw new UsageError(`--gpu must be one of ${GPU_MODES.join(', ')}, got "${values.gpu}"`);
  // Loaded here, not at kb's start: --help and a refused option answer without loading the engine (~1.5 s).
  const { createEngine } = await loadEngine();
  const engine = await createEngine({
    tokenizerDir,
    ingest: { maxFileBytes: maxFileMb * 1024 * 1024 },
    llmGpu,
    ...(io.logger ? { logger: io.logger } : {}),
  });
  try {
    return await run(engine);
  } finally {
    await engine.dispose();
  }
}
