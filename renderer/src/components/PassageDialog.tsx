import { useEffect } from 'react';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';
import { baseName } from './pageLabel.ts';

/** A cited passage in its surroundings, the quote highlighted and scrolled into view. */
export function PassageDialog() {
  const t = useT();
  const passage = useAppStore((s) => s.passage);
  const error = useAppStore((s) => s.passageError);
  const close = useAppStore((s) => s.closePassage);

  useEffect(() => {
    if (!passage && !error) return;
    document.querySelector('.passage-quote')?.scrollIntoView({ block: 'center' });
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [passage, error, close]);

  if (!passage && !error) return null;
  return (
    <div className="dialog-backdrop" onClick={close}>
      <section className="dialog" role="dialog" aria-modal="true" aria-label={t('passageTitle')} data-testid="passage-dialog" onClick={(e) => e.stopPropagation()}>
        <header className="dialog-header">
          <h2>{t('passageTitle')}</h2>
          <button type="button" onClick={close}>
            {t('close')}
          </button>
        </header>
        {error ? (
          <p className="error">{error}</p>
        ) : passage ? (
          <>
            <p className="muted">{passage.documentTitle ? `${passage.documentTitle} · ` : ''}{baseName(passage.documentPath)}</p>
            <div className="passage-text">
              {passage.moreBefore ? '…' : ''}
              {passage.before}
              <mark className="passage-quote" data-testid="passage-quote">
                {passage.quote}
              </mark>
              {passage.after}
              {passage.moreAfter ? '…' : ''}
            </div>
          </>
        ) : null}
      </section>
    </div>
  );
}
