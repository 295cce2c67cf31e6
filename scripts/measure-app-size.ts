// What an installer would carry, per platform, measured against the budget without packaging (our machines cannot
// download Electron, so electron-builder cannot run here):   npm run measure:app-size [-- --platform linux]
// Sums out/ (run `npm run build` first) and the production node_modules that electron-builder.yml's file rules keep
// for the platform. Binaries of other platforms that npm did not install on this machine are absent here as they
// will be on the build machine of that platform. Electron's own runtime (~250 MB unpacked) comes on top.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isPackaged, isUnpacked, readBuilderConfig, ROOT, type BuilderPlatform } from './packaging/packagingRules.ts';

/** Budget for the app payload (app.asar + app.asar.unpacked + resources), MB. */
const BUDGET_MB = 450;

const { values } = parseArgs({ options: { platform: { type: 'string' } } });
const platform = (values.platform ??
  ({ darwin: 'mac', win32: 'win' } as Record<string, BuilderPlatform>)[process.platform] ??
  'linux') as BuilderPlatform;
const config = readBuilderConfig();

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

const productionDirs = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((line) => line.startsWith(path.join(ROOT, 'node_modules')));
const roots = [path.join(ROOT, 'out'), ...new Set(productionDirs)];
let packed = 0;
let unpacked = 0;
const byPackage = new Map<string, number>();
const seen = new Set<string>();
for (const root of roots) {
  for (const file of walk(root)) {
    const relative = path.relative(ROOT, file).split(path.sep).join('/');
    if (seen.has(relative) || !isPackaged(config, platform, relative)) continue;
    seen.add(relative);
    const size = statSync(file).size;
    if (isUnpacked(config, relative)) unpacked += size;
    else packed += size;
    const pkg = relative.startsWith('node_modules/')
      ? relative
          .split('/')
          .slice(1, relative.split('/')[1]!.startsWith('@') ? 3 : 2)
          .join('/')
      : 'out';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + size);
  }
}
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const total = packed + unpacked;
console.log(
  `${platform}: app payload ${mb(total)} MB (asar ${mb(packed)} MB, unpacked ${mb(unpacked)} MB); budget ${BUDGET_MB} MB: ${total / 1024 / 1024 <= BUDGET_MB ? 'within' : 'OVER'}`,
);
console.log('largest packages:');
for (const [pkg, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${mb(size).padStart(7)} MB  ${pkg}`);
