import type { SignalFn } from './signal';

/** This IP failed to log in to many distinct accounts in the window before this success. */
export const credentialStuffingSignal: SignalFn = (login, _settings, t) => {
  const f = login.history?.failures;
  return f && f.ipAccounts >= t.credentialStuffingMinAccounts
    ? {
        code: 'credential_stuffing_ip',
        level: 'suspicious',
        detail: { ip: login.ip, accounts: f.ipAccounts, windowMinutes: f.windowMinutes },
      }
    : null;
};

/** Many failed logins on this account in the window before this success. */
export const bruteForceSignal: SignalFn = (login, _settings, t) => {
  const f = login.history?.failures;
  return f && f.account >= t.bruteForceMinFailures
    ? {
        code: 'brute_force',
        level: 'suspicious',
        detail: { failures: f.account, windowMinutes: f.windowMinutes },
      }
    : null;
};
