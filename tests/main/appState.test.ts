// What the app remembers (window, last library) and where libraries live.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppState, prepareDataFolder, saveAppState, visibleBounds } from '../../electron/main/appState.ts';

const userData = mkdtempSync(path.join(tmpdir(), 'kb-userdata-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('app state', () => {
  it('creates the libraries folder on first run', () => {
    const data = prepareDataFolder(path.join(userData, 'fresh'));
    expect(existsSync(data.librariesDir)).toBe(true);
    expect(data.defaultLibrary).toBe(path.join(userData, 'fresh', 'libraries', 'default.kb.sqlite'));
  });

  it('round-trips and ignores what it does not understand', () => {
    const file = path.join(userData, 'app-state.json');
    expect(loadAppState(file)).toEqual({});
    saveAppState(file, {
      window: { x: 10, y: 20, width: 1000, height: 700, maximized: false },
      lastLibrary: '/data/a.kb.sqlite',
    });
    expect(loadAppState(file)).toEqual({
      window: { x: 10, y: 20, width: 1000, height: 700, maximized: false },
      lastLibrary: '/data/a.kb.sqlite',
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ lastLibrary: '/data/a.kb.sqlite' });
    writeFileSync(file, '{"window":{"x":"1"},"lastLibrary":"relative.kb.sqlite"}');
    expect(loadAppState(file)).toEqual({});
    writeFileSync(file, 'not json');
    expect(loadAppState(file)).toEqual({});
  });

  it('restores the window only where a screen still is', () => {
    const screenArea = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(visibleBounds({ x: 100, y: 100, width: 800, height: 600 }, [screenArea])).toEqual({
      x: 100,
      y: 100,
      width: 800,
      height: 600,
    });
    expect(visibleBounds({ x: 2500, y: 100, width: 800, height: 600 }, [screenArea])).toBeNull();
    expect(visibleBounds({ x: 100, y: -500, width: 800, height: 600 }, [screenArea])).toBeNull();
    expect(visibleBounds(undefined, [screenArea])).toBeNull();
  });
});
