// kb serve's streamed upload: the page PUTs each file's bytes to UPLOAD_PATH (one HTTP request per file, streamed to
// a staging folder, never held whole in memory), then commits the batch with one call over the RPC WebSocket.
//
// Why HTTP PUT and not binary WebSocket frames: the browser streams a File given as a fetch body from disk, and TCP
// paces it to what the server writes; a WebSocket has no such pacing (send() only grows bufferedAmount), so a page
// would have to chunk, wait for acknowledgements and reassemble — a protocol of our own on top of the one socket
// that also carries search and ask, which a 50 MB upload would hold up. A PUT is also refused before its body is
// read (413 from Content-Length), and each file is its own request, so one bad file fails alone.
//
// Only kb serve has this: the desktop app hands the engine paths, never bytes, so it is no EngineApi method.
import { ENGINE_EVENTS, type EngineApi, type EngineEvents, type JobOptions, type JobStarted } from './engineApi.ts';
import {
  ENGINE_METHODS,
  InvalidArgumentsError,
  isEngineMethod,
  jobOptions,
  MAX_UPLOAD_FILES,
  uploadName,
  validateEngineArgs,
} from './engineArgs.ts';
import { KbError } from './errors.ts';
import type { RpcContract } from './rpc/rpcProtocol.ts';

/** Where the page PUTs one file's bytes, with the token as for RPC_PATH (`?token=…`, one only). */
export const UPLOAD_PATH = '/upload';

/**
 * A refused PUT's header with the refusal's code and params (`encodeURIComponent` of JSON `{code, params}`), so the
 * page words it in its language; the body stays the English message, for curl and scripts.
 */
export const UPLOAD_ERROR_HEADER = 'X-Kb-Error';

/**
 * The largest file one PUT may carry: 100 MiB, the ingestion's default size limit (walkInputs' DEFAULT_MAX_FILE_BYTES)
 * — a larger file would be stored only to be skipped as too large, so it is refused (413) before it is sent.
 */
export const MAX_UPLOAD_FILE_BYTES = 100 * 1024 * 1024;

/** The reply to a PUT that was stored (201): the id to commit it by. */
export interface StagedUpload {
  uploadId: string;
  sizeBytes: number;
}

/** One file of a batch to commit: the name it is written under (folders with `/`, as for uploadFiles) and its PUT's id. */
export interface StagedFile {
  name: string;
  uploadId: string;
}

/** kb serve's methods beside EngineApi's, on the same WebSocket and wire format. */
export interface WebBridgeApi {
  /**
   * Writes the staged files into the library's upload folder and ingests them, as uploadFiles does: the whole batch
   * or nothing (names cut, look-alikes refused, overwritten files put back on failure). A commit uses up its staged
   * files whatever the outcome: after a refusal the page uploads them again.
   */
  commitUploads(files: StagedFile[], options?: JobOptions): Promise<JobStarted>;
}

export type WebBridgeMethod = keyof WebBridgeApi;

export const WEB_BRIDGE_METHODS = ['commitUploads'] as const satisfies readonly WebBridgeMethod[];

export function isWebBridgeMethod(name: unknown): name is WebBridgeMethod {
  return typeof name === 'string' && (WEB_BRIDGE_METHODS as readonly string[]).includes(name);
}

// 32 hex digits: the server's random ids (16 bytes); anything else cannot name a staged file.
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** Checks commitUploads' arguments as validateEngineArgs does for EngineApi's: typed, or InvalidArgumentsError. */
export function validateCommitUploadsArgs(args: unknown): [StagedFile[], JobOptions] {
  const method = 'commitUploads';
  if (!Array.isArray(args)) throw new InvalidArgumentsError(method, 'arguments must be an array');
  if (args.length < 1 || args.length > 2)
    throw new InvalidArgumentsError(method, `takes the files and the job's options, got ${args.length} arguments`);
  const files: unknown = args[0];
  if (!Array.isArray(files)) throw new InvalidArgumentsError(method, 'files must be an array');
  if (files.length === 0) throw new InvalidArgumentsError(method, 'files must not be empty');
  if (files.length > MAX_UPLOAD_FILES)
    throw new InvalidArgumentsError(method, `files has more than ${MAX_UPLOAD_FILES} items`);
  try {
    const staged = files.map((file: unknown, i): StagedFile => {
      const what = `files[${i}]`;
      if (typeof file !== 'object' || file === null || Array.isArray(file))
        throw new TypeError(`${what} must be an object with name and uploadId`);
      const { name, uploadId, ...extra } = file as Record<string, unknown>;
      const unknown = Object.keys(extra)[0];
      if (unknown !== undefined) throw new TypeError(`${what} has an unknown field "${unknown}"`);
      if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId))
        throw new TypeError(`${what}.uploadId must be the id a PUT to ${UPLOAD_PATH} replied with`);
      return { name: uploadName(name, `${what}.name`), uploadId };
    });
    return [staged, jobOptions(args[1], 'options')];
  } catch (error) {
    throw new InvalidArgumentsError(method, (error as Error).message);
  }
}

/** kb serve's RPC contract: EngineApi's methods and commitUploads, on one WebSocket. */
export const WEB_BRIDGE_CONTRACT: RpcContract<EngineApi & WebBridgeApi, EngineEvents> = {
  methods: [...ENGINE_METHODS, ...WEB_BRIDGE_METHODS],
  events: ENGINE_EVENTS,
  validate: (method, args) => {
    if (isWebBridgeMethod(method)) return validateCommitUploadsArgs(args);
    if (!isEngineMethod(method)) throw new KbError('rpc.no-such-method', `no such method: ${String(method)}`, {});
    return validateEngineArgs(method, args);
  },
};
