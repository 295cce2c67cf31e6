import type { Engine, GeneratedAnswer, LlamaModelHost } from '../../engine/index.ts';
import { loadEngine } from '../loadEngine.ts';
import { defineCommand } from '../CliCommand.ts';
import { REDRAW, type CliIo } from '../CliIo.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { readBatch } from '../readJsonLines.ts';
import {
  CONVERSATION,
  JSON_OUTPUT,
  LIBRARY,
  optionalInteger,
  positiveInteger,
  requireLibrary,
  RETRIEVAL,
  retrievalOption,
  TOKENIZER,
} from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

interface ModelValues {
  model?: string | undefined;
  'gpu-layers'?: string | undefined;
  'context-size'?: string | undefined;
  threads?: string | undefined;
}

/** Loads --model into the engine's LLM host, with progress on stderr. */
async function loadCliModel(engine: Engine, values: ModelValues, io: CliIo): Promise<LlamaModelHost> {
  const rawLayers = values['gpu-layers'] ?? 'auto';
  const gpuLayers = rawLayers === 'auto' ? 'auto' : Number(rawLayers);
  if (gpuLayers !== 'auto' && (!Number.isInteger(gpuLayers) || gpuLayers < 0)) {
    throw new UsageError(`--gpu-layers must be auto or a whole number, got "${rawLayers}"`);
  }
  const host = await engine.llm();
  const loaded = await host.load(values.model!, {
    gpuLayers,
    ...(values['context-size'] === undefined
      ? {}
      : { contextSize: positiveInteger(values['context-size'], 'context-size', 4096) }),
    ...(values.threads === undefined ? {} : { threads: positiveInteger(values.threads, 'threads', 1) }),
    onProgress: (p) => {
      if (io.stderrIsTty)
        io.stderr(`${REDRAW}Loading model: ${Math.round(p.fraction * 100)}%${p.stage === 'ready' ? '\n' : ''}`);
    },
  });
  const { info } = loaded;
  io.stderr(
    `Model ${info.fileName} (${info.architecture}, ${info.quantization ?? '?'}) loaded in ${(loaded.loadMs / 1000).toFixed(1)}s: ` +
      `${loaded.gpuLayers} layers on the GPU, ${loaded.contextSize}-token context, ${loaded.threads} threads, ` +
      `prompt format ${loaded.chatWrapper}\n`,
  );
  return host;
}

export const askCommand = defineCommand({
  name: 'ask',
  synopsis: [
    '  kb ask "<question>" --library <file> [--mode exact] [--json] [--conversation N] [--retrieval …]',
    '  kb ask --batch <questions.jsonl> --library <file> --json   one {"id","question"} per line in, one JSON line out',
    '  kb ask "<question>" --library <file> --mode generate --model <file.gguf> [--gpu auto|cpu|metal|cuda|vulkan]',
    '         [--gpu-layers auto|N] [--context-size N] [--threads N] [--max-tokens N] [--json]',
    '                     a local LLM writes the answer from the passages, streamed; citations are checked after',
  ].join('\n'),
  options: {
    library: LIBRARY,
    json: JSON_OUTPUT,
    mode: {
      type: 'string',
      value: 'exact|generate',
      help: 'exact: the matching clauses, verbatim (default); generate: a local LLM writes it',
    },
    batch: {
      type: 'string',
      value: '<questions.jsonl>',
      help: 'one {"id","question"} per line in, one JSON line out (one conversation)',
    },
    conversation: CONVERSATION,
    retrieval: RETRIEVAL,
    model: {
      type: 'string',
      value: '<file>',
      help:
        'a .gguf model for --mode generate (e.g. chatglm3-6b.Q4_0.gguf); several CUDA GPUs share the\n' +
        'layers; CUDA_VISIBLE_DEVICES chooses which',
    },
    gpu: { type: 'string', value: 'auto|cpu|metal|cuda|vulkan', help: "llama.cpp's backend (default: auto)" },
    'gpu-layers': {
      type: 'string',
      value: 'auto|N',
      help: 'layers on the GPU; 0 = CPU only (default: auto, as many as fit beside the context)',
    },
    'context-size': {
      type: 'string',
      value: 'N',
      help: "the context in tokens, prompt and answer together (default: 4096, or the model's own when smaller)",
    },
    threads: { type: 'string', value: 'N', help: 'CPU threads (default: the number of physical cores)' },
    'max-tokens': { type: 'string', value: 'N', help: 'the longest answer written, in tokens (default: 512)' },
    tokenizer: TOKENIZER,
  },
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    const mode = values.mode ?? 'exact';
    if (mode !== 'exact' && mode !== 'generate')
      throw new UsageError(`--mode must be exact or generate, got "${mode}"`);
    if (mode === 'generate' && !values.model) throw new UsageError('--mode generate needs --model <file.gguf>');
    if (!values.batch && args.length !== 1) throw new UsageError('kb ask needs one quoted question, or --batch <file>');
    const batch = values.batch ? readBatch(values.batch, 'question') : null;
    const conversation = optionalInteger(values.conversation, 'conversation');
    const retrieval = retrievalOption(values.retrieval);
    const maxAnswerTokens =
      values['max-tokens'] === undefined ? undefined : positiveInteger(values['max-tokens'], 'max-tokens', 512);
    return withEngine({ tokenizer: values.tokenizer, gpu: values.gpu }, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      const llm = mode === 'generate' ? await loadCliModel(engine, values, io) : undefined;
      const generation = { ...(llm ? { llm } : {}), ...(maxAnswerTokens ? { maxAnswerTokens } : {}) };
      if (batch) {
        // One conversation for the whole batch, so that it exports as one working paper.
        let conversationId = conversation;
        for (const entry of batch) {
          if (entry.text === undefined) {
            io.stdout(`${JSON.stringify({ line: entry.line, error: entry.error })}\n`);
            continue;
          }
          const result = await library.ask(entry.text, { mode, conversationId, retrieval, ...generation });
          conversationId = result.conversationId ?? undefined;
          io.stdout(`${JSON.stringify({ id: entry.id, ...result.answer })}\n`);
        }
        return ExitCode.ok;
      }
      // Ctrl-C stops a generated answer: what was written so far is kept, checked and recorded.
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      if (llm) process.once('SIGINT', onSigint);
      const streaming = Boolean(llm) && !values.json;
      try {
        const result = await library.ask(args[0]!, {
          mode,
          conversationId: conversation,
          retrieval,
          ...generation,
          ...(llm ? { signal: controller.signal } : {}),
          ...(streaming ? { onToken: (text: string) => io.stdout(text) } : {}),
        });
        const answer: GeneratedAnswer = result.answer;
        if (values.json) {
          io.stdout(`${JSON.stringify(answer)}\n`);
        } else {
          // After the stream, the answer again with its checked citations, then the sources.
          if (streaming && answer.generation) io.stdout('\n\n── with checked citations ──\n');
          io.stdout((await loadEngine()).formatAnswerText(answer));
          const report = answer.generation;
          if (report) {
            if (report.droppedCitations.length) {
              io.stderr(
                `Removed citations of no passage given: ${report.droppedCitations.map((n) => `[${n}]`).join(' ')}\n`,
              );
            }
            for (const sentence of report.unsupportedSentences)
              io.stderr(`Not supported by any passage: ${sentence}\n`);
            io.stderr(
              `${report.tokens} tokens in ${(report.totalMs / 1000).toFixed(1)}s (stop: ${report.stopReason})\n`,
            );
          }
          if (result.notRecorded) io.stderr(`(${result.notRecorded})\n`);
          else {
            io.stderr(
              `(recorded as conversation ${result.conversationId}: ` +
                `kb export --library ${libraryFile} --format md --conversation ${result.conversationId})\n`,
            );
          }
        }
        return controller.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
  },
});
