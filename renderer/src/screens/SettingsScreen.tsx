import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import {
  GPU_MODES,
  type GpuMode,
  type LlmModelInfo,
  type LlmModelStatus,
  type LoadLlmOptions,
} from '../../../shared/engineApi.ts';
import { describeError } from '../describeError.ts';
import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

function formatParameters(count: number | null): string {
  if (count === null) return '—';
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)} B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)} M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(0)} K`;
  return String(count);
}

/** A whole number typed in a field, or undefined when blank (the engine's default). */
function optionalWhole(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** A model's facts and the fit estimate: of the loaded model, or of a file checked before loading. */
function ModelFacts({
  info,
  fit,
  prefix,
}: {
  info: LlmModelInfo | null;
  fit: LlmModelStatus['fit'];
  prefix: 'llm' | 'inspect';
}) {
  const t = useT();
  return (
    <div data-testid={`${prefix}-facts`}>
      {info ? (
        <dl className="facts">
          <dt>{t('modelArchitecture')}</dt>
          <dd data-testid={`${prefix}-architecture`}>{info.architecture}</dd>
          <dt>{t('modelParameters')}</dt>
          <dd>{formatParameters(info.parameters)}</dd>
          <dt>{t('modelQuantization')}</dt>
          <dd data-testid={`${prefix}-quantization`}>{info.quantization ?? '—'}</dd>
          <dt>{t('modelSize')}</dt>
          <dd data-testid={`${prefix}-size`}>{formatBytes(info.sizeBytes)}</dd>
          <dt>{t('modelContext')}</dt>
          <dd>{info.contextLength ?? '—'}</dd>
        </dl>
      ) : null}
      {fit ? (
        <p className={`fit ${fit.fits ? 'ok' : 'bad'}`} data-testid={`${prefix}-fit`} title={fit.summary}>
          {t('modelFits', { verdict: fit.fits ? t('fits') : t('doesNotFit') })}
          <span className="muted small"> {fit.summary}</span>
        </p>
      ) : null}
    </div>
  );
}

function LlmDetails({ llm }: { llm: LlmModelStatus }) {
  const t = useT();
  return (
    <div className="model-details" data-testid="llm-info">
      <ModelFacts info={llm.info} fit={llm.fit} prefix="llm" />
      <p className="muted small" data-testid="gpu-status">
        {llm.gpu
          ? t('gpuFound', {
              backend: `${llm.gpu.backend}${llm.gpu.devices.length > 0 ? ` (${llm.gpu.devices.join(', ')})` : ''}`,
            })
          : t('gpuNotStarted')}
      </p>
    </div>
  );
}

function LlmSettings() {
  const t = useT();
  const llm = useAppStore((s) => s.models?.llm ?? null);
  const summary = useAppStore((s) => s.info?.llm ?? null);
  const busy = useAppStore((s) => s.llmBusy);
  const progress = useAppStore((s) => s.llmLoadProgress);
  const error = useAppStore((s) => s.llmError);
  const load = useAppStore((s) => s.loadLlm);
  const unload = useAppStore((s) => s.unloadLlm);
  const inspection = useAppStore((s) => s.llmInspection);
  const inspecting = useAppStore((s) => s.llmInspecting);
  const inspectError = useAppStore((s) => s.llmInspectError);
  const inspect = useAppStore((s) => s.inspectLlm);
  const choosePath = useAppStore((s) => s.choosePath);
  const native = useAppStore((s) => s.client?.choose != null);
  const pathOf = useAppStore((s) => s.client?.pathOf);
  const [path, setPath] = useState(llm?.path ?? '');
  const [dropMessage, setDropMessage] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  /** A new file: shown in the field and checked at once (metadata and fit), before anyone loads it. */
  const pick = (chosen: string) => {
    setPath(chosen);
    setDropMessage(null);
    void inspect(chosen);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    if (!file.name.toLowerCase().endsWith('.gguf')) return setDropMessage(t('llmDropNotGguf', { file: file.name }));
    const dropped = pathOf?.(file) ?? null;
    if (dropped === null) return setDropMessage(t('llmDropNoPath'));
    pick(dropped);
  };
  const [gpu, setGpu] = useState<GpuMode>('auto');
  const [gpuLayers, setGpuLayers] = useState('auto');
  const [contextSize, setContextSize] = useState('');
  const [threads, setThreads] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const layers = gpuLayers.trim() === '' || gpuLayers.trim() === 'auto' ? 'auto' : optionalWhole(gpuLayers);
    const context = optionalWhole(contextSize);
    const threadCount = optionalWhole(threads);
    const options: LoadLlmOptions = {
      gpu,
      ...(layers === undefined ? {} : { gpuLayers: layers }),
      ...(context === undefined ? {} : { contextSize: context }),
      ...(threadCount === undefined ? {} : { threads: threadCount }),
    };
    void load(path, options);
  };

  const state = llm?.state ?? summary?.state ?? 'absent';
  const label =
    state === 'loaded'
      ? t('llmLoaded', { model: summary?.model ?? llm?.info?.fileName ?? '' })
      : state === 'error'
        ? t('llmError')
        : t('llmAbsent');
  return (
    <>
      <dt>{t('settingsLlm')}</dt>
      <dd>
        <div data-testid="llm-status">
          <span className={`badge ${state}`}>{label}</span>
          {/* The engine's own words only for an error (they name the file and the reason); the rest is said here. */}
          <div className="muted" data-testid="llm-status-help">
            {state === 'error'
              ? (llm?.message ?? summary?.message)
              : state === 'loaded'
                ? t('llmLoadedHelp')
                : t('llmAbsentHelp')}
          </div>
        </div>
        <form
          className={`model-form${over ? ' over' : ''}`}
          data-testid="llm-drop"
          onSubmit={submit}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <label className="wide">
            {t('llmPath')}
            <span className="path-row">
              <input
                type="text"
                data-testid="llm-path"
                value={path}
                placeholder={t('llmPathPlaceholder')}
                spellCheck={false}
                onChange={(e) => setPath(e.target.value)}
                onBlur={() => path.trim() !== '' && path.trim() !== inspection?.path && void inspect(path)}
              />
              {native ? (
                <button
                  type="button"
                  data-testid="llm-choose"
                  disabled={busy}
                  onClick={() => void choosePath('llmFile').then((chosen) => chosen && pick(chosen))}
                >
                  {t('chooseFile')}
                </button>
              ) : null}
              <button
                type="button"
                data-testid="llm-check"
                disabled={busy || inspecting || path.trim() === ''}
                onClick={() => void inspect(path)}
              >
                {t('checkModel')}
              </button>
            </span>
            <span className="muted small">{t('llmDropHint')}</span>
          </label>
          <label>
            {t('gpuMode')}
            <select data-testid="llm-gpu" value={gpu} onChange={(e) => setGpu(e.target.value as GpuMode)}>
              {GPU_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {mode === 'auto'
                    ? t('gpuAuto')
                    : mode === 'cpu'
                      ? t('gpuCpu')
                      : mode === 'cuda'
                        ? 'CUDA'
                        : mode === 'metal'
                          ? 'Metal'
                          : 'Vulkan'}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('gpuLayers')}
            <input
              type="text"
              data-testid="llm-gpu-layers"
              value={gpuLayers}
              placeholder={t('gpuLayersHint')}
              size={6}
              onChange={(e) => setGpuLayers(e.target.value)}
            />
          </label>
          <label>
            {t('contextSize')}
            <input
              type="number"
              data-testid="llm-context"
              min={64}
              step={256}
              value={contextSize}
              placeholder={t('defaultValue')}
              onChange={(e) => setContextSize(e.target.value)}
            />
          </label>
          <label>
            {t('threads')}
            <input
              type="number"
              data-testid="llm-threads"
              min={1}
              value={threads}
              placeholder={t('defaultValue')}
              onChange={(e) => setThreads(e.target.value)}
            />
          </label>
          <div className="buttons">
            <button type="submit" data-testid="llm-load" disabled={busy || path.trim() === ''}>
              {busy ? t('loadingModel') : t('loadModel')}
            </button>
            <button
              type="button"
              data-testid="llm-unload"
              disabled={busy || state !== 'loaded'}
              onClick={() => void unload()}
            >
              {t('unloadModel')}
            </button>
          </div>
        </form>
        {busy && progress !== null ? (
          <div data-testid="llm-load-progress">
            <progress max={1} value={progress} />
            <span className="muted small"> {t('loadProgress', { percent: Math.round(progress * 100) })}</span>
          </div>
        ) : null}
        {dropMessage ? (
          <p className="error" data-testid="llm-drop-message">
            {dropMessage}
          </p>
        ) : null}
        {inspecting ? <p className="muted small">{t('checkingModel')}</p> : null}
        {inspectError ? (
          <p className="error" data-testid="llm-inspect-error">
            {inspectError}
          </p>
        ) : null}
        {inspection && inspection.path !== llm?.path ? (
          <div className="model-details inspected">
            <p className="muted small">
              {t('llmInspected')} <code>{inspection.path}</code>
            </p>
            <ModelFacts info={inspection.info} fit={inspection.fit} prefix="inspect" />
          </div>
        ) : null}
        {error ? (
          <p className="error" data-testid="llm-error">
            {error}
          </p>
        ) : null}
        {llm ? <LlmDetails llm={llm} /> : null}
      </dd>
    </>
  );
}

function EmbeddingSettings() {
  const language = useAppStore((s) => s.language);
  const t = useT();
  const semantic = useAppStore((s) => s.models?.embedding ?? s.info?.semantic ?? null);
  const job = useAppStore((s) => s.embeddingJob);
  const done = useAppStore((s) => s.embeddingDone);
  const error = useAppStore((s) => s.embeddingError);
  const setModel = useAppStore((s) => s.setEmbeddingModel);
  const cancel = useAppStore((s) => s.cancelEmbedding);
  const choosePath = useAppStore((s) => s.choosePath);
  const native = useAppStore((s) => s.client?.choose != null);
  const [dir, setDir] = useState(semantic?.modelPath ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void setModel(dir);
  };
  return (
    <>
      <dt>{t('settingsEmbedding')}</dt>
      <dd>
        {semantic ? (
          <div data-testid="embedding-status">
            <span className={`badge ${semantic.state}`}>
              {semantic.state === 'on'
                ? t('semanticOn')
                : semantic.state === 'error'
                  ? t('semanticError')
                  : t('semanticOff')}
            </span>
            <div className="muted" data-testid="embedding-status-help">
              {semantic.state === 'error'
                ? semantic.message
                : semantic.state === 'on'
                  ? t('semanticOnHelp', {
                      model: semantic.modelPath ?? semantic.modelId ?? '',
                      chunks: semantic.embeddedChunks,
                    })
                  : t('semanticOffHelp')}
            </div>
          </div>
        ) : null}
        <form className="model-form" onSubmit={submit}>
          <label className="wide">
            {t('embeddingDir')}
            <span className="path-row">
              <input
                type="text"
                data-testid="embedding-dir"
                value={dir}
                placeholder={t('embeddingDirPlaceholder')}
                spellCheck={false}
                onChange={(e) => setDir(e.target.value)}
              />
              {native ? (
                <button
                  type="button"
                  data-testid="embedding-choose"
                  onClick={() => void choosePath('embeddingFolder').then((chosen) => chosen && setDir(chosen))}
                >
                  {t('chooseFolder')}
                </button>
              ) : null}
            </span>
          </label>
          <div className="buttons">
            <button type="submit" data-testid="embedding-set" disabled={job !== null || dir.trim() === ''}>
              {t('setEmbedding')}
            </button>
            {job ? (
              <button type="button" onClick={() => void cancel()} disabled={!job.jobId}>
                {t('cancel')}
              </button>
            ) : null}
          </div>
        </form>
        {job ? (
          <div data-testid="embedding-progress">
            <progress max={job.progress?.total || 1} value={job.progress?.embedded ?? 0} />
            <span className="muted small">
              {' '}
              {t('embeddingRunning', { done: job.progress?.embedded ?? 0, total: job.progress?.total ?? '…' })}
            </span>
          </div>
        ) : null}
        {done ? (
          <p className={done.error ? 'error' : 'muted'} data-testid="embedding-done">
            {done.error
              ? t('embeddingFailed', { error: describeError(done.error, language) })
              : t('embeddingFinished', { embedded: done.embedded ?? 0 })}
          </p>
        ) : null}
        {error ? <p className="error">{t('embeddingFailed', { error })}</p> : null}
      </dd>
    </>
  );
}

/** The library's own thesaurus: what people say → the documents' wording; recorded with every answer. */
function ThesaurusSettings() {
  const t = useT();
  const thesaurus = useAppStore((s) => s.thesaurus);
  const error = useAppStore((s) => s.thesaurusError);
  const refresh = useAppStore((s) => s.refreshThesaurus);
  const add = useAppStore((s) => s.addSynonym);
  const remove = useAppStore((s) => s.removeSynonym);
  const [ask, setAsk] = useState('');
  const [means, setMeans] = useState('');
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const wordings = means
    .split(/[,，、;；]/)
    .map((m) => m.trim())
    .filter(Boolean);
  return (
    <>
      <dt>{t('thesaurusTitle')}</dt>
      <dd data-testid="thesaurus">
        {thesaurus ? (
          <p className="muted small">
            {t('thesaurusHelp', { builtin: thesaurus.builtinEntries, version: thesaurus.version })}
          </p>
        ) : null}
        {thesaurus && thesaurus.own.length === 0 ? <p className="muted">{t('thesaurusEmpty')}</p> : null}
        <ul className="synonyms">
          {thesaurus?.own.map((entry) => (
            <li key={entry.id} data-testid="synonym">
              <span>{entry.ask}</span> → <span>{entry.means.join('、')}</span>{' '}
              <button type="button" className="link" data-testid="synonym-remove" onClick={() => void remove(entry.id)}>
                {t('thesaurusRemove')}
              </button>
            </li>
          ))}
        </ul>
        <form
          className="synonym-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (ask.trim() === '' || wordings.length === 0) return;
            void add(ask.trim(), wordings).then((ok) => {
              if (ok) {
                setAsk('');
                setMeans('');
              }
            });
          }}
        >
          <input
            data-testid="synonym-ask"
            value={ask}
            placeholder={t('thesaurusAsk')}
            onChange={(e) => setAsk(e.target.value)}
          />
          <input
            data-testid="synonym-means"
            value={means}
            placeholder={t('thesaurusMeans')}
            onChange={(e) => setMeans(e.target.value)}
          />
          <button type="submit" data-testid="synonym-add" disabled={ask.trim() === '' || wordings.length === 0}>
            {t('thesaurusAdd')}
          </button>
        </form>
        {error ? <p className="error">{error}</p> : null}
      </dd>
    </>
  );
}

export function SettingsScreen() {
  const t = useT();
  const info = useAppStore((s) => s.info);
  const models = useAppStore((s) => s.models);
  const language = useAppStore((s) => s.language);
  const setLanguage = useAppStore((s) => s.setLanguage);
  return (
    <section className="screen" data-testid="settings-screen">
      <h2>{t('settingsTitle')}</h2>
      <dl className="settings">
        <dt>{t('settingsLanguage')}</dt>
        <dd>
          <select
            data-testid="language-select"
            value={language}
            onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'zh')}
          >
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </dd>
        {info ? (
          <>
            <dt>{t('settingsLibrary')}</dt>
            <dd>
              <code data-testid="library-path">{info.file}</code>
              <div className="muted">
                {t('settingsStats', {
                  documents: info.stats.documents,
                  chunks: info.stats.chunks,
                  failed: info.stats.failed,
                })}
              </div>
            </dd>
            {models ? (
              <>
                <dt>{t('dataFolder')}</dt>
                <dd>
                  <code data-testid="data-folder">{models.dataFolder}</code>
                </dd>
              </>
            ) : null}
            <LlmSettings />
            <EmbeddingSettings />
            <ThesaurusSettings />
          </>
        ) : null}
      </dl>
      <p className="muted">{t('settingsModelsHint')}</p>
      {info ? <p className="muted small">{t('version', { version: info.version })}</p> : null}
    </section>
  );
}
