import { KbError } from '../../shared/errors.ts';

/** A mistake in how the CLI was called (or in a file it was given): one line on stderr, exit code 2. */
export class UsageError extends KbError {
  constructor(message: string) {
    super('cli.usage', message, { detail: message });
    this.name = 'UsageError';
  }
}
