import { useState, type FormEvent } from 'react';
import type { Answer, Citation } from '../../../shared/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { alsoInLabel, baseName, pageLabel, sourceHeading } from '../components/pageLabel.ts';
import { truncatePassage } from '../../../shared/passageBlocks.ts';
import { PassageText } from '../components/PassageText.tsx';
import { useAppStore, type Exchange } from '../store/appStore.ts';
import { useT } from '../useT.ts';

function citationRef(c: Citation) {
  return { documentId: c.documentId, charStart: c.charStart, charEnd: c.charEnd };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Text with each [n] turned into a button that opens citation n. */
function WithMarkers({ text, answer, prefix }: { text: string; answer: Answer; prefix: string }) {
  const open = useAppStore((s) => s.openPassage);
  return (
    <>
      {text.split(/(\[\d+\])/).map((part, i) => {
        const n = /^\[(\d+)\]$/.exec(part)?.[1];
        const citation = n === undefined ? undefined : answer.citations.find((c) => c.n === Number(n));
        if (!citation) return part;
        return (
          <button
            key={`${prefix}-${i}`}
            type="button"
            className="marker"
            data-testid={`marker-${citation.n}`}
            onClick={() => void open(citationRef(citation))}
          >
            [{citation.n}]
          </button>
        );
      })}
    </>
  );
}

/** The answer text with its [n] markers as buttons; in a generated answer, sentences no passage backs are marked. */
function AnswerText({ answer }: { answer: Answer }) {
  const t = useT();
  const unsupported = (answer.generation?.unsupportedSentences ?? []).filter((sentence) => sentence.trim() !== '');
  if (unsupported.length === 0) {
    return (
      <div className="answer-text">
        <PassageText
          text={answer.answer}
          inline={(run, key) => <WithMarkers key={key} text={run} answer={answer} prefix={key} />}
        />
      </div>
    );
  }
  const pattern = new RegExp(`(${unsupported.map(escapeRegExp).join('|')})`);
  return (
    <div className="answer-text">
      {answer.answer.split(pattern).map((part, i) =>
        unsupported.includes(part) ? (
          <mark key={i} className="unsupported" data-testid="unsupported-sentence" title={t('unsupportedMark')}>
            <WithMarkers text={part} answer={answer} prefix={`u${i}`} />
          </mark>
        ) : (
          <WithMarkers key={i} text={part} answer={answer} prefix={`p${i}`} />
        ),
      )}
    </div>
  );
}

/** How a generated answer came about: the model, tokens, and whether it was cut short. */
function GenerationNote({ answer }: { answer: Answer }) {
  const t = useT();
  const report = answer.generation;
  if (!report) return null;
  const partial =
    report.stopReason === 'abort' ? t('stopAbort') : report.stopReason === 'maxTokens' ? t('stopMaxTokens') : null;
  return (
    <div className="generation-note" data-testid="generation-note">
      {partial ? <p className="warning">{t('partialAnswer', { reason: partial })}</p> : null}
      {report.unsupportedSentences.length > 0 ? (
        <div className="unsupported-list">
          <p className="warning">{t('unsupportedTitle')}</p>
          <ul>
            {report.unsupportedSentences.map((sentence, i) => (
              <li key={i}>{sentence}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p className="muted small">{t('generatedBy', { model: report.model, tokens: report.tokens })}</p>
    </div>
  );
}

/** A generated answer while the model writes it, with a button that stops it. */
function StreamingView() {
  const t = useT();
  const streaming = useAppStore((s) => s.streaming);
  const cancel = useAppStore((s) => s.cancelAsk);
  if (!streaming) return null;
  return (
    <article className="exchange streaming" data-testid="streaming">
      <p className="question">{streaming.question}</p>
      <div className="answer-text" data-testid="streaming-text">
        {streaming.text}
      </div>
      <div className="streaming-line">
        <span className="muted small">{t('generating')}</span>
        <button type="button" data-testid="cancel-ask" disabled={streaming.cancelling} onClick={() => void cancel()}>
          {streaming.cancelling ? t('stopping') : t('stopGenerating')}
        </button>
      </div>
    </article>
  );
}

function SourceCard({ citation }: { citation: Citation }) {
  const t = useT();
  const language = useAppStore((s) => s.language);
  const open = useAppStore((s) => s.openPassage);
  const quote = truncatePassage(citation.quote, 220);
  const also = alsoInLabel(t, citation.alsoIn, language === 'zh' ? '、' : ', ');
  return (
    <li className="source-card" data-testid="source-card">
      <button
        type="button"
        className="source-open"
        onClick={() => void open(citationRef(citation))}
        aria-label={t('openPassage')}
      >
        <span className="source-n">[{citation.n}]</span>
        <span className="source-doc" data-testid="source-standard">
          {sourceHeading(citation)}
        </span>
        {citation.level !== null ? (
          <span className="badge level">{t('levelBadge', { level: citation.level })}</span>
        ) : null}
        <span className="muted">
          {' '}
          {citation.documentTitle && citation.standard ? `${citation.documentTitle} · ` : ''}
          {baseName(citation.documentPath)} {pageLabel(t, citation.page, citation.pageEnd)}
        </span>
        <span className="heading-path" data-testid="source-heading">
          {citation.headingPath.join(' › ')}
        </span>
        <span className="quote">
          <PassageText text={quote} />
        </span>
        {also ? (
          <span className="muted small" data-testid="source-also-in">
            {also}
          </span>
        ) : null}
      </button>
    </li>
  );
}

/** What the answer assumed where the question said nothing (the level, the general standard). */
function AnswerNotes({ answer }: { answer: Answer }) {
  if (answer.notes.length === 0) return null;
  return (
    <ul className="answer-notes" data-testid="answer-notes">
      {answer.notes.map((note) => (
        <li key={note} className="muted small">
          {note}
        </li>
      ))}
    </ul>
  );
}

function ExchangeView({ exchange }: { exchange: Exchange }) {
  const t = useT();
  const answer = exchange.reply?.answer;
  return (
    <article className="exchange" data-testid="exchange" data-mode={answer?.mode}>
      <p className="question">{exchange.question}</p>
      {exchange.error ? <p className="error">{exchange.error}</p> : null}
      {answer?.status === 'not_found' ? (
        <div className="not-found" data-testid="not-found">
          <strong>{t('notFound')}</strong>
          <p>{t('notFoundBody')}</p>
          {answer.explanation ? <p className="muted">{answer.explanation}</p> : null}
        </div>
      ) : null}
      {answer?.status === 'related' ? (
        <div className={`answer related ${answer.mode}`} data-testid="related" data-mode={answer.mode}>
          <strong>{t('relatedTitle')}</strong>
          <p>{t('relatedBody')}</p>
          {answer.explanation ? <p className="muted small">{answer.explanation}</p> : null}
          <AnswerNotes answer={answer} />
          <ol className="sources">
            {answer.citations.map((c) => (
              <SourceCard key={c.n} citation={c} />
            ))}
          </ol>
        </div>
      ) : null}
      {answer?.status === 'answered' ? (
        <div className={`answer ${answer.mode}`} data-testid="answer" data-mode={answer.mode}>
          <AnswerNotes answer={answer} />
          <AnswerText answer={answer} />
          <GenerationNote answer={answer} />
          <h4>{t('sources')}</h4>
          <ol className="sources">
            {answer.citations.map((c) => (
              <SourceCard key={c.n} citation={c} />
            ))}
          </ol>
        </div>
      ) : null}
    </article>
  );
}

export function ChatScreen() {
  const t = useT();
  const exchanges = useAppStore((s) => s.exchanges);
  const asking = useAppStore((s) => s.asking);
  const ask = useAppStore((s) => s.ask);
  const mode = useAppStore((s) => s.mode);
  const setMode = useAppStore((s) => s.setMode);
  const llm = useAppStore((s) => s.info?.llm);
  const hasDocuments = useAppStore((s) => s.documents.some((d) => d.status === 'indexed'));
  const [question, setQuestion] = useState('');
  const generateAvailable = llm?.state === 'loaded';
  // A failed load has its own reason (the file, what went wrong); no model at all is said in the page's language.
  const unavailableReason = t('generateUnavailable', {
    reason: llm?.state === 'error' ? llm.message : t('generateNeedsModel'),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void ask(question);
  };
  return (
    <section className="screen chat" data-testid="chat-screen">
      <h2>{t('chatTitle')}</h2>
      <div className="exchanges">
        {exchanges.length === 0 && !asking ? (
          <EmptyState title={t('chatEmptyTitle')}>
            {hasDocuments ? t('chatEmptyBody') : t('chatNeedsDocuments')}
          </EmptyState>
        ) : (
          exchanges.map((e, i) => <ExchangeView key={i} exchange={e} />)
        )}
        <StreamingView />
      </div>
      <form className="ask-form" onSubmit={submit}>
        <div className="modes" role="radiogroup">
          <label>
            <input
              type="radio"
              name="mode"
              data-testid="mode-exact"
              checked={mode === 'exact' || !generateAvailable}
              onChange={() => setMode('exact')}
            />{' '}
            {t('modeExact')}
          </label>
          <label title={generateAvailable ? '' : unavailableReason}>
            <input
              type="radio"
              name="mode"
              data-testid="mode-generate"
              checked={mode === 'generate' && generateAvailable}
              disabled={!generateAvailable}
              onChange={() => setMode('generate')}
            />{' '}
            {t('modeGenerate')}
          </label>
          {!generateAvailable && llm ? (
            <span className="muted small" data-testid="generate-unavailable">
              {unavailableReason}
            </span>
          ) : null}
        </div>
        <div className="ask-row">
          <textarea
            data-testid="question"
            value={question}
            placeholder={t('questionPlaceholder')}
            rows={2}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
            }}
          />
          <button type="submit" data-testid="ask" disabled={asking || question.trim() === ''}>
            {asking ? t('asking') : t('ask')}
          </button>
        </div>
      </form>
    </section>
  );
}
