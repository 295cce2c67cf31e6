import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GgmlType, GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from 'node-llama-cpp';
import { ModelFileError } from './ModelFileError.ts';
import type { GgufModelInfo } from './readGgufInfo.ts';

export interface InspectedGgufFile {
  info: GgufModelInfo;
  /** node-llama-cpp's view of the file: memory estimates, tokens. Engine-internal, never crosses a process. */
  insights: GgufInsights;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function quantizationName(fileInfo: GgufFileInfo, insights: GgufInsights): string | null {
  const fileType = fileInfo.metadata.general?.file_type;
  if (fileType !== undefined && GgufFileType[fileType] !== undefined) {
    // MOSTLY_Q4_K_M → Q4_K_M, ALL_F32 → F32: the names people use for quantisations.
    return GgufFileType[fileType].replace(/^(MOSTLY|ALL)_/, '');
  }
  const dominant = insights.dominantTensorType;
  return dominant === undefined ? null : (GgmlType[dominant] ?? null);
}

function metadataString(fileInfo: GgufFileInfo, read: (metadata: GgufFileInfo['metadata']) => unknown): string | null {
  const value = read(fileInfo.metadata);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Reads a .gguf file's header (metadata and tensor table, not the weights) and checks that the file is whole.
 * Every way the file can be wrong becomes a ModelFileError.
 * @param llama a started llama.cpp, reused for the architecture check; without it node-llama-cpp starts a slim one.
 */
export async function inspectGgufFile(file: string, llama?: Llama): Promise<InspectedGgufFile> {
  const absolute = path.resolve(file);
  let sizeBytes: number;
  try {
    const stats = await stat(absolute);
    if (!stats.isFile()) {
      throw new ModelFileError(
        { code: 'model-file.not-a-file', params: { file: absolute } },
        `${absolute} is a folder, not a model file. Choose the .gguf file itself.`,
      );
    }
    sizeBytes = stats.size;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    if (errorCode(error) === 'ENOENT') {
      throw new ModelFileError(
        { code: 'model-file.not-found', params: { file: absolute } },
        `No model file at ${absolute}. Check the path, or import the .gguf file again.`,
        { cause: error },
      );
    }
    throw new ModelFileError(
      { code: 'model-file.unreadable', params: { file: absolute, detail: errorCode(error) ?? String(error) } },
      `Cannot read ${absolute} (${errorCode(error) ?? String(error)}). Check that the file exists and that you may read it.`,
      { cause: error },
    );
  }

  if (sizeBytes === 0) {
    throw new ModelFileError(
      { code: 'model-file.truncated', params: { file: absolute } },
      `${absolute} is empty (0 bytes). Copy or download the model file again.`,
    );
  }

  let fileInfo: GgufFileInfo;
  try {
    // 'filesystem': a path is never taken for a URL; nothing is fetched.
    fileInfo = await readGgufFileInfo(absolute, {
      sourceType: 'filesystem',
      logWarnings: false,
      spliceSplitFiles: false,
    });
  } catch (error) {
    const code = errorCode(error);
    // node-llama-cpp does not export InvalidGgufMagicError; its class name and message are stable within 3.x.
    if (
      error instanceof Error &&
      (error.constructor.name === 'InvalidGgufMagicError' || error.message.startsWith('Invalid GGUF magic'))
    ) {
      throw new ModelFileError(
        { code: 'model-file.not-gguf', params: { file: absolute } },
        `${absolute} is not a GGUF model file (it does not begin with "GGUF"). Choose a .gguf file made for llama.cpp ` +
          '(for example chatglm3-6b.Q4_0.gguf); PyTorch or safetensors weights must be converted to GGUF first.',
        { cause: error },
      );
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') {
      throw new ModelFileError(
        { code: 'model-file.unreadable', params: { file: absolute, detail: code } },
        `Cannot read ${absolute} (${code}). Check that you may read the file.`,
        { cause: error },
      );
    }
    throw new ModelFileError(
      { code: 'model-file.truncated', params: { file: absolute } },
      `${absolute} looks like a GGUF file but its header cannot be read (${error instanceof Error ? error.message : String(error)}): ` +
        'the file is incomplete or damaged. Copy or download it again.',
      { cause: error },
    );
  }

  // readGgufFileInfo reads past the end of a cut-short file without complaint, so the sizes are checked here.
  const headerEnd = fileInfo.infoEndOffset ?? 0;
  if (headerEnd > sizeBytes || !fileInfo.metadata.general?.architecture) {
    throw new ModelFileError(
      { code: 'model-file.truncated', params: { file: absolute } },
      `${absolute} is cut short: it holds ${formatBytes(sizeBytes)}, less than its own header. The copy or download was ` +
        'interrupted: copy the model file again.',
    );
  }

  let insights: GgufInsights;
  try {
    insights = await GgufInsights.from(fileInfo, llama);
  } catch (error) {
    throw new ModelFileError(
      { code: 'model-file.not-gguf', params: { file: absolute } },
      `${absolute} has a GGUF header that llama.cpp cannot make sense of (${error instanceof Error ? error.message : String(error)}). ` +
        'The file is damaged or was written by an incompatible tool: convert the model again with a current llama.cpp.',
      { cause: error },
    );
  }
  // The weights follow the header; their sizes come from the tensor table (padding between tensors only adds to this).
  const neededBytes = headerEnd + insights.modelSize;
  if (neededBytes > sizeBytes) {
    throw new ModelFileError(
      { code: 'model-file.truncated', params: { file: absolute } },
      `${absolute} is incomplete: it holds ${sizeBytes.toLocaleString('en-US')} of the at least ` +
        `${neededBytes.toLocaleString('en-US')} bytes its header describes. ` +
        'The copy or download was interrupted: copy the model file again.',
    );
  }

  const architecture = fileInfo.metadata.general.architecture;
  const parameters = insights.totalParameters;
  const layers = (fileInfo.architectureMetadata as { block_count?: unknown } | undefined)?.block_count;
  const info: GgufModelInfo = {
    file: absolute,
    fileName: path.basename(absolute),
    sizeBytes,
    architecture,
    name: metadataString(fileInfo, (m) => m.general?.name),
    sizeLabel: metadataString(fileInfo, (m) => m.general?.size_label),
    parameters: parameters > 0 ? parameters : null,
    quantization: quantizationName(fileInfo, insights),
    contextLength: insights.trainContextSize ?? null,
    layers: typeof layers === 'number' ? layers : null,
    tokenizerModel: metadataString(fileInfo, (m) => m.tokenizer?.ggml?.model),
    tokenizerPre: metadataString(fileInfo, (m) => m.tokenizer?.ggml?.pre),
    hasChatTemplate: metadataString(fileInfo, (m) => m.tokenizer?.chat_template) !== null,
    supportedByLlamaCpp: insights.isSupportedByLlamaCpp,
  };
  return { info, insights };
}
