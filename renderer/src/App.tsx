import { useEffect } from 'react';
import type { MessageKey } from './i18n.ts';
import { PassageDialog } from './components/PassageDialog.tsx';
import { ChatScreen } from './screens/ChatScreen.tsx';
import { HistoryScreen } from './screens/HistoryScreen.tsx';
import { LibraryScreen } from './screens/LibraryScreen.tsx';
import { SearchScreen } from './screens/SearchScreen.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { useAppStore, type Screen } from './store/appStore.ts';
import { useT } from './useT.ts';

const NAV: { screen: Screen; label: MessageKey }[] = [
  { screen: 'library', label: 'navLibrary' },
  { screen: 'chat', label: 'navChat' },
  { screen: 'search', label: 'navSearch' },
  { screen: 'history', label: 'navHistory' },
  { screen: 'settings', label: 'navSettings' },
];

function CurrentScreen({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'library':
      return <LibraryScreen />;
    case 'chat':
      return <ChatScreen />;
    case 'search':
      return <SearchScreen />;
    case 'history':
      return <HistoryScreen />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return screen satisfies never;
  }
}

export function App() {
  const t = useT();
  const screen = useAppStore((s) => s.screen);
  const setScreen = useAppStore((s) => s.setScreen);
  const language = useAppStore((s) => s.language);
  const setLanguage = useAppStore((s) => s.setLanguage);
  const client = useAppStore((s) => s.client);
  const connectionError = useAppStore((s) => s.connectionError);
  const connect = useAppStore((s) => s.connect);

  useEffect(() => {
    void connect();
  }, [connect]);

  return (
    <div className="app">
      <nav className="sidebar">
        <h1>{t('appTitle')}</h1>
        <ul>
          {NAV.map((item) => (
            <li key={item.screen}>
              <button
                type="button"
                data-testid={`nav-${item.screen}`}
                className={screen === item.screen ? 'active' : ''}
                aria-current={screen === item.screen ? 'page' : undefined}
                onClick={() => setScreen(item.screen)}
              >
                {t(item.label)}
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="language"
          data-testid="language-switch"
          onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}
        >
          {t('languageSwitch')}
        </button>
      </nav>
      <main className="content">
        {connectionError ? (
          <div className="empty-state error" data-testid="connection-error">
            <h3>{t('connectFailed')}</h3>
            <p>{connectionError}</p>
          </div>
        ) : client ? (
          <CurrentScreen screen={screen} />
        ) : (
          <p className="muted">{t('connecting')}</p>
        )}
      </main>
      <PassageDialog />
    </div>
  );
}
