import { BatchItem, LOGIN_RECORDED, Logger, loginIdOf } from '@account-security/shared';
import type { Action } from '../../domain/actions';
import type { LoginFacts } from '../../domain/types';
import type { StoredDecision } from '../../data-access/decision.repository';

/** One login of a batch as delivered: the first delivery of its id (duplicates share it). */
export interface DeliveredLogin {
  loginId: string;
  event: BatchItem<typeof LOGIN_RECORDED>['event'];
  log: Logger;
  facts: LoginFacts;
}

/** A login's decision after the decide step, with its actions; `created` when this batch made it. */
export interface DecidedLogin {
  decision: StoredDecision;
  actions: Action[];
  created: boolean;
}

export function toDeliveredLogin(
  item: BatchItem<typeof LOGIN_RECORDED>,
  homeCountry: string,
): DeliveredLogin {
  const { event } = item;
  const data = event.data;
  const loginId = loginIdOf(event);
  return {
    loginId,
    event,
    // The item's child logger is made on first use: most logins log nothing.
    get log() {
      return item.ctx.log;
    },
    facts: {
      loginId,
      accountId: data.accountId,
      sessionId: data.sessionId,
      ip: data.ip,
      country: data.geo.country,
      ...(data.geo.reason ? { countryUnknownReason: data.geo.reason } : {}),
      homeCountry: data.homeCountry ?? homeCountry,
      at: event.time,
      ...(data.client.deviceId !== undefined ? { deviceId: data.client.deviceId } : {}),
      ...(data.geo.asn !== undefined ? { asn: data.geo.asn } : {}),
      ...(data.geo.asOrg !== undefined ? { asOrg: data.geo.asOrg } : {}),
      ...(data.geo.network !== undefined ? { network: data.geo.network } : {}),
      history: {
        logins: data.history.logins,
        globalLogins: data.history.globalLogins,
        features: data.history.features,
        travel: data.history.travel,
        failures: data.history.failures,
      },
    },
  };
}
