// The real renderer in Debian's Chromium (headless, playwright-core) against `kb serve` with a real engine: upload
// the GB/T 22239 PDF and DOCX, watch the import reach 100 %, ask with citations, open a cited passage, open a PDF
// passage on its page (pdf.js, the quote highlighted; a changed or missing file), get not_found, switch language;
// load a local LLM (stories260K) in Settings and get a generated answer streamed, cancelled, and refused (not_found)
// when the library has no evidence; last, a PDF that pdf.js can draw only with its CMaps. Takes the README's
// screenshots (docs/screenshots/).
// Electron itself is not involved.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServedBrowser, type ServedBrowser } from './servedBrowser.ts';

const CORPUS = path.resolve(ROOT, '../shared/corpus/mlps-office');
// A real 1.2 MB Llama GGUF that writes English children's stories: only the plumbing can be asserted.
const STORIES = path.resolve(ROOT, '../shared/models/stories260K/stories260K.gguf');
// Screenshots go to test-results/ (ignored by git); to refresh the README's: KB_SCREENSHOTS_DIR=docs/screenshots npm run test:e2e
const SCREENSHOTS = path.resolve(ROOT, process.env.KB_SCREENSHOTS_DIR ?? 'test-results/screenshots');
// The question (jieba's "系统对" is split back into 系统 + 对 by the segmenter, so it is answered).
const QUESTION = '三级系统对身份鉴别有哪些要求？';
// A topic GB/T 22239 does not cover.
const ABSENT = '等保2.0针对5G网络提出了哪些要求？';

let dir: string;
let served: ServedBrowser;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-'));
  served = await startServedBrowser(path.join(dir, 'e2e.kb.sqlite'));
  browser = served.browser;
  page = await browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(served.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the renderer against kb serve', () => {
  it('starts in Chinese with an empty library that says what to do', async () => {
    await expect.poll(() => page.getByTestId('library-empty').textContent()).toContain('资料库还是空的');
    // First run: where the library lives, and that a .gguf can be imported in Settings.
    const firstRun = await page.getByTestId('first-run').textContent();
    expect(firstRun).toContain(path.join(dir, 'e2e.kb.sqlite'));
    expect(firstRun).toContain('.gguf');
    expect(await page.getByTestId('first-run-settings').isVisible()).toBe(true);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.getByTestId('semantic-status').textContent()).toContain('语义检索未开启');
  });

  it('uploads the GB/T 22239 PDF and DOCX and shows the import reach 100 %', async () => {
    await page
      .getByTestId('file-input')
      .setInputFiles([
        path.join(CORPUS, 'GBT22239-2019_基本要求.pdf'),
        path.join(CORPUS, 'GBT22239-2019_基本要求.docx'),
      ]);
    await page.getByTestId('ingest-progress').waitFor();
    await page.getByTestId('ingest-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('ingest-done').textContent()).toContain('2 个已索引');
    expect(await page.locator('[data-testid="ingest-done"] progress').getAttribute('value')).toBe('100');
    const rows = page.locator('[data-testid="document-list"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([
      expect.stringContaining('已索引'),
      expect.stringContaining('已索引'),
    ]);
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
    await page.getByTestId('passage-dialog').waitFor();
    // A PDF passage opens on its page (next test); its extracted text is one click away.
    if ((await page.getByTestId('passage-view-toggle').count()) > 0)
      await page.getByTestId('passage-view-text').click();
    const quote = page.getByTestId('passage-quote');
    await quote.waitFor();
    expect(await quote.textContent()).toContain('应对登录的用户进行身份标识和鉴别');
    expect(await page.getByTestId('passage-dialog').textContent()).toContain('GBT22239-2019_基本要求');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'passage-in-context.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
  });

  it('opens a passage of the PDF on its page, drawn by pdf.js, with the quote highlighted', async () => {
    const pageErrors: Error[] = [];
    const consoleProblems: string[] = [];
    const onPageError = (error: Error) => pageErrors.push(error);
    // pdf.js reports missing CMaps, fonts or worker as "Warning: …" on console.log; the browser, CSP refusals as errors.
    const onConsole = (message: { type(): string; text(): string }) => {
      if (message.type() === 'error' || message.type() === 'warning' || message.text().startsWith('Warning:'))
        consoleProblems.push(`${message.type()}: ${message.text()}`);
    };
    page.on('pageerror', onPageError);
    page.on('console', onConsole);
    try {
      // The clause is one hit, its PDF copy (the one with pages; the DOCX is listed as another copy), and a hit
      // opens its passage the same way as a citation.
      await page.getByTestId('nav-search').click();
      await page.getByTestId('search-input').fill('应对登录的用户进行身份标识和鉴别');
      await page.getByTestId('search-input').press('Enter');
      const pdfHit = page
        .getByTestId('hits')
        .locator('li')
        .filter({ hasText: '8.1.4.1 身份鉴别' })
        .filter({ hasText: '.pdf' })
        .first();
      const hitText = (await pdfHit.textContent()) ?? '';
      const citedPage = /第 (\d+)/.exec(hitText)?.[1];
      expect(citedPage).toBeDefined();
      await pdfHit.locator('button').click();

      const view = page.getByTestId('pdf-page');
      await view.waitFor();
      await expect
        .poll(() => page.getByTestId('pdf-page-canvas').getAttribute('data-page'), { timeout: 30_000 })
        .toBe(citedPage);
      expect(await page.getByTestId('pdf-highlight').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('pdf-page-label').textContent()).toMatch(
        new RegExp(`^第 ${citedPage} 页，共 \\d+ 页$`),
      );
      // The canvas holds the drawn page: count its pixels that are not (near) white. A script as text: these tests
      // are type-checked for Node, without the DOM's types.
      const canvas = (await page.evaluate(`(() => {
        const canvas = document.querySelector('[data-testid="pdf-page-canvas"]');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 160 && data[i + 1] < 160 && data[i + 2] < 160) inked++;
        return { width: canvas.width, height: canvas.height, inked };
      })()`)) as { width: number; height: number; inked: number };
      expect(canvas.width).toBeGreaterThan(500);
      expect(canvas.height).toBeGreaterThan(canvas.width);
      // A page of text: a few percent of its pixels are ink (a blank canvas has none).
      expect(canvas.inked).toBeGreaterThan(canvas.width * canvas.height * 0.005);
      // The highlighted runs are the quote: clause 8.1.4.1's first requirement among them, in reading order.
      const highlighted = await page.getByTestId('pdf-highlight').allTextContents();
      expect(highlighted.some((text) => text.length >= 2 && '身份标识和鉴别'.includes(text))).toBe(true);
      expect(highlighted.join('')).toContain('应对登录的用户进行身份标识和鉴别');
      expect(highlighted.join('')).not.toContain('8.1.4.2');
      // The highlight is scrolled into view in the page's scroller.
      expect(await page.getByTestId('pdf-highlight').first().isVisible()).toBe(true);
      await page.mouse.move(700, 10);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'passage-pdf-page.png') });

      // pdf.js draws in its own worker, a file of the app's (not the main-thread fallback).
      expect(page.workers().map((worker) => worker.url())).toEqual([
        expect.stringMatching(/\/assets\/pdf\.worker\.min-[\w-]+\.mjs$/),
      ]);

      // Other pages of the document: the next one has no highlight and a way back to the quote's.
      await page.getByTestId('pdf-next-page').click();
      await expect
        .poll(() => page.getByTestId('pdf-page-label').textContent())
        .toMatch(new RegExp(`^第 ${Number(citedPage) + 1} 页`));
      await expect
        .poll(() => page.getByTestId('pdf-page-canvas').getAttribute('data-page'))
        .toBe(String(Number(citedPage) + 1));
      expect(await page.getByTestId('pdf-highlight').count()).toBe(0);
      await page.getByTestId('pdf-back-to-quote').click();
      await expect.poll(() => page.getByTestId('pdf-page-canvas').getAttribute('data-page')).toBe(citedPage);
      expect(await page.getByTestId('pdf-highlight').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('pdf-page-label').textContent()).toMatch(new RegExp(`^第 ${citedPage} 页`));

      // The extracted text is one click away, and the page comes back without opening the document again.
      await page.getByTestId('passage-view-text').click();
      expect(await page.getByTestId('passage-quote').textContent()).toContain('应对登录的用户进行身份标识和鉴别');
      expect(await view.isVisible()).toBe(false);
      await page.getByTestId('passage-view-page').click();
      expect(await page.getByTestId('pdf-highlight').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('pdf-unavailable').count()).toBe(0);
      expect(await page.getByTestId('pdf-file-changed').count()).toBe(0);

      expect(page.workers()).toHaveLength(1);

      // "Show file" in the browser face saves the original PDF (the desktop app reveals it in the file manager).
      expect(await page.getByTestId('passage-show-file').textContent()).toBe('下载原文件');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('passage-show-file').click(),
      ]);
      expect(download.suggestedFilename()).toBe('GBT22239-2019_基本要求.pdf');

      // Closing the dialog destroys the document, and with it the worker.
      await page.keyboard.press('Escape');
      await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
      await expect.poll(() => page.workers().length).toBe(0);

      // The file changed since it was indexed: the page is still shown, with a warning that it may not match.
      const uploaded = path.join(dir, 'e2e.kb.sqlite.uploads', 'GBT22239-2019_基本要求.pdf');
      const original = readFileSync(uploaded);
      try {
        appendFileSync(uploaded, '\n% edited after indexing\n');
        await pdfHit.locator('button').click();
        await page.getByTestId('pdf-file-changed').waitFor();
        expect(await page.getByTestId('pdf-file-changed').textContent()).toContain('重新扫描');
        await expect
          .poll(() => page.getByTestId('pdf-page-canvas').getAttribute('data-page'), { timeout: 30_000 })
          .toBe(citedPage);
        await page.keyboard.press('Escape');
        await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });

        // The file is gone: the extracted text, and why the page is not shown, in one line.
        renameSync(uploaded, `${uploaded}.away`);
        await pdfHit.locator('button').click();
        await page.getByTestId('pdf-unavailable').waitFor();
        expect(await page.getByTestId('pdf-unavailable').textContent()).toMatch(
          // Worded from its code (service.original-missing) in Chinese; the engine's English before the codes.
          /^无法显示原文页面（.*(已不在原处（被移动或删除）|not there any more).*）/,
        );
        expect(await page.getByTestId('passage-quote').textContent()).toContain('应对登录的用户进行身份标识和鉴别');
        expect(await page.getByTestId('passage-view-toggle').count()).toBe(0);
        expect(await page.getByTestId('pdf-page').count()).toBe(0);
        await page.keyboard.press('Escape');
        await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
      } finally {
        if (existsSync(`${uploaded}.away`)) renameSync(`${uploaded}.away`, uploaded);
        writeFileSync(uploaded, original);
      }
      await page.getByTestId('nav-chat').click();
      expect(pageErrors).toEqual([]);
      // Nothing at all: no missing CMap or font, no fake worker, no CSP refusal.
      expect(consoleProblems).toEqual([]);
    } finally {
      page.off('pageerror', onPageError);
      page.off('console', onConsole);
    }
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
    // States said in the page's language (the engine's own words are kept for errors, which name the file).
    expect(await page.getByTestId('llm-status-help').textContent()).toContain('未加载本地大模型：精确模式照常可用');
    expect(await page.getByTestId('embedding-status-help').textContent()).toContain('未设置嵌入模型');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.mouse.move(700, 700);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings.png') });
  });

  it('offers generated mode only once a model is loaded, and says why', async () => {
    await page.getByTestId('nav-chat').click();
    expect(await page.getByTestId('mode-generate').isDisabled()).toBe(true);
    expect(await page.getByTestId('generate-unavailable').textContent()).toBe(
      '生成模式不可用：尚未加载本地大模型，请在“设置”中选择 .gguf 文件并加载',
    );
  });

  it('loads stories260K from a typed path in Settings and shows its architecture and that it fits', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('llm-path').fill(STORIES);
    await page.getByTestId('llm-gpu').selectOption('cpu');
    // One thread on the 2-core test machines (the default thread count is far slower here).
    await page.getByTestId('llm-threads').fill('1');
    await page.getByTestId('llm-load').click();
    await page.getByTestId('llm-architecture').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('llm-architecture').textContent()).toBe('llama');
    expect(await page.getByTestId('llm-quantization').textContent()).toBe('F32');
    expect(await page.getByTestId('llm-fit').textContent()).toContain('fits');
    expect(await page.getByTestId('llm-status').textContent()).toContain('stories260K.gguf');
    expect(await page.getByTestId('gpu-status').textContent()).toContain('cpu');
    await page.mouse.move(700, 700);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-model.png') });
  });

  it('refuses a file that is not a GGUF model, with the reason, and keeps the loaded one', async () => {
    await page.getByTestId('llm-path').fill(path.join(CORPUS, 'GBT22239-2019_基本要求.pdf'));
    await page.getByTestId('llm-load').click();
    await page.getByTestId('llm-error').waitFor();
    // Worded in the page's language from its code (model-file.not-gguf); English before the codes.
    expect(await page.getByTestId('llm-error').textContent()).toMatch(/不是 GGUF 模型文件|not a GGUF model file/);
    expect(await page.getByTestId('llm-architecture').textContent()).toBe('llama');
    await page.getByTestId('llm-path').fill(STORIES);
  });

  it('streams a generated answer token by token, then shows it with its sources and unsupported sentences marked', async () => {
    await page.getByTestId('nav-chat').click();
    await page.getByTestId('mode-generate').check();
    const answersBefore = await page.getByTestId('answer').count();
    await page.getByTestId('question').fill(QUESTION);
    await page.getByTestId('ask').click();
    const streaming = page.getByTestId('streaming-text');
    await expect
      .poll(async () => ((await streaming.textContent().catch(() => null)) ?? '').length, {
        interval: 20,
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const early = (await streaming.textContent().catch(() => null)) ?? '';
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chat-generating.png') });
    await expect.poll(() => page.getByTestId('answer').count(), { timeout: 30_000 }).toBe(answersBefore + 1);
    const answer = page.getByTestId('answer').last();
    expect(await answer.getAttribute('data-mode')).toBe('generate');
    const text = (await answer.locator('.answer-text').textContent()) ?? '';
    // The streamed text is the start of the answer (before citations were checked, markers aside).
    expect(text.length).toBeGreaterThan(early.length);
    expect(await answer.getByTestId('generation-note').textContent()).toContain('stories260K.gguf');
    // The tiny model writes stories: its sentences are flagged as not backed by the passages.
    expect(await answer.getByTestId('unsupported-sentence').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('streaming').count()).toBe(0);
  });

  it('stops a generated answer with the cancel button and shows the partial answer as such', async () => {
    await page.getByTestId('question').fill(QUESTION);
    const answersBefore = await page.getByTestId('answer').count();
    await page.getByTestId('ask').click();
    const streaming = page.getByTestId('streaming-text');
    await expect
      .poll(async () => ((await streaming.textContent().catch(() => null)) ?? '').length, {
        interval: 20,
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    await page.getByTestId('cancel-ask').click();
    await expect.poll(() => page.getByTestId('answer').count(), { timeout: 30_000 }).toBe(answersBefore + 1);
    expect(await page.getByTestId('answer').last().getByTestId('generation-note').textContent()).toContain('已取消');
  });

  it('answers not_found in generated mode without asking the model when the library has no evidence', async () => {
    // Records whether any generated text ever appeared on the page during this question.
    // (A script as text: these tests are type-checked for Node, without the DOM's types.)
    await page.evaluate(`(() => {
      window.streamed = '';
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="streaming-text"]')?.textContent ?? '';
        if (text) window.streamed += text;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const notFoundBefore = await page.getByTestId('not-found').count();
    await page.getByTestId('question').fill(ABSENT);
    await page.getByTestId('ask').click();
    await expect.poll(() => page.getByTestId('not-found').count(), { timeout: 30_000 }).toBe(notFoundBefore + 1);
    const exchange = page.getByTestId('exchange').last();
    expect(await exchange.getAttribute('data-mode')).toBe('generate');
    expect(await exchange.getByTestId('generation-note').count()).toBe(0);
    expect(await page.evaluate('window.streamed')).toBe('');
  });

  // Last: it adds a third document to the library.
  it('draws a Chinese PDF that needs pdf.js CMaps (no ToUnicode, font not embedded), served by the app itself', async () => {
    const consoleProblems: string[] = [];
    const assetRequests: string[] = [];
    const onConsole = (message: { type(): string; text(): string }) => {
      if (message.type() === 'error' || message.type() === 'warning' || message.text().startsWith('Warning:'))
        consoleProblems.push(`${message.type()}: ${message.text()}`);
    };
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().includes('/pdfjs/'))
        assetRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
    };
    page.on('console', onConsole);
    page.on('response', onResponse);
    try {
      await page.getByTestId('nav-library').click();
      await page
        .getByTestId('file-input')
        .setInputFiles([path.resolve(CORPUS, '../pdf-edge/cjk-cmap-no-tounicode.pdf')]);
      await expect
        .poll(() => page.getByTestId('ingest-done').textContent(), { timeout: 60_000 })
        .toContain('1 个已索引');
      await page.getByTestId('nav-search').click();
      await page.getByTestId('search-input').fill('人工智能与机器学习');
      await page.getByTestId('search-input').press('Enter');
      await page
        .getByTestId('hits')
        .locator('li')
        .filter({ hasText: 'cjk-cmap-no-tounicode.pdf' })
        .first()
        .locator('button')
        .click();
      await expect
        .poll(() => page.getByTestId('pdf-page-canvas').getAttribute('data-page'), { timeout: 30_000 })
        .toBe('1');
      // The text layer has the text only through the CMap (UniGB-UCS2-H): the quote is found and highlighted in it.
      expect((await page.getByTestId('pdf-highlight').allTextContents()).join('')).toContain('人工智能与机器学习');
      const inked = await page.evaluate(`(() => {
        const canvas = document.querySelector('[data-testid="pdf-page-canvas"]');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 160 && data[i + 1] < 160 && data[i + 2] < 160) inked++;
        return inked;
      })()`);
      expect(inked).toBeGreaterThan(500);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'passage-pdf-cmap.png') });
      // The CMap came from the app's own files (out/renderer/pdfjs/), nowhere else.
      expect(assetRequests).toContain('200 /pdfjs/cmaps/UniGB-UCS2-H.bcmap');
      expect(assetRequests.every((request) => request.startsWith('200 '))).toBe(true);
      // The PDF names STSong-Light without embedding it; pdf.js says when this machine lacks it and draws with a
      // fallback font (as above). Nothing else: no CMap or standard font missing.
      expect(consoleProblems.filter((text) => !text.includes('Cannot load system font: STSong-Light'))).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
    } finally {
      page.off('console', onConsole);
      page.off('response', onResponse);
    }
  });

  it('words a refused upload and a failed document in Chinese, from their codes', async () => {
    await page.getByTestId('nav-library').click();
    // Sparse: 101 MiB on paper, nothing on the disk; the page refuses it before sending (upload.file-too-large).
    const big = path.join(dir, '超大文件.pdf');
    writeFileSync(big, '');
    truncateSync(big, 101 * 1024 * 1024);
    await page.getByTestId('file-input').setInputFiles([big]);
    await expect
      .poll(() => page.getByTestId('library-error').textContent())
      .toBe(
        '添加文件失败，这批文件都没有加入资料库：“超大文件.pdf”有 101 MiB，超过了此处单个文件上限 100 MiB：请拆分它，或在服务器上用 kb ingest 导入',
      );
    // A damaged PDF fails alone; its row says why in Chinese (parse.corrupt), the engine's detail in its tooltip.
    const damaged = path.join(dir, '损坏的制度.pdf');
    writeFileSync(damaged, `%PDF-1.7\n${'not really a PDF '.repeat(64)}`);
    await page.getByTestId('file-input').setInputFiles([damaged]);
    await expect.poll(() => page.getByTestId('ingest-done').textContent(), { timeout: 60_000 }).toContain('1 个失败');
    const row = page.locator('[data-testid="document-list"] tbody tr').filter({ hasText: '损坏的制度.pdf' });
    expect(await row.getByTestId('document-error').textContent()).toBe('文件已损坏，或内容与扩展名不符');
    expect(await row.getByTestId('document-error').getAttribute('title')).toMatch(/PDF/);
  });
});
