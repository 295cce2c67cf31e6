// What the app remembers between runs, in a small JSON file in userData: the window's place and size, and the
// last library. A missing, damaged or strange file is ignored (defaults), never an error the user sees.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AppState {
  window?: WindowBounds & { maximized: boolean };
  /** Absolute path of the library open when the app last closed. */
  lastLibrary?: string;
}

export const APP_STATE_FILE = 'app-state.json';
/** Libraries live here unless the user picks another place: `<userData>/libraries/`. */
export const LIBRARIES_FOLDER = 'libraries';
export const LOGS_FOLDER = 'logs';
export const DEFAULT_LIBRARY_NAME = 'default.kb.sqlite';

/** The data folder's layout; creates the libraries folder (first run). */
export function prepareDataFolder(userData: string): {
  librariesDir: string;
  defaultLibrary: string;
  stateFile: string;
  logsDir: string;
} {
  const librariesDir = path.join(userData, LIBRARIES_FOLDER);
  mkdirSync(librariesDir, { recursive: true });
  return {
    librariesDir,
    defaultLibrary: path.join(librariesDir, DEFAULT_LIBRARY_NAME),
    stateFile: path.join(userData, APP_STATE_FILE),
    // main.log and engine.log (created on first write): what support asks for, as there is no telemetry.
    logsDir: path.join(userData, LOGS_FOLDER),
  };
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

export function loadAppState(file: string): AppState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const record = raw as Record<string, unknown>;
  const state: AppState = {};
  const w = record.window as Record<string, unknown> | undefined;
  if (
    typeof w === 'object' &&
    w !== null &&
    isInt(w.x) &&
    isInt(w.y) &&
    isInt(w.width) &&
    isInt(w.height) &&
    w.width > 0 &&
    w.height > 0
  ) {
    state.window = { x: w.x, y: w.y, width: w.width, height: w.height, maximized: w.maximized === true };
  }
  if (typeof record.lastLibrary === 'string' && path.isAbsolute(record.lastLibrary))
    state.lastLibrary = record.lastLibrary;
  return state;
}

/** Writes the state atomically (a crash mid-write leaves the old file). */
export function saveAppState(file: string, state: AppState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

// At least this much of the title bar area must be on a screen, or the window could not be grabbed and moved.
const MIN_VISIBLE = 100;

/** The saved bounds if they still fall on one of the screens' work areas (a monitor may have gone), else null. */
export function visibleBounds(
  saved: WindowBounds | undefined,
  workAreas: readonly WindowBounds[],
): WindowBounds | null {
  if (!saved) return null;
  const onScreen = workAreas.some((area) => {
    const overlapX = Math.min(saved.x + saved.width, area.x + area.width) - Math.max(saved.x, area.x);
    const top = saved.y >= area.y && saved.y < area.y + area.height;
    return overlapX >= MIN_VISIBLE && top;
  });
  return onScreen ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : null;
}
