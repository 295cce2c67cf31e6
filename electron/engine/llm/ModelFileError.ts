import type { CodesOf, ErrorProblem } from '../../../shared/errorCodes.ts';
import { KbError } from '../../../shared/errors.ts';

/** Why a model file was refused, in one word (the error's `code` says it more finely: 'model-file.not-gguf'…). */
export type ModelFileErrorReason =
  'not-found' | 'not-a-file' | 'unreadable' | 'not-gguf' | 'truncated' | 'unsupported-architecture' | 'load-failed';

const REASON_OF: Record<CodesOf<'model-file'>, ModelFileErrorReason> = {
  'model-file.not-found': 'not-found',
  'model-file.not-a-file': 'not-a-file',
  'model-file.unreadable': 'unreadable',
  'model-file.not-gguf': 'not-gguf',
  'model-file.truncated': 'truncated',
  'model-file.unsupported-architecture': 'unsupported-architecture',
  'model-file.load-failed': 'load-failed',
  'model-file.context-failed': 'load-failed',
};

/**
 * A model file that cannot be used: missing, not GGUF, cut short, of an architecture this llama.cpp does not know,
 * or refused by llama.cpp when loading. The message is written for a person: which file, what is wrong, what to do.
 */
export class ModelFileError extends KbError {
  readonly reason: ModelFileErrorReason;
  readonly file: string;

  constructor(problem: ErrorProblem<CodesOf<'model-file'>>, message: string, options?: { cause?: unknown }) {
    super(problem.code, message, problem.params);
    if (options && 'cause' in options) this.cause = options.cause;
    this.name = 'ModelFileError';
    this.reason = REASON_OF[problem.code];
    this.file = String(problem.params.file);
  }
}
