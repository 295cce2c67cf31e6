import { useEffect } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';

/** Offers text as a downloaded file (a Blob URL: no network, allowed by the CSP's img/blob rules). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function HistoryScreen() {
  const t = useT();
  const history = useAppStore((s) => s.history);
  const error = useAppStore((s) => s.historyError);
  const refresh = useAppStore((s) => s.refreshHistory);
  const exportConversation = useAppStore((s) => s.exportConversation);
  const open = useAppStore((s) => s.openPassage);

  useEffect(() => {
    if (history === null) void refresh();
  }, [history, refresh]);

  const exportOne = async (conversationId: number) => {
    const markdown = await exportConversation(conversationId);
    if (markdown !== null) download(`conversation-${conversationId}.md`, markdown);
  };

  return (
    <section className="screen" data-testid="history-screen">
      <h2>{t('historyTitle')}</h2>
      {error ? <p className="error">{error}</p> : null}
      {history && history.length === 0 ? (
        <EmptyState title={t('historyEmptyTitle')}>{t('historyEmptyBody')}</EmptyState>
      ) : null}
      <ol className="history">
        {[...(history ?? [])].reverse().map((entry) => (
          <li key={entry.messageId} className="history-entry">
            <div className="history-head">
              <strong>{entry.question}</strong>
              <button type="button" className="link" onClick={() => void exportOne(entry.conversationId)}>
                {t('exportMarkdown')}
              </button>
            </div>
            <div className="muted small">
              {t('askedAt', { time: new Date(entry.askedAt).toLocaleString() })} ·{' '}
              {entry.answer.status === 'not_found' ? t('notFound') : `${entry.answer.citations.length} ${t('sources')}`}
            </div>
            <ul className="history-citations">
              {entry.answer.citations.map((c) => (
                <li key={c.n}>
                  <button type="button" className="link" onClick={() => void open(c)}>
                    [{c.n}] {c.headingPath.at(-1) ?? c.documentTitle}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
