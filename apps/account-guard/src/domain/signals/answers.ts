import type { SignalFn } from './signal';

const DAY_MS = 86_400_000;

/**
 * A player answered "not me" (SPEC §8) for a login from this IP within the window before this
 * login (a report stamped after it counts too: the address was reported by the time it is
 * judged). Needs no past of this account, so it fires on its first logins as well. `days` is the
 * window (REPORTED_IP_DAYS).
 */
export const reportedIpSignal: SignalFn = (login, _settings, t) => {
  const reportedAt = login.answers?.ipReportedAt;
  if (reportedAt === undefined) return null;
  if (Date.parse(login.at) - Date.parse(reportedAt) > t.reportedIpDays * DAY_MS) return null;
  return {
    code: 'reported_ip',
    level: 'suspicious',
    detail: { reportedAt, days: t.reportedIpDays },
  };
};

/**
 * The account's player confirmed this device or this network with "it was me" (SPEC §8); the
 * network signals then take them as known (see network.ts).
 */
export const confirmedByPlayerSignal: SignalFn = (login) => {
  const device = login.answers?.knownDevice === true;
  const network = login.answers?.knownNetwork === true;
  return device || network
    ? { code: 'confirmed_by_player', level: 'info', detail: { device, network } }
    : null;
};
