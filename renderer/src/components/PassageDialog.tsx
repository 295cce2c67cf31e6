import { useEffect, useState } from 'react';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';
import { baseName, pageLabel } from './pageLabel.ts';
import { PassageText } from './PassageText.tsx';
import { PdfPageView } from './PdfPageView.tsx';

type PassageView = 'page' | 'text';

/**
 * A cited passage in context. A PDF passage opens on its page as the PDF draws it (pdf.js), the quote highlighted;
 * a toggle switches to the extracted text, which is all other formats have: the text around the quote, the quote
 * highlighted and scrolled into view. When the page cannot be shown, the text is, with the reason.
 */
export function PassageDialog() {
  const t = useT();
  const passage = useAppStore((s) => s.passage);
  const error = useAppStore((s) => s.passageError);
  const file = useAppStore((s) => s.passageFile);
  const fileError = useAppStore((s) => s.passageFileError);
  const close = useAppStore((s) => s.closePassage);
  const showOriginal = useAppStore((s) => s.showOriginal);
  const native = useAppStore((s) => s.client?.choose != null);
  const [originalError, setOriginalError] = useState<string | null>(null);
  const [view, setView] = useState<PassageView>('page');
  const [pageFailure, setPageFailure] = useState<string | null>(null);
  // Each passage opens on its page, whatever the previous one ended on (state reset while rendering, as React advises).
  const [shownPassage, setShownPassage] = useState(passage);
  if (shownPassage !== passage) {
    setShownPassage(passage);
    setView('page');
    setPageFailure(null);
    setOriginalError(null);
  }

  const hasPage = passage?.documentType === 'pdf' && passage.pageStart !== null;
  const pageFailed = fileError ?? pageFailure;
  const pageViewAvailable = hasPage && pageFailed === null;
  const showingPage = pageViewAvailable && view === 'page';

  useEffect(() => {
    if (!passage && !error) return;
    if (!showingPage) document.querySelector('.passage-quote')?.scrollIntoView({ block: 'center' });
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [passage, error, close, showingPage]);

  if (!passage && !error) return null;
  return (
    <div className="dialog-backdrop" onClick={close}>
      <section
        className={`dialog${showingPage ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={t('passageTitle')}
        data-testid="passage-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="dialog-header">
          <h2>{t('passageTitle')}</h2>
          {passage ? (
            // The original file: in the file manager (desktop app), or a download (browser).
            <button
              type="button"
              data-testid="passage-show-file"
              onClick={() => void showOriginal(passage.documentId).then(setOriginalError)}
            >
              {native ? t('showFile') : t('downloadFile')}
            </button>
          ) : null}
          <button type="button" onClick={close}>
            {t('close')}
          </button>
        </header>
        {originalError ? (
          <p className="error" data-testid="passage-show-file-error">
            {originalError}
          </p>
        ) : null}
        {error ? (
          <p className="error">{error}</p>
        ) : passage ? (
          <>
            <p className="muted">
              {passage.documentTitle ? `${passage.documentTitle} · ` : ''}
              {baseName(passage.documentPath)}
              {passage.pageStart !== null ? ` · ${pageLabel(t, passage.pageStart, passage.pageEnd)}` : ''}
            </p>
            {file?.matchesIndex === false ? (
              <p className="warning" data-testid="pdf-file-changed">
                {t('pdfFileChanged')}
              </p>
            ) : null}
            {hasPage && pageFailed !== null ? (
              <p className="warning one-line" data-testid="pdf-unavailable" title={pageFailed}>
                {t('pdfUnavailable', { reason: pageFailed })}
              </p>
            ) : null}
            {pageViewAvailable ? (
              <div className="view-toggle" role="group" data-testid="passage-view-toggle">
                <button
                  type="button"
                  data-testid="passage-view-page"
                  aria-pressed={view === 'page'}
                  onClick={() => setView('page')}
                >
                  {t('passageViewPage')}
                </button>
                <button
                  type="button"
                  data-testid="passage-view-text"
                  aria-pressed={view === 'text'}
                  onClick={() => setView('text')}
                >
                  {t('passageViewText')}
                </button>
              </div>
            ) : null}
            {pageViewAvailable && passage.pageStart !== null ? (
              file ? (
                // Stays mounted while the text is shown: switching back does not open the document again.
                <PdfPageView
                  dataBase64={file.dataBase64}
                  pageStart={passage.pageStart}
                  pageEnd={passage.pageEnd ?? passage.pageStart}
                  quote={passage.quote}
                  hidden={!showingPage}
                  onError={setPageFailure}
                />
              ) : showingPage ? (
                <p className="muted">{t('pdfLoading')}</p>
              ) : null
            ) : null}
            {showingPage ? null : (
              <div className="passage-text">
                {passage.moreBefore ? '…' : ''}
                <PassageText text={passage.before} />
                <mark className="passage-quote" data-testid="passage-quote">
                  <PassageText text={passage.quote} />
                </mark>
                <PassageText text={passage.after} />
                {passage.moreAfter ? '…' : ''}
              </div>
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}
