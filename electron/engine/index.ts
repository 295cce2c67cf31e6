// The engine's public entry: electron/main, the CLI and `kb serve` import from here only.
export { createEngine, Engine, type EngineConfig, type OpenOptions } from './createEngine.ts';
export { Library } from './Library.ts';
export { LibraryError } from './store/openLibraryDatabase.ts';
export {
  ENGINE_LOG_FILE,
  errorFields,
  fileLogger,
  lineLogger,
  SILENT_LOGGER,
  type EngineLogger,
  type LogLevel,
  type LogFields,
} from './log/EngineLogger.ts';
export { IngestInputError } from './ingest/walkInputs.ts';
export type { IngestOptions } from './ingest/ingestFiles.ts';
// Types only from llm/: node-llama-cpp is imported when Engine.llm() is first called, not with the engine.
export type {
  LlamaModelHost,
  GpuChoice,
  LoadOptions,
  LoadProgress,
  LoadedModelInfo,
  GpuInfo,
} from './llm/LlamaModelHost.ts';
export type { GgufModelInfo } from './llm/readGgufInfo.ts';
export type { ChatModel, StopReason } from './llm/ChatModel.ts';
export { ModelFileError } from './llm/ModelFileError.ts';
export { LlmBackendError } from './llm/LlmBackendError.ts';
export type { GeneratedAnswer, GenerationReport } from './answer/GenerationReport.ts';
// The engine's RPC over a MessagePort (electron/main ↔ the utility process running ./utilityMain.ts).
export { EngineRpcClient, EngineRpcError } from './rpc/EngineRpcClient.ts';
export { rpcPortFromEventPort, type RpcPort, type EventMessagePortLike } from './rpc/rpcPort.ts';
export type { EngineHostStart, EngineHostStop, EngineHostStopped, EngineHostMessage } from './host/runEngineHost.ts';
export type { EngineEventListener } from './serve/LibraryService.ts';
