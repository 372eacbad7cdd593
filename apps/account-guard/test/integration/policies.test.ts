import { followUpId, listDeadLetters } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import {
  Harness,
  SUPPORT,
  TWILIO_FROM,
  TWILIO_SID,
  TWILIO_TOKEN,
  phoneFor,
  playerToken,
} from '../support/harness';
import { untilQuiet } from '../support/quiet';
import { unlockTokenIn } from '../support/smtp';

const emailOf = (acc: string) => `${acc}@players.example.test`;

describe('account-guard carries out each protection policy (SPEC §4)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-policies');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function statusOf(acc: string) {
    const res = await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${SUPPORT}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  test('when a foreign login meets the notify policy, then the player is told by email, SMS and in-game, and nothing else happens', async () => {
    const acc = accountIdFor('notify');
    await h.protect(acc, 'notify');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);

    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.id).toBe(followUpId(login.correlationid!, 'login.assessed'));
    expect(assessed.correlationid).toBe(login.correlationid);
    expect(assessed.source).toBe('account-guard');
    expect(assessed.data).toEqual({
      accountId: acc,
      sessionId: login.data.sessionId,
      loginEventId: login.correlationid,
      verdict: 'suspicious',
      reasons: ['foreign_country'],
      policy: 'notify',
      risk: 0,
      signals: [
        { code: 'foreign_country', level: 'suspicious', detail: { country: 'JP', homeCountry: 'KR' } },
      ],
      actions: [
        { type: 'notify', channel: 'email', status: expect.stringMatching(/^(pending|sent)$/) },
        { type: 'notify', channel: 'sms', status: expect.stringMatching(/^(pending|sent)$/) },
        { type: 'notify', channel: 'in_game', status: 'sent' },
      ],
    });

    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.from).toBe('guard@example.test');
    expect(mail!.messageId).toBe(
      `<${followUpId(login.correlationid!, 'notification', 'email')}@account-guard>`,
    );
    expect(mail!.subject).toBe('New sign-in to your account from Japan (JP)');
    expect(mail!.text).toContain('203.0.113.xxx');
    expect(mail!.text).not.toContain('203.0.113.77');
    expect(mail!.text).toContain(acc);
    expect(mail!.text).toMatch(/The sign-in was allowed/);
    expect(mail!.html).toContain('Japan (JP)');
    expect(unlockTokenIn(mail!.text)).toBeUndefined();

    const [sms] = await h.twilio.waitFor(phoneFor(acc));
    expect(sms).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`,
      accountSid: TWILIO_SID,
      authToken: TWILIO_TOKEN,
      form: { To: phoneFor(acc), From: TWILIO_FROM },
    });
    expect(sms!.form.Body).toContain('Japan (JP)');

    const [message] = h.about('player.message', acc);
    expect(message!.exchange).toBe('game.commands');
    expect(message!.body.id).toBe(followUpId(login.correlationid!, 'player.message', 'in_game'));
    expect(message!.body.correlationid).toBe(login.correlationid);
    expect(message!.body.data.text).toContain('Japan (JP)');

    await untilQuiet(h);
    expect(h.about('session.kick', acc)).toHaveLength(0);
    expect(h.about('account.locked', acc)).toHaveLength(0);
    expect((await statusOf(acc)).locked).toBe(false);
    const audit = await h.loginAudit(acc);
    expect(
      audit
        .filter((a) => a.action === 'notification_sent')
        .map((a) => a.details.channel)
        .sort(),
    ).toEqual(['email', 'in_game', 'sms']);
  });

  test('when a foreign login meets the kick policy, then the player is notified and the session is kicked as foreign_login', async () => {
    const acc = accountIdFor('kick');
    await h.protect(acc, 'kick');
    const login = loginRecorded({ accountId: acc, country: 'US' });
    await h.publish(login);

    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.data.policy).toBe('kick');
    expect(assessed.data.actions).toEqual(
      expect.arrayContaining([
        { type: 'notify', channel: 'in_game', status: 'sent' },
        { type: 'kick', status: 'done' },
      ]),
    );
    const [kick] = await h.waitAbout('session.kick', acc);
    expect(kick!.exchange).toBe('game.commands');
    expect(kick!.body.id).toBe(followUpId(login.correlationid!, 'session.kick'));
    expect(kick!.body.data).toEqual({
      accountId: acc,
      sessionId: login.data.sessionId,
      reason: 'foreign_login',
      message: expect.stringMatching(/ended/),
    });
    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.subject).toBe('We signed out a session from United States (US)');
    expect(mail!.text).toMatch(/We ended that session at once/);
    await h.twilio.waitFor(phoneFor(acc));
    expect(h.about('player.message', acc)).toHaveLength(1);

    await untilQuiet(h);
    expect(h.about('account.locked', acc)).toHaveLength(0);
    expect((await statusOf(acc)).locked).toBe(false);
    expect((await h.audit(acc)).filter((a) => a.action === 'session_kicked')).toEqual([
      expect.objectContaining({ actor: 'system', reason: 'foreign_login', login_id: login.correlationid }),
    ]);
  });

  test('when later logins follow a kick, then each is judged afresh', async () => {
    const acc = accountIdFor('kick-again');
    await h.protect(acc, 'kick', { trustedCountries: ['JP'] });
    const foreign = loginRecorded({ accountId: acc, country: 'US' });
    await h.publish(foreign);
    await h.assessed(foreign.correlationid!);
    const trusted = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(trusted);
    expect((await h.assessed(trusted.correlationid!)).data).toMatchObject({
      verdict: 'trusted',
      reasons: ['trusted_country'],
      actions: [],
    });
    await untilQuiet(h);
    expect(h.about('session.kick', acc).map((k) => k.body.data.sessionId)).toEqual([foreign.data.sessionId]);
  });

  test('when a foreign login meets the block policy, then the player is notified and the session kicked as region_blocked', async () => {
    const acc = accountIdFor('block');
    await h.protect(acc, 'block');
    const login = loginRecorded({ accountId: acc, country: 'CN' });
    await h.publish(login);

    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.data.actions).toEqual(
      expect.arrayContaining([
        { type: 'block', status: 'done' },
        { type: 'kick', status: 'done' },
      ]),
    );
    const [kick] = await h.waitAbout('session.kick', acc);
    expect(kick!.body.data.reason).toBe('region_blocked');
    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.subject).toBe('We blocked a sign-in from China (CN)');
    await h.twilio.waitFor(phoneFor(acc));
    await h.waitAbout('player.message', acc);
    expect((await statusOf(acc)).locked).toBe(false);
    expect((await h.audit(acc)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['login_blocked', 'session_kicked']),
    );
  });

  test('when the policy stays block, then every later foreign login is refused again until the policy changes', async () => {
    const acc = accountIdFor('block-stays');
    await h.protect(acc, 'block', { channels: ['in_game'] });
    for (let i = 1; i <= 3; i++) {
      const again = loginRecorded({ accountId: acc, country: 'DE' });
      await h.publish(again);
      expect((await h.assessed(again.correlationid!)).data.policy).toBe('block');
      const kicks = await h.waitAbout('session.kick', acc, i);
      expect(kicks[i - 1]!.body.data).toMatchObject({
        sessionId: again.data.sessionId,
        reason: 'region_blocked',
      });
      expect(await h.waitAbout('player.message', acc, i)).toHaveLength(i);
    }
    const home = loginRecorded({ accountId: acc, country: 'KR' });
    await h.publish(home);
    expect((await h.assessed(home.correlationid!)).data).toMatchObject({ verdict: 'trusted', actions: [] });

    await h.protect(acc, 'notify', { channels: ['in_game'] });
    const afterChange = loginRecorded({ accountId: acc, country: 'DE' });
    await h.publish(afterChange);
    expect((await h.assessed(afterChange.correlationid!)).data).toMatchObject({
      verdict: 'suspicious',
      policy: 'notify',
      actions: [{ type: 'notify', channel: 'in_game', status: 'sent' }],
    });
    await untilQuiet(h);
    expect(h.about('session.kick', acc)).toHaveLength(3);
  });

  test('when a foreign login meets the lock policy, then the account is locked, account.locked published, the session kicked and the player sent an unlock link', async () => {
    const acc = accountIdFor('lock');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'RU', ip: '2001:db8:1234::5' });
    await h.publish(login);

    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.data.actions).toEqual(
      expect.arrayContaining([
        { type: 'kick', status: 'done' },
        { type: 'lock', status: 'done' },
      ]),
    );
    const [locked] = await h.waitAbout('account.locked', acc);
    expect(locked!.exchange).toBe('account-security.events');
    expect(locked!.body.id).toBe(followUpId(login.correlationid!, 'account.locked'));
    expect(locked!.body.correlationid).toBe(login.correlationid);
    expect(locked!.body.data).toEqual({
      accountId: acc,
      reason: expect.stringContaining('RU'),
      by: 'system',
      at: expect.any(String),
    });
    const [kick] = await h.waitAbout('session.kick', acc);
    expect(kick!.body.data).toMatchObject({ sessionId: login.data.sessionId, reason: 'account_locked' });

    const status = await statusOf(acc);
    expect(status).toEqual({
      accountId: acc,
      locked: true,
      lockedAt: locked!.body.data.at,
      reason: locked!.body.data.reason,
    });

    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.subject).toBe('Your account was locked after a sign-in from Russia (RU)');
    expect(mail!.text).toContain('2001:db8:…');
    expect(mail!.text).not.toContain('2001:db8:1234');
    const token = unlockTokenIn(mail!.text);
    expect(token).toBeDefined();
    expect(mail!.text).toContain(`http://guard.example.test/v1/unlock/${token}`);
    const [sms] = await h.twilio.waitFor(phoneFor(acc));
    expect(unlockTokenIn(sms!.form.Body!)).toBeDefined();

    const [message] = await h.waitAbout('player.message', acc);
    expect(message!.body.data.text).not.toContain('/v1/unlock/');
    expect(message!.body.data.text).toMatch(/email and text message/);

    // Only hashes are stored, and nowhere in the database does the raw token appear.
    const tokens = await h.db.db
      .selectFrom('unlock_token')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(tokens).toHaveLength(2);
    const dump = JSON.stringify(
      await h.db.db.selectFrom('login_action').selectAll().where('account_id', '=', acc).execute(),
    );
    expect(dump).not.toContain(token);
    expect(JSON.stringify(tokens)).not.toContain(token);
  });

  test('when a locked account logs in again, even from home, then the session is kicked as account_locked without new notices', async () => {
    const acc = accountIdFor('locked-later');
    await h.protect(acc, 'lock', { channels: ['email'] });
    const first = loginRecorded({ accountId: acc, country: 'BR' });
    await h.publish(first);
    await h.waitAbout('account.locked', acc);
    await h.smtp!.waitFor(emailOf(acc));

    const home = loginRecorded({ accountId: acc, country: 'KR' });
    await h.publish(home);
    expect((await h.assessed(home.correlationid!)).data).toMatchObject({
      verdict: 'trusted',
      reasons: ['account_locked'],
      policy: 'lock',
      actions: [{ type: 'kick', status: 'done' }],
    });
    const kicks = await h.waitAbout('session.kick', acc, 2);
    expect(kicks[1]!.body.data).toMatchObject({ sessionId: home.data.sessionId, reason: 'account_locked' });

    await untilQuiet(h);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(1);
    expect(h.about('account.locked', acc)).toHaveLength(1);
  });

  test('when a foreign login meets the none policy, then it is only assessed', async () => {
    const acc = accountIdFor('none');
    await h.protect(acc, 'none');
    const login = loginRecorded({ accountId: acc, country: 'FR' });
    await h.publish(login);
    expect((await h.assessed(login.correlationid!)).data).toMatchObject({
      verdict: 'suspicious',
      policy: 'none',
      actions: [],
    });
    await untilQuiet(h);
    for (const key of ['session.kick', 'player.message', 'account.locked'])
      expect(h.about(key, acc)).toHaveLength(0);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(0);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(0);
  });

  test.each([
    ['from the home country', { country: 'KR' }, []],
    ['from the home country the event names', { country: 'US', homeCountry: 'US' }, []],
    ['from a trusted country', { country: 'JP' }, ['trusted_country']],
    ['from a private address', { country: null, reason: 'private' as const }, ['country_unknown:private']],
  ])('when a login comes %s, then it is trusted and nothing is done', async (_label, where, reasons) => {
    const acc = accountIdFor('trusted');
    await h.protect(acc, 'lock', { trustedCountries: ['JP'] });
    const login = loginRecorded({ accountId: acc, ...where });
    await h.publish(login);
    expect((await h.assessed(login.correlationid!)).data).toMatchObject({
      verdict: 'trusted',
      reasons,
      policy: 'lock',
      actions: [],
    });
    await untilQuiet(h);
    for (const key of ['session.kick', 'player.message', 'account.locked'])
      expect(h.about(key, acc)).toHaveLength(0);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(0);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(0);
    expect((await statusOf(acc)).locked).toBe(false);
  });

  test('when an account never chose a policy, then DEFAULT_POLICY applies and a channel without an address is skipped and recorded', async () => {
    const acc = accountIdFor('default');
    const login = loginRecorded({ accountId: acc, country: 'GB' });
    await h.publish(login);
    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.data).toMatchObject({
      verdict: 'suspicious',
      policy: 'notify',
      actions: [
        { type: 'notify', channel: 'email', status: 'skipped' },
        { type: 'notify', channel: 'in_game', status: 'sent' },
      ],
    });
    await h.waitAbout('player.message', acc);
    expect((await h.audit(acc)).find((a) => a.action === 'notification_skipped')).toMatchObject({
      reason: 'no_address',
      details: { channel: 'email' },
    });
    const protection = await h.http
      .get(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${playerToken(acc)}`);
    expect(protection.body).toEqual({
      accountId: acc,
      policy: 'notify',
      channels: ['email', 'in_game'],
      email: null,
      phone: null,
      trustedCountries: [],
      travelPasses: [],
      locale: 'en',
      pendingEmail: null,
      pendingPhone: null,
      updatedAt: null,
    });
  });

  test('when the account reads Korean, then every notice and the kick message are in Korean', async () => {
    const acc = accountIdFor('ko');
    await h.protect(acc, 'kick', { locale: 'ko' });
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);
    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.subject).toBe('일본(JP)에서의 접속을 종료했습니다');
    expect(mail!.text).toContain('(한국 시간)');
    const [sms] = await h.twilio.waitFor(phoneFor(acc));
    expect(sms!.form.Body).toContain('일본(JP)');
    const [kick] = await h.waitAbout('session.kick', acc);
    expect(kick!.body.data.message).toMatch(/종료되었습니다/);
    const [message] = await h.waitAbout('player.message', acc);
    expect(message!.body.data.text).toMatch(/보안 알림/);
  });

  test('when a malformed login.recorded arrives, then it is dead-lettered with the reason and the next login is still assessed', async () => {
    const acc = accountIdFor('malformed');
    await h.protect(acc, 'lock');
    const bad = loginRecorded({ accountId: acc, country: 'JP' });
    (bad.data.geo as { country: string }).country = 'Japan';
    await h.publish(bad);
    const good = loginRecorded({ accountId: acc, country: 'KR' });
    await h.publish(good);
    expect((await h.assessed(good.correlationid!)).data.verdict).toBe('trusted');

    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(async () =>
      (dead = await listDeadLetters(h.vhost.url, 'account-guard.login.recorded')).some(
        (d) => d.messageId === bad.id,
      ),
    );
    expect(dead.find((d) => d.messageId === bad.id)).toMatchObject({
      reason: 'invalid_data',
      error: expect.stringMatching(/data\.geo\.country/),
    });
    expect(
      await h.db.db
        .selectFrom('login_decision')
        .selectAll()
        .where('login_id', '=', bad.correlationid!)
        .execute(),
    ).toHaveLength(0);
    expect(h.about('account.locked', acc)).toHaveLength(0);
  });
});
