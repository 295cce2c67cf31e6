// Builds the app once (electron-vite: out/main, out/preload, out/renderer) before any test file runs. Test files run in
// parallel: if each built for itself, one build would empty out/renderer while another file's `kb serve` served it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function buildApp(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
}
