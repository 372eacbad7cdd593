import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { LoginItem } from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { useI18n } from '../i18n/I18nContext';
import { countryName, isForeign } from '../lib/geo';
import { maskIp } from '../lib/ip';
import { browserTimeZone, formatDateTime } from '../lib/time';
import { useApi } from '../use-api';
import { useLatest } from '../use-latest';
import { CountryLabel, HomeCountryPicker } from './Country';

interface Props {
  accountId: string;
  homeCountry: string;
  onHomeCountryChange(code: string): void;
  pageSize: number;
  title: string;
  headingLevel?: 2 | 3;
}

/** An account's logins, newest first, paged with the API's nextCursor; foreign rows stand out. */
export function LoginHistory(props: Props) {
  const { accountId, homeCountry, onHomeCountryChange, pageSize, title } = props;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  const { t, lang } = useI18n();
  const { api, describe } = useApi();
  const announce = useAnnounce();
  const tLatest = useLatest(t);
  const id = useId();
  const [items, setItems] = useState<LoginItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  // Answers to an older request (another account, a superseded refresh) must not land here.
  const generation = useRef(0);
  const timeZone = browserTimeZone();

  const load = useCallback(
    async (cursor: string | null) => {
      const gen = cursor ? generation.current : ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.logins(accountId, { limit: pageSize, cursor });
        if (gen !== generation.current) return;
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        if (cursor) announce(tLatest.current('loginsLoaded', { n: page.items.length }), { visible: false });
        setNextCursor(page.nextCursor ?? null);
        if (!cursor) setRevealed(new Set());
      } catch (err) {
        if (gen === generation.current) setError(describe(err));
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [api, accountId, pageSize, describe, announce, tLatest],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const toggle = (loginId: string) =>
    setRevealed((prev) => {
      const next = new Set(prev);
      if (next.has(loginId)) next.delete(loginId);
      else next.add(loginId);
      return next;
    });

  const foreignCount = items.filter((i) => isForeign(i.country, homeCountry)).length;

  return (
    <section className="card" aria-labelledby={`${id}-h`} aria-busy={loading}>
      <div className="card-head">
        <Heading id={`${id}-h`}>{title}</Heading>
        <button type="button" className="button-quiet" onClick={() => void load(null)} disabled={loading}>
          {t('refresh')}
        </button>
      </div>
      <HomeCountryPicker value={homeCountry} onChange={onHomeCountryChange} />
      <p className="hint">{t('historyTimes', { tz: timeZone })}</p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {items.length === 0 && !loading && !error ? <p>{t('noLogins')}</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="history" data-testid="login-history" data-foreign-count={foreignCount}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colCountry')}</th>
                <th scope="col">{t('colIp')}</th>
                <th scope="col">{t('colPlatform')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const foreign = isForeign(item.country, homeCountry);
                const shown = revealed.has(item.id);
                const time = formatDateTime(item.loggedInAt, lang, timeZone);
                return (
                  <tr
                    key={item.id}
                    className={foreign ? 'foreign' : undefined}
                    data-foreign={foreign ? 'true' : 'false'}
                    data-login-id={item.id}
                    title={foreign ? t('foreignRow', { country: countryName(homeCountry, lang) }) : undefined}
                  >
                    <td>
                      <time dateTime={item.loggedInAt}>{time}</time>
                    </td>
                    <td>
                      <CountryLabel country={item.country} />
                      {foreign ? (
                        <>
                          {' '}
                          <span className="badge badge-warn">{t('foreign')}</span>
                        </>
                      ) : null}
                    </td>
                    <td className="ip-cell">
                      <code data-testid="ip">{shown ? item.ip : maskIp(item.ip)}</code>{' '}
                      <button
                        type="button"
                        className="button-small"
                        aria-pressed={shown}
                        aria-label={t(shown ? 'hideIpLabel' : 'showIpLabel', { time })}
                        onClick={() => toggle(item.id)}
                      >
                        {t(shown ? 'hideIp' : 'showIp')}
                      </button>
                    </td>
                    <td>
                      {item.client.platform} <span className="muted">{item.client.version}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {loading ? <p className="muted">{t('loading')}</p> : null}
      {!loading && nextCursor ? (
        <button type="button" onClick={() => void load(nextCursor)}>
          {t('loadMore')}
        </button>
      ) : null}
      {!loading && !nextCursor && items.length > 0 ? <p className="muted">{t('historyEnd')}</p> : null}
    </section>
  );
}
