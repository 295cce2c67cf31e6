import type { MessageKey } from '../i18n.ts';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** "第 12 页" / "pp. 12–13", or '' for formats without pages. */
export function pageLabel(t: T, start: number | null, end: number | null): string {
  if (start === null) return '';
  return end === null || end === start ? t('page', { page: start }) : t('pages', { start, end });
}

/** The file name of a path, for display (either separator). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
