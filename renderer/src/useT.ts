import { useCallback } from 'react';
import { translate, type MessageKey } from './i18n.ts';
import { useAppStore } from './store/appStore.ts';

/** The translate function for the current language. */
export function useT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const language = useAppStore((s) => s.language);
  return useCallback((key, params) => translate(language, key, params), [language]);
}
