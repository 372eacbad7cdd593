import { ReactNode, useEffect } from 'react';
import { LanguageSwitch, useI18n } from '../i18n/I18nContext';
import { useSession } from '../session';

/** Landmarks every page shares: banner with the session and language, main, footer. */
export function Layout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  const { claims, signOut } = useSession();
  useEffect(() => {
    document.title = `${title} · ${t('appTitle')}`;
  }, [title, t]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <p className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{' '}
            {t('appTitle')}
          </p>
          <div className="header-tools">
            {claims ? (
              <>
                <span className="who" data-testid="signed-in-as">
                  {t('signedInAs', { sub: claims.sub })}
                </span>
                <button type="button" className="button-quiet" onClick={signOut}>
                  {t('signOut')}
                </button>
              </>
            ) : null}
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('footer')}</p>
      </footer>
    </>
  );
}
