/**
 * What the replay reads of account-guard's own database, read-only, a page of logins at a time:
 * the accounts' protection settings as they are now, what was decided for the logins, and the
 * players' answers (SPEC §8) as they stand, each dated so that one made after a login was judged
 * is left out of its replay.
 */
import { listActionsOf } from '../../src/data-access/action.repository';
import type { Db } from '../../src/data-access/db';
import { latestIpReports } from '../../src/data-access/reported-ip.repository';
import { toStoredSettings } from '../../src/data-access/settings.repository';
import type { PlayerAnswers, ProtectionSettings } from '../../src/domain/types';
import type { ActualDecision } from './engine';

export async function settingsOf(db: Db, accountIds: string[]): Promise<Map<string, ProtectionSettings>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('protection_settings')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .execute();
  return new Map(rows.map((r) => [r.account_id, toStoredSettings(r).settings]));
}

/** A login's decision as stored, with what the answers are dated against and its device key. */
export interface StoredActual {
  decision: ActualDecision;
  decidedAt: Date;
  deviceKey: string | null;
}

/** The decisions of these logins and their actions (skipped notices left out), by login id. */
export async function actualOf(db: Db, loginIds: string[]): Promise<Map<string, StoredActual>> {
  const out = new Map<string, StoredActual>();
  if (loginIds.length === 0) return out;
  const rows = await db
    .selectFrom('login_decision')
    .select(['login_id', 'verdict', 'reasons', 'signals', 'shadow', 'decided_at', 'device_key'])
    .where('login_id', 'in', loginIds)
    .execute();
  const actions = await listActionsOf(
    db,
    rows.map((r) => r.login_id),
  );
  for (const r of rows) {
    out.set(r.login_id, {
      decision: {
        verdict: r.verdict,
        reasons: r.reasons,
        signals: (r.signals ?? []).map((s) => s.code),
        actions: (actions.get(r.login_id) ?? [])
          .filter((a) => a.origin === 'login' && a.status !== 'skipped')
          .map((a) => (a.type === 'notify' ? `notify:${a.channel}` : a.type)),
        shadow: r.shadow ?? false,
      },
      decidedAt: r.decided_at,
      deviceKey: r.device_key,
    });
  }
  return out;
}

export interface AnswerQuery {
  accountId: string;
  ip: string;
  asn?: number;
  deviceKey: string | null;
  /** Answers made after this (the login's decision, else the login) are left out. */
  asOf: Date;
}

/** SPEC §8's answers as they bear on each login, as of its time (the consumer's withPlayerAnswers, dated). */
export async function answersOf(db: Db, qs: AnswerQuery[]): Promise<PlayerAnswers[]> {
  const accountIds = [...new Set(qs.map((q) => q.accountId))];
  const keys = [...new Set(qs.flatMap((q) => (q.deviceKey ? [q.deviceKey] : [])))];
  const asns = [...new Set(qs.flatMap((q) => (q.asn !== undefined ? [q.asn] : [])))];
  const devices =
    accountIds.length && keys.length
      ? await db
          .selectFrom('known_device')
          .select(['account_id', 'device_key', 'confirmed_at'])
          .where('account_id', 'in', accountIds)
          .where('device_key', 'in', keys)
          .execute()
      : [];
  const networks =
    accountIds.length && asns.length
      ? await db
          .selectFrom('known_network')
          .select(['account_id', 'asn', 'confirmed_at'])
          .where('account_id', 'in', accountIds)
          .where('asn', 'in', asns)
          .execute()
      : [];
  const reports = await latestIpReports(
    db,
    qs.map((q) => q.ip),
  );
  const deviceAt = new Map(devices.map((d) => [`${d.account_id}/${d.device_key}`, d.confirmed_at]));
  const networkAt = new Map(networks.map((n) => [`${n.account_id}/${n.asn}`, n.confirmed_at]));
  const by = (at: Date | undefined, asOf: Date) => at !== undefined && at.getTime() <= asOf.getTime();
  return qs.map((q) => {
    const answers: PlayerAnswers = {};
    const reportedAt = reports.get(q.ip);
    if (reportedAt && by(reportedAt, q.asOf)) answers.ipReportedAt = reportedAt.toISOString();
    if (q.deviceKey && by(deviceAt.get(`${q.accountId}/${q.deviceKey}`), q.asOf)) answers.knownDevice = true;
    if (q.asn !== undefined && by(networkAt.get(`${q.accountId}/${q.asn}`), q.asOf))
      answers.knownNetwork = true;
    return answers;
  });
}
