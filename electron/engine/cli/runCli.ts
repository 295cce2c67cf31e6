import '../offlineEnvironment.ts'; // first: kb, kb serve and kb watch never send telemetry (see the file)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DOCUMENT_KINDS, type DocumentInfo, type DocumentProfileChanges, type IngestProgress, type SearchHit } from '../../../shared/types.ts';
import { Thesaurus } from '../question/Thesaurus.ts';
import { formatAnswerText, formatConversationMarkdown } from '../answer/formatAnswer.ts';
import { createEngine, type Engine } from '../createEngine.ts';
import { evaluateAnswers } from '../eval/evaluateAnswers.ts';
import { evaluateRetrieval, type QaItem } from '../eval/evaluateRetrieval.ts';
import { EmbeddingModelError } from '../embed/TransformersEmbedder.ts';
import { IngestInputError } from '../ingest/walkInputs.ts';
import { runServeCommand, ServeUsageError } from '../serve/runServeCommand.ts';
import { showControlCharacters } from '../text/showControlCharacters.ts';
import type { RetrievalMode } from '../search/searchPassages.ts';
import { LibraryError, storageError } from '../store/openLibraryDatabase.ts';
import { LlmBackendError } from '../llm/LlmBackendError.ts';
import type { GpuChoice, LlamaModelHost } from '../llm/LlamaModelHost.ts';
import { ModelFileError } from '../llm/ModelFileError.ts';
import type { GeneratedAnswer } from '../answer/GenerationReport.ts';

/** Where the CLI writes. Injected so tests can run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or a log (a line every few seconds). */
  stderrIsTty: boolean;
  env: Record<string, string | undefined>;
}

/** kb's own terminal escape: a progress line on a terminal redraws itself (carriage return, erase the line). */
const REDRAW = '\r\x1b[K';

/**
 * The CLI's output as a terminal may receive it. Documents are not trusted, and their text, headings and file names
 * reach stdout and stderr (hits, answers, skip reasons, progress): an escape sequence there could write the
 * clipboard (OSC 52), clear the screen, or draw over a line. Every control character is shown as its visible escape
 * (`\u001b`), in JSON output too (there it is JSON's own escape, so the value read back is unchanged); the one
 * escape written as itself is kb's own redraw at the start of a progress write.
 */
function terminalSafe(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(showControlCharacters(text)),
    stderr: (text) => io.stderr(text.startsWith(REDRAW) ? REDRAW + showControlCharacters(text.slice(REDRAW.length)) : showControlCharacters(text)),
  };
}

/** A mistake in how the CLI was called: one line on stderr, exit code 2. */
class UsageError extends Error {}

const USAGE = `kb — offline knowledge base

Usage:
  kb ingest <path…> --library <file> [--json] [--max-file-mb N] [--tokenizer <dir>] [--embedding-model <dir>]
  kb search "<query>" --library <file> [--k 10] [--json] [--retrieval lexical|vector|hybrid]
  kb search --batch <queries.jsonl> --library <file>      one {"id","query"} per line in, one JSON line per query out
  kb docs --library <file> [--json]
  kb docs set <document id> --library <file> [--standard S] [--title T] [--year Y] [--kind K] [--sector S]
         [--region R] [--reset field,…]     correct what a document is ('' = none); --reset returns to the detected
  kb synonyms list --library <file> [--json] [--builtin]        the library's own thesaurus (and the built-in one)
  kb synonyms add "<what people type>" "<the documents' wording>" [… more wordings] --library <file>
  kb synonyms remove <id> --library <file>
  kb ask "<question>" --library <file> [--mode exact] [--json] [--conversation N] [--retrieval …]
  kb ask --batch <questions.jsonl> --library <file> --json   one {"id","question"} per line in, one JSON line out
  kb ask "<question>" --library <file> --mode generate --model <file.gguf> [--gpu auto|cpu|metal|cuda|vulkan]
         [--gpu-layers auto|N] [--context-size N] [--threads N] [--max-tokens N] [--json]
                     a local LLM writes the answer from the passages, streamed; citations are checked after
  kb history --library <file> [--conversation N] [--json]
  kb export --library <file> --format md [--conversation N] [--output <file.md>]   (default: the latest conversation)
  kb eval --library <file> --qa <qa.jsonl> [--k 10] [--json]
  kb watch [<folder>…] --library <file> [--json]     re-index the library's folders as files change (Ctrl-C stops)
  kb serve --library <file> [--port N] [--renderer <dir>]   the app in a browser on 127.0.0.1 (prints the URL with its token)

Options:
  --model <file>     a .gguf model for --mode generate (e.g. chatglm3-6b.Q4_0.gguf); several CUDA GPUs share the
                     layers; CUDA_VISIBLE_DEVICES chooses which
  --library <file>   the library (*.kb.sqlite); ingest creates it
  --tokenizer <dir>  folder with the embedding model's vocab.txt for sizing chunks (or KB_TOKENIZER_DIR);
                     without it chunk sizes are estimated
  --embedding-model <dir>  a transformers.js embedding model folder (bge-small-zh-v1.5 ONNX): turns on semantic
                     search; recorded in the library, later commands use it; a different model re-embeds everything
  --embedding-pooling cls|mean  override how the model pools (default: from the model folder; cls for bge)
  --retrieval        lexical | vector | hybrid (default: hybrid when the library has an embedding model)
  --json             machine-readable output on stdout
`;

const OPTIONS = {
  library: { type: 'string' },
  json: { type: 'boolean' },
  k: { type: 'string' },
  batch: { type: 'string' },
  tokenizer: { type: 'string' },
  'max-file-mb': { type: 'string' },
  mode: { type: 'string' },
  conversation: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  qa: { type: 'string' },
  'embedding-model': { type: 'string' },
  'embedding-pooling': { type: 'string' },
  retrieval: { type: 'string' },
  port: { type: 'string' },
  renderer: { type: 'string' },
  model: { type: 'string' },
  gpu: { type: 'string' },
  'gpu-layers': { type: 'string' },
  'context-size': { type: 'string' },
  threads: { type: 'string' },
  'max-tokens': { type: 'string' },
  standard: { type: 'string' },
  title: { type: 'string' },
  year: { type: 'string' },
  kind: { type: 'string' },
  sector: { type: 'string' },
  region: { type: 'string' },
  reset: { type: 'string' },
  builtin: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function requireLibrary(values: Values): string {
  if (!values.library) throw new UsageError('missing --library <file>');
  return values.library;
}

function positiveInteger(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function retrievalOption(values: Values): RetrievalMode | undefined {
  const value = values.retrieval;
  if (value === undefined) return undefined;
  if (value !== 'lexical' && value !== 'vector' && value !== 'hybrid') throw new UsageError(`--retrieval must be lexical, vector or hybrid, got "${value}"`);
  return value;
}

/**
 * Where the default embedding model is looked for: $KB_MODELS_DIR, then resources/models/ beside the app (the folder a
 * packaged build ships and `npm run fetch-models` fills).
 */
function defaultEmbeddingModelDir(io: CliIo): string | null {
  const roots = [io.env.KB_MODELS_DIR, path.resolve(import.meta.dirname, '../../../resources/models')].filter((r): r is string => !!r);
  for (const root of roots) {
    const dir = path.join(root, 'bge-small-zh-v1.5');
    if (existsSync(path.join(dir, 'config.json'))) return dir;
  }
  return null;
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function progressPrinter(io: CliIo): (progress: IngestProgress) => void {
  let lastPrinted = 0;
  return (progress) => {
    const now = Date.now();
    const finished = progress.currentFile === null;
    // A log file gets a line every 2 s; a terminal redraws at most 10 times a second.
    if (!finished && now - lastPrinted < (io.stderrIsTty ? 100 : 2000)) return;
    lastPrinted = now;
    const percent = progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 100;
    const eta = progress.etaMs === null ? '' : ` ETA ${formatDuration(progress.etaMs)}`;
    const current = progress.currentFile ? `  ${path.basename(progress.currentFile)}` : '';
    const line = `[${progress.filesDone}/${progress.filesTotal}] ${percent}% ${progress.filesPerSecond.toFixed(1)} files/s${eta}${current}`;
    io.stderr(io.stderrIsTty ? `${REDRAW}${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}

function formatHit(hit: SearchHit, rank: number): string {
  const pages = hit.pageStart === null ? '' : hit.pageStart === hit.pageEnd ? `  p.${hit.pageStart}` : `  pp.${hit.pageStart}-${hit.pageEnd}`;
  const text = hit.text.length > 240 ? `${hit.text.slice(0, 240)}…` : hit.text;
  const also = hit.alsoIn.length ? `   also in: ${hit.alsoIn.map((c) => path.basename(c.documentPath)).join(', ')}` : null;
  return [
    `${rank}. [${hit.score.toFixed(3)}] ${hit.standard ? `${hit.standard}  ` : ''}${hit.documentPath}${pages}`,
    `   ${hit.headingPath.join(' › ') || '(no heading)'}`,
    `   ${text.replace(/\n/g, '\n   ')}`,
    ...(also ? [also] : []),
  ].join('\n');
}

const GPU_CHOICES: Record<string, GpuChoice> = { auto: 'auto', cpu: false, metal: 'metal', cuda: 'cuda', vulkan: 'vulkan' };

function gpuOption(values: Values): GpuChoice {
  const choice = GPU_CHOICES[values.gpu ?? 'auto'];
  if (choice === undefined) throw new UsageError(`--gpu must be one of ${Object.keys(GPU_CHOICES).join(', ')}, got "${values.gpu}"`);
  return choice;
}

/** Loads --model into the engine's LLM host, with progress on stderr. */
async function loadCliModel(engine: Engine, values: Values, io: CliIo): Promise<LlamaModelHost> {
  const rawLayers = values['gpu-layers'] ?? 'auto';
  const gpuLayers = rawLayers === 'auto' ? 'auto' : Number(rawLayers);
  if (gpuLayers !== 'auto' && (!Number.isInteger(gpuLayers) || gpuLayers < 0)) throw new UsageError(`--gpu-layers must be auto or a whole number, got "${rawLayers}"`);
  const host = await engine.llm();
  const loaded = await host.load(values.model!, {
    gpuLayers,
    ...(values['context-size'] === undefined ? {} : { contextSize: positiveInteger(values['context-size'], 'context-size', 4096) }),
    ...(values.threads === undefined ? {} : { threads: positiveInteger(values.threads, 'threads', 1) }),
    onProgress: (p) => {
      if (io.stderrIsTty) io.stderr(`${REDRAW}Loading model: ${Math.round(p.fraction * 100)}%${p.stage === 'ready' ? '\n' : ''}`);
    },
  });
  const { info } = loaded;
  io.stderr(
    `Model ${info.fileName} (${info.architecture}, ${info.quantization ?? '?'}) loaded in ${(loaded.loadMs / 1000).toFixed(1)}s: ` +
      `${loaded.gpuLayers} layers on the GPU, ${loaded.contextSize}-token context, ${loaded.threads} threads, prompt format ${loaded.chatWrapper}\n`,
  );
  return host;
}

async function withEngine<T>(values: Values, io: CliIo, run: (engine: Engine) => Promise<T>): Promise<T> {
  const tokenizerDir = values.tokenizer ?? io.env.KB_TOKENIZER_DIR ?? null;
  const maxFileMb = positiveInteger(values['max-file-mb'], 'max-file-mb', 100);
  const engine = await createEngine({ tokenizerDir, ingest: { maxFileBytes: maxFileMb * 1024 * 1024 }, llmGpu: gpuOption(values) });
  try {
    return await run(engine);
  } finally {
    await engine.dispose();
  }
}

async function commandIngest(inputs: string[], values: Values, io: CliIo): Promise<number> {
  if (inputs.length === 0) throw new UsageError('kb ingest needs at least one folder or file');
  const libraryFile = requireLibrary(values);
  // Before the library file is created: a mistyped folder must not leave an empty library behind.
  const missing = inputs.find((input) => !existsSync(input));
  if (missing !== undefined) throw new UsageError(`no such file or folder: ${missing}`);
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile, { create: true });
    // The default model (bge-small-zh-v1.5) is used for a new library when it is installed in the models folder.
    const defaultModel = defaultEmbeddingModelDir(io);
    const modelArgument = values['embedding-model'] ?? (library.semanticStatus().modelId === null && defaultModel ? defaultModel : undefined);
    if (modelArgument) {
      const modelDir = path.resolve(modelArgument);
      io.stderr(`loading embedding model ${modelDir}\n`);
      const pooling = values['embedding-pooling'];
      if (pooling !== undefined && pooling !== 'cls' && pooling !== 'mean') throw new UsageError(`--embedding-pooling must be cls or mean, got "${pooling}"`);
      const { reembedded } = await library.setEmbeddingModel(modelDir, {
        pooling,
        onProgress: (p) => io.stderr(`${io.stderrIsTty ? REDRAW : ''}embedding existing chunks ${p.embedded}/${p.total} (${p.chunksPerSecond.toFixed(0)} chunks/s)${io.stderrIsTty ? '' : '\n'}`),
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
      return summary.cancelled ? 130 : 0;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  });
}

interface BatchLine {
  line: number;
  id?: string;
  text?: string;
  error?: string;
}

/** Non-blank lines of a JSONL file given as `--<option>`, with their 1-based line numbers. */
function readJsonLines(file: string, option: string): { text: string; line: number }[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --${option} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return content
    .split(/\r?\n/)
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim());
}

/** Reads a JSONL file of {"id", <field>} lines; a bad line becomes an error entry, the rest still run. */
function readBatch(file: string, field: 'query' | 'question'): BatchLine[] {
  return readJsonLines(file, 'batch').map(({ text, line }) => {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (typeof value[field] !== 'string') return { line, error: `line ${line}: "${field}" must be a string` };
      return { line, id: String(value.id ?? line), text: value[field] as string };
    } catch {
      return { line, error: `line ${line}: not valid JSON` };
    }
  });
}

/** A QA file in the format of ../shared/eval/qa_mlps_dev.jsonl; any bad line stops the evaluation. */
function readQaFile(file: string): QaItem[] {
  return readJsonLines(file, 'qa').map(({ text, line }) => {
    try {
      const item = JSON.parse(text) as QaItem;
      if (typeof item.question !== 'string') throw new Error('no question');
      return { ...item, id: String(item.id ?? line) };
    } catch {
      throw new UsageError(`--qa file ${file}, line ${line}: expected {"id","question","evidence_parts":[…]}`);
    }
  });
}

function optionalInteger(raw: string | undefined, name: string): number | undefined {
  return raw === undefined ? undefined : positiveInteger(raw, name, 0);
}

async function commandSearch(args: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  const k = positiveInteger(values.k, 'k', 10);
  const retrieval = retrievalOption(values);
  if (!values.batch && args.length !== 1) throw new UsageError('kb search needs one quoted query, or --batch <file>');
  const batch = values.batch ? readBatch(values.batch, 'query') : null;
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    if (batch) {
      for (const entry of batch) {
        const line = entry.text !== undefined
          ? { id: entry.id, query: entry.text, hits: await library.search(entry.text, { k, retrieval }) }
          : { line: entry.line, error: entry.error };
        io.stdout(`${JSON.stringify(line)}\n`);
      }
      return 0;
    }
    const hits = await library.search(args[0]!, { k, retrieval });
    if (values.json) io.stdout(`${JSON.stringify(hits)}\n`);
    else io.stdout(hits.length === 0 ? 'No passage matches.\n' : `${hits.map((hit, i) => formatHit(hit, i + 1)).join('\n\n')}\n`);
    return 0;
  });
}

/** A document's identity in one line: "GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求 [requirements]". */
function profileLine(doc: DocumentInfo): string {
  const p = doc.profile;
  const parts = [p.standard, p.title, p.year && !(p.standard ?? '').endsWith(p.year) ? `(${p.year})` : null, `[${p.kind}${p.sector ? `, ${p.sector}` : ''}${p.region ? `, ${p.region}` : ''}]`];
  const edited = doc.profileEdited.length ? `  (set by hand: ${doc.profileEdited.join(', ')})` : '';
  return `${parts.filter(Boolean).join(' ')}${edited}`;
}

const PROFILE_OPTIONS = ['standard', 'title', 'year', 'kind', 'sector', 'region'] as const;

async function commandDocs(args: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  if (args[0] === 'set') return commandDocsSet(args.slice(1), values, io);
  if (args.length) throw new UsageError(`unknown kb docs argument "${args[0]}" (kb docs, or kb docs set <id> …)`);
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    const documents = library.listDocuments();
    if (values.json) {
      io.stdout(`${JSON.stringify({ stats: library.stats(), semanticSearch: library.semanticStatus(), documents })}\n`);
      return 0;
    }
    for (const doc of documents) {
      const detail = doc.status === 'failed' ? `  — ${doc.error}` : `  ${doc.chunkCount} chunks${doc.pageCount ? `, ${doc.pageCount} pages` : ''}`;
      io.stdout(`#${String(doc.id).padEnd(4)} ${doc.status.padEnd(8)} ${(doc.type ?? '?').padEnd(8)} ${doc.path}${detail}\n`);
      if (doc.status === 'indexed') io.stdout(`      ${profileLine(doc)}\n`);
    }
    const stats = library.stats();
    io.stdout(`${stats.documents} documents (${stats.indexed} indexed, ${stats.failed} failed), ${stats.chunks} chunks.\n${library.semanticStatus().message}\n`);
    return 0;
  });
}

async function commandDocsSet(args: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  if (args.length !== 1) throw new UsageError('kb docs set needs one document id (see kb docs)');
  const documentId = positiveInteger(args[0], 'document id', 0);
  const changes: DocumentProfileChanges = {};
  for (const field of PROFILE_OPTIONS) if (values[field] !== undefined) changes[field] = values[field]!;
  for (const field of (values.reset ?? '').split(',').map((f) => f.trim()).filter(Boolean)) {
    if (!(PROFILE_OPTIONS as readonly string[]).includes(field)) throw new UsageError(`--reset takes ${PROFILE_OPTIONS.join(', ')}; got "${field}"`);
    changes[field as (typeof PROFILE_OPTIONS)[number]] = null;
  }
  if (Object.keys(changes).length === 0) throw new UsageError(`kb docs set needs at least one of ${PROFILE_OPTIONS.map((f) => `--${f}`).join(', ')} or --reset`);
  if (changes.kind && !(DOCUMENT_KINDS as readonly string[]).includes(changes.kind)) throw new UsageError(`--kind must be one of ${DOCUMENT_KINDS.join(', ')}, got "${changes.kind}"`);
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    if (!library.setDocumentProfile(documentId, changes)) throw new UsageError(`no document ${documentId} in ${libraryFile} (see kb docs)`);
    const doc = library.listDocuments().find((d) => d.id === documentId)!;
    io.stdout(values.json ? `${JSON.stringify(doc)}\n` : `#${doc.id} ${doc.path}\n      ${profileLine(doc)}\n`);
    return 0;
  });
}

async function commandSynonyms(args: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  const [action, ...rest] = args;
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    switch (action) {
      case 'list': {
        const info = library.thesaurusInfo();
        if (values.json) {
          io.stdout(`${JSON.stringify(values.builtin ? { ...info, builtin: Thesaurus.builtinEntries() } : info)}\n`);
          return 0;
        }
        io.stdout(`thesaurus ${info.version}: ${info.builtinEntries} built-in entries, ${info.own.length} of this library's own\n`);
        for (const entry of info.own) io.stdout(`  #${entry.id}  ${entry.ask} → ${entry.means.join(' / ')}\n`);
        if (values.builtin) for (const entry of Thesaurus.builtinEntries()) io.stdout(`  [${entry.family}] ${entry.ask.join(' / ')} → ${entry.means.join(' / ')}\n`);
        return 0;
      }
      case 'add': {
        const [ask, ...means] = rest.map((r) => r.trim());
        if (!ask || means.length === 0 || means.some((m) => !m)) throw new UsageError('kb synonyms add needs what people type and at least one wording of the documents');
        if ([ask, ...means].some((phrase) => phrase.length > 60)) throw new UsageError('a thesaurus phrase is at most 60 characters');
        const id = library.addSynonym(ask, means);
        io.stdout(`#${id}  ${ask} → ${means.join(' / ')}  (thesaurus ${library.thesaurusVersion})\n`);
        return 0;
      }
      case 'remove': {
        if (rest.length !== 1) throw new UsageError('kb synonyms remove needs one entry id (see kb synonyms list)');
        const id = positiveInteger(rest[0], 'entry id', 0);
        if (!library.removeSynonym(id)) throw new UsageError(`no thesaurus entry ${id} in ${libraryFile} (see kb synonyms list)`);
        io.stdout(`removed #${id}  (thesaurus ${library.thesaurusVersion})\n`);
        return 0;
      }
      default:
        throw new UsageError('kb synonyms list | add "<phrase>" "<wording>"… | remove <id>');
    }
  });
}

async function commandAsk(args: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  const mode = values.mode ?? 'exact';
  if (mode !== 'exact' && mode !== 'generate') throw new UsageError(`--mode must be exact or generate, got "${mode}"`);
  if (mode === 'generate' && !values.model) throw new UsageError('--mode generate needs --model <file.gguf>');
  if (!values.batch && args.length !== 1) throw new UsageError('kb ask needs one quoted question, or --batch <file>');
  const batch = values.batch ? readBatch(values.batch, 'question') : null;
  const conversation = optionalInteger(values.conversation, 'conversation');
  const retrieval = retrievalOption(values);
  const maxAnswerTokens = values['max-tokens'] === undefined ? undefined : positiveInteger(values['max-tokens'], 'max-tokens', 512);
  return withEngine(values, io, async (engine) => {
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
      return 0;
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
        io.stdout(formatAnswerText(answer));
        const report = answer.generation;
        if (report) {
          if (report.droppedCitations.length) io.stderr(`Removed citations of no passage given: ${report.droppedCitations.map((n) => `[${n}]`).join(' ')}\n`);
          for (const sentence of report.unsupportedSentences) io.stderr(`Not supported by any passage: ${sentence}\n`);
          io.stderr(`${report.tokens} tokens in ${(report.totalMs / 1000).toFixed(1)}s (stop: ${report.stopReason})\n`);
        }
        if (result.notRecorded) io.stderr(`(${result.notRecorded})\n`);
        else io.stderr(`(recorded as conversation ${result.conversationId}: kb export --library ${libraryFile} --format md --conversation ${result.conversationId})\n`);
      }
      return controller.signal.aborted ? 130 : 0;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  });
}

async function commandHistory(values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  const conversation = optionalInteger(values.conversation, 'conversation') ?? null;
  return withEngine(values, io, async (engine) => {
    const entries = (await engine.openLibrary(libraryFile)).history(conversation);
    if (values.json) {
      io.stdout(`${JSON.stringify(entries)}\n`);
      return 0;
    }
    if (entries.length === 0) io.stdout('No questions asked yet.\n');
    for (const entry of entries) {
      const cited = entry.answer.citations.map((c) => `[${c.n}] ${c.headingPath.at(-1) ?? c.documentPath}`).join('; ');
      io.stdout(`${entry.askedAt}  #${entry.conversationId}  ${entry.answer.status.padEnd(9)} ${entry.question}${cited ? `\n    ${cited}` : ''}\n`);
    }
    return 0;
  });
}

async function commandExport(values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  if ((values.format ?? 'md') !== 'md') throw new UsageError(`--format must be md, got "${values.format}"`);
  const requested = optionalInteger(values.conversation, 'conversation');
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    const conversationId = requested ?? library.conversations().at(-1)?.id;
    if (conversationId === undefined) throw new UsageError(`no conversation to export in ${libraryFile}: ask a question first`);
    const entries = library.history(conversationId);
    if (entries.length === 0) throw new UsageError(`no conversation ${conversationId} in ${libraryFile}`);
    const markdown = formatConversationMarkdown(libraryFile, entries, new Date().toISOString());
    if (values.output) {
      writeFileSync(values.output, markdown);
      io.stderr(`wrote ${values.output}\n`);
    } else {
      io.stdout(markdown);
    }
    return 0;
  });
}

async function commandEval(values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  if (!values.qa) throw new UsageError('missing --qa <qa.jsonl>');
  const items = readQaFile(values.qa);
  const k = positiveInteger(values.k, 'k', 10);
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile);
    const retrieval = await evaluateRetrieval(items, async (question, limit) => await library.search(question, { k: limit }), k);
    const answers = await evaluateAnswers(items, async (question) => (await library.ask(question, { record: false })).answer);
    if (values.json) {
      io.stdout(`${JSON.stringify({ retrieval, answers })}\n`);
      return 0;
    }
    const out = [
      `Retrieval (${retrieval.questions} answerable questions): recall@1 ${retrieval.recallAt1}  recall@5 ${retrieval.recallAt5}  MRR@${k} ${retrieval.mrr}`,
      ...Object.entries(retrieval.byType).map(([type, f]) => `  ${type.padEnd(18)} n=${f.questions}  recall@1 ${f.recallAt1}  recall@5 ${f.recallAt5}  MRR ${f.mrr}`),
      `Answers (exact mode, ${answers.questions} questions, ${answers.unanswerable} unanswerable): cite the evidence ${answers.answeredWithEvidence} ` +
        `(sure ${answers.sureWithEvidence}, offered as related ${answers.related})  unanswerable refused ${answers.notFoundRecall}  not-found precision ${answers.notFoundPrecision}`,
      '  type               n   correct  sure+evidence  refused (answerable) / refused (unanswerable)',
      ...Object.entries(answers.byType).map(
        ([type, f]) => `  ${type.padEnd(18)} ${String(f.questions).padStart(3)}   ${`${f.correct}/${f.questions}`.padStart(7)}  ${String(f.sureWithEvidence).padStart(13)}  ${String(f.refused).padStart(7)}`,
      ),
      ...answers.items.map(
        (r) =>
          `  ${r.id.padEnd(18)} ${r.status.padEnd(9)} ${r.answerable ? (r.citesEvidence ? 'cites evidence' : r.status === 'not_found' ? 'MISSED (not_found)' : 'MISSES evidence') : r.status === 'not_found' ? 'correctly not_found' : 'WRONGLY answered'}`,
      ),
      `Matching: ${retrieval.method}.`,
    ];
    io.stdout(`${out.join('\n')}\n`);
    return 0;
  });
}

async function commandWatch(inputs: string[], values: Values, io: CliIo): Promise<number> {
  const libraryFile = requireLibrary(values);
  const missing = inputs.find((input) => !existsSync(input));
  if (missing !== undefined) throw new UsageError(`no such file or folder: ${missing}`);
  return withEngine(values, io, async (engine) => {
    const library = await engine.openLibrary(libraryFile, { create: inputs.length > 0 });
    if (inputs.length > 0) await library.ingest(inputs, { onProgress: progressPrinter(io) }); // records them as sources
    if (library.store.listSources().length === 0) throw new UsageError(`${libraryFile} has no folders yet: kb watch <folder> --library ${libraryFile}`);
    const stopped = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    const watcher = library.watch({
      onIngested: (summary) => {
        if (values.json) return io.stdout(`${JSON.stringify(summary)}\n`);
        io.stderr(`${new Date().toISOString()} ${summary.indexed} indexed, ${summary.removed} removed, ${summary.failed.length} failed, ${summary.unchanged} unchanged\n`);
        for (const file of summary.failed) io.stderr(`  failed   ${file.path}: ${file.reason}\n`);
      },
      onError: (error) => io.stderr(`kb watch: ${error.message}\n`),
    });
    io.stderr(`watching ${watcher.sources.join(', ')} (Ctrl-C to stop)\n`);
    await stopped;
    await watcher.close();
    return 0;
  });
}

/** Runs the `kb` command line. Returns the exit code; never throws for a mistake a person can fix. */
export async function runCli(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafe(given);
  // The library the command names, for storage errors (kept here: parseArgs knows "--library=x" as well as "--library x").
  let libraryFile: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    libraryFile = values.library;
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.stdout(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    switch (command) {
      case 'ingest':
        return await commandIngest(rest, values, io);
      case 'search':
        return await commandSearch(rest, values, io);
      case 'docs':
        return await commandDocs(rest, values, io);
      case 'synonyms':
        return await commandSynonyms(rest, values, io);
      case 'ask':
        return await commandAsk(rest, values, io);
      case 'history':
        return await commandHistory(values, io);
      case 'export':
        return await commandExport(values, io);
      case 'eval':
        return await commandEval(values, io);
      case 'watch':
        return await commandWatch(rest, values, io);
      case 'serve':
        return await runServeCommand(values, io);
      default:
        throw new UsageError(`unknown command "${command}" (try: kb help)`);
    }
  } catch (thrown) {
    // SQLite's words for a full disk or a read-only file name neither the library nor what is kept.
    const error = (libraryFile ? storageError(thrown, libraryFile) : null) ?? thrown;
    const usage =
      error instanceof UsageError ||
      error instanceof LibraryError ||
      error instanceof IngestInputError ||
      error instanceof EmbeddingModelError ||
      error instanceof ServeUsageError ||
      // A library damaged in a way the open-time check did not see (large or read-only files).
      /^SQLITE_(CORRUPT|NOTADB)/.test(String((error as { code?: unknown }).code ?? '')) ||
      error instanceof ModelFileError ||
      error instanceof LlmBackendError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr(`kb: ${(error as Error).message}\n`);
    if (!usage && io.env.KB_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return usage ? 2 : 1;
  }
}
