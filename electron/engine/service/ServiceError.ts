/** A person-readable refusal (wrong state, unknown id): sent to the caller as is. */
export class ServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}
