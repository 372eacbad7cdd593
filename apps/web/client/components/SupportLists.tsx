import { MouseEvent, Ref, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AlertItem, LockedAccountItem } from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { useI18n } from '../i18n/I18nContext';
import { describeActor, describeLockReason } from '../i18n/describe';
import { describeAnswer, describeVerdict, orderedSignals } from '../lib/signals';
import { browserTimeZone, formatDateTime } from '../lib/time';
import { useApi } from '../use-api';
import { useLatest } from '../use-latest';
import { CountryLabel } from './Country';
import { SignalList } from './LoginOutcome';

const VERDICT_BADGE = { trusted: 'badge-ok', unusual: 'badge-warn', suspicious: 'badge-danger' } as const;
const PAGE = 20;

interface Paged<T> {
  items: T[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

/**
 * Keyset paging over one of the support lists: the first page on mount (and whenever `fetch`
 * changes), then "more" appends the next one. Answers to a superseded first page are dropped.
 */
function usePaged<T>(fetch: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const { describe } = useApi();
  const announce = useAnnounce();
  const t = useLatest(useI18n().t);
  const [state, setState] = useState<Paged<T>>({ items: [], nextCursor: null, loading: true, error: null });
  const generation = useRef(0);
  const load = useCallback(
    async (cursor: string | null) => {
      const gen = cursor ? generation.current : ++generation.current;
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const page = await fetch(cursor);
        if (gen !== generation.current) return;
        setState((s) => ({
          items: cursor ? [...s.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          loading: false,
          error: null,
        }));
        if (cursor) announce(t.current('moreLoaded', { n: page.items.length }), { visible: false });
      } catch (err) {
        if (gen === generation.current) setState((s) => ({ ...s, loading: false, error: describe(err) }));
      }
    },
    [fetch, describe, announce, t],
  );
  useEffect(() => {
    void load(null);
  }, [load]);
  return { ...state, load };
}

/** A link to the account's view: a real address (opens in a new tab too), handled in place. */
function AccountLink({ accountId, onOpen }: { accountId: string; onOpen(accountId: string): void }) {
  const { t } = useI18n();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onOpen(accountId);
  };
  return (
    <a
      href={`/support?account=${encodeURIComponent(accountId)}`}
      onClick={onClick}
      aria-label={t('openAccountLabel', { id: accountId })}
      data-testid="open-account"
    >
      {accountId}
    </a>
  );
}

/** SPEC §9: the console's home, what needs a look: locked accounts and recent alerts. */
export function SupportHome({
  onOpen,
  headingRef,
}: {
  onOpen(accountId: string): void;
  headingRef?: Ref<HTMLHeadingElement>;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-h`} data-testid="support-home">
      <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
        {t('supportHomeHeading')}
      </h2>
      <LockedAccounts onOpen={onOpen} />
      <RecentAlerts onOpen={onOpen} />
    </section>
  );
}

function LockedAccounts({ onOpen }: { onOpen(accountId: string): void }) {
  const { t, lang } = useI18n();
  const { api } = useApi();
  const id = useId();
  const timeZone = browserTimeZone();
  const fetch = useCallback((cursor: string | null) => api.lockedAccounts({ limit: PAGE, cursor }), [api]);
  const list = usePaged<LockedAccountItem>(fetch);
  return (
    <section
      className="card"
      aria-labelledby={`${id}-h`}
      aria-busy={list.loading}
      data-testid="locked-section"
    >
      <div className="card-head">
        <h3 id={`${id}-h`}>{t('lockedListHeading')}</h3>
        <button
          type="button"
          className="button-quiet"
          onClick={() => void list.load(null)}
          disabled={list.loading}
        >
          {t('refresh')}
        </button>
      </div>
      {list.error ? (
        <p className="error" role="alert">
          {list.error}
        </p>
      ) : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p>{t('noLocked')}</p> : null}
      {list.items.length ? (
        <div className="table-wrap">
          <table data-testid="locked-accounts">
            <caption className="visually-hidden">{t('lockedListHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colAccount')}</th>
                <th scope="col">{t('colLockedSince')}</th>
                <th scope="col">{t('colReason')}</th>
                <th scope="col">{t('colBy')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.accountId} data-account={a.accountId}>
                  <th scope="row">
                    <AccountLink accountId={a.accountId} onOpen={onOpen} />
                  </th>
                  <td>
                    <time dateTime={a.lockedAt}>{formatDateTime(a.lockedAt, lang, timeZone)}</time>
                  </td>
                  <td>{describeLockReason(a.reason, lang)}</td>
                  <td>{describeActor(a.lockedBy, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.loading ? <p className="muted">{t('loading')}</p> : null}
      {!list.loading && list.nextCursor ? (
        <button type="button" onClick={() => void list.load(list.nextCursor)}>
          {t('moreLocked')}
        </button>
      ) : null}
    </section>
  );
}

const SINCE_DAYS = [1, 7, 30] as const;

function RecentAlerts({ onOpen }: { onOpen(accountId: string): void }) {
  const { t, lang } = useI18n();
  const { api } = useApi();
  const id = useId();
  const timeZone = browserTimeZone();
  const [days, setDays] = useState<(typeof SINCE_DAYS)[number]>(7);
  const fetch = useCallback(
    (cursor: string | null) =>
      api.alerts({ since: new Date(Date.now() - days * 86_400_000).toISOString(), limit: PAGE, cursor }),
    [api, days],
  );
  const list = usePaged<AlertItem>(fetch);
  return (
    <section
      className="card"
      aria-labelledby={`${id}-h`}
      aria-busy={list.loading}
      data-testid="alerts-section"
    >
      <div className="card-head">
        <h3 id={`${id}-h`}>{t('alertsHeading')}</h3>
        <button
          type="button"
          className="button-quiet"
          onClick={() => void list.load(null)}
          disabled={list.loading}
        >
          {t('refresh')}
        </button>
      </div>
      <div className="list-tools">
        <label htmlFor={`${id}-since`}>{t('alertsSince')}</label>
        <select
          id={`${id}-since`}
          value={days}
          onChange={(e) => setDays(Number(e.target.value) as (typeof SINCE_DAYS)[number])}
        >
          {SINCE_DAYS.map((d) => (
            <option key={d} value={d}>
              {t(`since_${d}`)}
            </option>
          ))}
        </select>
      </div>
      {list.error ? (
        <p className="error" role="alert">
          {list.error}
        </p>
      ) : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p>{t('noAlerts')}</p> : null}
      {list.items.length ? (
        <div className="table-wrap">
          <table data-testid="alerts">
            <caption className="visually-hidden">{t('alertsHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colAccount')}</th>
                <th scope="col">{t('colCountry')}</th>
                <th scope="col">{t('colVerdict')}</th>
                <th scope="col">{t('colSignals')}</th>
                <th scope="col">{t('colAnswer')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.loginEventId} data-login-event-id={a.loginEventId} data-verdict={a.verdict}>
                  <td>
                    <time dateTime={a.loggedInAt}>{formatDateTime(a.loggedInAt, lang, timeZone)}</time>
                  </td>
                  <td>
                    <AccountLink accountId={a.accountId} onOpen={onOpen} />
                  </td>
                  <td>
                    <CountryLabel country={a.country} />
                  </td>
                  <td>
                    <span className={`badge ${VERDICT_BADGE[a.verdict]}`}>
                      {describeVerdict(a.verdict, lang)}
                    </span>{' '}
                    <span className="muted risk">{t('riskScore', { risk: a.risk })}</span>
                  </td>
                  <td>
                    {a.signals.length ? (
                      <SignalList
                        signals={orderedSignals(a.signals)}
                        label={t('colSignals')}
                        timeZone={timeZone}
                      />
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-testid="alert-answer">
                    {describeAnswer(a.answer, lang, 'support') ?? (
                      <span className="muted">{t('answerNone')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.loading ? <p className="muted">{t('loading')}</p> : null}
      {!list.loading && list.nextCursor ? (
        <button type="button" onClick={() => void list.load(list.nextCursor)}>
          {t('moreAlerts')}
        </button>
      ) : null}
    </section>
  );
}
