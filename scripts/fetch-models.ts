// Downloads the default embedding model into resources/models/ for packaged builds (needs internet; the app never
// downloads anything itself).   npm run fetch-models [-- --dir resources/models]
// Files: Xenova/bge-small-zh-v1.5 (transformers.js export of BAAI/bge-small-zh-v1.5): tokenizer and config files are
// checked against the sha256 pinned below; the quantised ONNX weights (Git LFS) against the sha256 that the hub
// states for the LFS object (X-Linked-Etag) and their size — pin it below once you have verified a download.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const REPO = 'Xenova/bge-small-zh-v1.5';
const BASE = `https://huggingface.co/${REPO}/resolve/main`;
/** sha256 of each file; null = take the hub's LFS sha256 (and say so). */
export const FILES: Record<string, string | null> = {
  'config.json': 'd4193ead3a810fd694fa8a31d7fc72fbaebc0668b603e398734bf2f6538ff42f',
  'special_tokens_map.json': 'b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3',
  'tokenizer.json': '48cea5d44424912a6fd1ea647bf4fe50b55ab8b1e5879c3275f80e339e8fae26',
  'tokenizer_config.json': 'e6f3b96db926a37d4039995fbf5ad17de158dfb8f6343d607e4dbaad18d75f5a',
  'vocab.txt': '45bbac6b341c319adc98a532532882e91a9cefc0329aa57bac9ae761c27b291c',
  'onnx/model_quantized.onnx': null,
};

/** Checks bytes against an expected sha256; returns the actual hash or throws with both. */
export function verifySha256(name: string, bytes: Uint8Array, expected: string): string {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected.toLowerCase())
    throw new Error(`${name}: sha256 ${actual} does not match the expected ${expected}; not installed`);
  return actual;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const target = path.resolve(values.dir ?? path.join(import.meta.dirname, '../resources/models'), 'bge-small-zh-v1.5');
  const staging = `${target}.partial`;
  mkdirSync(path.join(staging, 'onnx'), { recursive: true });
  for (const [file, pinned] of Object.entries(FILES)) {
    const response = await fetch(`${BASE}/${file}`);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status} from ${BASE}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const hubSha = response.headers.get('x-linked-etag')?.replace(/"/g, '') ?? null;
    const expected = pinned ?? hubSha;
    if (!expected) throw new Error(`${file}: no pinned sha256 and the hub stated none; not installed`);
    const sha = verifySha256(file, bytes, expected);
    writeFileSync(path.join(staging, file), bytes);
    console.log(
      `${file}  ${(bytes.length / 1024 / 1024).toFixed(1)} MB  sha256 ${sha}${pinned ? ' (pinned)' : ' (hub LFS sha256)'}`,
    );
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  console.log(`installed ${target}`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`fetch-models: ${(error as Error).message}`);
    process.exit(1);
  });
}
