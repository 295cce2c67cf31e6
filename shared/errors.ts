// Errors as codes, worded at the edge. Every refusal the engine makes on purpose is a KbError: a stable `code`
// (what went wrong, e.g. 'library.read-only'), `params` (the facts a sentence needs: a file name, a limit), and an
// English `message` for logs, scripts and developers. Faces word the code in their own language (the renderer in
// Chinese or English, the CLI in the question's language) and fall back to the message for a code they do not know.
// What crosses a process (MessagePort, WebSocket, Electron IPC) is a WireError, plain JSON.

/** The facts an error's sentence needs; plain values only, so they travel as JSON. */
export type ErrorParams = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Who can put it right. 'user': the person can (a path, an input, a model file, a library, the command line) — the
 * CLI exits 2. 'internal': a bug or the machine — exit 1.
 */
export type ErrorKind = 'user' | 'internal';

/** An error as it travels between processes. */
export interface WireError {
  /** The class it was raised as (LibraryError, InvalidArgumentsError…), for logs and developers. */
  name: string;
  /** Stable, dotted: '<area>.<what>' (e.g. 'library.read-only', 'args.invalid'); 'internal' for a bug. */
  code: string;
  params: ErrorParams;
  /** English, for a developer or a log; faces word `code` instead where they know it. */
  message: string;
  kind: ErrorKind;
}

/** The base of every error the engine raises on purpose. */
export class KbError extends Error {
  readonly code: string;
  readonly params: ErrorParams;
  readonly kind: ErrorKind;
  constructor(code: string, message: string, params: ErrorParams = {}, kind: ErrorKind = 'user') {
    super(message);
    this.name = 'KbError';
    this.code = code;
    this.params = params;
    this.kind = kind;
  }
}

/** An error that arrived from another process: its original name, code and params kept. */
export class RemoteError extends KbError {
  constructor(wire: WireError) {
    super(wire.code, wire.message, wire.params, wire.kind);
    this.name = wire.name;
  }
}

/** The code of an error that is not a KbError: a bug, or the machine (disk full, out of memory). */
export const INTERNAL_ERROR_CODE = 'internal';

/** Any thrown value as it travels: a KbError keeps its code and params; anything else is 'internal'. */
export function toWireError(error: unknown): WireError {
  if (error instanceof KbError)
    return { name: error.name, code: error.code, params: error.params, message: error.message, kind: error.kind };
  if (error instanceof Error)
    return { name: error.name, code: INTERNAL_ERROR_CODE, params: {}, message: error.message, kind: 'internal' };
  return { name: 'Error', code: INTERNAL_ERROR_CODE, params: {}, message: String(error), kind: 'internal' };
}

const isParamValue = (value: unknown): boolean =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Whether a received value is a WireError (anything else is treated as an internal error by the receiver). */
export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const wire = value as Partial<Record<keyof WireError, unknown>>;
  return (
    typeof wire.name === 'string' &&
    typeof wire.code === 'string' &&
    typeof wire.message === 'string' &&
    (wire.kind === 'user' || wire.kind === 'internal') &&
    typeof wire.params === 'object' &&
    wire.params !== null &&
    Object.values(wire.params).every(isParamValue)
  );
}

/** The error a receiver throws for a WireError (or for a malformed one: an internal error saying so). */
export function fromWireError(value: unknown): RemoteError {
  if (isWireError(value)) return new RemoteError(value);
  return new RemoteError({
    name: 'Error',
    code: INTERNAL_ERROR_CODE,
    params: {},
    message: `malformed error from the other side: ${JSON.stringify(value)?.slice(0, 200)}`,
    kind: 'internal',
  });
}
