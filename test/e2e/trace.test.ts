/**
 * One login, one trace: the three services as separate processes export their spans over
 * OTLP/HTTP (JSON) to a receiver inside this test.
 */
import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EVENTS_EXCHANGE, LOGIN_SUCCEEDED, createEvent } from '@account-security/shared';
import { publishRaw, waitUntil } from '@account-security/shared/testing';
import { Harness, IPS, playerToken, startHarness } from '../support/harness';

jest.setTimeout(120_000);

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Trace ids of the span's links. */
  links: string[];
}

async function startReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value
          ?.stringValue;
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              name: s.name,
              links: (s.links ?? []).map((l: { traceId: string }) => l.traceId),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}`, spans };
}

describe('trace context through the suite', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startHarness('trace', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  });
  afterAll(async () => {
    await h?.stop();
    await new Promise((r) => receiver?.server.close(r));
  });

  test('a login.succeeded with a traceparent is one trace through the three services, and its follow-ups and commands carry it', async () => {
    const accountId = 'acc-trace';
    const res = await h.api(
      'account-guard',
      'PUT',
      `/v1/accounts/${accountId}/protection`,
      playerToken(accountId),
      {
        policy: 'kick',
        channels: ['email'],
        email: 'trace@example.test',
        trustedCountries: [],
        locale: 'en',
      },
    );
    expect(res.status).toBe(200);

    const traceId = randomUUID().replace(/-/g, '');
    const traceparent = `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
    const event = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/trace',
      subject: accountId,
      traceparent,
      data: {
        accountId,
        sessionId: `sess-${randomUUID()}`,
        ip: IPS.JP,
        client: { platform: 'pc', version: '2.1.0' },
        homeCountry: 'KR',
      },
    });
    await publishRaw(h.vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, event);

    const byLogin = (rk: string) => h.events.of(rk).filter((m) => m.body.correlationid === event.id);
    await waitUntil(
      () => byLogin('login.assessed').length === 1 && byLogin('session.kick').length === 1,
      30000,
      'assessed and kicked',
    );
    for (const rk of ['login.geo-resolved', 'login.recorded', 'login.assessed', 'session.kick']) {
      const [m] = byLogin(rk);
      expect({ rk, trace: String(m?.body.traceparent).slice(3, 35) }).toEqual({ rk, trace: traceId });
      expect({ rk, header: String(m?.properties.headers?.traceparent).slice(3, 35) }).toEqual({
        rk,
        header: traceId,
      });
    }

    const services = () => new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
    await waitUntil(() => services().size === 3, 30000, 'spans of the three services');
    expect([...services()].sort()).toEqual(['account-guard', 'ip-checker', 'login-history']);
    const names = receiver.spans.filter((s) => s.traceId === traceId).map((s) => `${s.service} ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ip-checker consume /),
        'ip-checker publish login.geo-resolved',
        expect.stringMatching(/^login-history consume /),
        'login-history publish login.recorded',
        expect.stringMatching(/^account-guard consume /),
        'account-guard publish login.assessed',
        'account-guard publish session.kick',
      ]),
    );
    // Batch consumers: one span for the batch, linked to the login's trace; its database spans under it.
    const batches = () => receiver.spans.filter((s) => /^handle /.test(s.name) && s.links.includes(traceId));
    await waitUntil(() => new Set(batches().map((b) => b.service)).size === 2, 30000, 'batch spans');
    expect(new Set(batches().map((b) => b.service))).toEqual(new Set(['login-history', 'account-guard']));
    for (const b of batches()) {
      const dbSpans = receiver.spans.filter((s) => s.traceId === b.traceId && /^db /.test(s.name));
      expect({ service: b.service, db: dbSpans.length > 0 }).toEqual({ service: b.service, db: true });
    }
  });

  test('an HTTP request with a traceparent is answered in that trace, and its server span is exported', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const url = `${h.suite.url('login-history')}/v1/accounts/acc-trace/logins`;
    const res = await fetch(url, {
      headers: {
        authorization: `Bearer ${playerToken('acc-trace')}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await waitUntil(
      () =>
        receiver.spans.some(
          (s) => s.traceId === traceId && s.service === 'login-history' && /^GET /.test(s.name),
        ),
      30000,
      'server span',
    );
  });
});
