// electron-builder cannot run on our machines (no Electron binary): everything up to packaging is checked here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isPackaged,
  isUnpacked,
  readBuilderConfig,
  ROOT,
  type BuilderPlatform,
} from '../../scripts/packaging/packagingRules.ts';
import { verifySha256 } from '../../scripts/fetch-models.ts';

const config = readBuilderConfig();
const require = createRequire(import.meta.url);
// electron-builder's own validation (the same call `electron-builder` makes before building).
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const quietLogger = { isEnabled: false, add: () => {} };

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema, and the validator does reject a wrong key", async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, dmg: { ...(config.dmg as object), colour: 'red' } }, quietLogger),
    ).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds dmg (arm64), nsis (x64), AppImage and deb (x64) with Chinese and English names', () => {
    expect(config).toMatchObject({
      mac: { target: [{ target: 'dmg', arch: ['arm64'] }] },
      win: { target: [{ target: 'nsis', arch: ['x64'] }] },
      linux: {
        target: [
          { target: 'AppImage', arch: ['x64'] },
          { target: 'deb', arch: ['x64'] },
        ],
      },
    });
    expect(config.productName).toMatch(/离线知识库/);
    expect(config.productName).toMatch(/Offline KB/);
    expect(config.fileAssociations).toBeUndefined();
    expect(existsSync(path.join(ROOT, 'resources/icon.png'))).toBe(true);
  });

  it('sets the production fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it.each<[BuilderPlatform, string[], string[]]>([
    [
      'mac',
      [
        'node_modules/@node-llama-cpp/mac-arm64-metal/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node',
        'node_modules/better-sqlite3/prebuilds/darwin-arm64.node',
      ],
      [
        'node_modules/@node-llama-cpp/linux-x64-cuda/bins/x.node',
        'node_modules/@node-llama-cpp/win-x64/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
        'node_modules/better-sqlite3/prebuilds/linux-x64.node',
      ],
    ],
    [
      'win',
      [
        'node_modules/@node-llama-cpp/win-x64/bins/x.node',
        'node_modules/@node-llama-cpp/win-x64-cuda/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node',
      ],
      [
        'node_modules/@node-llama-cpp/win-x64-vulkan/bins/x.node',
        'node_modules/@node-llama-cpp/win-x64-cuda-ext/bins/x.node',
        'node_modules/@node-llama-cpp/mac-arm64-metal/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/x.node',
        'node_modules/better-sqlite3/prebuilds/darwin-arm64.node',
      ],
    ],
    [
      'linux',
      [
        'node_modules/@node-llama-cpp/linux-x64/bins/x.node',
        'node_modules/@node-llama-cpp/linux-x64-cuda/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
        'node_modules/better-sqlite3/prebuilds/linux-x64.node',
        'node_modules/sqlite-vec-linux-x64/vec0.so',
      ],
      [
        'node_modules/@node-llama-cpp/linux-x64-cuda-ext/bins/x.node',
        'node_modules/@node-llama-cpp/linux-arm64/bins/x.node',
        'node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/x.node',
        'node_modules/onnxruntime-web/dist/ort.wasm',
        'node_modules/node-llama-cpp/llama/llama.cpp/CMakeLists.txt',
      ],
    ],
  ])('%s: ships its own native binaries, unpacked, and no other platform’s', (platform, kept, dropped) => {
    for (const file of kept) {
      expect(isPackaged(config, platform, file), file).toBe(true);
      expect(isUnpacked(config, file), file).toBe(true);
    }
    for (const file of dropped) expect(isPackaged(config, platform, file), file).toBe(false);
  });
});

// out/ is built once for the whole run by tests/buildApp.globalSetup.ts.
describe('the built app', () => {
  it('resolves every package its main and preload bundles import, and every native addon it can load is unpacked', () => {
    const bundles = ['out/main', 'out/preload'].flatMap((dir) =>
      readdirSync(path.join(ROOT, dir)).map((f) => path.join(ROOT, dir, f)),
    );
    const fromMain = createRequire(path.join(ROOT, 'out/main/index.js'));
    const specifiers = new Set<string>();
    for (const bundle of bundles) {
      const code = readFileSync(bundle, 'utf8');
      // A package specifier has no spaces or commas: that keeps out string data such as the engine's stop-word list ("from", "that").
      for (const match of code.matchAll(/(?:from\s*|import\(\s*|require\(\s*)["']([^"'./\s,][^"'\s,]*)["']/g))
        specifiers.add(match[1]!);
    }
    const builtins = new Set(require('node:module').builtinModules as string[]);
    for (const specifier of specifiers) {
      if (specifier === 'electron' || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      expect(() => fromMain.resolve(specifier), specifier).not.toThrow();
    }
    // Every native addon of the production dependencies: packaged for this platform and outside the asar.
    const platform = ({ darwin: 'mac', win32: 'win' } as Record<string, BuilderPlatform>)[process.platform] ?? 'linux';
    const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.includes('node_modules'));
    const addons: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(dir, entry.name));
        else if (entry.isFile() && /\.(node|so|dylib|dll)$/.test(entry.name))
          addons.push(path.relative(ROOT, path.join(dir, entry.name)).split(path.sep).join('/'));
      }
    };
    for (const dir of new Set(production)) walk(dir);
    const shipped = addons.filter((file) => isPackaged(config, platform, file));
    expect(shipped.length).toBeGreaterThan(5);
    expect(shipped.filter((file) => !isUnpacked(config, file))).toEqual([]);
    for (const name of ['better-sqlite3', 'sqlite-vec', 'node-llama-cpp', '@node-rs/jieba', 'onnxruntime-node']) {
      expect(() => fromMain.resolve(name), name).not.toThrow();
    }
  });
});

describe('npm run fetch-models', () => {
  it('installs nothing whose sha256 differs from the pinned one', () => {
    const bytes = new TextEncoder().encode('{"model_type":"bert"}');
    expect(() => verifySha256('config.json', bytes, '0'.repeat(64))).toThrow(/does not match the expected/);
    expect(
      verifySha256('x', new Uint8Array(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
    ).toMatch(/^e3b0/);
  });
});

describe('the bundled embedding worker', () => {
  it('starts from out/main/embeddingWorker.js and embeds with a model from disk', async () => {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(path.join(ROOT, 'out/main/embeddingWorker.js'), {
      workerData: {
        modelRoot: path.resolve(ROOT, '../shared/models'),
        modelName: 'synthetic-zh-embedder',
        pooling: 'mean',
        dtype: 'fp32',
      },
    });
    try {
      const ready = await new Promise<{ ready: boolean; dimension?: number; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(ready).toEqual({ ready: true, dimension: 32 });
    } finally {
      await worker.terminate();
    }
  }, 120_000);
});
