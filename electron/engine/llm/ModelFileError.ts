/** Why a model file was refused. Stable codes: the UI and the CLI map them to their own wording. */
export type ModelFileErrorCode =
  'not-found' | 'not-a-file' | 'unreadable' | 'not-gguf' | 'truncated' | 'unsupported-architecture' | 'load-failed';

/**
 * A model file that cannot be used: missing, not GGUF, cut short, of an architecture this llama.cpp does not know,
 * or refused by llama.cpp when loading. The message is written for a person: which file, what is wrong, what to do.
 */
export class ModelFileError extends Error {
  readonly code: ModelFileErrorCode;
  readonly file: string;

  constructor(code: ModelFileErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFileError';
    this.code = code;
    this.file = file;
  }
}
