import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import { DeliveryError, SmsPort } from '../ports/notifications';

/**
 * The twilio package's own HTTP client, sending every request to `apiUrl` (scheme, host and
 * port; Twilio's paths are kept) instead of Twilio's hosts.
 */
export function redirectedHttpClient(apiUrl: string): RequestClient {
  const base = apiUrl.replace(/\/+$/, '');
  class RedirectedClient extends RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, base) });
    }
  }
  return new RedirectedClient({ keepAlive: true });
}

/**
 * SMS through Twilio's Messages API. `apiUrl` (TWILIO_API_URL) or `httpClient` replaces where
 * requests go (a proxy, a stand-in server in tests); by default the twilio package's own client
 * talks to api.twilio.com.
 */
export function createTwilioSms(opts: {
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs: number;
  apiUrl?: string;
  httpClient?: RequestClient;
}): SmsPort {
  const httpClient = opts.httpClient ?? (opts.apiUrl ? redirectedHttpClient(opts.apiUrl) : undefined);
  const client = twilio(opts.accountSid, opts.authToken, {
    timeout: opts.timeoutMs,
    autoRetry: true,
    maxRetries: 2,
    ...(httpClient ? { httpClient } : {}),
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
