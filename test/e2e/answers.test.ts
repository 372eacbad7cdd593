/**
 * SPEC §8 and §9 through the three services: the player's answers ("it was me" / "not me") from
 * the link in a real email and through the bearer route, their effects (travel pass, unlock,
 * lock, both commands, `login.reported`, `reported_ip` on a later login of another account),
 * the outcomes and failed attempts in login-history's API, and support's two lists.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TEST_JWT_SECRET, waitUntil } from '@account-security/shared/testing';
import { Harness, IPS, playerToken, startHarness, supportToken } from '../support/harness';

jest.setTimeout(240_000);

interface Assessed {
  verdict: string;
  risk: number;
  signals: { code: string; level: string; detail: Record<string, unknown> }[];
  actions: { type: string; status: string }[];
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness('answers', { DEFAULT_POLICY: 'notify', TEST_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await h?.stop();
});

const accountFor = (label: string) => `ans-${label}-${randomUUID().slice(0, 8)}`;
const STAFF = supportToken('staff-3');

/** A player's token issued `secondsAgo` ago (SPEC §8's `iat` rule looks at it). */
function tokenIssued(sub: string, secondsAgo: number): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ sub, iat: now - secondsAgo, exp: now + 3600 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
}

async function assessmentOf(loginId: string): Promise<Assessed> {
  let found: Assessed | undefined;
  await waitUntil(
    () => {
      found = h.events.of('login.assessed').find((x) => x.body.correlationid === loginId)?.body.data;
      return found !== undefined;
    },
    60_000,
    `login.assessed of ${loginId}`,
  );
  return found!;
}

async function protect(accountId: string, policy: string, email: string) {
  const res = await h.api('account-guard', 'PUT', `/v1/accounts/${accountId}/protection`, STAFF, {
    policy,
    channels: ['email'],
    email,
    trustedCountries: [],
    locale: 'en',
  });
  expect(res.status).toBe(200);
}

/** The only feedback link in the account's notice email about this login (one-time, SPEC §8). */
async function feedbackLinkIn(email: string, count = 1): Promise<string> {
  const mails = await h.smtp.waitFor(email, count, 30_000);
  const links = mails[count - 1]!.text.match(/https?:\/\/\S+\/v1\/feedback\/[A-Za-z0-9_-]+/g) ?? [];
  expect(links).toHaveLength(1);
  return links[0]!;
}

const ofType = (type: string, accountId: string) =>
  h.events.of(type).filter((m) => m.body.data.accountId === accountId);

/** Builds a history of three home logins with one device, so §7's history signals have a past. */
async function homeHistory(accountId: string, deviceId: string) {
  for (let i = 3; i >= 1; i--) {
    const id = await h.login(
      accountId,
      IPS.KR,
      { client: { platform: 'pc', version: '2.1.0', deviceId } },
      {
        time: new Date(Date.now() - i * 86_400_000).toISOString(),
      },
    );
    await assessmentOf(id);
  }
}

test('"it was me" from the link in the email grants a travel pass: the next login from that country and device is not suspicious', async () => {
  const acc = accountFor('link-me');
  const email = `${acc}@example.test`;
  await protect(acc, 'notify', email);
  await homeHistory(acc, 'dev-1');
  const loginId = await h.login(acc, IPS.JP, {
    client: { platform: 'pc', version: '2.1.0', deviceId: 'dev-1' },
  });
  expect((await assessmentOf(loginId)).verdict).toBe('suspicious');
  const link = await feedbackLinkIn(email);

  // GET shows the confirmation page and spends nothing (mail scanners follow links).
  const page = await fetch(link, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/<form[^>]+method="post"/i);
  expect(html).toMatch(/value="me"/);
  expect(html).toMatch(/value="not_me"/);
  expect(ofType('login.reported', acc)).toHaveLength(0);

  const answered = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ answer: 'me' }),
  });
  expect(answered.status).toBe(200);
  const result = (await answered.json()) as any;
  expect(result).toMatchObject({
    accountId: acc,
    loginEventId: loginId,
    answer: 'me',
    by: 'player',
    repeated: false,
  });
  expect(result.effects.travelPass).toMatchObject({ country: 'JP' });
  const days =
    (Date.parse(result.effects.travelPass.until) - Date.parse(result.effects.travelPass.from)) / 86_400_000;
  expect(Math.round(days)).toBe(30);

  // Single use.
  const again = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ answer: 'me' }),
  });
  expect(again.status).toBe(409);

  const settings = await h.api('account-guard', 'GET', `/v1/accounts/${acc}/protection`, playerToken(acc));
  expect(settings.body.travelPasses).toEqual([expect.objectContaining({ country: 'JP' })]);
  await waitUntil(() => ofType('login.reported', acc).length === 1, 20_000, 'login.reported (me)');
  expect(ofType('login.reported', acc)[0]!.body.data).toMatchObject({
    loginEventId: loginId,
    answer: 'me',
    ip: IPS.JP,
  });

  const next = await assessmentOf(
    await h.login(acc, IPS.JP, { client: { platform: 'pc', version: '2.1.0', deviceId: 'dev-1' } }),
  );
  expect(next.verdict).not.toBe('suspicious');
  expect(next.signals.map((s) => s.code)).toEqual(expect.arrayContaining(['travel_pass']));
  expect(next.signals.map((s) => s.code)).not.toContain('foreign_country');

  // login-history learnt the outcome and the answer from the events, and serves them.
  await waitUntil(
    async () => {
      const r = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins?limit=10`, playerToken(acc));
      return r.body.items?.find((i: any) => i.loginEventId === loginId)?.assessment?.answer === 'me';
    },
    30_000,
    'the answer in the history',
  );
  const hist = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins?limit=10`, playerToken(acc));
  expect(hist.body.items.find((i: any) => i.loginEventId === loginId).assessment).toMatchObject({
    verdict: 'suspicious',
    reasons: expect.arrayContaining(['foreign_country']),
    actions: expect.arrayContaining([expect.objectContaining({ type: 'notify' })]),
    answer: 'me',
  });
});

test('"it was me" from the link in a lock notice unlocks the account, by the player', async () => {
  const acc = accountFor('lock-me');
  const email = `${acc}@example.test`;
  await protect(acc, 'lock', email);
  const loginId = await h.login(acc, IPS.US);
  expect((await assessmentOf(loginId)).verdict).toBe('suspicious');
  await waitUntil(() => ofType('account.locked', acc).length === 1, 20_000, 'account.locked');
  const mails = await h.smtp.waitFor(email, 1, 30_000);
  expect(mails[0]!.text).toMatch(/\/v1\/unlock\//); // the unlock link stays
  const link = await feedbackLinkIn(email);

  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ answer: 'me' }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as any).effects.unlocked).toBe(true);
  await waitUntil(() => ofType('account.unlocked', acc).length === 1, 20_000, 'account.unlocked');
  expect(ofType('account.unlocked', acc)[0]!.body.data.by).toBe('player');
  const status = await h.api('account-guard', 'GET', `/v1/accounts/${acc}/status`, playerToken(acc));
  expect(status.body.locked).toBe(false);
});

test('the bearer route: "me" needs a token issued before the login; another account gets 403; twice changes nothing', async () => {
  const acc = accountFor('bearer');
  await protect(acc, 'notify', `${acc}@example.test`);
  const before = tokenIssued(acc, 600);
  const loginId = await h.login(acc, IPS.US);
  expect((await assessmentOf(loginId)).verdict).toBe('suspicious');
  const route = `/v1/accounts/${acc}/logins/${loginId}/feedback`;

  // The person who just logged in holds a token issued after the login: no vouching for themselves.
  const fresh = await h.api('account-guard', 'POST', route, tokenIssued(acc, 0), { answer: 'me' });
  expect(fresh.status).toBe(403);
  const other = accountFor('other');
  expect((await h.api('account-guard', 'POST', route, playerToken(other), { answer: 'not_me' })).status).toBe(
    403,
  );
  expect(
    (await h.api('account-guard', 'POST', route, before, { answer: 'maybe' })).body.error.message,
  ).toMatch(/answer/);

  const first = await h.api('account-guard', 'POST', route, before, { answer: 'me' });
  expect(first.status).toBe(200);
  expect(first.body.repeated).toBe(false);
  await waitUntil(() => ofType('login.reported', acc).length === 1, 20_000, 'login.reported');
  const second = await h.api('account-guard', 'POST', route, before, { answer: 'me' });
  expect(second.status).toBe(200);
  expect(second.body.repeated).toBe(true);
  await new Promise((r) => setTimeout(r, 1500));
  expect(ofType('login.reported', acc)).toHaveLength(1);
  const audit = await h.api('account-guard', 'GET', `/v1/accounts/${acc}/audit?limit=100`, STAFF);
  // The answer once, and the refused attempt of the too-new token (audited too).
  expect(
    audit.body.items
      .filter((i: any) => i.loginId === loginId && /^feedback/.test(i.action))
      .map((i: any) => [i.action, i.reason])
      .sort(),
  ).toEqual([
    ['feedback', 'me'],
    ['feedback_refused', 'FEEDBACK.TOKEN_TOO_NEW'],
  ]);
});

test('"not me" locks, revokes every session, asks for a new password, publishes login.reported; the IP is then reported_ip for another account', async () => {
  const acc = accountFor('not-me');
  await protect(acc, 'notify', `${acc}@example.test`);
  const thiefIp = '8.8.4.4';
  const loginId = await h.login(acc, thiefIp);
  expect((await assessmentOf(loginId)).verdict).toBe('suspicious');

  const res = await h.api(
    'account-guard',
    'POST',
    `/v1/accounts/${acc}/logins/${loginId}/feedback`,
    playerToken(acc),
    {
      answer: 'not_me',
    },
  );
  expect(res.status).toBe(200);
  expect(res.body.effects).toMatchObject({ locked: true, sessionsRevoked: true, passwordReset: true });

  await waitUntil(
    () =>
      ofType('account.locked', acc).length === 1 &&
      ofType('account.sessions-revoke', acc).length === 1 &&
      ofType('account.password-reset', acc).length === 1 &&
      ofType('login.reported', acc).length === 1,
    20_000,
    'the lock, both commands and login.reported',
  );
  expect(ofType('account.sessions-revoke', acc)[0]!.exchange).toBe('game.commands');
  expect(ofType('account.password-reset', acc)[0]!.body.data).toEqual({
    accountId: acc,
    reason: 'login_reported',
  });
  expect(ofType('login.reported', acc)[0]!.body.data).toMatchObject({
    loginEventId: loginId,
    ip: thiefIp,
    answer: 'not_me',
  });
  expect(ofType('login.reported', acc)[0]!.exchange).toBe('account-security.events');
  const status = await h.api('account-guard', 'GET', `/v1/accounts/${acc}/status`, playerToken(acc));
  expect(status.body.locked).toBe(true);
  const audit = await h.api('account-guard', 'GET', `/v1/accounts/${acc}/audit?limit=100`, STAFF);
  const actions = audit.body.items.map((i: any) => i.action);
  expect(actions).toEqual(expect.arrayContaining(['account_locked']));
  expect(actions.filter((a: string) => a === 'feedback')).toHaveLength(1);

  // Support lists: the locked account and the alert, with the answer; players are refused.
  await waitUntil(
    async () => {
      const r = await h.api('account-guard', 'GET', '/v1/logins/suspicious?limit=200', STAFF);
      return r.body.items?.find((i: any) => i.loginEventId === loginId)?.answer === 'not_me';
    },
    20_000,
    'the alert with its answer',
  );
  const locked = await h.api('account-guard', 'GET', '/v1/accounts?locked=true&limit=200', STAFF);
  expect(locked.body.items.map((i: any) => i.accountId)).toContain(acc);
  expect((await h.api('account-guard', 'GET', '/v1/accounts?locked=true', playerToken(acc))).status).toBe(
    403,
  );
  expect((await h.api('account-guard', 'GET', '/v1/logins/suspicious', playerToken(acc))).status).toBe(403);

  // Another account logging in from the reported address: reported_ip, even on its first login.
  const victim2 = accountFor('same-ip');
  await waitUntil(
    async () => {
      const a = await assessmentOf(await h.login(victim2, thiefIp));
      return (
        a.signals.some((s) => s.code === 'reported_ip' && s.level === 'suspicious') &&
        a.verdict === 'suspicious'
      );
    },
    30_000,
    'reported_ip on a later login from that IP',
  );
});

test('support answers "not me" for a player; the history shows outcomes and failed attempts, paged across both kinds', async () => {
  const acc = accountFor('history');
  await protect(acc, 'notify', `${acc}@example.test`);
  const ids: string[] = [];
  ids.push(
    await h.loginFailed(acc, IPS.KR, 'bad_password', { time: new Date(Date.now() - 4000).toISOString() }),
  );
  const okId = await h.login(acc, IPS.KR, {}, { time: new Date(Date.now() - 3000).toISOString() });
  ids.push(okId);
  ids.push(
    await h.loginFailed(acc, IPS.JP, 'second_factor_failed', {
      time: new Date(Date.now() - 2000).toISOString(),
    }),
  );
  const foreignId = await h.login(acc, IPS.JP, {}, { time: new Date(Date.now() - 1000).toISOString() });
  ids.push(foreignId);
  await assessmentOf(okId);
  await assessmentOf(foreignId);

  const byStaff = await h.api(
    'account-guard',
    'POST',
    `/v1/accounts/${acc}/logins/${foreignId}/feedback`,
    STAFF,
    {
      answer: 'not_me',
    },
  );
  expect(byStaff.status).toBe(200);
  expect(byStaff.body.by).toBe('support:staff-3');

  await waitUntil(
    async () => {
      const r = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins?limit=10`, STAFF);
      return (
        r.body.items?.length === 4 &&
        r.body.items.find((i: any) => i.loginEventId === foreignId)?.assessment?.answer === 'not_me' &&
        r.body.items.find((i: any) => i.loginEventId === okId)?.assessment?.verdict === 'trusted'
      );
    },
    30_000,
    'four items with their outcomes',
  );

  // Paged one by one, as the player: every item exactly once, newest first.
  const seen: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/v1/accounts/${acc}/logins?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await h.api('login-history', 'GET', q, playerToken(acc));
    expect(page.status).toBe(200);
    seen.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(seen.map((i) => i.loginEventId)).toEqual([...ids].reverse());
  expect(seen.map((i) => i.result)).toEqual(['succeeded', 'failed', 'succeeded', 'failed']);
  expect(seen[1]).toMatchObject({ reason: 'second_factor_failed' });
  expect(seen[1].assessment).toBeUndefined();
  expect(seen[0].assessment).toMatchObject({ verdict: 'suspicious', answer: 'not_me' });
  // Another player never reads it.
  expect(
    (await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins`, playerToken(accountFor('x')))).status,
  ).toBe(403);
});
