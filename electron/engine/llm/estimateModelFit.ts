import type { GgufInsights, Llama, LlamaGpuType } from 'node-llama-cpp';

/** Free and total memory to compare a model with. Read from the machine unless a caller (a test) gives its own. */
export interface MemoryState {
  ramFreeBytes: number;
  ramTotalBytes: number;
  vramFreeBytes: number;
  vramTotalBytes: number;
  /** Apple Silicon: the GPU uses the same memory as the CPU, so RAM and VRAM needs add up against one pool. */
  unified: boolean;
}

export interface ModelFitOptions {
  /** Layers to offload to the GPU: `'auto'` (as many as fit beside the context) or a number. Defaults to `'auto'`. */
  gpuLayers?: 'auto' | number;
  /** Context size in tokens the model will be used with. */
  contextSize: number;
  /** Memory to compare with. Defaults to `undefined`: the machine's current state, as llama.cpp reports it. */
  memory?: MemoryState;
}

export interface ModelFitEstimate {
  fits: boolean;
  /** The GPU backend the estimate is for; `false` is the CPU. */
  gpu: LlamaGpuType;
  /** Layers that would go to the GPU (`'auto'` resolved). */
  gpuLayers: number;
  /** Layers of the model, in node-llama-cpp's count (transformer blocks + the output layer). */
  totalLayers: number;
  /** Estimated RAM for the model weights left on the CPU and the context, bytes. */
  ramBytes: number;
  /** Estimated VRAM for the offloaded layers and their part of the context, bytes. */
  vramBytes: number;
  ramFreeBytes: number;
  vramFreeBytes: number;
  /** The estimate in words, for the person choosing the model and settings. */
  summary: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

const BACKEND_NAMES: Record<string, string> = { metal: 'Metal', cuda: 'CUDA', vulkan: 'Vulkan' };

async function currentMemory(llama: Llama): Promise<MemoryState> {
  const [ram, vram] = await Promise.all([llama.getRamState(), llama.getVramState()]);
  return {
    ramFreeBytes: ram.free,
    ramTotalBytes: ram.total,
    vramFreeBytes: vram.free,
    vramTotalBytes: vram.total,
    unified: vram.unifiedSize > 0,
  };
}

/**
 * Estimates, before loading, whether a model with a given context fits this machine: layers on the GPU, VRAM and RAM
 * needed against what is free (node-llama-cpp's GgufInsights, which follows llama.cpp's allocations; graph overhead
 * is approximate). The answer comes with a sentence that says what to change when it does not fit.
 */
export async function estimateModelFit(
  insights: GgufInsights,
  llama: Llama,
  options: ModelFitOptions,
): Promise<ModelFitEstimate> {
  const memory = options.memory ?? (await currentMemory(llama));
  const gpu = llama.gpu;
  const totalLayers = insights.totalLayers;
  const requested = options.gpuLayers ?? 'auto';
  let gpuLayers = 0;
  if (gpu !== false && llama.supportsGpuOffloading) {
    if (requested === 'auto') {
      try {
        const resolved = await insights.configurationResolver.resolveModelGpuLayersV2(
          { fitContext: { contextSize: options.contextSize } },
          {
            getVramState: async () => ({ total: memory.vramTotalBytes, free: memory.vramFreeBytes }),
            llamaGpu: gpu,
            llamaSupportsGpuOffloading: true,
          },
        );
        gpuLayers = resolved.gpuLayers;
      } catch {
        // Not even the smallest offload fits: everything stays on the CPU.
        gpuLayers = 0;
      }
    } else {
      gpuLayers = Math.max(0, Math.min(totalLayers, Math.floor(requested)));
    }
  }

  const [model, context] = await Promise.all([
    insights.estimateModelResourceRequirementsV2({ gpuLayers }),
    insights.estimateContextResourceRequirementsV2({ contextSize: options.contextSize, modelGpuLayers: gpuLayers }),
  ]);
  const ramBytes = model.cpuRam + context.cpuRam;
  const vramBytes = model.gpuVram + context.gpuVram;
  const vramFree = Math.max(0, memory.vramFreeBytes - (options.memory ? 0 : llama.vramPaddingSize));
  const fitsVram = vramBytes === 0 || vramBytes <= vramFree;
  const fitsRam = memory.unified ? ramBytes + vramBytes <= memory.ramFreeBytes : ramBytes <= memory.ramFreeBytes;
  const fits = fitsVram && fitsRam;

  const where =
    gpu === false || gpuLayers === 0
      ? `on the CPU${gpu === false ? ' (no GPU backend)' : ''}`
      : `${gpuLayers} of ${totalLayers} layers on the GPU (${BACKEND_NAMES[gpu] ?? gpu})`;
  const needs =
    vramBytes > 0
      ? `about ${formatBytes(vramBytes)} of VRAM (${formatBytes(memory.vramFreeBytes)} free) and ${formatBytes(ramBytes)} of RAM (${formatBytes(memory.ramFreeBytes)} free)`
      : `about ${formatBytes(ramBytes)} of RAM (${formatBytes(memory.ramFreeBytes)} free)`;
  let verdict: string;
  if (fits) {
    const slower =
      gpu !== false && gpuLayers < totalLayers
        ? `; the ${totalLayers - gpuLayers} layers left on the CPU make generation slower`
        : '';
    verdict = `Fits${slower}.`;
  } else if (!fitsVram) {
    verdict =
      'Does not fit in VRAM: offload fewer layers (or choose gpuLayers "auto"), use a smaller context size or a smaller quantisation.';
  } else {
    verdict =
      'Does not fit in RAM: use a smaller quantisation (e.g. Q4_0), a smaller context size, or close other programs.';
  }
  return {
    fits,
    gpu,
    gpuLayers,
    totalLayers,
    ramBytes,
    vramBytes,
    ramFreeBytes: memory.ramFreeBytes,
    vramFreeBytes: memory.vramFreeBytes,
    summary: `${where.charAt(0).toUpperCase()}${where.slice(1)}, with a ${options.contextSize}-token context, the model needs ${needs}. ${verdict}`,
  };
}
