// The real renderer in Debian's Chromium (headless, playwright-core) against `kb serve` with a real engine: upload
// the GB/T 22239 PDF and DOCX, watch the import reach 100 %, ask with citations, open a cited passage, get not_found,
// switch language. Takes the README's screenshots (docs/screenshots/). Electron itself is not involved.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServeCommand } from '../../electron/engine/serve/runServeCommand.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/mlps-office');
const CHROMIUM = process.env.KB_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots go to test-results/ (ignored by git); to refresh the README's: KB_SCREENSHOTS_DIR=docs/screenshots npm run test:e2e
const SCREENSHOTS = path.resolve(ROOT, process.env.KB_SCREENSHOTS_DIR ?? 'test-results/screenshots');
// The question (jieba's "系统对" is split back into 系统 + 对 by the segmenter, so it is answered).
const QUESTION = '三级系统对身份鉴别有哪些要求？';
// A topic GB/T 22239 does not cover.
const ABSENT = '等保2.0针对5G网络提出了哪些要求？';

let dir: string;
let browser: Browser;
let page: Page;
let stopServer: () => void;
let serving: Promise<number>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set KB_CHROMIUM)`);
  // The page under test is the production build of the renderer, as `npm run build` makes it (a few seconds).
  const rendererDir = path.join(ROOT, 'out/renderer');
  execFileSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-'));
  let url!: string;
  const listening = new Promise<void>((resolve) => {
    serving = runServeCommand(
      { library: path.join(dir, 'e2e.kb.sqlite'), renderer: rendererDir },
      { stdout: () => undefined, stderr: () => undefined, env: {} },
      new Promise<void>((stop) => (stopServer = stop)),
      (printed) => {
        url = printed;
        resolve();
      },
    );
    void serving.catch(() => resolve());
  });
  await listening;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(url);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  stopServer?.();
  await serving;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the renderer against kb serve', () => {
  it('starts in Chinese with an empty library that says what to do', async () => {
    await expect.poll(() => page.getByTestId('library-empty').textContent()).toContain('资料库还是空的');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.getByTestId('semantic-status').textContent()).toContain('语义检索未开启');
  });

  it('uploads the GB/T 22239 PDF and DOCX and shows the import reach 100 %', async () => {
    await page.getByTestId('file-input').setInputFiles([path.join(CORPUS, 'GBT22239-2019_基本要求.pdf'), path.join(CORPUS, 'GBT22239-2019_基本要求.docx')]);
    await page.getByTestId('ingest-progress').waitFor();
    await page.getByTestId('ingest-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('ingest-done').textContent()).toContain('2 个已索引');
    expect(await page.locator('[data-testid="ingest-done"] progress').getAttribute('value')).toBe('100');
    const rows = page.locator('[data-testid="document-list"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('已索引'), expect.stringContaining('已索引')]);
    await page.mouse.move(700, 700);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'library.png') });
  });

  it('answers with [n] markers and source cards; a citation opens clause 8.1.4.1 in context', async () => {
    await page.getByTestId('nav-chat').click();
    await page.getByTestId('question').fill(QUESTION);
    await page.getByTestId('ask').click();
    const answer = page.getByTestId('answer').last();
    await answer.waitFor();
    expect(await answer.textContent()).toContain('身份鉴别');
    const headings = await answer.getByTestId('source-heading').allTextContents();
    expect(headings[0]).toContain('8.1.4.1 身份鉴别');
    await page.mouse.move(700, 10);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-with-citations.png') });

    await answer.getByTestId('marker-1').click();
    const quote = page.getByTestId('passage-quote');
    await quote.waitFor();
    expect(await quote.textContent()).toContain('应对登录的用户进行身份标识和鉴别');
    expect(await page.getByTestId('passage-dialog').textContent()).toContain('GBT22239-2019_基本要求');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'passage-in-context.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
  });

  it('says plainly when the library does not hold the answer', async () => {
    await page.getByTestId('question').fill(ABSENT);
    await page.getByTestId('ask').click();
    const notFound = page.getByTestId('not-found').last();
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('未找到');
  });

  it('switches to English and back, and shows model status in Settings', async () => {
    await page.getByTestId('language-switch').click();
    await page.getByTestId('nav-settings').click();
    expect(await page.getByTestId('settings-screen').locator('h2').textContent()).toBe('Settings');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByTestId('llm-status').textContent()).toContain('Not loaded');
    expect(await page.getByTestId('embedding-status').textContent()).toContain('Semantic search off');
    await page.getByTestId('language-switch').click();
    expect(await page.getByTestId('settings-screen').locator('h2').textContent()).toBe('设置');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.mouse.move(700, 700);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings.png') });
  });
});
