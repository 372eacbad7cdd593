import { signToken } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SERVICE, SUPPORT, phoneFor, playerToken } from '../support/harness';
import { unlockTokenIn } from '../support/smtp';

const emailOf = (acc: string) => `${acc}@players.example.test`;
let ipSeq = 10;
/** Each test speaks from its own client address, so the per-IP limiter of one never trips another. */
const nextIp = () => `198.51.100.${ipSeq++}`;

describe('unlocking a locked account', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-unlock', { env: { UNLOCK_RATE_LIMIT: '5' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Locks `acc` the way it happens in production and returns the links the player received. */
  async function lock(acc: string) {
    await h.protect(acc, 'lock');
    const before = {
      locks: h.about('account.locked', acc).length,
      mails: h.smtp!.to(emailOf(acc)).length,
      sms: h.twilio.to(phoneFor(acc)).length,
    };
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);
    await h.waitAbout('account.locked', acc, before.locks + 1);
    const mails = await h.smtp!.waitFor(emailOf(acc), before.mails + 1);
    const sms = await h.twilio.waitFor(phoneFor(acc), before.sms + 1);
    return {
      loginId: login.correlationid!,
      emailToken: unlockTokenIn(mails[mails.length - 1]!.text)!,
      smsToken: unlockTokenIn(sms[sms.length - 1]!.form.Body!)!,
    };
  }

  const status = async (acc: string) =>
    (await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${SUPPORT}`)).body;

  describe('by support staff', () => {
    test('when support unlocks a locked account with a reason, then it is unlocked, account.unlocked is published and the unlock is audited', async () => {
      const acc = accountIdFor('support');
      const { loginId } = await lock(acc);

      const res = await h.http
        .post(`/v1/accounts/${acc}/unlock`)
        .set('Authorization', `Bearer ${SUPPORT}`)
        .send({ reason: 'owner verified by phone, ticket 4711' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accountId: acc,
        locked: false,
        unlockedAt: expect.any(String),
        by: 'support:staff-7',
      });
      expect(await status(acc)).toEqual({ accountId: acc, locked: false, lockedAt: null, reason: null });

      const [unlocked] = await h.waitAbout('account.unlocked', acc);
      expect(unlocked!.exchange).toBe('account-security.events');
      expect(unlocked!.body.correlationid).toBe(loginId);
      expect(unlocked!.body.data).toEqual({
        accountId: acc,
        reason: 'owner verified by phone, ticket 4711',
        by: 'support:staff-7',
        at: res.body.unlockedAt,
      });

      const audit = await h.http.get(`/v1/accounts/${acc}/audit`).set('Authorization', `Bearer ${SUPPORT}`);
      expect(audit.status).toBe(200);
      expect(audit.body.items[0]).toMatchObject({
        accountId: acc,
        action: 'account_unlocked',
        actor: 'support:staff-7',
        reason: 'owner verified by phone, ticket 4711',
        loginId,
      });
      const actions = audit.body.items.map((i: { action: string }) => i.action);
      expect(actions).toEqual(
        expect.arrayContaining(['account_locked', 'session_kicked', 'notification_sent', 'policy_changed']),
      );
      const ids = audit.body.items.map((i: { id: string }) => Number(i.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));

      // With the lock gone, a login from home is no longer kicked.
      const home = loginRecorded({ accountId: acc, country: 'KR' });
      await h.publish(home);
      expect((await h.assessed(home.correlationid!)).data).toMatchObject({ verdict: 'trusted', actions: [] });
    });

    test('when the audit trail is read page by page, then the pages follow each other newest first without overlap', async () => {
      const acc = accountIdFor('pages');
      await lock(acc);
      await h.settled();
      const all = (
        await h.http.get(`/v1/accounts/${acc}/audit?limit=200`).set('Authorization', `Bearer ${SUPPORT}`)
      ).body.items;
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await h.http
          .get(`/v1/accounts/${acc}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', `Bearer ${SUPPORT}`);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((i: { id: string }) => i.id));
    });

    test('when a player, a service or nobody tries the support unlock, then it is refused with 403 or 401', async () => {
      const acc = accountIdFor('not-support');
      await lock(acc);
      const url = `/v1/accounts/${acc}/unlock`;
      const own = await h.http
        .post(url)
        .set('Authorization', `Bearer ${playerToken(acc)}`)
        .send({ reason: 'it was me' });
      expect(own.status).toBe(403);
      expect(own.body.error.code).toBe('FORBIDDEN');
      expect(
        (await h.http.post(url).set('Authorization', `Bearer ${SERVICE}`).send({ reason: 'x' })).status,
      ).toBe(403);
      expect((await h.http.post(url).send({ reason: 'x' })).status).toBe(401);
      expect(
        (await h.http.post(url).set('Authorization', 'Bearer not.a.jwt').send({ reason: 'x' })).status,
      ).toBe(401);
      const expired = signToken({ sub: 'staff-7', roles: ['support'] }, { expiresIn: -60 });
      expect(
        (await h.http.post(url).set('Authorization', `Bearer ${expired}`).send({ reason: 'x' })).status,
      ).toBe(401);
      expect((await status(acc)).locked).toBe(true);
      expect(
        (await h.http.get(`/v1/accounts/${acc}/audit`).set('Authorization', `Bearer ${playerToken(acc)}`))
          .status,
      ).toBe(403);
    });

    test('when support unlocks an account that is not locked, then the answer is 409', async () => {
      const acc = accountIdFor('unlocked');
      const res = await h.http
        .post(`/v1/accounts/${acc}/unlock`)
        .set('Authorization', `Bearer ${SUPPORT}`)
        .send({ reason: 'just in case' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'ACCOUNT.NOT_LOCKED', message: expect.any(String) } });
    });

    test('when support gives no reason, then the answer is 400 naming the reason', async () => {
      const acc = accountIdFor('no-reason');
      await lock(acc);
      const res = await h.http
        .post(`/v1/accounts/${acc}/unlock`)
        .set('Authorization', `Bearer ${SUPPORT}`)
        .send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^body\.reason/);
      expect((await status(acc)).locked).toBe(true);
    });
  });

  describe('by the player with the one-time link', () => {
    test('when the player opens the link, then a confirmation page with a button is shown and the token is not spent', async () => {
      const acc = accountIdFor('page');
      const { emailToken } = await lock(acc);
      for (let i = 0; i < 2; i++) {
        const page = await h.http.get(`/v1/unlock/${emailToken}`).set('X-Forwarded-For', nextIp());
        expect(page.status).toBe(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        expect(page.headers['cache-control']).toBe('no-store');
        expect(page.text).toContain('<form method="post">');
        expect(page.text).toContain(acc);
      }
      expect((await status(acc)).locked).toBe(true);
    });

    test('when the player posts the emailed token, then the account is unlocked once and every later use is refused', async () => {
      const acc = accountIdFor('self');
      const { emailToken, smsToken, loginId } = await lock(acc);
      const ip = nextIp();

      const res = await h.http
        .post(`/v1/unlock/${emailToken}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accountId: acc, locked: false, unlockedAt: expect.any(String) });
      expect((await status(acc)).locked).toBe(false);
      const [unlocked] = await h.waitAbout('account.unlocked', acc);
      expect(unlocked!.body.data).toMatchObject({ accountId: acc, by: 'player' });
      expect(unlocked!.body.correlationid).toBe(loginId);
      expect((await h.audit(acc)).find((a) => a.action === 'account_unlocked')).toMatchObject({
        actor: 'player',
        login_id: loginId,
      });

      const again = await h.http
        .post(`/v1/unlock/${emailToken}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('UNLOCK.TOKEN_USED');
      const other = await h.http
        .post(`/v1/unlock/${smsToken}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('ACCOUNT.NOT_LOCKED');
      expect((await h.http.get(`/v1/unlock/${emailToken}`).set('X-Forwarded-For', ip)).text).toContain(
        'already been used',
      );
      expect((await h.audit(acc)).filter((a) => a.action === 'unlock_refused').map((a) => a.reason)).toEqual([
        'UNLOCK.TOKEN_USED',
        'ACCOUNT.NOT_LOCKED',
      ]);
      expect(h.about('account.unlocked', acc)).toHaveLength(1);
    });

    test('when the confirmation form is submitted from a browser, then the answer is a page saying the account is unlocked', async () => {
      const acc = accountIdFor('form');
      const { smsToken } = await lock(acc);
      const res = await h.http
        .post(`/v1/unlock/${smsToken}`)
        .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('X-Forwarded-For', nextIp())
        .send('');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Your account is unlocked');
      expect((await status(acc)).locked).toBe(false);
    });

    test('when the token has expired, then it is refused with 410 and the account stays locked', async () => {
      const acc = accountIdFor('expired');
      const { emailToken } = await lock(acc);
      await h.db.db
        .updateTable('unlock_token')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('account_id', '=', acc)
        .execute();
      const ip = nextIp();
      const res = await h.http
        .post(`/v1/unlock/${emailToken}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('UNLOCK.TOKEN_EXPIRED');
      const page = await h.http.get(`/v1/unlock/${emailToken}`).set('X-Forwarded-For', ip);
      expect(page.status).toBe(410);
      expect(page.text).toContain('expired');
      expect((await status(acc)).locked).toBe(true);
    });

    test('when a wrong or malformed token is posted, then it is refused with 404', async () => {
      const ip = nextIp();
      const wrong = await h.http
        .post(`/v1/unlock/${'A'.repeat(43)}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(wrong.status).toBe(404);
      expect(wrong.body.error.code).toBe('UNLOCK.TOKEN_NOT_FOUND');
      const malformed = await h.http
        .post('/v1/unlock/abc')
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(malformed.status).toBe(404);
      expect((await h.http.get('/v1/unlock/abc').set('X-Forwarded-For', ip)).status).toBe(404);
    });

    test('when one client keeps guessing, then its guesses are rate-limited with 429, while a good link from the same address (a shared proxy or carrier NAT) still works', async () => {
      const acc = accountIdFor('guess');
      const { emailToken } = await lock(acc);
      const guesser = nextIp();
      for (let i = 0; i < 5; i++) {
        const guess = `${'G'.repeat(38)}${String(i).padStart(5, '0')}`;
        expect(
          (
            await h.http
              .post(`/v1/unlock/${guess}`)
              .set('Accept', 'application/json')
              .set('X-Forwarded-For', guesser)
          ).status,
        ).toBe(404);
      }
      const limited = await h.http
        .post(`/v1/unlock/${'H'.repeat(43)}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', guesser);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      // Issue 15: the limit is keyed on the token as well as the address, so guessing is stopped
      // and a real link behind the same address still works.
      const other = nextIp();
      expect(
        (
          await h.http
            .post(`/v1/unlock/${'J'.repeat(43)}`)
            .set('Accept', 'application/json')
            .set('X-Forwarded-For', other)
        ).status,
      ).toBe(404);
      expect((await h.http.get(`/v1/unlock/${emailToken}`).set('X-Forwarded-For', guesser)).status).toBe(200);
      expect((await status(acc)).locked).toBe(true);
      expect(
        (
          await h.http
            .post(`/v1/unlock/${emailToken}`)
            .set('Accept', 'application/json')
            .set('X-Forwarded-For', guesser)
        ).status,
      ).toBe(200);
      expect((await status(acc)).locked).toBe(false);
    });

    test('when the link is only opened, however often, then the client is never rate-limited', async () => {
      const acc = accountIdFor('opens');
      const { emailToken } = await lock(acc);
      const ip = nextIp();
      for (let i = 0; i < 8; i++)
        expect((await h.http.get(`/v1/unlock/${emailToken}`).set('X-Forwarded-For', ip)).status).toBe(200);
    });

    test('when support unlocked first and the account is locked again later, then the old link unlocks nothing', async () => {
      const acc = accountIdFor('relock');
      const first = await lock(acc);
      await h.http
        .post(`/v1/accounts/${acc}/unlock`)
        .set('Authorization', `Bearer ${SUPPORT}`)
        .send({ reason: 'verified' })
        .expect(200);
      await lock(acc);
      const ip = nextIp();
      const res = await h.http
        .post(`/v1/unlock/${first.emailToken}`)
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ACCOUNT.NOT_LOCKED');
      expect((await status(acc)).locked).toBe(true);
      const unlockEvents = h.about('account.unlocked', acc);
      expect(unlockEvents).toHaveLength(1);
      expect(h.about('account.locked', acc)).toHaveLength(2);
      expect(new Set(h.about('account.locked', acc).map((e) => e.body.id)).size).toBe(2);
    });
  });

  describe('reading the status', () => {
    test('when the player, support or a login server asks, then the status is returned; another player gets 403 and no token 401', async () => {
      const acc = accountIdFor('status');
      await lock(acc);
      for (const token of [playerToken(acc), SUPPORT, SERVICE]) {
        const res = await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          accountId: acc,
          locked: true,
          lockedAt: expect.any(String),
          reason: expect.stringContaining('JP'),
        });
      }
      expect(
        (
          await h.http
            .get(`/v1/accounts/${acc}/status`)
            .set('Authorization', `Bearer ${playerToken('someone-else')}`)
        ).status,
      ).toBe(403);
      expect((await h.http.get(`/v1/accounts/${acc}/status`)).status).toBe(401);
    });
  });
});
