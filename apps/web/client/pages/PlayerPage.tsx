import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FeedbackResult, LockStatus } from '@account-security/shared/contracts';
import { Layout } from '../components/Layout';
import { LoginHistory } from '../components/LoginHistory';
import { PlayerLockNotice } from '../components/LockStatus';
import { ProtectionEditor } from '../components/Protection';
import { TokenForm } from '../components/TokenForm';
import { useI18n } from '../i18n/I18nContext';
import { TokenClaims, hasSupportRole } from '../lib/jwt';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { useHomeCountry } from '../use-home-country';

/** A player's own account: lock state, login history, protection settings. The token's `sub` is the account. */
export function PlayerPage() {
  const { t } = useI18n();
  const { claims } = useSession();
  return (
    <Layout title={t('playerTitle')}>{claims ? <PlayerAccount claims={claims} /> : <TokenForm />}</Layout>
  );
}

function PlayerAccount({ claims }: { claims: TokenClaims }) {
  const { t, tx } = useI18n();
  const { api, describe } = useApi();
  const [home, setHome] = useHomeCountry();
  const [status, setStatus] = useState<LockStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const accountId = claims.sub;

  // Only the latest status request may land (an answer refreshes it while the first may be out).
  const statusRequest = useRef(0);
  const loadStatus = useCallback(() => {
    const n = ++statusRequest.current;
    api.status(accountId).then(
      (s) => {
        if (n !== statusRequest.current) return;
        setStatus(s);
        setStatusError(null);
      },
      (err) => n === statusRequest.current && setStatusError(describe(err)),
    );
  }, [api, accountId, describe]);

  useEffect(() => {
    loadStatus();
    return () => {
      statusRequest.current++;
    };
  }, [loadStatus]);

  // "Not me" locks the account and "it was me" may unlock it: the notice and the form follow.
  // "It was me" may also grant a travel pass: the form is read afresh, or saving it would drop it.
  const [settingsVersion, setSettingsVersion] = useState(0);
  const answering = useMemo(
    () => ({
      tokenIssuedAt: claims.iat,
      onAnswered: (result: FeedbackResult) => {
        loadStatus();
        if (result.effects.travelPass) setSettingsVersion((n) => n + 1);
      },
    }),
    [claims.iat, loadStatus],
  );

  return (
    <>
      {hasSupportRole(claims) ? (
        <p className="note">{tx('supportTokenHint', { link: <a href="/support">{t('supportTitle')}</a> })}</p>
      ) : null}
      {statusError ? (
        <p className="error" role="alert">
          {statusError}
        </p>
      ) : null}
      {status ? <PlayerLockNotice status={status} /> : null}
      <div className="columns">
        <LoginHistory
          accountId={accountId}
          homeCountry={home}
          onHomeCountryChange={setHome}
          pageSize={20}
          title={t('historyHeading')}
          answering={answering}
        />
        <ProtectionEditor key={settingsVersion} accountId={accountId} locked={status?.locked ?? false} />
      </div>
    </>
  );
}
