import { EVENTS_EXCHANGE, LOGIN_SUCCEEDED, listDeadLetters } from '@account-security/shared';
import { publishRaw, waitUntil } from '@account-security/shared/testing';
import { Harness, IPS, playerToken, startHarness, supportToken } from '../support/harness';

jest.setTimeout(120_000);

describe('the suite end to end, as separate processes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('e2e');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const byLogin = (routingKey: string, loginId: string) =>
    h.events.of(routingKey).filter((m) => m.body.correlationid === loginId);

  async function setProtection(accountId: string, body: Record<string, unknown>) {
    const res = await h.api(
      'account-guard',
      'PUT',
      `/v1/accounts/${accountId}/protection`,
      playerToken(accountId),
      body,
    );
    expect(res.status).toBe(200);
  }

  async function lockedByForeignLogin(accountId: string, email: string) {
    await setProtection(accountId, {
      policy: 'lock',
      channels: ['email'],
      email,
      trustedCountries: [],
      locale: 'en',
    });
    const loginId = await h.login(accountId, IPS.JP, { homeCountry: 'KR' });
    await waitUntil(() => byLogin('account.locked', loginId).length === 1, 30000, 'account.locked');
    await waitUntil(() => h.smtp.to(email).length >= 1, 30000, 'lock email');
    return loginId;
  }

  test('when a player logs in from home, then the login appears in their history with its country', async () => {
    const loginId = await h.login('acc-home', IPS.KR, { homeCountry: 'KR' });
    await waitUntil(() => byLogin('login.assessed', loginId).length === 1, 30000, 'login.assessed');
    const res = await h.api('login-history', 'GET', '/v1/accounts/acc-home/logins', playerToken('acc-home'));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      ip: IPS.KR,
      country: 'KR',
      client: { platform: 'pc', version: '2.1.0' },
    });
    expect(byLogin('login.assessed', loginId)[0]!.body.data.verdict).toBe('trusted');
    expect(byLogin('session.kick', loginId)).toHaveLength(0);
  });

  test('when a foreign login arrives for a lock-policy account, then the account is locked, the session kicked and the player emailed, all under one correlation id', async () => {
    const loginId = await lockedByForeignLogin('acc-lock', 'lock@example.test');
    await waitUntil(
      () => byLogin('login.assessed', loginId).length === 1 && byLogin('session.kick', loginId).length === 1,
      30000,
    );
    const kick = byLogin('session.kick', loginId)[0]!;
    expect(kick.exchange).toBe('game.commands');
    expect(kick.body.data).toMatchObject({ accountId: 'acc-lock', reason: 'account_locked' });
    expect(kick.properties.correlationId).toBe(loginId);
    const locked = byLogin('account.locked', loginId)[0]!;
    expect(locked.body.data).toMatchObject({ accountId: 'acc-lock', by: 'system' });
    expect(locked.properties.correlationId).toBe(loginId);
    const assessed = byLogin('login.assessed', loginId)[0]!.body.data;
    expect(assessed).toMatchObject({ verdict: 'suspicious', policy: 'lock', loginEventId: loginId });
    expect(assessed.reasons).toContain('foreign_country');
    for (const type of ['login.geo-resolved', 'login.recorded'])
      expect(byLogin(type, loginId)).toHaveLength(1);
    const mail = h.smtp.to('lock@example.test')[0]!;
    expect(mail.text).toContain('JP');
    expect(mail.text).toMatch(/\/v1\/unlock\//);
    const status = await h.api(
      'account-guard',
      'GET',
      '/v1/accounts/acc-lock/status',
      playerToken('acc-lock'),
    );
    expect(status.body).toMatchObject({ accountId: 'acc-lock', locked: true });
  });

  test('when support unlocks a locked account with a reason, then it is unlocked and account.unlocked is published', async () => {
    const notSupport = await h.api(
      'account-guard',
      'POST',
      '/v1/accounts/acc-lock/unlock',
      playerToken('acc-lock'),
      { reason: 'me' },
    );
    expect(notSupport.status).toBe(403);
    const res = await h.api(
      'account-guard',
      'POST',
      '/v1/accounts/acc-lock/unlock',
      supportToken('staff-9'),
      { reason: 'verified by phone' },
    );
    expect(res.status).toBe(200);
    await waitUntil(
      () => h.events.of('account.unlocked').some((m) => m.body.data.accountId === 'acc-lock'),
      20000,
    );
    const unlocked = h.events.of('account.unlocked').find((m) => m.body.data.accountId === 'acc-lock')!;
    expect(unlocked.body.data).toMatchObject({ by: 'support:staff-9', reason: 'verified by phone' });
    const status = await h.api(
      'account-guard',
      'GET',
      '/v1/accounts/acc-lock/status',
      playerToken('acc-lock'),
    );
    expect(status.body.locked).toBe(false);
    const again = await h.api('account-guard', 'POST', '/v1/accounts/acc-lock/unlock', supportToken(), {
      reason: 'twice',
    });
    expect(again.status).toBe(409);
  });

  test('when the player redeems the emailed one-time link, then the account is unlocked once', async () => {
    await lockedByForeignLogin('acc-self', 'self@example.test');
    const text = h.smtp.to('self@example.test')[0]!.text;
    const link = /(https?:\/\/\S+\/v1\/unlock\/[A-Za-z0-9_-]+)/.exec(text)![1]!;
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form[^>]*method="post"/i);
    const redeem = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(redeem.status).toBe(200);
    await waitUntil(
      () => h.events.of('account.unlocked').some((m) => m.body.data.accountId === 'acc-self'),
      20000,
    );
    expect(
      h.events.of('account.unlocked').find((m) => m.body.data.accountId === 'acc-self')!.body.data.by,
    ).toBe('player');
    const reuse = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(reuse.status).toBeGreaterThanOrEqual(400);
  });

  test('when a malformed login event arrives, then it is dead-lettered while the others flow', async () => {
    await publishRaw(h.vhost.url, EVENTS_EXCHANGE, LOGIN_SUCCEEDED, '{"specversion":"1.0", broken', {
      messageId: 'e2e-malformed',
    });
    const loginId = await h.login('acc-after', IPS.US, { homeCountry: 'US' });
    await waitUntil(() => byLogin('login.assessed', loginId).length === 1, 30000);
    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(
      async () => (dead = await listDeadLetters(h.vhost.url, 'ip-checker.login.succeeded')).length > 0,
      20000,
    );
    expect(dead.find((d) => d.messageId === 'e2e-malformed')).toMatchObject({ reason: 'invalid_json' });
  });
});
