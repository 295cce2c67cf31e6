// Every code a KbError can carry, by area, with the names of the params its sentence needs. The faces word each
// code from these params (renderer/src/describeError.ts in Chinese and English; the CLI prints the English
// message); a test checks that every code here has both wordings and that they use exactly these params.

export const ERROR_CODES = {
  // A library file (openLibraryDatabase, storageError, Library).
  'library.not-found': ['file'],
  'library.not-a-library': ['file'],
  'library.newer-version': ['file', 'version', 'supported'],
  'library.corrupt': ['file', 'detail'],
  'library.unreadable': ['file', 'detail'],
  'library.read-only': ['file'],
  'library.read-only-needs-upgrade': ['file'],
  'library.read-only-folder': ['file'],
  'library.disk-full': ['file'],
  'library.io-error': ['file', 'sqliteCode'],
  'library.ingest-running': ['file'],
  'library.no-conversation': ['conversationId'],
  // A .gguf model file (inspectGgufFile, LlamaModelHost).
  'model-file.not-found': ['file'],
  'model-file.not-a-file': ['file'],
  'model-file.unreadable': ['file', 'detail'],
  'model-file.not-gguf': ['file'],
  'model-file.truncated': ['file'],
  'model-file.unsupported-architecture': ['file', 'architecture'],
  'model-file.load-failed': ['file', 'detail'],
  'model-file.context-failed': ['file', 'contextSize', 'detail'],
  // llama.cpp and its backends.
  'llm.backend-failed': ['backend', 'detail'],
  'llm.backend-fallback': ['backend', 'actual'],
  'llm.not-loaded': [],
  // The embedding model and what needs it.
  'embedding.model-invalid': ['folder', 'missing'],
  'embedding.model-load-failed': ['folder', 'detail'],
  'embedding.retrieval-unavailable': ['retrieval', 'detail'],
  // Why one file could not be indexed (ParseError's reasons; FailedFile.code is the part after "parse.").
  'parse.corrupt': [],
  'parse.encrypted': [],
  'parse.empty': [],
  'parse.no-text-layer': [],
  'parse.unsupported': [],
  'parse.too-large': [],
  // Ingestion: its inputs, and files that failed for reasons other than their content.
  'ingest.input-not-found': ['path'],
  'ingest.file-unreadable': [],
  'ingest.file-failed': [],
  // Arguments a face sent that do not fit a method (shared/engineApi.ts validators), and kb's command line.
  'args.invalid': ['method', 'detail'],
  'cli.usage': ['detail'],
  // kb serve and the page's connection to it.
  'serve.usage': ['detail'],
  'serve.unreachable': [],
  'serve.no-token': [],
  // The RPC between a face and the engine (shared/rpc): a connection with too many calls unanswered, one that went
  // away, a method that is not the engine's; a job id that is in use.
  'rpc.busy': ['maxInFlight'],
  'rpc.closed': [],
  'rpc.no-such-method': [],
  'job.duplicate-id': ['jobId'],
  // Refusals of the engine's service (wrong state, unknown id); 'service.refused' for one without a code of its own.
  'service.refused': ['detail'],
  'service.job-running': [],
  'service.document-not-found': ['documentId'],
  'service.original-missing': ['file'],
  'service.synonym-not-found': ['id'],
  'service.conversation-not-found': ['conversationId'],
  'service.no-sources': [],
  'service.not-a-source': ['path'],
  'service.answer-being-written': [],
  'service.no-llm-here': [],
  'service.no-llm-loaded': [],
  // Uploads to kb serve (the server's staging, and the page's checks before sending).
  'upload.stopping': [],
  'upload.too-many-receiving': ['limit'],
  'upload.too-many-waiting': ['limit'],
  'upload.staging-full': ['waitingMiB'],
  'upload.too-large': ['limitMiB'],
  'upload.cut-off': [],
  'upload.disk-full': ['folder'],
  'upload.no-permission': ['folder'],
  'upload.store-failed': ['folder', 'detail'],
  'upload.unknown-id': ['uploadId'],
  'upload.repeated-id': ['uploadId'],
  'upload.nothing-to-add': [],
  'upload.file-too-large': ['name', 'sizeMiB', 'limitMiB'],
  'upload.not-sent': ['name'],
  'upload.refused': ['name', 'detail'],
  // The desktop app's own actions (main's handlers, the preload).
  'desktop.document-not-found': ['documentId'],
  'desktop.original-missing': ['file'],
  'desktop.untrusted-sender': ['channel'],
  'desktop.no-engine': [],
  'desktop.no-path': [],
  // The engine's process stopped (the app closing, or a crash): every call waiting is refused with this.
  'engine.stopped': [],
  // Not a refusal: a bug or the machine. Worded from the message.
  internal: [],
} as const satisfies Record<string, readonly string[]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The params of `C`'s sentence: each named one, a string or a number. */
export type ErrorParamsOf<C extends ErrorCode> = { readonly [P in (typeof ERROR_CODES)[C][number]]: string | number };

/** A code with its params, checked together: `{ code: 'library.not-found', params: { file } }`. */
export type ErrorProblem<C extends ErrorCode = ErrorCode> = {
  [K in C]: { code: K; params: ErrorParamsOf<K> };
}[C];

/** The codes of one area: `CodesOf<'library'>` is every 'library.…' code. */
export type CodesOf<Area extends string> = Extract<ErrorCode, `${Area}.${string}`>;

/** Whether `code` is one this version knows (one from a newer engine may not be). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/**
 * The code that words a file's failure from its short code (FailedFile.code, DocumentInfo.errorCode: 'corrupt',
 * 'unreadable'…); null for one this version does not know.
 */
export function failedFileErrorCode(code: string): ErrorCode | null {
  if (code === 'unreadable') return 'ingest.file-unreadable';
  if (code === 'internal') return 'ingest.file-failed';
  const parse = `parse.${code}`;
  return isErrorCode(parse) ? parse : null;
}
