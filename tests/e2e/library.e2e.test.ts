// The library and settings screens in Debian's Chromium (headless, playwright-core) against `kb serve` with a real
// engine, for what the browser face does differently from the desktop: "Add folder…" uploads a chosen folder with its
// sub-folders, a dropped file is uploaded, the uploaded folder is a source that can be re-scanned (and is reported when
// gone), "show file" downloads the original, and a .gguf is checked (architecture, size, fit) before it is loaded.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServedBrowser, type ServedBrowser } from './servedBrowser.ts';

// Browser globals used by the functions that run in the page (this file is type-checked for Node, without the DOM).
declare const DataTransfer: new () => { items: { add(file: File): void } };

const STORIES = path.resolve(ROOT, '../shared/models/stories260K/stories260K.gguf');

let dir: string;
let uploads: string;
let served: ServedBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-library-'));
  // A client's folder as an auditor receives it: two sub-folders with a file of the same name, and a hidden folder.
  const folder = path.join(dir, '客户资料');
  mkdirSync(path.join(folder, '甲系统'), { recursive: true });
  mkdirSync(path.join(folder, '乙系统'), { recursive: true });
  mkdirSync(path.join(folder, '.git'), { recursive: true });
  writeFileSync(
    path.join(folder, '甲系统', '管理制度.md'),
    '# 甲系统管理制度\n\n## 口令策略\n\n甲系统口令长度不少于8位。\n',
  );
  writeFileSync(
    path.join(folder, '乙系统', '管理制度.md'),
    '# 乙系统管理制度\n\n## 口令策略\n\n乙系统口令长度不少于12位。\n',
  );
  writeFileSync(path.join(folder, '.git', 'config'), '[core]\n');
  const library = path.join(dir, 'e2e.kb.sqlite');
  uploads = `${library}.uploads`;
  served = await startServedBrowser(library);
  page = await served.browser.newPage({
    viewport: { width: 1200, height: 900 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(served.url);
  await page.getByTestId('library-empty').waitFor();
  // English, so the assertions read as the labels do.
  await page.getByTestId('language-switch').click();
});

afterAll(async () => {
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function importDone(): Promise<string> {
  const done = page.getByTestId('ingest-done');
  await done.waitFor({ timeout: 60_000 });
  return (await done.textContent()) ?? '';
}

describe('library in the browser face', () => {
  it('"Add folder…" uploads a folder with its sub-folders (hidden ones left out) and lists it as a source', async () => {
    await page.getByTestId('folder-input').setInputFiles(path.join(dir, '客户资料'));
    expect(await importDone()).toContain('2 indexed');
    const rows = page.locator('[data-testid="document-list"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Same file name in two sub-folders: two documents, kept apart.
    expect(existsSync(path.join(uploads, '客户资料', '甲系统', '管理制度.md'))).toBe(true);
    expect(existsSync(path.join(uploads, '客户资料', '乙系统', '管理制度.md'))).toBe(true);
    expect(existsSync(path.join(uploads, '客户资料', '.git'))).toBe(false);
    const sources = page.getByTestId('source');
    await expect.poll(() => sources.count()).toBe(1);
    expect(await sources.first().textContent()).toMatch(/Folder.*客户资料.*documents: 2/);
  });

  it('uploads a file dropped on the drop zone', async () => {
    await page.getByTestId('ingest-done').waitFor();
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['# 机房管理\n\n机房应设置电子门禁系统。\n'], '机房管理.md', { type: 'text/markdown' }));
      return data;
    });
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('ingest-done').textContent(), { timeout: 60_000 }).toContain('1 indexed');
    await expect.poll(() => page.locator('[data-testid="document-list"] tbody tr').count()).toBe(3);
    expect(readFileSync(path.join(uploads, '机房管理.md'), 'utf8')).toContain('电子门禁');
  });

  it('re-scans a source: a changed file is indexed again, a deleted one leaves the library', async () => {
    writeFileSync(
      path.join(uploads, '客户资料', '甲系统', '管理制度.md'),
      '# 甲系统管理制度\n\n## 口令策略\n\n甲系统口令长度不少于10位，每季度更换。\n',
    );
    rmSync(path.join(uploads, '客户资料', '乙系统'), { recursive: true });
    const folderSource = page.getByTestId('source').filter({ hasText: '客户资料' });
    await folderSource.getByTestId('rescan-source').click();
    await expect.poll(() => page.getByTestId('ingest-done').textContent(), { timeout: 60_000 }).toContain('1 indexed');
    await expect.poll(() => page.locator('[data-testid="document-list"] tbody tr').count()).toBe(2);
    await expect.poll(() => folderSource.textContent()).toContain('documents: 1');
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('每季度更换');
    await page.getByTestId('search-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid="hits"] li').first().textContent()).toContain('每季度更换');
    await page.getByTestId('nav-library').click();
  });

  it('"Download original" saves the document’s file', async () => {
    const row = page.locator('[data-testid="document-list"] tbody tr').filter({ hasText: '机房管理.md' });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('show-original').click()]);
    expect(download.suggestedFilename()).toBe('机房管理.md');
    expect(readFileSync((await download.path())!, 'utf8')).toContain('机房应设置电子门禁系统');
  });

  it('reports a source that is gone, keeps its documents, and says why a download is impossible', async () => {
    renameSync(path.join(uploads, '客户资料'), path.join(dir, 'moved'));
    await page.getByTestId('rescan-all').click();
    const done = await importDone();
    expect(done).toContain('1 skipped');
    expect(done).toMatch(
      /客户资料: not found \(moved, deleted, or on a drive not connected\): its documents stay in the library/,
    );
    await expect
      .poll(() => page.getByTestId('source').filter({ hasText: '客户资料' }).textContent())
      .toContain('Not found');
    expect(await page.locator('[data-testid="document-list"] tbody tr').count()).toBe(2);
    const row = page.locator('[data-testid="document-list"] tbody tr').filter({ hasText: '甲系统' });
    await row.getByTestId('show-original').click();
    await expect
      .poll(() => row.getByTestId('original-error').textContent())
      .toMatch(/is not there any more \(moved or deleted\)/);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'library-sources.png') }).catch(() => undefined);
  });
});

describe('settings in the browser face', () => {
  it('checks a .gguf before loading it: architecture, size, quantisation and the fit estimate', async () => {
    await page.getByTestId('nav-settings').click();
    // No native dialog in a browser: the path is typed.
    expect(await page.getByTestId('llm-choose').count()).toBe(0);
    await page.getByTestId('llm-path').fill(STORIES);
    await page.getByTestId('llm-check').click();
    await page.getByTestId('inspect-architecture').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('inspect-architecture').textContent()).toBe('llama');
    expect(await page.getByTestId('inspect-quantization').textContent()).toBe('F32');
    expect(await page.getByTestId('inspect-size').textContent()).toMatch(/MB|KB/);
    expect(await page.getByTestId('inspect-fit').textContent()).toContain('fits');
    // Checked, not loaded.
    expect(await page.getByTestId('llm-status').textContent()).toContain('Not loaded');
    // Checking started llama.cpp: the backend it found is shown.
    await expect.poll(() => page.getByTestId('gpu-status').textContent()).toMatch(/cpu|cuda|metal|vulkan/i);
  });

  it('says why a dropped file cannot be used: not a .gguf, or no path in a browser', async () => {
    const drop = async (name: string) => {
      const dataTransfer = await page.evaluateHandle((fileName) => {
        const data = new DataTransfer();
        data.items.add(new File(['x'], fileName));
        return data;
      }, name);
      await page.getByTestId('llm-drop').dispatchEvent('drop', { dataTransfer });
    };
    await drop('notes.txt');
    expect(await page.getByTestId('llm-drop-message').textContent()).toBe('notes.txt is not a .gguf model file.');
    await drop('chatglm3-6b.Q4_K_M.gguf');
    expect(await page.getByTestId('llm-drop-message').textContent()).toMatch(/type the path of the \.gguf/);
  });

  it('refuses a file that is not a model, with the reason, before loading', async () => {
    const fake = path.join(dir, 'fake.gguf');
    writeFileSync(fake, 'not a model');
    await page.getByTestId('llm-path').fill(fake);
    await page.getByTestId('llm-check').click();
    await expect
      .poll(() => page.getByTestId('llm-inspect-error').textContent(), { timeout: 30_000 })
      .toMatch(/not a GGUF model file/);
    expect(pageErrors).toEqual([]);
  });
});
