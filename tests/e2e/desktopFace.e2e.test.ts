// The renderer's desktop face in Debian's Chromium: the page gets a `window.kb` shaped exactly like the preload's
// (shared/desktopBridge.ts: KbBridge), whose engine methods go to a real engine (`kb serve`'s socket) and whose
// desktop-only parts (native dialogs, file manager, dropped files' paths) are recorded stand-ins, because no Electron
// window can run here. This checks what the page does with them: a dropped folder goes to the engine as its path (no
// upload), "Add folder…" and "Choose…" use the native dialog, "Show file" asks main to reveal the document by id.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_METHODS } from '../../shared/engineArgs.ts';
import { ROOT, startServedBrowser, type ServedBrowser } from './servedBrowser.ts';

// Browser globals used by the functions that run in the page (this file is type-checked for Node, without the DOM).
declare const DataTransfer: new () => { items: { add(file: File): void } };
declare const window: {
  __desktop?: [string, unknown][];
  // The preload's shape: each engine method resolves to its outcome.
  kb: { listDocuments(): Promise<{ ok: true; result: { id: number; path: string }[] }> };
};

const STORIES = path.resolve(ROOT, '../shared/models/stories260K/stories260K.gguf');

let dir: string;
let folder: string;
let served: ServedBrowser;
let page: Page;
const pageErrors: string[] = [];

interface Stand {
  rpc: string;
  methods: string[];
  paths: Record<string, string>;
  chosen: Record<string, string[]>;
}

/** Runs in the page before the app: a window.kb with the preload's shape over kb serve's socket. */
function installDesktopBridge(stand: Stand): void {
  const socket = new WebSocket(stand.rpc);
  const open = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data));
    if ('event' in data) return listeners.forEach((listener) => listener(data.event, data.payload));
    const call = pending.get(data.id);
    pending.delete(data.id);
    // The preload's shape: each method resolves to its outcome, never rejects.
    call?.resolve(data.ok ? { ok: true, result: data.result } : { ok: false, error: data.error });
  });
  const record = (what: string, value: unknown) => (window.__desktop ??= []).push([what, value]);
  const bridge: Record<string, unknown> = {
    onEvent: (listener: (event: string, payload: unknown) => void) => (
      listeners.add(listener),
      () => listeners.delete(listener)
    ),
    pathForFile: (file: File) => stand.paths[file.name] ?? '',
    revealDocument: async (documentId: number) => void record('revealDocument', documentId),
    choose: async (kind: string) => (record('choose', kind), stand.chosen[kind] ?? []),
  };
  for (const method of stand.methods) {
    bridge[method] = async (...args: unknown[]) => {
      await open;
      record('engine', method);
      while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, args }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    };
  }
  Object.defineProperty(window, 'kb', { value: Object.freeze(bridge) });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-desktop-'));
  folder = path.join(dir, '等保资料');
  mkdirSync(folder);
  writeFileSync(path.join(folder, '口令.md'), '# 口令管理\n\n口令长度不少于8位，每90天更换一次。\n');
  mkdirSync(path.join(dir, '第二批'));
  writeFileSync(path.join(dir, '第二批', '审计.md'), '# 审计管理\n\n审计记录保存不少于六个月。\n');
  served = await startServedBrowser(path.join(dir, 'desktop.kb.sqlite'));
  const address = new URL(served.url);
  const stand: Stand = {
    rpc: `ws://${address.host}/rpc?token=${address.searchParams.get('token')}`,
    methods: [...ENGINE_METHODS],
    paths: { 等保资料: folder, 'stories260K.gguf': STORIES },
    chosen: { sources: [path.join(dir, '第二批')], llmFile: [STORIES] },
  };
  page = await served.browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.addInitScript(installDesktopBridge, stand);
  // The page without its token: only window.kb can connect it.
  await page.goto(`${address.origin}/`);
  await page.getByTestId('library-empty').waitFor();
  await page.getByTestId('language-switch').click();
});

afterAll(async () => {
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const desktopCalls = () => page.evaluate(() => window.__desktop ?? []);

describe('the desktop face of the renderer (window.kb)', () => {
  it('sends a dropped folder to the engine as its path: nothing uploaded, the folder becomes a source', async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File([], '等保资料'));
      return data;
    });
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('ingest-done').textContent(), { timeout: 60_000 }).toContain('1 indexed');
    const engineCalls = (await desktopCalls()).filter(([what]) => what === 'engine').map(([, method]) => method);
    expect(engineCalls).toContain('ingestPaths');
    expect(engineCalls).not.toContain('uploadFiles');
    await expect.poll(() => page.getByTestId('source').first().textContent()).toContain(folder);
    expect(existsSync(path.join(dir, 'desktop.kb.sqlite.uploads'))).toBe(false);
  });

  it('"Add folder…" opens the native dialog and imports the chosen folder', async () => {
    expect(await page.getByTestId('folder-input').count()).toBe(0);
    await page.getByTestId('add-folder').click();
    await expect
      .poll(() => page.locator('[data-testid="document-list"] tbody tr').count(), { timeout: 60_000 })
      .toBe(2);
    expect(await desktopCalls()).toContainEqual(['choose', 'sources']);
    await expect.poll(() => page.getByTestId('source').count()).toBe(2);
  });

  it('"Show file" asks main to reveal the document by its id', async () => {
    const row = page.locator('[data-testid="document-list"] tbody tr').filter({ hasText: '口令.md' });
    expect(await row.getByTestId('show-original').textContent()).toBe('Show file');
    await row.getByTestId('show-original').click();
    const documents = await page.evaluate(() => window.kb.listDocuments().then((outcome) => outcome.result));
    const id = documents.find((d) => d.path.endsWith('口令.md'))!.id;
    await expect.poll(desktopCalls).toContainEqual(['revealDocument', id]);
  });

  it('Settings: "Choose…" picks a .gguf with the native dialog and checks it before loading; a dropped .gguf gives its path', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('llm-choose').click();
    await page.getByTestId('inspect-architecture').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('llm-path').inputValue()).toBe(STORIES);
    expect(await page.getByTestId('inspect-architecture').textContent()).toBe('llama');
    expect(await desktopCalls()).toContainEqual(['choose', 'llmFile']);
    await page.getByTestId('llm-path').fill('');
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['x'], 'stories260K.gguf'));
      return data;
    });
    await page.getByTestId('llm-drop').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('llm-path').inputValue()).toBe(STORIES);
    expect(await page.getByTestId('llm-drop-message').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
