// Standard-aware answers in the renderer (Debian's Chromium against kb serve and a real engine): the general
// standard GB/T 22239 and the securities-sector JR/T 0060 imported together. The answer's sources name the standard
// and clause, with the other copies of the clause listed; a question with partial evidence gets possibly related
// passages, labelled, that open like citations; a document's profile is corrected in the library; the library's own
// synonyms are added and removed in Settings, and reach the next answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServedBrowser, type ServedBrowser } from './servedBrowser.ts';

const CORPUS = path.resolve(ROOT, '../shared/corpus');

let dir: string;
let served: ServedBrowser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-answers-'));
  served = await startServedBrowser(path.join(dir, 'answers.kb.sqlite'));
  page = await served.browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(served.url);
  await page
    .getByTestId('file-input')
    .setInputFiles([
      path.join(CORPUS, 'mlps-office/GBT22239-2019_基本要求.pdf'),
      path.join(CORPUS, 'mlps-office/GBT22239-2019_基本要求.docx'),
      path.join(CORPUS, 'mlps/JR/JRT0060.md'),
    ]);
  await page.getByTestId('ingest-done').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ask(question: string): Promise<void> {
  await page.getByTestId('nav-chat').click();
  const before = await page.getByTestId('exchange').count();
  await page.getByTestId('question').fill(question);
  await page.getByTestId('ask').click();
  await expect.poll(() => page.getByTestId('exchange').count()).toBe(before + 1);
}

describe('standard-aware answers in the renderer', () => {
  it('shows which document each is in the library: standard, title, kind, sector', async () => {
    const profiles = await page.getByTestId('document-profile').allTextContents();
    expect(profiles).toEqual(
      expect.arrayContaining([
        expect.stringContaining('GB/T 22239-2019 · 信息安全技术 网络安全等级保护基本要求 · 基本要求'),
        expect.stringContaining('JR/T 0060-2021 · 证券期货业网络安全等级保护基本要求 · 基本要求 · 证券期货'),
      ]),
    );
  });

  it('names the standard and clause of each source, cites the PDF copy and lists the other', async () => {
    await ask('三级系统对身份鉴别有哪些要求？');
    const answer = page.getByTestId('answer').last();
    expect(await answer.getByTestId('source-standard').first().textContent()).toBe(
      'GB/T 22239-2019 · 8.1.4.1 身份鉴别',
    );
    expect(await answer.textContent()).toContain('GB/T 22239-2019 · 8.1.4.1 身份鉴别 [1]');
    expect(await answer.getByTestId('source-also-in').first().textContent()).toBe('另见：GBT22239-2019_基本要求.docx');
    // Not the securities standard's copy of the clause, for a question that names no sector.
    expect((await answer.getByTestId('source-standard').allTextContents()).some((s) => s.startsWith('JR/T'))).toBe(
      false,
    );
  });

  it('answers from the sector standard a question names', async () => {
    await ask('券商三级系统的日常安全检查和全面检查多久做一次？');
    expect(await page.getByTestId('exchange').last().getByTestId('source-standard').first().textContent()).toMatch(
      /^JR\/T 0060-2021 · /,
    );
  });

  it('offers possibly related passages, labelled, which open like citations', async () => {
    await ask('外包人员带来的笔记本、U盘，接内网之前要先杀毒吗？');
    const related = page.getByTestId('related').last();
    await related.waitFor();
    expect(await related.textContent()).toContain('可能相关的条款');
    expect(await related.textContent()).toMatch(/只包含问题内容的 \d+%/);
    await related.getByTestId('source-card').first().locator('button').click();
    await page.getByTestId('passage-dialog').waitFor();
    if ((await page.getByTestId('passage-view-toggle').count()) > 0)
      await page.getByTestId('passage-view-text').click();
    expect(await page.getByTestId('passage-quote').textContent()).toBeTruthy();
    await page.keyboard.press('Escape');
    await page.getByTestId('passage-dialog').waitFor({ state: 'detached' });
  });

  it('lists a clause once in search, with its other copies', async () => {
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('应对登录的用户进行身份标识和鉴别');
    await page.getByTestId('search-input').press('Enter');
    const standards = page.getByTestId('hit-standard');
    await expect.poll(() => standards.count()).toBeGreaterThan(0);
    const all = await standards.allTextContents();
    expect(all.filter((s) => s === 'GB/T 22239-2019 · 8.1.4.1 身份鉴别')).toHaveLength(1);
    expect(await page.getByTestId('hit-also-in').first().textContent()).toContain('另见：');
  });

  it('draws a table row of a standard as a table, in search hits, answers and the passage dialog', async () => {
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('定级结果的组合 S3A2');
    await page.getByTestId('search-input').press('Enter');
    const hit = page
      .getByTestId('hits')
      .locator('li')
      .filter({ has: page.getByTestId('passage-table') })
      .first();
    await hit.waitFor();
    expect(await hit.locator('th').allTextContents()).toEqual(['安全保护等级', '定级结果的组合']);
    expect(await hit.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['第一级', 'S1A1']);
    // No markup and no "label: value" text left where a table is drawn.
    expect(await hit.textContent()).not.toMatch(/<t[rdh]>|定级结果的组合: /);
    await hit.locator('button').click();
    const dialog = page.getByTestId('passage-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('passage-table').count()).toBeGreaterThan(0);
    expect(await dialog.locator('th').first().textContent()).toBe('安全保护等级');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await ask('证券期货业第三级的定级结果组合有哪些？');
    const exchange = page.getByTestId('exchange').last();
    await expect.poll(() => exchange.getByTestId('passage-table').count()).toBeGreaterThan(0);
    expect(await exchange.getByTestId('passage-table').first().locator('th').allTextContents()).toEqual([
      '安全保护等级',
      '定级结果的组合',
    ]);
  });

  it("corrects a document's profile, and answers then name it so", async () => {
    await page.getByTestId('nav-library').click();
    const row = page.locator('[data-testid="document-list"] tbody tr').filter({ hasText: 'JRT0060.md' });
    await row.getByTestId('edit-profile').click();
    await row.getByTestId('profile-title').fill('证券期货业基本要求（本所版）');
    await row.getByTestId('profile-save').click();
    await expect
      .poll(() => row.getByTestId('document-profile').textContent())
      .toContain('证券期货业基本要求（本所版）');
    expect(await row.getByTestId('document-profile').textContent()).toContain('已手动修改');
    await row.getByTestId('edit-profile').click();
    await row.getByTestId('profile-reset').click();
    await expect
      .poll(() => row.getByTestId('document-profile').textContent())
      .toContain('证券期货业网络安全等级保护基本要求');
  });

  it("adds the library's own synonym in Settings, which the next answer uses, and removes it", async () => {
    await ask('小机锁定策略有什么要求？');
    expect(await page.getByTestId('not-found').count()).toBeGreaterThan(0);
    await page.getByTestId('nav-settings').click();
    const thesaurus = page.getByTestId('thesaurus');
    await expect.poll(() => thesaurus.textContent()).toContain('本资料库还没有自己的同义词');
    await page.getByTestId('synonym-ask').fill('小机锁定');
    await page.getByTestId('synonym-means').fill('登录失败处理、非法登录次数');
    await page.getByTestId('synonym-add').click();
    await expect.poll(() => page.getByTestId('synonym').count()).toBe(1);
    expect(await page.getByTestId('synonym').textContent()).toContain('小机锁定 → 登录失败处理、非法登录次数');
    expect(await thesaurus.textContent()).toMatch(/版本 [\d.]+\+user:1:[0-9a-f]{8}/);

    await ask('小机锁定策略有什么要求？');
    const sources = await page.getByTestId('exchange').last().getByTestId('source-standard').allTextContents();
    expect(sources, sources.join('; ')).toContain('GB/T 22239-2019 · 8.1.4.1 身份鉴别');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('synonym-remove').click();
    await expect.poll(() => page.getByTestId('synonym').count()).toBe(0);
  });
});
