// The cited-page view's quote finder (renderer/src/components/pdfQuoteMatch.ts): pure, so tested on item lists shaped
// like pdf.js's text runs of the GB/T 22239 PDF (runs of one to a few characters, Kangxi radicals, spaces, list labels).
import { describe, expect, it } from 'vitest';
import { matchQuoteOnPages, normalizeForMatch, type QuoteMatch } from '../../renderer/src/components/pdfQuoteMatch.ts';

/** The highlighted text, runs joined with '|'. */
function highlighted(items: readonly string[], match: QuoteMatch | undefined): string {
  return (match?.highlights ?? []).map(({ item, start, end }) => (items[item] ?? '').slice(start, end)).join('|');
}

/** The match on a single page. */
function matchQuoteOnPage(quote: string, items: readonly string[]): QuoteMatch {
  const [match] = matchQuoteOnPages(quote, [items]);
  if (!match) throw new Error('no result for the page');
  return match;
}

/** Splits text into runs of 1–4 characters, as pdf.js often returns CJK text. */
function runs(text: string): string[] {
  const out: string[] = [];
  const sizes = [1, 3, 2, 1, 4, 1, 2];
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

const CLAUSE_8_1_4_1 =
  '本项要求包括:\na）应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换；\nb）应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施；';

describe('normalizeForMatch', () => {
  it('drops whitespace and hyphens, folds width, Kangxi radicals and case', () => {
    expect(normalizeForMatch(' ⾝份 标识\n和鉴别 ')).toBe('身份标识和鉴别');
    expect(normalizeForMatch('ＧＢ／Ｔ 22239—2019')).toBe('gb/t22239—2019');
    expect(normalizeForMatch('用⼾')).toBe('用户');
    expect(normalizeForMatch('secu-\nrity')).toBe('security');
  });
});

describe('matchQuoteOnPage', () => {
  it('finds the whole quote across runs whose spaces and line breaks differ from the stored text', () => {
    const items = [
      '8.1.4.1',
      ' ',
      '身份鉴别',
      '',
      ...runs(CLAUSE_8_1_4_1.replaceAll('\n', '')),
      '',
      '8.1.4.2',
      ' ',
      '访问控制',
    ];
    const match = matchQuoteOnPage(CLAUSE_8_1_4_1, items);
    expect(match.method).toBe('exact');
    expect(highlighted(items, match).replaceAll('|', '')).toBe(CLAUSE_8_1_4_1.replaceAll('\n', ''));
    // Nothing outside the quote: not the heading, not the next clause.
    expect(match.highlights.every(({ item }) => item > 3 && (items[item] ?? '') !== '访问控制')).toBe(true);
  });

  it('matches Kangxi radicals and full-width forms on the page exactly, radical-supplement glyphs by alignment', () => {
    // ⾝ (U+2FDD, NFKC 身) and ⻅ (U+2EC5, which NFKC keeps): what some fonts map 身 and 见 to; the stored quote has
    // the unified ideographs.
    const items = ['其他', '应对', '⾝份', '标识', '和鉴别，', '具体', '意见', '如下：', '结束'];
    const exact = matchQuoteOnPage('应对身份标识和鉴别，具体意见如下:', items);
    expect(exact.method).toBe('exact');
    expect(highlighted(items, exact)).toBe('应对|⾝份|标识|和鉴别，|具体|意见|如下：');
    items[6] = '意⻅';
    const aligned = matchQuoteOnPage('应对身份标识和鉴别，具体意见如下:', items);
    expect(aligned.method).toBe('aligned');
    expect(highlighted(items, aligned)).toBe('应对|⾝份|标识|和鉴别，|具体|意⻅|如下：');
  });

  it('highlights only part of a run when the quote starts or ends inside it', () => {
    const items = ['前文结束。本项要求包括：应对登录的用户', '进行身份标识和鉴别。后文开始'];
    const match = matchQuoteOnPage('本项要求包括：应对登录的用户进行身份标识和鉴别。', items);
    expect(match.highlights).toEqual([
      { item: 0, start: 5, end: items[0]!.length },
      { item: 1, start: 0, end: 10 },
    ]);
  });

  it('splits a quote over two pages, skipping the running header, and takes the cited clause, not its look-alike', () => {
    // GB/T 22239 pp. 32–33: 8.1.3.5 and 8.1.4.3 share sentences b) and c); the cited 8.1.4.3 starts at the foot of
    // p. 32, where 8.1.3.5 stands in full higher up, and goes on at the top of p. 33 under the running header.
    const shared =
      'b）审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与审计相关的信息；c）应对审计记录进行保护，定期备份，避免受到未预期的删除、修改或覆盖等；';
    const page32 = [
      '8.1.3.5',
      ' ',
      '安全审计',
      ...runs(
        `本项要求包括：a）应在网络边界、重要网络节点进行安全审计，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；${shared}d）应能对远程访问的用户行为等单独进行行为审计和数据分析。`,
      ),
      '8.1.4.3',
      ' ',
      '安全审计',
      ...runs('本项要求包括：a）应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；'),
      '12',
    ];
    const page33 = [
      'GB/T 22239—2019',
      ...runs(`${shared}d）应对审计进程进行保护，防止未经授权的中断。`),
      '8.1.4.4',
      ' ',
      '入侵防范',
      ...runs('本项要求包括：a）应遵循最小安装的原则。'),
    ];
    const quote = `a）应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；\n${shared.replace('；c）', '；\nc）')}\nd）应对审计进程进行保护，防止未经授权的中断。`;
    const [on32, on33] = matchQuoteOnPages(quote, [page32, page33]);
    expect(on32?.method).toBe('aligned');
    expect(highlighted(page32, on32).replaceAll('|', '')).toBe(
      'a）应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；',
    );
    expect(Math.min(...(on32?.highlights ?? []).map((h) => h.item))).toBeGreaterThan(page32.indexOf('8.1.4.3'));
    expect(highlighted(page33, on33).replaceAll('|', '')).toBe(
      `${shared}d）应对审计进程进行保护，防止未经授权的中断。`,
    );
  });

  it('bridges a long running footer and header between the two pages of a quote', () => {
    // GB/T 25070 printed from a browser: every page ends with the print date, the title, the URL and "44/58".
    const footer = [
      '11/29/26, 1:48 AM',
      ' ',
      'GB/T 25070—2019',
      ' ',
      '信息安全技术 网络安全等级保护安全设计技术要求',
      'http://127.0.0.1:8765/25070.html',
      ' ',
      '44/58',
    ];
    const page44 = [
      ...runs(
        '9.3.3.3 移动互联安全通信网络设计技术要求本项要求包括：a）通信网络可信保护应通过VPDN等技术实现基于密码算法的可信网络连接机制，通过对连接到通信网络的',
      ),
      ...footer,
    ];
    const page45 = runs(
      '设备进行可信检验，确保接入通信网络的设备真实可信，防止设备的非法接入。9.3.3.4 物联网系统安全通信网络设计技术要求',
    );
    const quote =
      '本项要求包括：\na）通信网络可信保护应通过VPDN等技术实现基于密码算法的可信网络连接机制，通过对连接到通信网络的设备进行可信检验，确保接入通信网络的设备真实可信，防止设备的非法接入。';
    const [on44, on45] = matchQuoteOnPages(quote, [page44, page45]);
    expect(highlighted(page44, on44).replaceAll('|', '')).toBe(
      '本项要求包括：a）通信网络可信保护应通过VPDN等技术实现基于密码算法的可信网络连接机制，通过对连接到通信网络的',
    );
    expect(highlighted(page45, on45).replaceAll('|', '')).toBe(
      '设备进行可信检验，确保接入通信网络的设备真实可信，防止设备的非法接入。',
    );
  });

  it('finds the part of a quote on a page that does not hold the rest (pages that no longer fit the file)', () => {
    const items = [
      'GB/T 22239—2019',
      ...runs('d）应对审计进程进行保护，防止未经授权的中断。'),
      '8.1.4.4',
      ' ',
      '入侵防范',
    ];
    const quote =
      'a）应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计；d）应对审计进程进行保护，防止未经授权的中断。';
    const match = matchQuoteOnPage(quote, items);
    expect(match.method).toBe('partial');
    expect(highlighted(items, match).replaceAll('|', '')).toBe('d）应对审计进程进行保护，防止未经授权的中断。');
  });

  it('tolerates a few characters that differ (a glyph mapped to another character)', () => {
    const items = runs(
      '第五章。应采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术对用户进行身份鉴别。第六章。',
    );
    // The page's text has 口今 for 口令 and 鑒 for 鉴 in one place (a font's wrong ToUnicode).
    items.splice(
      0,
      items.length,
      ...runs('第五章。应采用口今、密码技术、生物技术等两种或两种以上组合的鑒别技术对用户进行身份鉴别。第六章。'),
    );
    const match = matchQuoteOnPage(
      '应采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术对用户进行身份鉴别。',
      items,
    );
    expect(match.method).toBe('aligned');
    expect(highlighted(items, match).replaceAll('|', '')).toBe(
      '应采用口今、密码技术、生物技术等两种或两种以上组合的鑒别技术对用户进行身份鉴别。',
    );
  });

  it('falls back to items sharing most character pairs when the page orders the text differently', () => {
    // A table read column by column: no run of the quote is long enough in the page's order.
    const items = ['复杂度要求', '鉴别信息具有', '身份标识和', '无关内容在此'];
    const match = matchQuoteOnPage('身份标识和鉴别信息具有复杂度要求', items);
    expect(match.method).toBe('bigram');
    expect(match.highlights.map((h) => h.item)).toEqual([0, 1, 2]);
  });

  it('finds nothing on a page without the quote', () => {
    const items = runs('8.1.4.4 入侵防范 本项要求包括：a）应遵循最小安装的原则，仅安装需要的组件和应用程序；');
    expect(matchQuoteOnPage('应对登录的用户进行身份标识和鉴别，身份标识具有唯一性', items)).toEqual({
      highlights: [],
      method: 'none',
    });
    expect(matchQuoteOnPage('', items).method).toBe('none');
    expect(matchQuoteOnPage('身份', []).method).toBe('none');
  });
});
