import { BatchItem, LOGIN_RECORDED, LoginRecordedEvent, Logger } from '@account-security/shared';
import type { ExportedLogin } from '@account-security/shared';
import { toDeliveredLogin } from '../../src/application/assess-logins/delivered-login';
import type { LoginFacts } from '../../src/domain/types';

/** No login of a replay is logged as the consumer logs a delivery. */
const silent = new Proxy({}, { get: () => () => undefined }) as unknown as Logger;

/**
 * An exported login as the consumer's decide step sees it: the login.recorded it received,
 * mapped by the consumer's own toDeliveredLogin (the home country from the event, else
 * HOME_COUNTRY). A partial line (recorded before the export existed) has no session id.
 */
export function factsOf(line: ExportedLogin, homeCountry: string): LoginFacts {
  const event = {
    specversion: '1.0',
    id: line.loginEventId,
    source: 'login-history',
    type: LOGIN_RECORDED,
    time: line.loggedInAt,
    subject: line.data.accountId,
    correlationid: line.loginEventId,
    datacontenttype: 'application/json',
    data: { ...line.data, sessionId: line.data.sessionId ?? '' },
  } as unknown as LoginRecordedEvent;
  const item = { event, ctx: { log: silent } } as unknown as BatchItem<typeof LOGIN_RECORDED>;
  return toDeliveredLogin(item, homeCountry).facts;
}
