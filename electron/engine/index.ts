// The engine's public entry: electron/main, the CLI and `kb serve` import from here only.
export { createEngine, Engine, type EngineConfig, type OpenOptions } from './createEngine.ts';
export { Library } from './Library.ts';
export { LibraryError } from './store/openLibraryDatabase.ts';
export { IngestInputError } from './ingest/walkInputs.ts';
export type { IngestOptions } from './ingest/ingestFiles.ts';
