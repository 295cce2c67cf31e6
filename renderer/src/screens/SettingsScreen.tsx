import { useAppStore } from '../store/appStore.ts';
import { useT } from '../useT.ts';

export function SettingsScreen() {
  const t = useT();
  const info = useAppStore((s) => s.info);
  const language = useAppStore((s) => s.language);
  const setLanguage = useAppStore((s) => s.setLanguage);
  return (
    <section className="screen" data-testid="settings-screen">
      <h2>{t('settingsTitle')}</h2>
      <dl className="settings">
        <dt>{t('settingsLanguage')}</dt>
        <dd>
          <select data-testid="language-select" value={language} onChange={(e) => setLanguage(e.target.value === 'en' ? 'en' : 'zh')}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </dd>
        {info ? (
          <>
            <dt>{t('settingsLibrary')}</dt>
            <dd>
              <code>{info.file}</code>
              <div className="muted">{t('settingsStats', { documents: info.stats.documents, chunks: info.stats.chunks, failed: info.stats.failed })}</div>
            </dd>
            <dt>{t('settingsLlm')}</dt>
            <dd data-testid="llm-status">
              <span className={`badge ${info.llm.state}`}>{info.llm.state === 'loaded' ? t('llmLoaded', { model: info.llm.model ?? '' }) : t('llmAbsent')}</span>
              <div className="muted">{info.llm.message}</div>
            </dd>
            <dt>{t('settingsEmbedding')}</dt>
            <dd data-testid="embedding-status">
              <span className={`badge ${info.semantic.state}`}>{info.semantic.state === 'on' ? t('semanticOn') : info.semantic.state === 'error' ? t('semanticError') : t('semanticOff')}</span>
              <div className="muted">{info.semantic.message}</div>
            </dd>
          </>
        ) : null}
      </dl>
      <p className="muted">{t('settingsReadOnly')}</p>
      {info ? <p className="muted small">{t('version', { version: info.version })}</p> : null}
    </section>
  );
}
