import { useId } from 'react';
import type { LockStatus } from '@account-security/shared/contracts';
import { useI18n } from '../i18n/I18nContext';
import { describeLockReason, notMeReporter } from '../i18n/describe';
import { browserTimeZone, formatDateTime } from '../lib/time';

/** Tells the player whether their account is locked, why, and how they can get back in. */
export function PlayerLockNotice({ status }: { status: LockStatus }) {
  const { t, lang } = useI18n();
  const id = useId();
  if (!status.locked) {
    return (
      <p className="ok-line" data-testid="lock-status">
        <span aria-hidden="true">✓</span> {t('notLocked')}
      </p>
    );
  }
  return (
    <section className="card card-danger" aria-labelledby={`${id}-h`} data-testid="lock-status">
      <h2 id={`${id}-h`}>{t('lockedHeading')}</h2>
      {status.lockedAt ? (
        <p>{t('lockedSince', { time: formatDateTime(status.lockedAt, lang, browserTimeZone()) })}</p>
      ) : null}
      <p>{t('lockedReason', { reason: describeLockReason(status.reason, lang) })}</p>
      {/* A "not me" lock sends no unlock link: only support ends it (SPEC §8). */}
      <p>{t(notMeReporter(status.reason) ? 'unlockHelpNotMe' : 'unlockHelp')}</p>
    </section>
  );
}
