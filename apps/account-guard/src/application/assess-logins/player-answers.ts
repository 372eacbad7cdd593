import type { Trx } from '../../data-access/db';
import { knownDevicesOf, knownNetworksOf } from '../../data-access/known.repository';
import { latestIpReports } from '../../data-access/reported-ip.repository';
import { deviceKey } from '../../domain/known';
import type { LoginFacts, PlayerAnswers } from '../../domain/types';

/**
 * The players' answers (SPEC §8) that bear on a batch's logins, joined to their facts: the
 * devices and networks each account's player confirmed, and the latest "not me" of each address.
 * One query per table for the whole batch (none when no login has a device id, an ASN). Read in
 * the decision transaction, after the accounts are locked, like the rest of the batch's state.
 */
export async function withPlayerAnswers(trx: Trx, logins: LoginFacts[]): Promise<LoginFacts[]> {
  if (logins.length === 0) return logins;
  const accountIds = [...new Set(logins.map((l) => l.accountId))];
  const keys = new Map(logins.flatMap((l) => (l.deviceId !== undefined ? [[l, deviceKey(l.deviceId)]] : [])));
  const asns = [...new Set(logins.flatMap((l) => (l.asn !== undefined ? [l.asn] : [])))];
  const devices = await knownDevicesOf(trx, accountIds, [...new Set(keys.values())]);
  const networks = await knownNetworksOf(trx, accountIds, asns);
  const reports = await latestIpReports(
    trx,
    logins.map((l) => l.ip),
  );
  return logins.map((l) => {
    const key = keys.get(l);
    const answers: PlayerAnswers = {};
    const reportedAt = reports.get(l.ip);
    if (reportedAt) answers.ipReportedAt = reportedAt.toISOString();
    if (key !== undefined && devices.get(l.accountId)?.has(key)) answers.knownDevice = true;
    if (l.asn !== undefined && networks.get(l.accountId)?.has(l.asn)) answers.knownNetwork = true;
    return Object.keys(answers).length > 0 ? { ...l, answers } : l;
  });
}
