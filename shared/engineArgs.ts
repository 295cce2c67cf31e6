// Every EngineApi method's argument checks, in one table (ENGINE_ARGS): what a face received from another process
// (IPC, a MessagePort, a WebSocket) is checked here before the engine sees it, and the list of methods every face is
// built from (preload, main's IPC handlers, the RPC client and server, the renderer) is this table's keys. A method
// that starts a job says so here too (its kind, where its JobOptions are).
import { KbError } from './errors.ts';
import {
  GPU_MODES,
  type AskOptions,
  type EngineApi,
  type EngineMethod,
  type GpuMode,
  type JobKind,
  type JobOptions,
  type LoadLlmOptions,
  type PassageRef,
  type SearchOptions,
  type UploadedFile,
} from './engineApi.ts';
import { DOCUMENT_KINDS, type DocumentProfileChanges } from './types.ts';

/** Arguments that do not fit a method's signature. The message says which argument and why, for a developer. */
export class InvalidArgumentsError extends KbError {
  constructor(method: string, problem: string) {
    super('args.invalid', `${method}: ${problem}`, { method, detail: problem });
    this.name = 'InvalidArgumentsError';
  }
}

// Limits that keep one message from exhausting memory or the engine's patience.
const MAX_TEXT = 2_000; // a question or query longer than this is not a question
const MAX_PATHS = 10_000;
const MAX_PATH_LENGTH = 4_096; // PATH_MAX on Linux
/** Files in one upload batch (kb serve's commitUploads counts the same way). */
export const MAX_UPLOAD_FILES = 1_000;
const MAX_FILE_NAME = 255;
const MAX_UPLOAD_NAME = 1_024;

type Check<T> = (value: unknown, what: string) => T;

const fail = (what: string, expected: string, value: unknown): never => {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new TypeError(`${what} must be ${expected}, got ${got}`);
};

const text =
  (max: number): Check<string> =>
  (value, what) => {
    if (typeof value !== 'string') return fail(what, 'a string', value);
    if (value.trim() === '') throw new TypeError(`${what} must not be empty`);
    if (value.length > max) throw new TypeError(`${what} is longer than ${max} characters`);
    return value;
  };

const id: Check<number> = (value, what) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    return fail(what, 'a whole number ≥ 0', value);
  return value;
};

const list =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (value, what) => {
    if (!Array.isArray(value)) return fail(what, 'an array', value);
    if (value.length === 0) throw new TypeError(`${what} must not be empty`);
    if (value.length > max) throw new TypeError(`${what} has more than ${max} items`);
    return value.map((v, i) => item(v, `${what}[${i}]`));
  };

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(what, 'an object', value);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  if (extra !== undefined) throw new TypeError(`${what} has an unknown field "${extra}"`);
}

/** An uploaded file's name (kb serve's commitUploads checks it the same way). */
export const uploadName: Check<string> = (value, what) => {
  const name = text(MAX_UPLOAD_NAME)(value, what);
  // A name, or folders below the upload folder: uploads are written into one folder and must stay there.
  if (/[\\\0]/.test(name) || name.startsWith('/'))
    throw new TypeError(`${what} must be a file name, or a relative path with / between folders`);
  const segments = name.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..'))
    throw new TypeError(`${what} must not contain empty, "." or ".." folders`);
  if (segments.some((segment) => segment.length > MAX_FILE_NAME))
    throw new TypeError(`${what} has a name longer than ${MAX_FILE_NAME} characters`);
  return name;
};

const base64: Check<string> = (value, what) => {
  if (typeof value !== 'string') return fail(what, 'a base64 string', value);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new TypeError(`${what} is not base64`);
  return value;
};

const uploadedFile: Check<UploadedFile> = (value, what) => {
  const record = plainObject(value, what);
  onlyKeys(record, ['name', 'dataBase64'], what);
  return { name: uploadName(record.name, `${what}.name`), dataBase64: base64(record.dataBase64, `${what}.dataBase64`) };
};

function optionalObject(value: unknown, what: string): Record<string, unknown> | null {
  return value === undefined || value === null ? null : plainObject(value, what);
}

function searchOptions(value: unknown, what: string): SearchOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['k'], what);
  if (record.k === undefined) return {};
  const k = id(record.k, `${what}.k`);
  if (k < 1 || k > 50) throw new TypeError(`${what}.k must be between 1 and 50`);
  return { k };
}

const whole =
  (min: number, max: number): Check<number> =>
  (value, what) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(what, 'a whole number', value);
    if (value < min || value > max) throw new TypeError(`${what} must be between ${min} and ${max}`);
    return value;
  };

// A job id: short, and plain enough to travel in any log line.
const jobIdCheck: Check<string> = (value, what) => {
  const given = text(100)(value, what);
  if (!/^[\w.:-]+$/.test(given)) throw new TypeError(`${what} may hold only letters, digits and . _ : -`);
  return given;
};

function askOptions(value: unknown, what: string): AskOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['mode', 'conversationId', 'jobId', 'maxAnswerTokens'], what);
  const options: AskOptions = {};
  if (record.mode !== undefined) {
    if (record.mode !== 'exact' && record.mode !== 'generate')
      throw new TypeError(`${what}.mode must be "exact" or "generate"`);
    options.mode = record.mode;
  }
  if (record.conversationId !== undefined) options.conversationId = id(record.conversationId, `${what}.conversationId`);
  if (record.jobId !== undefined) options.jobId = jobIdCheck(record.jobId, `${what}.jobId`);
  if (record.maxAnswerTokens !== undefined)
    options.maxAnswerTokens = whole(1, 4096)(record.maxAnswerTokens, `${what}.maxAnswerTokens`);
  return options;
}

function loadLlmOptions(value: unknown, what: string): LoadLlmOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['gpu', 'gpuLayers', 'contextSize', 'threads', 'jobId'], what);
  const options: LoadLlmOptions = {};
  if (record.jobId !== undefined) options.jobId = jobIdCheck(record.jobId, `${what}.jobId`);
  if (record.gpu !== undefined) {
    if (!(GPU_MODES as readonly unknown[]).includes(record.gpu))
      throw new TypeError(`${what}.gpu must be one of ${GPU_MODES.map((m) => `"${m}"`).join(', ')}`);
    options.gpu = record.gpu as GpuMode;
  }
  if (record.gpuLayers !== undefined)
    options.gpuLayers = record.gpuLayers === 'auto' ? 'auto' : whole(0, 1000)(record.gpuLayers, `${what}.gpuLayers`);
  if (record.contextSize !== undefined)
    options.contextSize = whole(64, 131_072)(record.contextSize, `${what}.contextSize`);
  if (record.threads !== undefined) options.threads = whole(1, 256)(record.threads, `${what}.threads`);
  return options;
}

/** The options of a method that starts an ingestion or an embedding. */
export function jobOptions(value: unknown, what: string): JobOptions {
  const record = optionalObject(value, what);
  if (!record) return {};
  onlyKeys(record, ['jobId'], what);
  return record.jobId === undefined ? {} : { jobId: jobIdCheck(record.jobId, `${what}.jobId`) };
}

function passageRef(value: unknown, what: string): PassageRef {
  const record = plainObject(value, what);
  const ref = {
    documentId: id(record.documentId, `${what}.documentId`),
    charStart: id(record.charStart, `${what}.charStart`),
    charEnd: id(record.charEnd, `${what}.charEnd`),
  };
  if (ref.charEnd < ref.charStart) throw new TypeError(`${what}.charEnd must not be before charStart`);
  return ref;
}

// A thesaurus phrase: what people type, or the documents' wording. Long enough for 两种或两种以上组合的鉴别技术.
const MAX_PHRASE = 60;
const MAX_MEANS = 12;
const PROFILE_FIELDS = ['standard', 'title', 'year', 'kind', 'sector', 'region'] as const;

const phrase: Check<string> = (value, what) => text(MAX_PHRASE)(value, what).trim();

function profileChanges(value: unknown, what: string): DocumentProfileChanges {
  const record = plainObject(value, what);
  onlyKeys(record, [...PROFILE_FIELDS], what);
  if (Object.keys(record).length === 0) throw new TypeError(`${what} must change at least one field`);
  const changes: DocumentProfileChanges = {};
  for (const field of PROFILE_FIELDS) {
    const given = record[field];
    if (given === undefined) continue;
    if (given === null) changes[field] = null;
    else if (typeof given !== 'string') fail(`${what}.${field}`, 'a string or null', given);
    else if ((given as string).length > 200) throw new TypeError(`${what}.${field} is longer than 200 characters`);
    else if (field === 'kind' && !(DOCUMENT_KINDS as readonly string[]).includes(given as string)) {
      throw new TypeError(`${what}.kind must be one of ${DOCUMENT_KINDS.join(', ')}`);
    } else changes[field] = (given as string).trim();
  }
  return changes;
}

/** The checked arguments of each method, as a tuple. */
export type EngineArgs = { [M in EngineMethod]: Parameters<EngineApi[M]> };

/**
 * A method's argument checks: the most arguments it takes, and the check that returns them typed; for a method that
 * starts a job, its kind and which argument holds its JobOptions.
 */
interface MethodArgs<M extends EngineMethod> {
  arity: number;
  check(args: unknown[]): EngineArgs[M];
  job?: { kind: JobKind; optionsAt: number };
}

/**
 * Every EngineApi method and its argument checks: the one list the faces are built from (preload, main's IPC
 * handlers, the RPC client and server, the renderer's clients). A method missing here is a type error.
 */
const ENGINE_ARGS: { [M in EngineMethod]: MethodArgs<M> } = {
  libraryInfo: { arity: 0, check: () => [] },
  listDocuments: { arity: 0, check: () => [] },
  ingestPaths: {
    arity: 2,
    check: (args) => [list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths'), jobOptions(args[1], 'options')],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  uploadFiles: {
    arity: 2,
    check: (args) => [list(uploadedFile, MAX_UPLOAD_FILES)(args[0], 'files'), jobOptions(args[1], 'options')],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  cancelJob: { arity: 1, check: (args) => [text(100)(args[0], 'jobId')] },
  removeDocument: { arity: 1, check: (args) => [id(args[0], 'documentId')] },
  listSources: { arity: 0, check: () => [] },
  rescanSources: {
    arity: 2,
    // null: JSON's form of an absent first argument when options follow.
    check: (args) => [
      args[0] === undefined || args[0] === null ? undefined : list(text(MAX_PATH_LENGTH), MAX_PATHS)(args[0], 'paths'),
      jobOptions(args[1], 'options'),
    ],
    job: { kind: 'ingest', optionsAt: 1 },
  },
  documentFile: { arity: 1, check: (args) => [id(args[0], 'documentId')] },
  search: { arity: 2, check: (args) => [text(MAX_TEXT)(args[0], 'query'), searchOptions(args[1], 'options')] },
  ask: {
    arity: 2,
    check: (args) => [text(MAX_TEXT)(args[0], 'question'), askOptions(args[1], 'options')],
    job: { kind: 'answer', optionsAt: 1 },
  },
  history: { arity: 0, check: () => [] },
  exportConversation: { arity: 1, check: (args) => [id(args[0], 'conversationId')] },
  passageContext: { arity: 1, check: (args) => [passageRef(args[0], 'ref')] },
  modelStatus: { arity: 0, check: () => [] },
  inspectLlm: { arity: 1, check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path')] },
  loadLlm: {
    arity: 2,
    check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'path'), loadLlmOptions(args[1], 'options')],
    job: { kind: 'llmLoad', optionsAt: 1 },
  },
  unloadLlm: { arity: 0, check: () => [] },
  setEmbeddingModel: {
    arity: 2,
    check: (args) => [text(MAX_PATH_LENGTH)(args[0], 'dir'), jobOptions(args[1], 'options')],
    job: { kind: 'embedding', optionsAt: 1 },
  },
  thesaurus: { arity: 0, check: () => [] },
  addSynonym: { arity: 2, check: (args) => [phrase(args[0], 'ask'), list(phrase, MAX_MEANS)(args[1], 'means')] },
  removeSynonym: { arity: 1, check: (args) => [id(args[0], 'id')] },
  setDocumentProfile: { arity: 2, check: (args) => [id(args[0], 'documentId'), profileChanges(args[1], 'changes')] },
};

/** Every EngineApi method, once, in the order of ENGINE_ARGS. */
export const ENGINE_METHODS = Object.freeze(Object.keys(ENGINE_ARGS)) as readonly EngineMethod[];

/** The methods that start a job. */
export const JOB_METHODS = ENGINE_METHODS.filter((method) => ENGINE_ARGS[method].job !== undefined);

/**
 * The job a call starts, from its checked arguments: its kind and the id the caller chose (undefined: the engine
 * chooses one). Null for a method that starts none.
 */
export function jobOfCall(method: EngineMethod, args: readonly unknown[]): { kind: JobKind; jobId?: string } | null {
  const job = ENGINE_ARGS[method].job;
  if (!job) return null;
  const jobId = (args[job.optionsAt] as JobOptions | undefined)?.jobId;
  return jobId === undefined ? { kind: job.kind } : { kind: job.kind, jobId };
}

export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.hasOwn(ENGINE_ARGS, name);
}

/**
 * Checks the arguments of a call that arrived from another process (IPC, WebSocket): returns them typed, or throws
 * InvalidArgumentsError. Extra arguments are refused, not ignored.
 */
export function validateEngineArgs<M extends EngineMethod>(method: M, args: unknown): EngineArgs[M] {
  if (!isEngineMethod(method)) throw new InvalidArgumentsError(String(method), 'no such method');
  if (!Array.isArray(args)) throw new InvalidArgumentsError(method, 'arguments must be an array');
  const { arity, check } = ENGINE_ARGS[method];
  if (args.length > arity)
    throw new InvalidArgumentsError(method, `takes at most ${arity} arguments, got ${args.length}`);
  try {
    return check(args) as EngineArgs[M];
  } catch (error) {
    throw new InvalidArgumentsError(method, (error as Error).message);
  }
}
