import type { AnswerKeys, FoundAnswers } from '../../data-access/batch.repository';
import { ipKey } from '../../data-access/reported-ip.repository';
import { deviceKey } from '../../domain/known';
import type { LoginFacts, PlayerAnswers } from '../../domain/types';

/**
 * What of the players' answers (SPEC §8) bears on a batch's logins: the device keys and ASNs
 * its players may have confirmed, and the addresses that may have been reported "not me".
 * Read with the rest of the batch's state (readBatchState), in the same round trip.
 */
export function answerKeysOf(logins: LoginFacts[]): AnswerKeys {
  return {
    deviceKeys: [
      ...new Set(logins.flatMap((l) => (l.deviceId !== undefined ? [deviceKey(l.deviceId)] : []))),
    ],
    asns: [...new Set(logins.flatMap((l) => (l.asn !== undefined ? [l.asn] : [])))],
    ipKeys: [...new Set(logins.map((l) => ipKey(l.ip)))],
  };
}

/** The answers found, joined to each login's facts (a login without any is returned as it is). */
export function withPlayerAnswers(logins: LoginFacts[], found: FoundAnswers): LoginFacts[] {
  return logins.map((l) => {
    const answers: PlayerAnswers = {};
    const reportedAt = found.reports.get(ipKey(l.ip));
    if (reportedAt) answers.ipReportedAt = reportedAt.toISOString();
    if (l.deviceId !== undefined && found.devices.get(l.accountId)?.has(deviceKey(l.deviceId)))
      answers.knownDevice = true;
    if (l.asn !== undefined && found.networks.get(l.accountId)?.has(l.asn)) answers.knownNetwork = true;
    return Object.keys(answers).length > 0 ? { ...l, answers } : l;
  });
}
