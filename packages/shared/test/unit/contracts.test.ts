import {
  ACCOUNT_LOCKED,
  LOGIN_GEO_RESOLVED,
  LOGIN_SUCCEEDED,
  MessageType,
  createEvent,
  followUp,
  followUpId,
  loginIdOf,
  messageSchemas,
  parseMessage,
} from '../../src';

const envelope = (type: string, data: unknown) => ({
  specversion: '1.0',
  id: '0b6c9a4e-1c1f-4a43-9a53-6b1a3e3c1a11',
  source: 'game-login/kr-1',
  type,
  time: '2026-11-21T10:15:00.000Z',
  subject: 'acc-12345',
  datacontenttype: 'application/json',
  correlationid: '0b6c9a4e-1c1f-4a43-9a53-6b1a3e3c1a11',
  data,
});

const login = {
  accountId: 'acc-12345',
  sessionId: 'sess-1',
  ip: '203.0.113.7',
  client: { platform: 'pc', version: '1.2.3' },
};
const geo = { country: 'KR', database: 'DBIP-Country-Lite 2026-06-01' };
const history = { recordId: '42', newCountry: true, previous: null };

const valid: Record<MessageType, unknown[]> = {
  'login.succeeded': [
    login,
    { ...login, ip: '2001:db8::1', homeCountry: 'KR', client: { ...login.client, deviceId: 'd1' } },
    { ...login, ip: '::ffff:1.2.3.4' },
  ],
  'login.failed': [
    { accountId: 'typed name', ip: '203.0.113.7', client: login.client, reason: 'bad_password' },
    { accountId: 'a', ip: '2001:db8::1', client: login.client, reason: 'unknown_account', attempt: 3 },
  ],
  'login.geo-resolved': [
    { ...login, geo },
    { ...login, geo: { country: null, reason: 'private', database: 'x' } },
  ],
  'login.failed.geo-resolved': [
    { accountId: 'typed name', ip: '203.0.113.7', client: login.client, reason: 'bad_password', geo },
    {
      accountId: 'a',
      ip: '13.124.63.251',
      client: login.client,
      reason: 'other',
      geo: { ...geo, asn: 16509, asOrg: 'Amazon.com, Inc.', network: 'hosting' },
    },
  ],
  'login.recorded': [
    { ...login, geo, history },
    {
      ...login,
      geo: { ...geo, location: { latitude: 37.5, longitude: 127, accuracyKm: 20 } },
      history: {
        ...history,
        logins: 3,
        globalLogins: 100,
        features: {
          device: { account: 3, global: 3 },
          asn: { account: 0, global: 7 },
          country: { account: 3, global: 90 },
          prefix: { prefix: '203.0.113.0/24', account: 1, global: 1 },
        },
        travel: { fromCountry: 'KR', toCountry: 'KR', km: 0, minutes: 5, kmh: 0, source: 'country' },
        failures: { windowMinutes: 60, ipAccounts: 0, account: 2 },
      },
    },
    {
      ...login,
      geo,
      history: { ...history, previous: { country: 'JP', ip: '1.2.3.4', loggedInAt: '2026-11-20T00:00:00Z' } },
    },
  ],
  'login.assessed': [
    {
      accountId: 'a',
      sessionId: 's',
      loginEventId: 'l-1',
      verdict: 'suspicious',
      reasons: ['foreign_country'],
      policy: 'lock',
      actions: [
        { type: 'notify', channel: 'email', status: 'sent' },
        { type: 'lock', status: 'done' },
      ],
      risk: 88,
      signals: [{ code: 'foreign_country', level: 'suspicious', detail: { country: 'US' } }],
    },
    {
      accountId: 'a',
      sessionId: 's',
      loginEventId: 'l-2',
      verdict: 'unusual',
      reasons: ['new_device'],
      policy: 'notify',
      actions: [{ type: 'notify', channel: 'email', status: 'pending' }],
      risk: 41,
      signals: [{ code: 'new_device', level: 'unusual', detail: {} }],
      shadow: false,
    },
  ],
  'account.locked': [
    { accountId: 'a', reason: 'foreign login from JP', by: 'system', at: '2026-11-21T10:15:00Z' },
  ],
  'account.unlocked': [
    { accountId: 'a', reason: 'verified by phone', by: 'support:staff-7', at: '2026-11-21T10:15:00Z' },
  ],
  'session.kick': [
    { accountId: 'a', sessionId: 's', reason: 'account_locked', message: 'Your account was locked.' },
  ],
  'player.message': [{ accountId: 'a', text: '새로운 국가에서 로그인했습니다' }],
  'login.reported': [
    { accountId: 'a', loginEventId: 'l', ip: '203.0.113.7', answer: 'not_me', at: '2026-11-21T10:15:00Z' },
    {
      accountId: 'a',
      loginEventId: 'l',
      ip: '2001:db8::1',
      answer: 'me',
      at: '2026-11-21T10:15:00Z',
      by: 'support:staff-7',
      country: null,
    },
  ],
  'account.sessions-revoke': [
    { accountId: 'a', reason: 'login_reported', message: 'Signed out everywhere.' },
  ],
  'account.password-reset': [{ accountId: 'a', reason: 'login_reported' }],
};

const invalid: Record<MessageType, [unknown, RegExp][]> = {
  'login.failed': [
    [{ accountId: 'a', ip: '203.0.113.7', client: login.client, reason: 'typo' }, /data\.reason/],
    [{ accountId: '', ip: '203.0.113.7', client: login.client, reason: 'other' }, /data\.accountId/],
  ],
  'login.succeeded': [
    [{ ...login, ip: 'not-an-ip' }, /data\.ip/],
    [{ ...login, ip: '256.1.1.1' }, /data\.ip/],
    [{ ...login, ip: 'fe80::1%eth0' }, /data\.ip/],
    [{ ...login, ip: '::@1\\' }, /data\.ip/],
    [{ ...login, ip: '::1\n' }, /data\.ip/],
    [{ ...login, ip: '1.2.3.4.5' }, /data\.ip/],
    [{ ...login, accountId: '' }, /data\.accountId/],
    [{ ...login, accountId: 'x'.repeat(65) }, /data\.accountId/],
    [{ ...login, accountId: 'acc\u0000' }, /data\.accountId/],
    [{ ...login, homeCountry: 'kr' }, /data\.homeCountry/],
    [{ ...login, client: undefined }, /data\.client/],
    [{ ...login, sessionId: 42 }, /data\.sessionId/],
  ],
  'login.geo-resolved': [
    [{ ...login, geo: { country: null, database: 'x' } }, /data\.geo\.reason/],
    [{ ...login, geo: { country: 'Korea', database: 'x' } }, /data\.geo\.country/],
    [login, /data\.geo/],
  ],
  'login.failed.geo-resolved': [
    [{ accountId: 'a', ip: '203.0.113.7', client: login.client, reason: 'bad_password' }, /data\.geo/],
  ],
  'login.recorded': [
    [{ ...login, geo }, /data\.history/],
    [
      { ...login, geo, history: { ...history, travel: { km: -1, minutes: 1, kmh: 1, source: 'gps' } } },
      /data\.history\.travel/,
    ],
    [{ ...login, geo, history: { ...history, newCountry: 'yes' } }, /data\.history\.newCountry/],
  ],
  'login.assessed': [
    [
      {
        accountId: 'a',
        sessionId: 's',
        loginEventId: 'l',
        verdict: 'maybe',
        reasons: [],
        policy: 'lock',
        actions: [],
        risk: 0,
        signals: [],
      },
      /data\.verdict/,
    ],
    [
      {
        accountId: 'a',
        sessionId: 's',
        loginEventId: 'l',
        verdict: 'trusted',
        reasons: [],
        policy: 'lock',
        actions: [],
        risk: 101,
        signals: [],
      },
      /data\.risk/,
    ],
  ],
  'account.locked': [[{ accountId: 'a', reason: 'r', by: 'hacker', at: '2026-11-21T10:15:00Z' }, /data\.by/]],
  'account.unlocked': [[{ accountId: 'a', reason: 'r', by: 'player', at: 'yesterday' }, /data\.at/]],
  'session.kick': [[{ accountId: 'a', sessionId: 's', reason: 'because', message: 'm' }, /data\.reason/]],
  'player.message': [[{ accountId: 'a' }, /data\.text/]],
  'login.reported': [
    [
      { accountId: 'a', loginEventId: 'l', ip: '203.0.113.7', answer: 'maybe', at: '2026-11-21T10:15:00Z' },
      /data\.answer/,
    ],
    [{ accountId: 'a', loginEventId: 'l', ip: 'nope', answer: 'me', at: '2026-11-21T10:15:00Z' }, /data\.ip/],
  ],
  'account.sessions-revoke': [[{ accountId: 'a', reason: 'login_reported' }, /data\.message/]],
  'account.password-reset': [[{ accountId: 'a', reason: 'because' }, /data\.reason/]],
};

const body = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('event contracts', () => {
  for (const type of Object.keys(valid) as MessageType[]) {
    test.each(valid[type]!.map((d, i) => [i, d]))(`a valid ${type} (#%s) is accepted`, (_i, data) => {
      const r = parseMessage(body(envelope(type, data)), [type]);
      expect(r).toMatchObject({ ok: true });
      expect(messageSchemas[type].safeParse(envelope(type, data)).success).toBe(true);
    });
    test.each(invalid[type]!.map(([d, field], i) => [i, d, field]))(
      `an invalid ${type} (#%s) is rejected naming the field`,
      (_i, data, field) => {
        const r = parseMessage(body(envelope(type, data)), [type]);
        expect(r).toMatchObject({ ok: false, reason: 'invalid_data' });
        expect(r.ok ? '' : r.error).toMatch(field as RegExp);
      },
    );
  }

  test('unknown extension attributes and unknown data fields travel along', () => {
    const r = parseMessage(
      body({ ...envelope(LOGIN_SUCCEEDED, { ...login, region: 'eu' }), traceparent: 'x' }),
      [LOGIN_SUCCEEDED],
    );
    expect(r.ok && (r.event as any).traceparent).toBe('x');
    expect(r.ok && (r.event.data as any).region).toBe('eu');
  });

  test.each([
    ['not JSON', Buffer.from('{nope'), 'invalid_json'],
    ['not an object', body([1, 2]), 'not_cloudevent'],
    [
      'wrong spec version',
      body({ ...envelope(LOGIN_SUCCEEDED, login), specversion: '2.0' }),
      'not_cloudevent',
    ],
    ['missing id', body({ ...envelope(LOGIN_SUCCEEDED, login), id: undefined }), 'not_cloudevent'],
    ['bad time', body({ ...envelope(LOGIN_SUCCEEDED, login), time: 'now' }), 'not_cloudevent'],
    ['other type', body(envelope('login.recorded', login)), 'unknown_type'],
    ['too large', Buffer.alloc(70 * 1024, 32), 'too_large'],
  ])('a message that is %s is classified without a retry', (_what, content, reason) => {
    expect(parseMessage(content as Buffer, [LOGIN_SUCCEEDED])).toMatchObject({ ok: false, reason });
  });

  test("a login's identity is its own id, even when the login server sets a trace id as correlationid", () => {
    const e = {
      ...createEvent({ type: LOGIN_SUCCEEDED, source: 's', data: login }),
      correlationid: 'trace-42',
    };
    expect(loginIdOf(e)).toBe(e.id);
    expect(followUp(e, LOGIN_GEO_RESOLVED, { ...login, geo }, { source: 'ip-checker' }).correlationid).toBe(
      e.id,
    );
  });

  test('a follow-up keeps the login identity and subject and has a deterministic id', () => {
    const first = createEvent({
      type: LOGIN_SUCCEEDED,
      source: 'game-login/kr-1',
      subject: 'acc-1',
      data: login,
    });
    expect(loginIdOf(first)).toBe(first.id);
    const a = followUp(first, LOGIN_GEO_RESOLVED, { ...login, geo }, { source: 'ip-checker' });
    const b = followUp(first, LOGIN_GEO_RESOLVED, { ...login, geo }, { source: 'ip-checker' });
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(followUpId(first.id, LOGIN_GEO_RESOLVED));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
    expect(a.correlationid).toBe(first.id);
    expect(a.subject).toBe('acc-1');
    // The follow-up of a follow-up still carries the original login's identity.
    const c = followUp(
      a,
      ACCOUNT_LOCKED,
      { accountId: 'acc-1', reason: 'r', by: 'system', at: a.time },
      { source: 'g' },
    );
    expect(c.correlationid).toBe(first.id);
    expect(c.id).toBe(followUpId(first.id, ACCOUNT_LOCKED));
    expect(followUpId(first.id, 'player.message', 'email')).not.toBe(
      followUpId(first.id, 'player.message', 'sms'),
    );
  });

  test('a follow-up id is the UUID v5 of "<login id>/<type>[/<qualifier>]" (UTF-8) in the fixed namespace', () => {
    // Pinned: ids stored and published by earlier versions must come out the same.
    expect(followUpId('6d1c1e9b-1a2b-4c3d-9e8f-0123456789ab', 'login.geo-resolved')).toBe(
      '2da3f24b-0975-5ace-971f-5e94fa3b3ae8',
    );
    expect(followUpId('é', 'ü', 'x')).toBe('8c3e425b-9ea0-508b-a33f-b2db0c2eabfc');
  });
});
