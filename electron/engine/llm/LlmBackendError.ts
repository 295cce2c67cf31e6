/**
 * llama.cpp could not start with the backend asked for (no prebuilt binary for this machine, a GPU backend whose
 * driver is missing). The message says which backend and what to do; the engine never builds llama.cpp from source.
 */
export class LlmBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LlmBackendError';
  }
}
