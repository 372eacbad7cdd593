/** Malformed and hostile input: broker messages and HTTP requests that must be rejected cleanly. */
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET, signToken } from '@account-security/shared/testing';

const envelope = (type: string, data: unknown, over: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'game-login/hostile',
  type,
  time: new Date().toISOString(),
  subject: 'acc-hostile',
  datacontenttype: 'application/json',
  ...over,
  data,
});

const login = {
  accountId: 'acc-hostile',
  sessionId: 's-1',
  ip: '211.234.10.5',
  client: { platform: 'pc', version: '1.0' },
};
const geo = { country: 'KR', database: 'x' };

export interface HostileMessage {
  name: string;
  routingKey: string;
  body: Buffer;
  messageId: string;
}

/** Dead letters are matched by the AMQP message id, whatever the body's own id is (or isn't). */
function message(name: string, routingKey: string, body: string | object): HostileMessage {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { name, routingKey, body: Buffer.from(text), messageId: `hostile-${randomUUID()}` };
}

const L = 'login.succeeded';
const bad = (name: string, data: unknown, over: Record<string, unknown> = {}) =>
  message(name, L, envelope(L, data, over));

/** At least 50 messages that are never valid logins; each must be dead-lettered with a reason. */
export function hostileMessages(): HostileMessage[] {
  return [
    message('not JSON', L, 'this is not json'),
    message('empty body', L, ''),
    message('truncated JSON', L, '{"specversion":"1.0",'),
    message('JSON null', L, 'null'),
    message('JSON array', L, '[1,2,3]'),
    message('JSON string', L, '"login.succeeded"'),
    message('JSON number', L, '42'),
    message('byte-order mark before JSON', L, '\ufeff' + JSON.stringify(envelope(L, login))),
    message('binary garbage', L, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]).toString('latin1')),
    message('huge payload', L, envelope(L, { ...login, padding: 'x'.repeat(200_000) })),
    bad('CloudEvents 0.3', login, { specversion: '0.3' }),
    bad('unknown spec version 2.0', login, { specversion: '2.0' }),
    bad('missing source', login, { source: undefined }),
    bad('missing time', login, { time: undefined }),
    bad('time not a date', login, { time: 'yesterday' }),
    bad('time as number', login, { time: 1700000000 }),
    bad('id with spaces', login, { id: 'a b' }),
    bad('datacontenttype xml', login, { datacontenttype: 'text/xml' }),
    bad('correlationid with control chars', login, { correlationid: 'abc\u0007' }),
    bad('subject 300 chars', login, { subject: 's'.repeat(300) }),
    message('wrong type on this queue', L, envelope('login.failed', login)),
    message('unknown event version type', L, envelope('login.succeeded.v2', login)),
    bad('data null', null),
    bad('data string', 'hello'),
    bad('data array', [login]),
    bad('missing accountId', { ...login, accountId: undefined }),
    bad('accountId number', { ...login, accountId: 12345 }),
    bad('accountId empty', { ...login, accountId: '' }),
    bad('accountId 65 chars', { ...login, accountId: 'a'.repeat(65) }),
    bad('accountId NUL', { ...login, accountId: 'acc\u0000x' }),
    bad('accountId newline', { ...login, accountId: 'acc\nINFO forged log line' }),
    bad('accountId escape sequence', { ...login, accountId: '\u001b[31mred' }),
    bad('missing sessionId', { ...login, sessionId: undefined }),
    bad('sessionId object', { ...login, sessionId: { $ne: null } }),
    bad('missing ip', { ...login, ip: undefined }),
    bad('ip not an address', { ...login, ip: 'not-an-ip' }),
    bad('ip octet 999', { ...login, ip: '999.1.1.1' }),
    bad('ip three octets', { ...login, ip: '1.2.3' }),
    bad('ip with CIDR', { ...login, ip: '1.2.3.4/24' }),
    bad('ip hex inet_aton form', { ...login, ip: '0x7f.1' }),
    bad('ip leading space', { ...login, ip: ' 1.2.3.4' }),
    bad('ip zone id', { ...login, ip: 'fe80::1%eth0' }),
    bad('ip bad IPv6', { ...login, ip: ':::1' }),
    bad('ip mapped with bad IPv4', { ...login, ip: '::ffff:999.1.1.1' }),
    bad('ip as number', { ...login, ip: 16909060 }),
    bad('ip 1000 chars', { ...login, ip: '1'.repeat(1000) }),
    bad('ip SQL injection', { ...login, ip: "1.2.3.4'; DROP TABLE logins;--" }),
    bad('missing client', { ...login, client: undefined }),
    bad('client platform empty', { ...login, client: { platform: '', version: '1' } }),
    bad('client version 33 chars', { ...login, client: { platform: 'pc', version: 'v'.repeat(33) } }),
    bad('homeCountry lower case', { ...login, homeCountry: 'kr' }),
    bad('homeCountry alpha-3', { ...login, homeCountry: 'KOR' }),
    message('geo-resolved without geo', 'login.geo-resolved', envelope('login.geo-resolved', login)),
    message(
      'geo-resolved with bad country',
      'login.geo-resolved',
      envelope('login.geo-resolved', { ...login, geo: { country: 'ZZZ', database: 'x' } }),
    ),
    message('geo-resolved not JSON', 'login.geo-resolved', '<xml/>'),
    message('recorded without history', 'login.recorded', envelope('login.recorded', { ...login, geo })),
    message(
      'recorded with bad previous',
      'login.recorded',
      envelope('login.recorded', {
        ...login,
        geo,
        history: { recordId: 'r', newCountry: true, previous: { country: 'KR', ip: 'x', loggedInAt: 'y' } },
      }),
    ),
    message('recorded not JSON', 'login.recorded', '\u0000\u0001'),
  ];
}

/** Valid logins that look hostile: they must be processed, harmlessly. */
export const hostileButValidAccounts = [
  "acc'; DROP TABLE logins;--",
  'acc" OR "1"="1',
  'acc\\x00 UNION SELECT * FROM audit',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'акк-кириллица-계정',
  '\u202eevil-rtl',
];

export interface HostileRequest {
  name: string;
  service: 'ip-checker' | 'login-history' | 'account-guard';
  method: string;
  path: string;
  token?: string;
  body?: string;
  contentType?: string;
  expect: number[];
}

export function hostileRequests(): HostileRequest[] {
  const player = signToken({ sub: 'acc-victim' });
  const attacker = signToken({ sub: 'acc-attacker' });
  const support = signToken({ sub: 'staff-1', roles: ['support'] });
  const forged = jwt.sign({ roles: ['support'] }, 'not-the-secret-not-the-secret-not-the-secret', {
    subject: 'staff-1',
  });
  const expired = jwt.sign(
    { roles: ['support'], exp: Math.floor(Date.now() / 1000) - 3600 },
    TEST_JWT_SECRET,
    { subject: 'staff-1' },
  );
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"staff-1","roles":["support"]}').toString('base64url')}.`;
  const noSub = jwt.sign({ roles: ['support'] }, TEST_JWT_SECRET);
  const history = '/v1/accounts/acc-victim/logins';
  const protection = '/v1/accounts/acc-victim/protection';
  const json = (o: unknown) => JSON.stringify(o);
  const validProtection = {
    policy: 'lock',
    channels: ['email'],
    email: 'v@example.test',
    trustedCountries: [],
    locale: 'en',
  };
  return [
    {
      name: 'ip: not an address',
      service: 'ip-checker',
      method: 'GET',
      path: '/v1/ip/not-an-ip',
      expect: [400],
    },
    {
      name: 'ip: 1000 chars',
      service: 'ip-checker',
      method: 'GET',
      path: `/v1/ip/${'1'.repeat(1000)}`,
      expect: [400],
    },
    {
      name: 'ip: SQL metacharacters',
      service: 'ip-checker',
      method: 'GET',
      path: `/v1/ip/${encodeURIComponent("1' OR '1'='1")}`,
      expect: [400],
    },
    {
      name: 'ip: unknown route',
      service: 'ip-checker',
      method: 'DELETE',
      path: '/v1/ip/1.2.3.4',
      expect: [404, 405],
    },
    { name: 'history: no token', service: 'login-history', method: 'GET', path: history, expect: [401] },
    {
      name: 'history: garbage token',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: 'garbage',
      expect: [401],
    },
    {
      name: 'history: forged signature',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: forged,
      expect: [401],
    },
    {
      name: 'history: expired token',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: expired,
      expect: [401],
    },
    {
      name: 'history: alg none',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: none,
      expect: [401],
    },
    {
      name: 'history: token without subject',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: noSub,
      expect: [401],
    },
    {
      name: 'history: another player',
      service: 'login-history',
      method: 'GET',
      path: history,
      token: attacker,
      expect: [403],
    },
    {
      name: 'history: limit 0',
      service: 'login-history',
      method: 'GET',
      path: `${history}?limit=0`,
      token: player,
      expect: [400],
    },
    {
      name: 'history: limit 201',
      service: 'login-history',
      method: 'GET',
      path: `${history}?limit=201`,
      token: player,
      expect: [400],
    },
    {
      name: 'history: limit text',
      service: 'login-history',
      method: 'GET',
      path: `${history}?limit=ten`,
      token: player,
      expect: [400],
    },
    {
      name: 'history: limit repeated',
      service: 'login-history',
      method: 'GET',
      path: `${history}?limit=1&limit=2`,
      token: player,
      expect: [400],
    },
    {
      name: 'history: forged cursor',
      service: 'login-history',
      method: 'GET',
      path: `${history}?cursor=${encodeURIComponent("' OR 1=1 --")}`,
      token: player,
      expect: [400],
    },
    {
      name: 'history: account id 65 chars',
      service: 'login-history',
      method: 'GET',
      path: `/v1/accounts/${'a'.repeat(65)}/logins`,
      token: support,
      expect: [400],
    },
    {
      name: 'history: account id with NUL',
      service: 'login-history',
      method: 'GET',
      path: '/v1/accounts/acc%00x/logins',
      token: support,
      expect: [400],
    },
    {
      name: 'protection: no token',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      body: json(validProtection),
      expect: [401],
    },
    {
      name: 'protection: another player',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: attacker,
      body: json(validProtection),
      expect: [403],
    },
    {
      name: 'protection: not JSON',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: '{policy:',
      expect: [400],
    },
    {
      name: 'protection: array body',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: '[]',
      expect: [400],
    },
    {
      name: 'protection: unknown policy',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: json({ ...validProtection, policy: 'nuke' }),
      expect: [400],
    },
    {
      name: 'protection: bad country',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: json({ ...validProtection, trustedCountries: ['kr'] }),
      expect: [400],
    },
    {
      name: 'protection: bad email',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: json({ ...validProtection, email: 'x' }),
      expect: [400],
    },
    {
      name: 'protection: oversized body',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: json({ ...validProtection, pad: 'x'.repeat(100_000) }),
      expect: [413],
    },
    {
      name: 'protection: prototype pollution',
      service: 'account-guard',
      method: 'PUT',
      path: protection,
      token: player,
      body: '{"__proto__":{"admin":true},"policy":"nuke"}',
      expect: [400],
    },
    {
      name: 'status: another player',
      service: 'account-guard',
      method: 'GET',
      path: '/v1/accounts/acc-victim/status',
      token: attacker,
      expect: [403],
    },
    {
      name: 'unlock: player token',
      service: 'account-guard',
      method: 'POST',
      path: '/v1/accounts/acc-victim/unlock',
      token: player,
      body: json({ reason: 'please' }),
      expect: [403],
    },
    {
      name: 'unlock: forged support',
      service: 'account-guard',
      method: 'POST',
      path: '/v1/accounts/acc-victim/unlock',
      token: forged,
      body: json({ reason: 'x' }),
      expect: [401],
    },
    {
      name: 'unlock: no reason',
      service: 'account-guard',
      method: 'POST',
      path: '/v1/accounts/acc-victim/unlock',
      token: support,
      body: json({}),
      expect: [400],
    },
    {
      name: 'unlock: not locked',
      service: 'account-guard',
      method: 'POST',
      path: '/v1/accounts/acc-victim/unlock',
      token: support,
      body: json({ reason: 'x' }),
      expect: [409],
    },
    {
      name: 'self-unlock: random token',
      service: 'account-guard',
      method: 'POST',
      path: `/v1/unlock/${'A'.repeat(43)}`,
      expect: [400, 404, 410],
    },
    {
      name: 'self-unlock: SQL in token',
      service: 'account-guard',
      method: 'POST',
      path: `/v1/unlock/${encodeURIComponent("x' OR '1'='1")}`,
      expect: [400, 404],
    },
    {
      name: 'audit: player token',
      service: 'account-guard',
      method: 'GET',
      path: '/v1/accounts/acc-victim/audit',
      token: player,
      expect: [403],
    },
    {
      name: 'audit: no token',
      service: 'account-guard',
      method: 'GET',
      path: '/v1/accounts/acc-victim/audit',
      expect: [401],
    },
  ];
}
