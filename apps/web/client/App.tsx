import { AnnouncerProvider } from './announcer';
import { I18nProvider } from './i18n/I18nContext';
import { PlayerPage } from './pages/PlayerPage';
import { SupportPage } from './pages/SupportPage';
import { SessionProvider } from './session';

/** Two pages, chosen by path: `/support` is the console, everything else the player's page. */
export function App() {
  const support = /^\/support\/?$/.test(window.location.pathname);
  return (
    <I18nProvider>
      <SessionProvider>
        <AnnouncerProvider>{support ? <SupportPage /> : <PlayerPage />}</AnnouncerProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
