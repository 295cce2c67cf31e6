// The built-in thesaurus is data: its shape, its families, and that every wording it expands to is one the
// standards really use (an expansion no document holds can never match, and hides a typo).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import builtin from '../../../electron/engine/question/builtinThesaurus.json' with { type: 'json' };
import { Thesaurus, type ThesaurusFile } from '../../../electron/engine/question/Thesaurus.ts';
import { foldForIndex } from '../../../electron/engine/search/ChineseSegmenter.ts';
import { CORPUS } from '../helpers.ts';

const file = builtin as ThesaurusFile;
const FAMILIES = ['abbreviation', 'colloquial', 'english', 'english-reverse', 'term'];

function corpusText(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) texts.push(readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(CORPUS, 'mlps'));
  texts.push(readFileSync(path.join(CORPUS, 'nist/sp800-53r5-controls.md'), 'utf8'));
  return foldForIndex(texts.join('\n'));
}

describe('the built-in thesaurus', () => {
  it('is versioned, several hundred entries, in the five families, each entry small', () => {
    expect(file.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
    expect(file.entries.length).toBeGreaterThanOrEqual(500);
    expect(new Set(file.entries.map((e) => e.family))).toEqual(new Set(FAMILIES));
    for (const family of FAMILIES)
      expect(file.entries.filter((e) => e.family === family).length, family).toBeGreaterThanOrEqual(30);
    for (const entry of file.entries) {
      expect(entry.ask.length, JSON.stringify(entry)).toBeGreaterThanOrEqual(1);
      expect(entry.means.length, JSON.stringify(entry)).toBeGreaterThanOrEqual(1);
      expect(entry.ask.length + entry.means.length, JSON.stringify(entry)).toBeLessThanOrEqual(14);
    }
    expect(Thesaurus.create().version).toBe(file.version);
  });

  it('asks each phrase in one entry only, and never a single Chinese character or a word every question has', () => {
    const seen = new Map<string, number>();
    file.entries.forEach((entry, index) => {
      for (const ask of entry.ask) {
        const key = foldForIndex(ask);
        expect(seen.has(key), `"${ask}" is asked in entries ${seen.get(key)} and ${index}`).toBe(false);
        seen.set(key, index);
        expect(/^\p{Script=Han}$/u.test(ask), ask).toBe(false);
        expect(['安全', '系统', '管理', '要求', '数据'], ask).not.toContain(ask);
      }
    });
  });

  it('expands only to wordings the standards use', () => {
    const text = corpusText();
    const missing = file.entries.flatMap((entry) =>
      entry.means.filter((means) => {
        const folded = foldForIndex(means);
        return /^[a-z0-9 .\-/'()&+]+$/.test(folded)
          ? !new RegExp(`\\b${folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text)
          : !text.includes(folded);
      }),
    );
    expect(missing).toEqual([]);
  });
});
