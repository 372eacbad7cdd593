import { FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AuditPage, LockStatus, ProtectionView } from '@account-security/shared/contracts';
import { useAnnounce } from '../announcer';
import { Layout } from '../components/Layout';
import { LoginHistory } from '../components/LoginHistory';
import { ProtectionSummary } from '../components/Protection';
import { SupportHome } from '../components/SupportLists';
import { TokenForm } from '../components/TokenForm';
import { useI18n } from '../i18n/I18nContext';
import { describeAction, describeActor, describeLockReason } from '../i18n/describe';
import { ApiError } from '../lib/api';
import { hasSupportRole } from '../lib/jwt';
import { browserTimeZone, formatDateTime } from '../lib/time';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { useHomeCountry } from '../use-home-country';

/**
 * The support console. It only ever calls the support-role APIs with the staff member's own token;
 * the role check here just spares a player a page of 403s.
 */
export function SupportPage() {
  const { t } = useI18n();
  const { claims } = useSession();
  let body;
  if (!claims) body = <TokenForm />;
  else if (!hasSupportRole(claims)) {
    body = (
      <>
        <section className="card card-danger" role="alert" data-testid="support-required">
          <h2>{t('supportRoleRequired')}</h2>
          <p>{t('supportRoleExplain', { sub: claims.sub })}</p>
        </section>
        <TokenForm />
      </>
    );
  } else body = <SupportConsole />;
  return <Layout title={t('supportTitle')}>{body}</Layout>;
}

function accountFromUrl(): string {
  return new URLSearchParams(window.location.search).get('account')?.trim() ?? '';
}

function SupportConsole() {
  const { t } = useI18n();
  const id = useId();
  const [accountId, setAccountId] = useState(accountFromUrl);
  // Looking up the same account again reloads it (a fresh panel), e.g. after the player acted.
  const [lookups, setLookups] = useState(0);
  const [input, setInput] = useState(accountId);
  const homeHeading = useRef<HTMLHeadingElement>(null);
  // Opened from a list or a lookup (not on a page load): the panel's heading takes the focus.
  const [focusPanel, setFocusPanel] = useState(false);
  const [focusHome, setFocusHome] = useState(false);

  // In the address so a reload or a shared link reopens the same account (never the token).
  const setAddress = (account: string) => {
    const url = new URL(window.location.href);
    if (account) url.searchParams.set('account', account);
    else url.searchParams.delete('account');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  };
  const open = (next: string) => {
    setAddress(next);
    setInput(next);
    setAccountId(next);
    setLookups((n) => n + 1);
    setFocusPanel(true);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = input.trim();
    if (next) open(next);
  };
  const backHome = () => {
    setAddress('');
    setAccountId('');
    setFocusHome(true);
  };
  useEffect(() => {
    if (focusHome && !accountId) {
      homeHeading.current?.focus();
      setFocusHome(false);
    }
  }, [focusHome, accountId]);
  return (
    <>
      <section className="card" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('lookupHeading')}</h2>
        <form className="inline-form" role="search" onSubmit={onSubmit}>
          <label htmlFor={`${id}-account`}>{t('accountIdLabel')}</label>
          <input
            id={`${id}-account`}
            name="account"
            required
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
          <button type="submit" className="button-primary">
            {t('lookup')}
          </button>
        </form>
      </section>
      {accountId ? (
        <>
          <p className="back-link">
            <button type="button" className="button-quiet" onClick={backHome}>
              <span aria-hidden="true">←</span> {t('backToLists')}
            </button>
          </p>
          <AccountPanel key={`${accountId}#${lookups}`} accountId={accountId} focusHeading={focusPanel} />
        </>
      ) : (
        <SupportHome onOpen={open} headingRef={homeHeading} />
      )}
    </>
  );
}

type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; message: string };

function AccountPanel({ accountId, focusHeading }: { accountId: string; focusHeading: boolean }) {
  const { t, lang } = useI18n();
  const { api, describe } = useApi();
  const announce = useAnnounce();
  const [home, setHome] = useHomeCountry();
  const id = useId();
  const statusHeading = useRef<HTMLHeadingElement>(null);
  const panelHeading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<Loaded<LockStatus>>({ state: 'loading' });
  const [protection, setProtection] = useState<Loaded<ProtectionView>>({ state: 'loading' });
  const [audit, setAudit] = useState<Loaded<AuditPage>>({ state: 'loading' });
  const timeZone = browserTimeZone();
  const when = (iso: string | null | undefined) => (iso ? formatDateTime(iso, lang, timeZone) : '—');

  const settle = useCallback(
    <T,>(p: Promise<T>, set: (v: Loaded<T>) => void) =>
      p.then(
        (value) => set({ state: 'ok', value }),
        (err) => set({ state: 'error', message: describe(err) }),
      ),
    [describe],
  );

  const reloadStatusAndAudit = useCallback(
    () => Promise.all([settle(api.status(accountId), setStatus), settle(api.audit(accountId), setAudit)]),
    [api, accountId, settle],
  );

  useEffect(() => {
    if (focusHeading) panelHeading.current?.focus();
    announce(t('lookingUp', { id: accountId }), { visible: false });
    void Promise.all([reloadStatusAndAudit(), settle(api.protection(accountId), setProtection)]).then(() =>
      announce(t('accountLoaded', { id: accountId }), { visible: false }),
    );
    // Runs once per panel: each lookup mounts a new one (see its key).
  }, []);

  const loadOlderAudit = async (cursor: string) => {
    try {
      const page = await api.audit(accountId, { cursor });
      setAudit((prev) =>
        prev.state === 'ok'
          ? {
              state: 'ok',
              value: { items: [...prev.value.items, ...page.items], nextCursor: page.nextCursor },
            }
          : prev,
      );
    } catch (err) {
      setAudit({ state: 'error', message: describe(err) });
    }
  };

  return (
    <section className="account" aria-labelledby={`${id}-h`} data-testid="account-panel">
      <h2 id={`${id}-h`} ref={panelHeading} tabIndex={-1}>
        {t('accountHeading', { id: accountId })}
      </h2>
      <div className="columns">
        <div className="stack">
          <section className="card" aria-labelledby={`${id}-status`} aria-busy={status.state === 'loading'}>
            <h3 id={`${id}-status`} ref={statusHeading} tabIndex={-1}>
              {t('statusHeading')}
            </h3>
            {status.state === 'loading' ? <p className="muted">{t('loading')}</p> : null}
            {status.state === 'error' ? (
              <p className="error" role="alert">
                {status.message}
              </p>
            ) : null}
            {status.state === 'ok' ? (
              <>
                <p data-testid="lock-state">
                  <span className={`badge ${status.value.locked ? 'badge-danger' : 'badge-ok'}`}>
                    {status.value.locked ? t('statusLocked') : t('statusUnlocked')}
                  </span>
                </p>
                {status.value.locked ? (
                  <dl className="facts">
                    <dt>{t('lockedAtLabel')}</dt>
                    <dd>
                      {status.value.lockedAt ? (
                        <time dateTime={status.value.lockedAt}>{when(status.value.lockedAt)}</time>
                      ) : (
                        '—'
                      )}
                    </dd>
                    <dt>{t('reasonLabel')}</dt>
                    <dd data-testid="lock-reason">{describeLockReason(status.value.reason, lang)}</dd>
                  </dl>
                ) : null}
                {status.value.locked ? (
                  <UnlockForm
                    accountId={accountId}
                    onUnlocked={async () => {
                      await reloadStatusAndAudit();
                      statusHeading.current?.focus();
                    }}
                  />
                ) : null}
              </>
            ) : null}
          </section>

          <section className="card" aria-labelledby={`${id}-prot`} aria-busy={protection.state === 'loading'}>
            <h3 id={`${id}-prot`}>{t('protectionHeadingReadOnly')}</h3>
            {protection.state === 'loading' ? <p className="muted">{t('loading')}</p> : null}
            {protection.state === 'error' ? (
              <p className="error" role="alert">
                {protection.message}
              </p>
            ) : null}
            {protection.state === 'ok' ? (
              <>
                {protection.value.updatedAt === null ? (
                  <p className="hint">{t('protectionDefaults')}</p>
                ) : null}
                <ProtectionSummary protection={protection.value} />
              </>
            ) : null}
          </section>
        </div>

        <LoginHistory
          accountId={accountId}
          homeCountry={home}
          onHomeCountryChange={setHome}
          pageSize={10}
          title={t('recentLoginsHeading')}
          headingLevel={3}
        />
      </div>

      <section className="card" aria-labelledby={`${id}-audit`} aria-busy={audit.state === 'loading'}>
        <h3 id={`${id}-audit`}>{t('auditHeading')}</h3>
        {audit.state === 'loading' ? <p className="muted">{t('loading')}</p> : null}
        {audit.state === 'error' ? (
          <p className="error" role="alert">
            {audit.message}
          </p>
        ) : null}
        {audit.state === 'ok' && audit.value.items.length === 0 ? <p>{t('noAudit')}</p> : null}
        {audit.state === 'ok' && audit.value.items.length > 0 ? (
          <div className="table-wrap">
            <table className="audit" data-testid="audit-trail">
              <caption className="visually-hidden">{t('auditHeading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colTime')}</th>
                  <th scope="col">{t('colAction')}</th>
                  <th scope="col">{t('colBy')}</th>
                  <th scope="col">{t('colReason')}</th>
                  <th scope="col">{t('colDetails')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.value.items.map((e) => (
                  <tr key={e.id} data-action={e.action}>
                    <td>{e.at ? <time dateTime={e.at}>{when(e.at)}</time> : '—'}</td>
                    <td>
                      {describeAction(e.action, lang)} <code className="muted">{e.action}</code>
                    </td>
                    <td>{describeActor(e.actor, lang)}</td>
                    <td>{e.reason ?? '—'}</td>
                    <td>
                      <AuditDetails details={e.loginId ? { login: e.loginId, ...e.details } : e.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {audit.state === 'ok' && audit.value.nextCursor ? (
          <button type="button" onClick={() => void loadOlderAudit(audit.value.nextCursor!)}>
            {t('auditMore')}
          </button>
        ) : null}
      </section>
    </section>
  );
}

/** Nested values (a policy change's before/after) read as `policy: lock; channels: email, sms`. */
function compact(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length ? value.map(compact).join(', ') : '[]';
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${compact(v)}`)
      .join('; ');
  return String(value);
}

function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <>—</>;
  return (
    <dl className="details">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{compact(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function UnlockForm({ accountId, onUnlocked }: { accountId: string; onUnlocked(): Promise<void> }) {
  const { t } = useI18n();
  const { api, describe } = useApi();
  const announce = useAnnounce();
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('unlockReasonRequired'));
      field.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.unlock(accountId, reason.trim());
      announce(t('unlocked', { id: accountId }));
      await onUnlocked();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setError(t('unlockNotLocked'));
        await onUnlocked();
      } else setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="unlock-form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`}>{t('unlockHeading')}</h4>
      <label htmlFor={`${id}-reason`}>{t('unlockReasonLabel')}</label>
      <textarea
        id={`${id}-reason`}
        ref={field}
        name="reason"
        rows={3}
        required
        maxLength={500}
        aria-invalid={error === t('unlockReasonRequired') ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
          if (error) setError(null);
        }}
      />
      {error ? (
        <p className="error" role="alert" id={`${id}-err`}>
          {error}
        </p>
      ) : null}
      <button type="submit" className="button-danger" disabled={busy}>
        {busy ? t('unlocking') : t('unlockSubmit')}
      </button>
    </form>
  );
}
