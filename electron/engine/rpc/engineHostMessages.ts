// The messages between electron/main and the engine host (electron/engine-host/runEngineHost.ts) outside the RPC:
// they start and stop the engine in its process. Here, in the engine, so that both sides import them from its entry.

/** Main → host, first message: which library to serve. The RPC port travels in the message's ports. */
export interface EngineHostStart {
  kind: 'start';
  /** Absolute path of the library file. */
  libraryFile: string;
  /** Create the library when the file does not exist (the default library on first run, "New library…"). */
  create: boolean;
  /** The app's version, reported by libraryInfo(). */
  version: string;
  /** The embedding model's tokenizer folder (vocab.txt), or null to estimate chunk sizes. */
  tokenizerDir: string | null;
  /** The folder the libraries live in (reported by modelStatus()); null or absent: the library's own folder. */
  dataFolder?: string | null;
  /** The folder to write engine.log into; null or absent: no log. */
  logDir?: string | null;
}

/** Main → host: dispose everything (the running ingestion stops after its current file) and exit. */
export interface EngineHostStop {
  kind: 'stop';
}

/** Host → main: the answer to `stop`, sent just before the process exits. */
export interface EngineHostStopped {
  kind: 'stopped';
}

export type EngineHostMessage = EngineHostStart | EngineHostStop;
