// The engine's public entry: electron/main and the faces beside the engine (electron/cli, electron/serve,
// electron/engine-host) import from here only (lint: eslint.config.js).
import './offlineEnvironment.ts'; // first: every process that imports the engine is kept offline (see the file)
export { createEngine, Engine, type EngineConfig, type OpenOptions } from './createEngine.ts';
export { Library } from './Library.ts';
export { LibraryError, storageError } from './store/openLibraryDatabase.ts';
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
export type { LlamaModelHost, LoadOptions, LoadProgress, LoadedModelInfo, GpuInfo } from './llm/LlamaModelHost.ts';
export type { GgufModelInfo } from './llm/readGgufInfo.ts';
export type { ChatModel, StopReason } from './llm/ChatModel.ts';
export { ModelFileError } from './llm/ModelFileError.ts';
export { LlmBackendError } from './llm/LlmBackendError.ts';
export type { GeneratedAnswer, GenerationReport } from './answer/GenerationReport.ts';
// The engine's RPC over a MessagePort (electron/main ↔ the utility process, electron/engine-host/utilityMain.ts).
export { createEngineRpcClient, type EngineRpcClient } from './rpc/EngineRpcClient.ts';
export { rpcPortFromEventPort, rpcPortFromNode, type RpcPort, type EventMessagePortLike } from './rpc/rpcPort.ts';
export type {
  EngineHostStart,
  EngineHostStop,
  EngineHostStopped,
  EngineHostMessage,
} from './rpc/engineHostMessages.ts';
export { EmbeddingModelError } from './embed/TransformersEmbedder.ts';
export type { RetrievalMode } from './search/searchPassages.ts';
export { evaluateRetrieval, type QaItem } from './eval/evaluateRetrieval.ts';
export { evaluateAnswers } from './eval/evaluateAnswers.ts';
export { Thesaurus } from './question/Thesaurus.ts';
export { formatAnswerText, formatConversationMarkdown } from './answer/formatAnswer.ts';
export { serveEngineRpc, type ServedEngine } from './rpc/serveEngineRpc.ts';
// The EngineApi behind every face (the utility process, kb serve).
export { EngineService, type EngineServiceOptions } from './service/EngineService.ts';
export type { EngineEventListener } from './service/EngineEventListener.ts';
export type { LlmProvider } from './service/LocalLlm.ts';
export { ServiceError } from './service/ServiceError.ts';
