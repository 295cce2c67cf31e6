// Imported for its effect, first, by every engine module that loads onnxruntime (through transformers.js) and by the
// engine's entry points: in the main thread, setting process.env calls setenv(3), so native code started after it —
// in this thread or in a worker thread spawned later — reads OFFLINE_ENVIRONMENT. (A worker's own process.env is a
// copy that native code does not see: the worker is covered because its parent set the variables before spawning it.)
import { isMainThread } from 'node:worker_threads';
import { applyOfflineEnvironment } from '../../shared/offlineEnvironment.ts';

if (isMainThread) applyOfflineEnvironment(process.env);
