import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import { Highlight } from '../components/Highlight.tsx';
import { truncatePassage } from '../../../shared/passageBlocks.ts';
import { PassageText } from '../components/PassageText.tsx';
import { alsoInLabel, baseName, pageLabel, sourceHeading } from '../components/pageLabel.ts';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';

export function SearchScreen() {
  const t = useT();
  const hits = useAppStore((s) => s.hits);
  const searching = useAppStore((s) => s.searching);
  const error = useAppStore((s) => s.searchError);
  const search = useAppStore((s) => s.search);
  const open = useAppStore((s) => s.openPassage);
  const language = useAppStore((s) => s.language);
  const [query, setQuery] = useState(useAppStore.getState().query);
  return (
    <section className="screen" data-testid="search-screen">
      <h2>{t('searchTitle')}</h2>
      <form
        className="ask-row"
        onSubmit={(e) => {
          e.preventDefault();
          void search(query);
        }}
      >
        <input
          type="search"
          data-testid="search-input"
          value={query}
          placeholder={t('searchPlaceholder')}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" disabled={searching || query.trim() === ''}>
          {t('search')}
        </button>
      </form>
      {error ? <p className="error">{error}</p> : null}
      {hits === null ? (
        <EmptyState title={t('searchEmptyTitle')}>{t('searchEmptyBody')}</EmptyState>
      ) : hits.length === 0 ? (
        <p>{t('noHits')}</p>
      ) : (
        <ol className="hits" data-testid="hits">
          {hits.map((hit) => (
            <li key={hit.chunkId} className="hit">
              <button type="button" className="source-open" onClick={() => void open(hit)}>
                <span className="source-doc" data-testid="hit-standard">
                  {sourceHeading(hit)}
                </span>
                <span className="heading-path">{hit.headingPath.join(' › ')}</span>
                <span className="muted">
                  {hit.documentTitle ?? baseName(hit.documentPath)} · {baseName(hit.documentPath)}{' '}
                  {pageLabel(t, hit.pageStart, hit.pageEnd)} · {t('score', { score: hit.score.toFixed(2) })}
                </span>
                <span className="quote">
                  <PassageText
                    text={truncatePassage(hit.text, 400)}
                    inline={(run, key) => <Highlight key={key} text={run} terms={hit.matchedTerms} />}
                  />
                </span>
                {hit.alsoIn.length ? (
                  <span className="muted small" data-testid="hit-also-in">
                    {alsoInLabel(t, hit.alsoIn, language === 'zh' ? '、' : ', ')}
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
