// Runs transformers.js in a worker thread so that tokenising and ONNX inference never block the thread that serves
// requests (the CLI's progress, kb serve, the utility process's RPC). Messages: see EmbeddingWorkerRequest.
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';

export interface EmbeddingWorkerData {
  /** Folder that holds the model folder. */
  modelRoot: string;
  /** Name of the model folder inside modelRoot. */
  modelName: string;
  pooling: 'cls' | 'mean';
  /** 'fp32' loads onnx/model.onnx, 'q8' onnx/model_quantized.onnx. */
  dtype: 'fp32' | 'q8';
}

export type EmbeddingWorkerRequest = { id: number; texts: string[] };
export type EmbeddingWorkerResponse =
  | { id: number; ok: true; dimension: number; vectors: Float32Array }
  | { id: number; ok: false; error: string }
  | { ready: true; dimension: number }
  | { ready: false; error: string };

const data = workerData as EmbeddingWorkerData;
// Models come from disk only: nothing is ever downloaded.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = data.modelRoot;

let extractor: FeatureExtractionPipeline;
try {
  extractor = await pipeline('feature-extraction', data.modelName, { dtype: data.dtype });
  const probe = await extractor('探测', { pooling: data.pooling, normalize: true });
  parentPort!.postMessage({ ready: true, dimension: probe.dims.at(-1)! } satisfies EmbeddingWorkerResponse);
} catch (error) {
  parentPort!.postMessage({ ready: false, error: (error as Error).message } satisfies EmbeddingWorkerResponse);
  process.exit(0);
}

parentPort!.on('message', async (request: EmbeddingWorkerRequest) => {
  try {
    const output = await extractor(request.texts, { pooling: data.pooling, normalize: true });
    const vectors = new Float32Array(output.data as Float32Array);
    const response: EmbeddingWorkerResponse = { id: request.id, ok: true, dimension: output.dims.at(-1)!, vectors };
    parentPort!.postMessage(response, [vectors.buffer]);
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      ok: false,
      error: (error as Error).message,
    } satisfies EmbeddingWorkerResponse);
  }
});
