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

/** Which standard and which clause: "GB/T 22239-2019 · 8.1.4.1 身份鉴别" (the title or file name when no number). */
export function sourceHeading(passage: {
  standard: string | null;
  documentTitle: string | null;
  documentPath: string;
  headingPath: string[];
}): string {
  const source = passage.standard ?? passage.documentTitle ?? baseName(passage.documentPath);
  const clause = passage.headingPath.at(-1);
  return clause ? `${source} · ${clause}` : source;
}

/** "另见：GBT22239-2019_基本要求.docx、….md", or '' without other copies. */
export function alsoInLabel(t: T, copies: { documentPath: string }[], separator: string): string {
  return copies.length ? t('alsoIn', { files: copies.map((c) => baseName(c.documentPath)).join(separator) }) : '';
}
