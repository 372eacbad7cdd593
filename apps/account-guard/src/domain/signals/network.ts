import type { LoginFacts } from '../types';
import { SignalFn, hasHistory } from './signal';
import type { SignalThresholds } from './thresholds';

/** The ASN never seen on this account, nor confirmed by its player ("it was me", SPEC §8). */
const isUnusedNetwork = (login: LoginFacts) =>
  login.history?.features?.asn?.account === 0 && login.answers?.knownNetwork !== true;

/** The device id never seen on an account with enough earlier logins, nor confirmed by its player. */
const isNewDevice = (login: LoginFacts, t: SignalThresholds) =>
  login.history?.features?.device?.account === 0 &&
  login.answers?.knownDevice !== true &&
  hasHistory(login, t);

/** The ASN never seen (nor confirmed) on an account with enough earlier logins. */
const isNewNetwork = (login: LoginFacts, t: SignalThresholds) =>
  isUnusedNetwork(login) && hasHistory(login, t);

export const newDeviceSignal: SignalFn = (login, _settings, t) =>
  isNewDevice(login, t) && login.history?.features?.device
    ? {
        code: 'new_device',
        level: 'unusual',
        detail: { logins: login.history.logins, seenGlobally: login.history.features.device.global },
      }
    : null;

export const newNetworkSignal: SignalFn = (login, _settings, t) =>
  isNewNetwork(login, t) && login.history
    ? {
        code: 'new_network',
        level: 'unusual',
        detail: {
          ...(login.asn !== undefined ? { asn: login.asn } : {}),
          ...(login.asOrg !== undefined ? { asOrg: login.asOrg } : {}),
          logins: login.history.logins,
        },
      }
    : null;

const alsoNew = (login: LoginFacts, t: SignalThresholds) => isNewDevice(login, t) || isNewNetwork(login, t);

/**
 * A data centre, cloud, VPN or proxy network the account has not used (nor confirmed) before:
 * unusual alone (fires on the first logins too), suspicious together with a new device or a new
 * network.
 */
export const hostingNetworkSignal: SignalFn = (login, _settings, t) => {
  if (login.network !== 'hosting' || !isUnusedNetwork(login)) return null;
  return {
    code: 'hosting_network',
    level: alsoNew(login, t) ? 'suspicious' : 'unusual',
    detail: {
      ...(login.asn !== undefined ? { asn: login.asn } : {}),
      ...(login.asOrg !== undefined ? { asOrg: login.asOrg } : {}),
    },
  };
};
