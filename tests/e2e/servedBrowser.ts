// What the browser tests share: `kb serve` on a library, serving the renderer as built for the run
// (tests/buildApp.globalSetup.ts), and Debian's Chromium, headless, with the flags our machines need.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runServeCommand } from '../../electron/serve/runServeCommand.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.KB_CHROMIUM ?? '/usr/bin/chromium';

export interface ServedBrowser {
  /** The address kb serve printed (with its token). */
  url: string;
  browser: Browser;
  /** Closes the browser, then stops kb serve (which closes the library). */
  stop(): Promise<void>;
}

export async function startServedBrowser(library: string): Promise<ServedBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set KB_CHROMIUM)`);
  let stopServer!: () => void;
  let url: string | null = null;
  let serving!: Promise<number>;
  await new Promise<void>((resolve) => {
    serving = runServeCommand(
      { library, renderer: path.join(ROOT, 'out/renderer') },
      { stdout: () => undefined, stderr: () => undefined, env: {} },
      new Promise<void>((stop) => (stopServer = stop)),
      (printed) => {
        url = printed;
        resolve();
      },
    );
    void serving.then(
      () => resolve(),
      () => resolve(),
    );
  });
  if (url === null)
    throw new Error(`kb serve did not start (exit ${await serving.catch((error: unknown) => String(error))})`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  return {
    url,
    browser,
    stop: async () => {
      await browser.close();
      stopServer();
      await serving;
    },
  };
}
