import type { CodesOf, ErrorProblem } from '../../../shared/errorCodes.ts';
import { KbError } from '../../../shared/errors.ts';

/**
 * llama.cpp could not start with the backend asked for (no prebuilt binary for this machine, a GPU backend whose
 * driver is missing). The message says which backend and what to do; the engine never builds llama.cpp from source.
 */
export class LlmBackendError extends KbError {
  constructor(problem: ErrorProblem<CodesOf<'llm'>>, message: string, options?: { cause?: unknown }) {
    super(problem.code, message, problem.params);
    if (options && 'cause' in options) this.cause = options.cause;
    this.name = 'LlmBackendError';
  }
}
