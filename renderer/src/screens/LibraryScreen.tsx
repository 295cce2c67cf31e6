import { useRef, useState, type DragEvent } from 'react';
import {
  DOCUMENT_KINDS,
  type DocumentInfo,
  type DocumentProfile,
  type DocumentProfileChanges,
} from '../../../shared/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { documentTypeKey } from '../components/documentTypeLabel.ts';
import { describeError, describeFailedFile, describeSkippedFile } from '../describeError.ts';
import { baseName } from '../components/pageLabel.ts';
import { formatDuration, type MessageKey } from '../i18n.ts';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';

const STATUS_KEY: Record<DocumentInfo['status'], MessageKey> = {
  indexed: 'statusIndexed',
  failed: 'statusFailed',
  pending: 'statusPending',
  removed: 'statusRemoved',
};

function DropZone() {
  const t = useT();
  const upload = useAppStore((s) => s.uploadFiles);
  const addDropped = useAppStore((s) => s.addDropped);
  const busy = useAppStore((s) => s.job !== null);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    // Read now: the browser empties the DataTransfer when this handler returns.
    if (!busy) void addDropped(event.dataTransfer);
  };
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}${busy ? ' busy' : ''}`}
      data-testid="drop-zone"
      role="button"
      tabIndex={0}
      onClick={() => !busy && input.current?.click()}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && !busy && input.current?.click()}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <strong>{t('dropTitle')}</strong>
      <span className="muted">{t('dropHint')}</span>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        accept=".pdf,.ofd,.docx,.doc,.wps,.xlsx,.xlsm,.xls,.et,.ods,.pptx,.md,.markdown,.txt,.text,.html,.htm,.csv"
        onChange={(e) => {
          void upload([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </div>
  );
}

/** "Add folder…": the native dialog in the desktop app; the browser's folder picker (files uploaded) otherwise. */
function AddFolderButton() {
  const t = useT();
  const native = useAppStore((s) => s.client?.choose != null);
  const chooseAndAdd = useAppStore((s) => s.chooseAndAddFolders);
  const upload = useAppStore((s) => s.uploadFiles);
  const busy = useAppStore((s) => s.job !== null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        data-testid="add-folder"
        disabled={busy}
        onClick={() => (native ? void chooseAndAdd() : input.current?.click())}
      >
        {t('addFolder')}
      </button>
      {native ? null : (
        <input
          ref={(element) => {
            input.current = element;
            element?.setAttribute('webkitdirectory', '');
          }}
          type="file"
          hidden
          data-testid="folder-input"
          onChange={(e) => {
            // Hidden files of the folder (.git, .DS_Store…) stay behind, as the engine would skip them.
            const files = [...(e.target.files ?? [])].filter(
              (file) => !file.webkitRelativePath.split('/').some((part) => part.startsWith('.')),
            );
            void upload(files);
            e.target.value = '';
          }}
        />
      )}
    </>
  );
}

function Sources() {
  const t = useT();
  const sources = useAppStore((s) => s.sources);
  const rescan = useAppStore((s) => s.rescan);
  const busy = useAppStore((s) => s.job !== null);
  if (sources.length === 0) return null;
  return (
    <section className="library-sources" data-testid="sources">
      <div className="section-title">
        <h3>{t('sourcesTitle')}</h3>
        <button type="button" data-testid="rescan-all" disabled={busy} onClick={() => void rescan()}>
          {t('rescanAll')}
        </button>
      </div>
      <p className="muted small">{t('sourcesHint')}</p>
      <ul className="source-list">
        {sources.map((source) => (
          <li key={source.path} className={source.kind} data-testid="source">
            <span
              className={`badge ${source.kind === 'missing' ? 'failed' : 'indexed'}`}
              title={source.kind === 'missing' ? t('sourceMissingHint') : undefined}
            >
              {source.kind === 'folder'
                ? t('sourceFolder')
                : source.kind === 'file'
                  ? t('sourceFile')
                  : t('sourceMissing')}
            </span>
            <code title={source.path}>{source.path}</code>
            <span className="muted small">{t('sourceDocuments', { count: source.documents })}</span>
            <button
              type="button"
              className="link"
              data-testid="rescan-source"
              disabled={busy || source.kind === 'missing'}
              onClick={() => void rescan(source.path)}
            >
              {t('rescan')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function IngestStatus() {
  const t = useT();
  const language = useAppStore((s) => s.language);
  const job = useAppStore((s) => s.job);
  const lastJob = useAppStore((s) => s.lastJob);
  const cancel = useAppStore((s) => s.cancelIngest);

  if (job) {
    const p = job.progress;
    const percent = p && p.filesTotal > 0 ? Math.round((p.filesDone / p.filesTotal) * 100) : 0;
    return (
      <div className="ingest" data-testid="ingest-progress">
        <div className="ingest-line">
          <strong>{t('ingesting')}</strong>
          <span data-testid="ingest-files">
            {p ? t('filesProgress', { done: p.filesDone, total: p.filesTotal }) : '…'}
          </span>
          <span data-testid="ingest-percent">{percent} %</span>
          {p ? <span className="muted">{t('rate', { rate: p.filesPerSecond.toFixed(1) })}</span> : null}
          {p?.etaMs != null ? (
            <span className="muted">{t('eta', { eta: formatDuration(language, p.etaMs) })}</span>
          ) : null}
          <button type="button" onClick={() => void cancel()} disabled={!job.jobId}>
            {t('cancel')}
          </button>
        </div>
        <progress max={100} value={percent} aria-label={t('ingesting')} />
        {p?.currentFile ? <div className="muted">{t('currentFile', { file: baseName(p.currentFile) })}</div> : null}
      </div>
    );
  }
  if (!lastJob) return null;
  const s = lastJob.summary;
  return (
    <div className={`ingest done${lastJob.error ? ' error' : ''}`} data-testid="ingest-done">
      {s && !s.cancelled ? <progress max={100} value={100} /> : null}
      <span>
        {lastJob.error
          ? t('ingestFailed', { error: describeError(lastJob.error, language) })
          : s?.cancelled
            ? t('ingestCancelled')
            : t('ingestDone', {
                indexed: s?.indexed ?? 0,
                unchanged: s?.unchanged ?? 0,
                failed: s?.failed.length ?? 0,
                skipped: s?.skipped.length ?? 0,
              })}
      </span>
      {s && s.skipped.length > 0 ? (
        <ul className="reasons">
          {s.skipped.map((f) => (
            <li key={f.path} title={f.detail}>
              {baseName(f.path)}: {describeSkippedFile(f.reason, f.detail, language)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function SemanticStatus() {
  const t = useT();
  const semantic = useAppStore((s) => s.info?.semantic);
  if (!semantic) return null;
  const label =
    semantic.state === 'on' ? t('semanticOn') : semantic.state === 'error' ? t('semanticError') : t('semanticOff');
  return (
    <p className={`semantic ${semantic.state}`} data-testid="semantic-status" title={semantic.message}>
      {label}
    </p>
  );
}

const PROFILE_TEXT_FIELDS = ['standard', 'title', 'year', 'sector', 'region'] as const;
const FIELD_LABEL: Record<keyof DocumentProfile, MessageKey> = {
  standard: 'docStandard',
  title: 'docTitle',
  year: 'docYear',
  kind: 'docKind',
  sector: 'docSector',
  region: 'docRegion',
};
const SECTOR_KEYS = ['finance', 'securities', 'power', 'healthcare', 'telecom', 'transport', 'education'] as const;

/** "GB/T 22239-2019 · 信息安全技术 网络安全等级保护基本要求 · 基本要求", with its sector and region. */
function ProfileLine({ document }: { document: DocumentInfo }) {
  const t = useT();
  const p = document.profile;
  const sector =
    p.sector && (SECTOR_KEYS as readonly string[]).includes(p.sector)
      ? t(`sector_${p.sector}` as MessageKey)
      : p.sector;
  const parts = [
    p.standard,
    p.title,
    p.year && !(p.standard ?? '').endsWith(p.year) ? p.year : null,
    t(`kind_${p.kind}` as MessageKey),
    sector,
    p.region,
  ].filter(Boolean);
  return (
    <div className="muted small" data-testid="document-profile">
      {parts.join(' · ')}
      {document.profileEdited.length ? <span className="badge edited"> {t('profileEdited')}</span> : null}
    </div>
  );
}

/** Corrects what a document is: each field set by hand, or back to what was read from the document. */
function ProfileEditor({ document, onDone }: { document: DocumentInfo; onDone: () => void }) {
  const t = useT();
  const save = useAppStore((s) => s.setDocumentProfile);
  const [values, setValues] = useState<Record<keyof DocumentProfile, string>>(() => ({
    standard: document.profile.standard ?? '',
    title: document.profile.title ?? '',
    year: document.profile.year ?? '',
    kind: document.profile.kind,
    sector: document.profile.sector ?? '',
    region: document.profile.region ?? '',
  }));
  const [error, setError] = useState<string | null>(null);
  const submit = async (changes: DocumentProfileChanges) => {
    const problem = await save(document.id, changes);
    if (problem) setError(problem);
    else onDone();
  };
  const changed = (): DocumentProfileChanges => {
    const changes: DocumentProfileChanges = {};
    for (const field of [...PROFILE_TEXT_FIELDS, 'kind'] as const) {
      if (values[field] !== (document.profile[field] ?? '')) changes[field] = values[field];
    }
    return changes;
  };
  return (
    <form
      className="profile-editor"
      data-testid="profile-editor"
      onSubmit={(e) => {
        e.preventDefault();
        const changes = changed();
        if (Object.keys(changes).length === 0) onDone();
        else void submit(changes);
      }}
    >
      {PROFILE_TEXT_FIELDS.map((field) => (
        <label key={field}>
          {t(FIELD_LABEL[field])}
          <input
            data-testid={`profile-${field}`}
            value={values[field]}
            onChange={(e) => setValues({ ...values, [field]: e.target.value })}
          />
        </label>
      ))}
      <label>
        {t('docKind')}
        <select
          data-testid="profile-kind"
          value={values.kind}
          onChange={(e) => setValues({ ...values, kind: e.target.value })}
        >
          {DOCUMENT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kind_${kind}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <div className="row-actions">
        <button type="submit" data-testid="profile-save">
          {t('saveProfile')}
        </button>
        {document.profileEdited.length ? (
          <button
            type="button"
            className="link"
            data-testid="profile-reset"
            onClick={() => void submit(Object.fromEntries(document.profileEdited.map((f) => [f, null])))}
          >
            {t('resetProfile')}
          </button>
        ) : null}
        <button type="button" className="link" onClick={onDone}>
          {t('cancelEdit')}
        </button>
      </div>
      {error ? <p className="error">{error}</p> : null}
    </form>
  );
}

function DocumentList() {
  const language = useAppStore((s) => s.language);
  const t = useT();
  const documents = useAppStore((s) => s.documents);
  const remove = useAppStore((s) => s.removeDocument);
  const showOriginal = useAppStore((s) => s.showOriginal);
  const native = useAppStore((s) => s.client?.choose != null);
  const busy = useAppStore((s) => s.job !== null);
  const [originalError, setOriginalError] = useState<{ id: number; message: string } | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const show = async (id: number) => {
    const error = await showOriginal(id);
    setOriginalError(error ? { id, message: error } : null);
  };
  if (documents.length === 0) {
    return (
      <EmptyState title={t('noDocumentsTitle')} testId="library-empty">
        {t('noDocumentsBody')}
      </EmptyState>
    );
  }
  return (
    <table className="documents" data-testid="document-list">
      <thead>
        <tr>
          <th>{t('colDocument')}</th>
          <th>{t('colStatus')}</th>
          <th>{t('colPassages')}</th>
          <th>{t('colPages')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <tr key={d.id} className={d.status}>
            <td>
              <div title={d.path}>
                {baseName(d.path)}
                {d.type ? (
                  <span className="muted" data-testid="document-type">
                    {' · '}
                    {t(documentTypeKey(d.type))}
                  </span>
                ) : null}
              </div>
              {d.status === 'indexed' ? <ProfileLine document={d} /> : null}
              {editing === d.id ? <ProfileEditor document={d} onDone={() => setEditing(null)} /> : null}
              {d.error ? (
                <div className="error" title={d.error} data-testid="document-error">
                  {describeFailedFile(d.errorCode, d.error, language)}
                </div>
              ) : null}
              {originalError?.id === d.id ? (
                <div className="error" data-testid="original-error">
                  {originalError.message}
                </div>
              ) : null}
            </td>
            <td>
              <span className={`badge ${d.status}`}>{t(STATUS_KEY[d.status])}</span>
            </td>
            <td>{d.chunkCount}</td>
            <td>{d.pageCount ?? '—'}</td>
            <td className="row-actions">
              {d.status === 'indexed' ? (
                <button
                  type="button"
                  className="link"
                  data-testid="edit-profile"
                  onClick={() => setEditing(editing === d.id ? null : d.id)}
                >
                  {t('editProfile')}
                </button>
              ) : null}
              <button type="button" className="link" data-testid="show-original" onClick={() => void show(d.id)}>
                {native ? t('showFile') : t('downloadFile')}
              </button>
              <button type="button" className="link" disabled={busy} onClick={() => void remove(d.id)}>
                {t('remove')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** First run (an empty library): where the library lives, and that a local model can be imported in Settings. */
function FirstRunHint() {
  const t = useT();
  const file = useAppStore((s) => s.info?.file);
  const empty = useAppStore((s) => s.documents.length === 0 && s.job === null);
  const llmLoaded = useAppStore((s) => s.info?.llm.state === 'loaded');
  const setScreen = useAppStore((s) => s.setScreen);
  if (!empty || !file) return null;
  return (
    <div className="first-run" data-testid="first-run">
      <strong>{t('firstRunTitle')}</strong>
      <p>{t('firstRunLibrary', { file })}</p>
      {llmLoaded ? null : (
        <p>
          {t('firstRunModel')}{' '}
          <button type="button" className="link" data-testid="first-run-settings" onClick={() => setScreen('settings')}>
            {t('openSettings')}
          </button>
        </p>
      )}
    </div>
  );
}

export function LibraryScreen() {
  const t = useT();
  const error = useAppStore((s) => s.libraryError);
  return (
    <section className="screen" data-testid="library-screen">
      <h2>{t('libraryTitle')}</h2>
      <FirstRunHint />
      <DropZone />
      <div className="toolbar">
        <AddFolderButton />
      </div>
      <IngestStatus />
      {error ? (
        <p className="error" data-testid="library-error">
          {error}
        </p>
      ) : null}
      <SemanticStatus />
      <Sources />
      <h3>{t('documents')}</h3>
      <DocumentList />
    </section>
  );
}
