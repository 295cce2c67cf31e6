// Entry of the engine's Electron utility process (built as out/main/engineHost.js, forked by electron/main). The
// engine never imports 'electron': the utility process's `process.parentPort` is typed here by its shape.
import { runEngineHost, type HostParentPort } from './runEngineHost.ts';

const parentPort = (process as unknown as { parentPort?: HostParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write(
    'engineHost: no parent port; this file runs only as an Electron utility process (electron/main forks it)\n',
  );
  process.exit(2);
}
runEngineHost(parentPort);
