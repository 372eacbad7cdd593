import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { DeliveryError, SmsPort } from '../ports/notifications';

/**
 * SMS through Twilio's Messages API. `httpClient` replaces the HTTP layer (tests point it at a
 * stand-in server); by default the twilio package's own client is used.
 */
export function createTwilioSms(opts: {
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs: number;
  httpClient?: RequestClient;
}): SmsPort {
  const client = twilio(opts.accountSid, opts.authToken, {
    timeout: opts.timeoutMs,
    autoRetry: true,
    maxRetries: 2,
    ...(opts.httpClient ? { httpClient: opts.httpClient } : {}),
  });
  const sender = opts.from.startsWith('MG') ? { messagingServiceSid: opts.from } : { from: opts.from };
  return {
    async send(sms) {
      try {
        const message = await client.messages.create({ to: sms.to, body: sms.body, ...sender });
        return { providerId: message.sid };
      } catch (err) {
        const e = err as { status?: number; code?: number; message?: string };
        // 4xx other than 401/403/429 means this request can never succeed (bad number, blocked
        // recipient); auth problems and throttling pass with time or a fixed configuration.
        const permanent =
          typeof e.status === 'number' &&
          e.status >= 400 &&
          e.status < 500 &&
          ![401, 403, 429].includes(e.status);
        throw new DeliveryError(
          `Twilio: ${e.status ?? 'error'}${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(err)}`,
          permanent,
          {
            cause: err,
          },
        );
      }
    },
    async close() {},
  };
}
