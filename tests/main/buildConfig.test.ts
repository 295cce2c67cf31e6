// electron.vite.config.ts: three entries, a CommonJS preload, and native packages kept out of the main bundle.
import { describe, expect, it } from 'vitest';
import config, { ENGINE_RPC_MODULES, NODE_EXTERNALS } from '../../electron.vite.config.ts';
import type { UserConfig } from 'electron-vite';

const resolved = config as UserConfig;

describe('electron-vite config', () => {
  it('builds the three entries from electron/main, electron/preload and renderer/', () => {
    expect(JSON.stringify(resolved.main?.build?.rolldownOptions?.input)).toMatch(/electron\/main\/index\.ts/);
    expect(JSON.stringify(resolved.preload?.build?.rolldownOptions?.input)).toMatch(/electron\/preload\/index\.ts/);
    expect(JSON.stringify(resolved.renderer?.build?.rolldownOptions?.input)).toMatch(/renderer\/index\.html/);
  });

  it('builds the engine host for the utility process beside main, with only the RPC shared with main', () => {
    expect(JSON.stringify(resolved.main?.build?.rolldownOptions?.input)).toMatch(
      /"engineHost":"[^"]*electron\/engine-host\/utilityMain\.ts"/,
    );
    expect(ENGINE_RPC_MODULES.test('/repo/electron/engine/rpc/EngineRpcClient.ts')).toBe(true);
    expect(ENGINE_RPC_MODULES.test('/repo/shared/engineApi.ts')).toBe(true);
    expect(ENGINE_RPC_MODULES.test('/repo/electron/engine/createEngine.ts')).toBe(false);
  });

  it('emits the sandboxed preload as CommonJS', () => {
    expect(resolved.preload?.build?.rolldownOptions?.output).toMatchObject({
      format: 'cjs',
      entryFileNames: '[name].cjs',
    });
  });

  it('externalizes every native or data-loading package from main', () => {
    expect(NODE_EXTERNALS).toEqual(
      expect.arrayContaining([
        'better-sqlite3',
        'sqlite-vec',
        'node-llama-cpp',
        '@node-rs/jieba',
        'pdf-parse',
        'pdfjs-dist',
        'mammoth',
      ]),
    );
    const external = resolved.main?.build?.rolldownOptions?.external as RegExp[];
    for (const name of [...NODE_EXTERNALS, 'better-sqlite3/lib/database.js', 'pdfjs-dist/legacy/build/pdf.mjs']) {
      expect(
        external.some((pattern) => pattern.test(name)),
        name,
      ).toBe(true);
    }
    expect(external.some((pattern) => pattern.test('react'))).toBe(false);
  });
});
