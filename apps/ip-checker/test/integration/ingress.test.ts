import amqplib from 'amqplib';
import {
  EVENTS_EXCHANGE,
  LOGIN_FAILED,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  RunningService,
  createEvent,
  loginFailedEvent,
  loginSucceededEvent,
} from '@account-security/shared';
import {
  MessageCollector,
  TestVhost,
  barrier,
  createTestVhost,
  signToken,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import { start } from '../../src/main';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';
const service = signToken({ sub: 'login-server-kr-1', roles: ['service'] });
const player = signToken({ sub: 'acc-1' });

let seq = 0;
const succeeded = (extra: Record<string, unknown> = {}) => {
  const n = ++seq;
  return createEvent({
    type: LOGIN_SUCCEEDED,
    source: 'game-login/kr-1',
    subject: `acc-${n}`,
    data: {
      accountId: `acc-${n}`,
      sessionId: `s-${n}`,
      ip: '8.8.8.8',
      client: { platform: 'pc', version: '1.4.2' },
      ...extra,
    },
  });
};
const failed = () => {
  const n = ++seq;
  return {
    specversion: '1.0',
    id: `failed-${n}-${Date.now()}`,
    source: 'game-login/kr-1',
    type: LOGIN_FAILED,
    time: new Date().toISOString(),
    data: {
      accountId: `typed-${n}`,
      ip: '1.2.3.4',
      client: { platform: 'pc', version: '1' },
      reason: 'bad_password',
    },
  };
};

describe('ip-checker HTTP ingress (POST /v1/events)', () => {
  let vhost: TestVhost;
  let svc: RunningService;
  let out: MessageCollector;
  const post = (body: string, headers: Record<string, string>, token: string | undefined = service) =>
    fetch(`http://127.0.0.1:${svc.port}/v1/events`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
    });
  const postStructured = (event: unknown, token?: string) =>
    post(JSON.stringify(event), { 'content-type': STRUCTURED }, token);
  const arrived = (type: string, id: string) =>
    out.of(type).filter((m) => m.body.id === id || m.body.correlationid === id);
  const expectError = async (res: Response, status: number, code: string, message?: RegExp) => {
    const body = (await res.json()) as { error?: { code: string; message: string } };
    expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
    if (message) expect(body.error?.message).toMatch(message);
  };

  /**
   * Everything the ingress published before has reached the collector: a valid login posted
   * after it goes out on the same publish channel, and the collector reads one queue in order.
   */
  const untilPublished = () =>
    barrier.afterQueue({
      vhost,
      sentinel: () => {
        const s = succeeded();
        return {
          send: async () => expect((await postStructured(s)).status).toBe(202),
          seen: () => arrived(LOGIN_SUCCEEDED, s.id).length > 0,
        };
      },
    });

  beforeAll(async () => {
    vhost = await createTestVhost('ip_checker_ingress');
    svc = await start(testEnv({ AMQP_URL: vhost.url, PUBLISH_TIMEOUT_MS: '1500' }));
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()));
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_SUCCEEDED },
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_FAILED },
      { exchange: EVENTS_EXCHANGE, routingKey: LOGIN_GEO_RESOLVED },
    ]);
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await vhost?.delete();
  });

  test('structured mode: 202 with the id, the event is on the events exchange as sent, and ip-checker resolves it', async () => {
    const e = {
      ...succeeded({ campaign: 'spring' }),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    const res = await postStructured(e);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, ids: [e.id] });
    // Confirmed before the answer: the copy is already routed.
    await waitUntil(() => arrived(LOGIN_SUCCEEDED, e.id).length > 0);
    const m = arrived(LOGIN_SUCCEEDED, e.id)[0]!;
    expect(m.body).toEqual(e);
    expect(loginSucceededEvent.safeParse(m.body).success).toBe(true);
    expect(m.properties).toMatchObject({ messageId: e.id, contentType: STRUCTURED, deliveryMode: 2 });
    await waitUntil(() => arrived(LOGIN_GEO_RESOLVED, e.id).length > 0);
    expect(arrived(LOGIN_GEO_RESOLVED, e.id)[0]!.body.data.geo.country).toBe('US');
  });

  test('binary mode: the ce-* headers are the attributes, the JSON body is the data', async () => {
    const e = succeeded();
    const res = await post(JSON.stringify(e.data), {
      'content-type': 'application/json; charset=utf-8',
      'ce-specversion': '1.0',
      'ce-id': e.id,
      'ce-source': e.source,
      'ce-type': e.type,
      'ce-time': e.time,
      'ce-subject': e.subject!,
      'ce-correlationid': e.id,
      'ce-traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, ids: [e.id] });
    await waitUntil(() => arrived(LOGIN_SUCCEEDED, e.id).length > 0);
    expect(arrived(LOGIN_SUCCEEDED, e.id)[0]!.body).toEqual({
      ...e,
      correlationid: e.id,
      datacontenttype: 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    await waitUntil(() => arrived(LOGIN_GEO_RESOLVED, e.id).length > 0);
  });

  test('batch mode: every member is published and confirmed before one 202 listing their ids', async () => {
    const events = [succeeded(), failed(), succeeded()];
    const res = await post(JSON.stringify(events), { 'content-type': BATCH });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3, ids: events.map((e) => e.id) });
    await waitUntil(() => arrived(LOGIN_FAILED, events[1]!.id).length === 1);
    expect(loginFailedEvent.safeParse(arrived(LOGIN_FAILED, events[1]!.id)[0]!.body).success).toBe(true);
    for (const e of [events[0]!, events[2]!]) {
      await waitUntil(() => arrived(LOGIN_SUCCEEDED, e.id).length > 0);
      await waitUntil(() => arrived(LOGIN_GEO_RESOLVED, e.id).length > 0);
    }
  });

  test('a single login.failed is accepted in structured mode', async () => {
    const e = failed();
    const res = await postStructured(e);
    expect(res.status).toBe(202);
    await waitUntil(() => arrived(LOGIN_FAILED, e.id).length === 1);
  });

  test.each([
    ['a bad ip', { ...succeeded(), data: { ...succeeded().data, ip: 'not-an-ip' } }, /^body\.data\.ip: /],
    ['no id', (({ id: _id, ...rest }) => rest)(succeeded()), /^body\.id: /],
    [
      'a bad failure reason',
      { ...failed(), data: { ...failed().data, reason: 'typo' } },
      /^body\.data\.reason: /,
    ],
    ['another event type', { ...succeeded(), type: 'login.geo-resolved' }, /^body\.type: /],
    ['a made-up event type', { ...succeeded(), type: 'account.deleted' }, /^body\.type: /],
  ])('structured mode with %s: 400 naming the field, nothing published', async (_what, event, field) => {
    await expectError(await postStructured(event), 400, 'INVALID_INPUT', field);
    expect(
      out.messages.filter(
        (m) => m.body.id === (event as { id?: string }).id && m.routingKey !== LOGIN_GEO_RESOLVED,
      ),
    ).toHaveLength(0);
  });

  test('binary mode names a bad header or data field', async () => {
    const e = succeeded();
    const headers = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': e.id,
      'ce-source': e.source,
      'ce-type': e.type,
      'ce-time': e.time,
    };
    await expectError(
      await post(JSON.stringify(e.data), { ...headers, 'ce-id': 'has space' }),
      400,
      'INVALID_INPUT',
      /^header\.ce-id: /,
    );
    await expectError(
      await post(JSON.stringify({ ...e.data, ip: '999.1.1.1' }), headers),
      400,
      'INVALID_INPUT',
      /^body\.ip: /,
    );
    const { 'ce-specversion': _s, ...noSpec } = headers;
    await expectError(
      await post(JSON.stringify(e.data), noSpec),
      400,
      'INVALID_INPUT',
      /^header\.ce-specversion: /,
    );
  });

  test('batch mode is all or nothing: one bad member is a 400 naming it and none is published', async () => {
    const good = succeeded();
    const bad = { ...succeeded(), id: undefined };
    await expectError(
      await post(JSON.stringify([good, failed(), bad]), { 'content-type': BATCH }),
      400,
      'INVALID_INPUT',
      /^body\[2\]\.id: /,
    );
    const tooMany = Array.from({ length: 101 }, () => succeeded());
    await expectError(
      await post(JSON.stringify(tooMany), { 'content-type': BATCH }),
      400,
      'INVALID_INPUT',
      /^body: at most 100/,
    );
    await untilPublished();
    expect(arrived(LOGIN_SUCCEEDED, good.id)).toHaveLength(0);
  });

  test('without a token 401, with a player token 403, and nothing is published', async () => {
    const e = succeeded();
    await expectError(await postStructured(e, ''), 401, 'UNAUTHORIZED');
    await expectError(await postStructured(e, player), 403, 'FORBIDDEN', /service role/);
    await untilPublished();
    expect(arrived(LOGIN_SUCCEEDED, e.id)).toHaveLength(0);
  });

  test('oversized bodies are 413 PAYLOAD_TOO_LARGE: structured over 64 KiB, batch over 1 MiB', async () => {
    const big = succeeded({ padding: 'x'.repeat(65 * 1024) });
    await expectError(await postStructured(big), 413, 'PAYLOAD_TOO_LARGE', /64 KiB/);
    const batch = Array.from({ length: 20 }, () => succeeded({ padding: 'x'.repeat(55 * 1024) }));
    await expectError(
      await post(JSON.stringify(batch), { 'content-type': BATCH }),
      413,
      'PAYLOAD_TOO_LARGE',
      /1 MiB/,
    );
    // Each member is held to the consumers' 64 KiB limit, inside a batch that fits.
    const member = succeeded({ padding: 'x'.repeat(70 * 1024) });
    await expectError(
      await post(JSON.stringify([succeeded(), member]), { 'content-type': BATCH }),
      413,
      'PAYLOAD_TOO_LARGE',
      /^body\[1\]: /,
    );
    await untilPublished();
    expect(arrived(LOGIN_SUCCEEDED, member.id)).toHaveLength(0);
  });

  test('an unknown content type is 415', async () => {
    await expectError(await post('hello', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the broker refuses the publish (no confirm), the answer is 503, never 202', async () => {
    // A queue that nacks every login.succeeded: the broker then never confirms one.
    const conn = await amqplib.connect(vhost.url);
    const ch = await conn.createChannel();
    await ch.assertQueue('ingress-test.full', {
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    await ch.bindQueue('ingress-test.full', EVENTS_EXCHANGE, LOGIN_SUCCEEDED);
    try {
      const e = succeeded();
      const started = Date.now();
      await expectError(await postStructured(e), 503, 'UNAVAILABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // it waited for the publish timeout
      await expectError(
        await post(JSON.stringify([failed(), succeeded()]), { 'content-type': BATCH }),
        503,
        'UNAVAILABLE',
      );
    } finally {
      await ch.deleteQueue('ingress-test.full');
      await conn.close();
    }
    expect((await postStructured(succeeded())).status).toBe(202);
  });
});

describe('ip-checker without AUTH_JWT_SECRET or AUTH_JWKS_URL', () => {
  test('starts as before, with the ingress off (404)', async () => {
    const vhost = await createTestVhost('ip_checker_no_ingress');
    const svc = await start(testEnv({ AMQP_URL: vhost.url, AUTH_JWT_SECRET: undefined }));
    try {
      const res = await fetch(`http://127.0.0.1:${svc.port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${service}`, 'content-type': STRUCTURED },
        body: JSON.stringify(succeeded()),
      });
      expect(res.status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${svc.port}/v1/ip/8.8.8.8`)).status).toBe(200);
    } finally {
      await svc.stop();
      await vhost.delete();
    }
  });
});
