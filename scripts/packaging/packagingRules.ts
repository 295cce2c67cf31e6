// Reads electron-builder.yml and applies its file rules the way electron-builder does for one platform: the shared
// `files` list, then the platform's own, in order, a later `!pattern` excluding and a later pattern including again.
// Used by `npm run measure:app-size` and by tests/packaging.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

export type BuilderPlatform = 'mac' | 'win' | 'linux';

export interface BuilderConfig {
  files?: string[];
  asarUnpack?: string[];
  mac?: { files?: string[] };
  win?: { files?: string[] };
  linux?: { files?: string[] };
  [key: string]: unknown;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');

export function readBuilderConfig(file = path.join(ROOT, 'electron-builder.yml')): BuilderConfig {
  return yaml.load(readFileSync(file, 'utf8')) as BuilderConfig;
}

/** Whether a path relative to the app root (node_modules/… or out/…) would be packaged for `platform`. */
export function isPackaged(config: BuilderConfig, platform: BuilderPlatform, relativePath: string): boolean {
  const rules = [...(config.files ?? []), ...(config[platform]?.files ?? [])];
  // electron-builder adds production node_modules itself; the rules only filter them.
  let included = relativePath.startsWith('node_modules/');
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = negated ? rule.slice(1) : rule;
    if (path.matchesGlob(relativePath, pattern)) included = !negated;
  }
  return included;
}

/** Whether a packaged path ends up outside the asar archive (in app.asar.unpacked/). */
export function isUnpacked(config: BuilderConfig, relativePath: string): boolean {
  return (config.asarUnpack ?? []).some((pattern) => path.matchesGlob(relativePath, pattern));
}
