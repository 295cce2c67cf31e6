import type { CodesOf, ErrorProblem } from '../../../shared/errorCodes.ts';
import { KbError } from '../../../shared/errors.ts';

/**
 * A person-readable refusal (wrong state, unknown id). Without a problem of its own it is 'service.refused', worded
 * from its message.
 */
export class ServiceError extends KbError {
  constructor(message: string, problem?: ErrorProblem<CodesOf<'service' | 'upload'>>) {
    super(problem?.code ?? 'service.refused', message, problem?.params ?? { detail: message });
    this.name = 'ServiceError';
  }
}
