import { connect } from 'node:net';
import { waitUntil } from '@account-security/shared/testing';
import { deviceKey } from '../../src/domain/known';
import type { Policy } from '../../src/domain/types';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT, agedToken, phoneFor, playerToken } from '../support/harness';
import { unlockTokenIn } from '../support/smtp';

const emailOf = (acc: string) => `${acc}@players.example.test`;
const answerTokenIn = (text: string) => /\/v1\/feedback\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
let ipSeq = 10;
/** Each test speaks from its own client address, so the limiter of one never trips another. */
const nextIp = () => `198.51.100.${ipSeq++}`;
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe("the player's answers to a login notice (SPEC §8)", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-feedback', { env: { UNLOCK_RATE_LIMIT: '5' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /**
   * A suspicious login (JP, home KR) from a device and a network, the player told about it by
   * email and SMS.
   */
  async function noticed(
    acc: string,
    policy: Policy = 'notify',
    { asn = 64500, ...more }: { time?: string; asn?: number } = {},
  ) {
    await h.protect(acc, policy);
    const before = { mails: h.smtp!.to(emailOf(acc)).length, sms: h.twilio.to(phoneFor(acc)).length };
    const login = loginRecorded({
      accountId: acc,
      country: 'JP',
      ip: '203.0.113.45',
      deviceId: `device-of-${acc}`,
      geo: { asn },
      ...more,
    });
    await h.publish(login);
    const loginId = login.correlationid!;
    await h.assessed(loginId);
    const mails = await h.smtp!.waitFor(emailOf(acc), before.mails + 1);
    const sms = await h.twilio.waitFor(phoneFor(acc), before.sms + 1);
    // Every notice finished and audited, so what follows sees only the answer's own writes.
    await h.settled();
    const mail = mails[mails.length - 1]!;
    const smsBody = sms[sms.length - 1]!.form.Body!;
    return {
      loginId,
      mail,
      smsBody,
      emailToken: answerTokenIn(mail.text)!,
      smsToken: answerTokenIn(smsBody)!,
    };
  }

  const answerApi = (acc: string, loginId: string, token: string, body: unknown) =>
    h.http
      .post(`/v1/accounts/${acc}/logins/${loginId}/feedback`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  const answerLink = (token: string, answer: string, ip = nextIp()) =>
    h.http
      .post(`/v1/feedback/${token}`)
      .set('Accept', 'application/json')
      .set('X-Forwarded-For', ip)
      .send({ answer });

  const status = async (acc: string) =>
    (await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${SUPPORT}`)).body;
  const settingsOf = async (acc: string) =>
    (await h.http.get(`/v1/accounts/${acc}/protection`).set('Authorization', `Bearer ${SUPPORT}`)).body;

  /** Everything an answer could have written, to compare before and after a repeat. */
  async function footprint(acc: string) {
    const [outbox, feedback, known, devices] = await Promise.all([
      h.db.db
        .selectFrom('event_outbox')
        .select('id')
        .where('event', '@>', JSON.stringify({ subject: acc }) as never)
        .execute(),
      h.db.db.selectFrom('login_feedback').selectAll().where('account_id', '=', acc).execute(),
      h.db.db.selectFrom('known_network').selectAll().where('account_id', '=', acc).execute(),
      h.db.db.selectFrom('known_device').selectAll().where('account_id', '=', acc).execute(),
    ]);
    return {
      audit: (await h.audit(acc)).length,
      outbox: outbox.length,
      feedback: feedback.map((f) => `${f.answer}/${f.answered_by}`),
      known: known.length + devices.length,
      reported: h.about('login.reported', acc).length,
      locked: h.about('account.locked', acc).length,
      unlocked: h.about('account.unlocked', acc).length,
      revoke: h.about('account.sessions-revoke', acc).length,
      reset: h.about('account.password-reset', acc).length,
      passes: (await settingsOf(acc)).travelPasses,
    };
  }

  test('when a suspicious login is told by email and SMS, then each carries its own one-time answer link in the words of the notice', async () => {
    const acc = accountIdFor('links');
    const { mail, smsBody, emailToken, smsToken } = await noticed(acc);
    expect(mail.text).toContain('Was this you? Answer with this one-time link');
    expect(mail.text).toContain(`http://guard.example.test/v1/feedback/${emailToken}`);
    expect(smsBody).toContain(`Was this you? Answer`);
    expect(smsBody).toContain(`/v1/feedback/${smsToken}`);
    expect(emailToken).not.toBe(smsToken);
    // Only hashes are stored.
    const rows = await h.db.db
      .selectFrom('feedback_token')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect([emailToken, smsToken]).not.toContain(r.token_hash);
      expect(r.action_id).not.toBeNull();
    }
  });

  test('when the player opens the emailed link, then a page with both buttons is shown and nothing happens; pressing "it was me" records it', async () => {
    const acc = accountIdFor('page-me');
    const { loginId, emailToken } = await noticed(acc);
    const ip = nextIp();
    const before = await footprint(acc);
    for (let i = 0; i < 2; i++) {
      const page = await h.http.get(`/v1/feedback/${emailToken}`).set('X-Forwarded-For', ip);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain('<form method="post">');
      expect(page.text).toContain('<button type="submit" name="answer" value="me">Yes, it was me</button>');
      expect(page.text).toContain('value="not_me">No, secure my account</button>');
      expect(page.text).toContain('Japan (JP)');
      expect(page.text).not.toContain(emailToken);
    }
    expect(await footprint(acc)).toEqual(before);

    const res = await h.http
      .post(`/v1/feedback/${emailToken}`)
      .set('Accept', BROWSER)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-Forwarded-For', ip)
      .send('answer=me');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Thank you for confirming');

    const [reported] = await h.waitAbout('login.reported', acc);
    expect(reported!.exchange).toBe('account-security.events');
    expect(reported!.body.correlationid).toBe(loginId);
    expect(reported!.body.data).toEqual({
      accountId: acc,
      loginEventId: loginId,
      ip: '203.0.113.45',
      answer: 'me',
      at: expect.any(String),
      by: 'player',
      country: 'JP',
    });
    const devices = await h.db.db
      .selectFrom('known_device')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(devices).toEqual([
      expect.objectContaining({ device_key: deviceKey(`device-of-${acc}`), login_id: loginId }),
    ]);
    const networks = await h.db.db
      .selectFrom('known_network')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(networks).toEqual([expect.objectContaining({ asn: 64500, login_id: loginId })]);

    // The link is spent: a second use is refused as used, as a page and as JSON.
    const again = await h.http.get(`/v1/feedback/${emailToken}`).set('X-Forwarded-For', ip);
    expect(again.status).toBe(409);
    expect(again.text).toContain('already been used');
    const json = await answerLink(emailToken, 'me', ip);
    expect(json.status).toBe(409);
    expect(json.body.error.code).toBe('FEEDBACK.TOKEN_USED');
  });

  test('when the login came from a 4-byte ASN above 2^31, then it is judged, and "it was me" makes that network known', async () => {
    // AS4200000001: private use (RFC 6996), as a game's own VPN or a carrier's inner network shows up.
    const asn = 4_200_000_001;
    const acc = accountIdFor('asn32');
    const { loginId, smsToken } = await noticed(acc, 'notify', { asn });
    const res = await answerLink(smsToken, 'me');
    expect(res.status).toBe(200);
    expect(res.body.effects).toMatchObject({ knownDevice: true, knownNetwork: true });
    const networks = await h.db.db
      .selectFrom('known_network')
      .select(['asn', 'login_id'])
      .where('account_id', '=', acc)
      .execute();
    expect(networks).toEqual([{ asn, login_id: loginId }]);

    const next = loginRecorded({ accountId: acc, country: 'JP', deviceId: 'another-device', geo: { asn } });
    await h.publish(next);
    const assessed = (await h.assessed(next.correlationid!)).data;
    expect(assessed.signals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'confirmed_by_player', detail: { device: false, network: true } }),
      ]),
    );
  });

  test('when the player answers "it was me", then the country gets a travel pass and the next login from there is not suspicious', async () => {
    const acc = accountIdFor('pass');
    const { loginId, smsToken } = await noticed(acc);
    const res = await answerLink(smsToken, 'me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accountId: acc,
      loginEventId: loginId,
      answer: 'me',
      by: 'player',
      repeated: false,
      effects: {
        unlocked: false,
        locked: false,
        knownDevice: true,
        knownNetwork: true,
        sessionsRevoked: false,
      },
    });
    const pass = res.body.effects.travelPass;
    expect(pass.country).toBe('JP');
    const days = (Date.parse(pass.until) - Date.parse(pass.from)) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);
    expect((await settingsOf(acc)).travelPasses).toEqual([pass]);
    const audit = await h.audit(acc);
    expect(audit.find((a) => a.action === 'travel_pass_added')).toMatchObject({
      actor: 'player',
      login_id: loginId,
      details: expect.objectContaining({ country: 'JP', from: pass.from, until: pass.until }),
    });
    expect(audit.find((a) => a.action === 'feedback')).toMatchObject({
      actor: 'player',
      reason: 'me',
      login_id: loginId,
      details: expect.objectContaining({ answer: 'me', by: 'player', loginId }),
    });

    const next = loginRecorded({
      accountId: acc,
      country: 'JP',
      deviceId: `device-of-${acc}`,
      geo: { asn: 64500 },
    });
    await h.publish(next);
    const assessed = (await h.assessed(next.correlationid!)).data;
    expect(assessed.verdict).not.toBe('suspicious');
    expect(assessed.reasons).not.toContain('foreign_country');
    expect(assessed.signals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'travel_pass', level: 'info' }),
        // The device and network "it was me" made known (the other half of SPEC §8, in the signals).
        expect.objectContaining({ code: 'confirmed_by_player', detail: { device: true, network: true } }),
      ]),
    );
  });

  test('when the player answers "it was me" on the login that locked the account, then the lock ends by the player', async () => {
    const acc = accountIdFor('lock-me');
    const { loginId, mail, emailToken } = await noticed(acc, 'lock');
    expect(unlockTokenIn(mail.text)).toBeDefined();
    expect((await status(acc)).locked).toBe(true);

    const res = await answerLink(emailToken, 'me');
    expect(res.status).toBe(200);
    expect(res.body.effects.unlocked).toBe(true);
    expect((await status(acc)).locked).toBe(false);
    const [unlocked] = await h.waitAbout('account.unlocked', acc);
    expect(unlocked!.body.data).toMatchObject({ accountId: acc, by: 'player' });
    expect(unlocked!.body.correlationid).toBe(loginId);
    expect((await h.audit(acc)).find((a) => a.action === 'account_unlocked')).toMatchObject({
      actor: 'player',
      login_id: loginId,
    });
    // The unlock link of that lock is of no use any more.
    const unlock = await h.http
      .post(`/v1/unlock/${unlockTokenIn(mail.text)}`)
      .set('Accept', 'application/json')
      .set('X-Forwarded-For', nextIp());
    expect(unlock.status).toBe(409);
  });

  test('when the player answers "not me", then the account is locked, every session ended, a new password required and the login reported', async () => {
    const acc = accountIdFor('not-me');
    const { loginId, emailToken } = await noticed(acc);
    const res = await answerLink(emailToken, 'not_me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      answer: 'not_me',
      by: 'player',
      repeated: false,
      effects: {
        locked: true,
        sessionsRevoked: true,
        passwordReset: true,
        unlocked: false,
        travelPass: null,
      },
    });
    expect(await status(acc)).toMatchObject({ locked: true, reason: 'reported by the player: not me' });

    const [locked] = await h.waitAbout('account.locked', acc);
    expect(locked!.body.data).toEqual({
      accountId: acc,
      reason: 'reported by the player: not me',
      by: 'player',
      at: res.body.at,
    });
    expect(locked!.body.correlationid).toBe(loginId);
    const [revoke] = await h.waitAbout('account.sessions-revoke', acc);
    expect(revoke!.exchange).toBe('game.commands');
    expect(revoke!.body.data).toEqual({
      accountId: acc,
      reason: 'login_reported',
      message: expect.stringContaining('new password'),
    });
    const [reset] = await h.waitAbout('account.password-reset', acc);
    expect(reset!.exchange).toBe('game.commands');
    expect(reset!.body.data).toEqual({ accountId: acc, reason: 'login_reported' });
    const [reported] = await h.waitAbout('login.reported', acc);
    expect(reported!.body.data).toMatchObject({
      loginEventId: loginId,
      answer: 'not_me',
      ip: '203.0.113.45',
      by: 'player',
    });

    // login.reported makes the address count for reported_ip (SPEC §7), on any account.
    await waitUntil(
      async () =>
        (await h.db.db
          .selectFrom('reported_ip')
          .select('ip')
          .where('ip', '=', '203.0.113.45')
          .executeTakeFirst()) !== undefined,
      20000,
      'the reported IP recorded',
    );
    const elsewhere = loginRecorded({
      accountId: accountIdFor('same-ip'),
      country: 'KR',
      ip: '203.0.113.45',
    });
    await h.publish(elsewhere);
    expect((await h.assessed(elsewhere.correlationid!)).data.reasons).toContain('reported_ip');

    const actions = (await h.audit(acc))
      .filter((a) => a.login_id === loginId)
      .map((a) => `${a.action}/${a.actor}`);
    expect(actions).toEqual(expect.arrayContaining(['account_locked/player', 'feedback/player']));

    // "It was me" now is refused (only support can unlock), and changes nothing.
    const before = await footprint(acc);
    const me = await answerApi(acc, loginId, SUPPORT, { answer: 'me' });
    expect(me.status).toBe(409);
    expect(me.body.error.code).toBe('FEEDBACK.ALREADY_NOT_ME');
    expect({ ...(await footprint(acc)), audit: 0 }).toEqual({ ...before, audit: 0 });
  });

  test('when "not me" answers the login that locked the account, then it stays locked under that lock and its unlock link stops working', async () => {
    const acc = accountIdFor('lock-not-me');
    const { loginId, mail, emailToken } = await noticed(acc, 'lock');
    const lockedBefore = await status(acc);
    const res = await answerLink(emailToken, 'not_me');
    expect(res.status).toBe(200);
    expect(res.body.effects).toMatchObject({ locked: true, sessionsRevoked: true, passwordReset: true });
    expect(await status(acc)).toEqual(lockedBefore);
    await h.waitAbout('account.password-reset', acc);
    expect(h.about('account.locked', acc)).toHaveLength(1);
    const ip = nextIp();
    const unlock = await h.http
      .post(`/v1/unlock/${unlockTokenIn(mail.text)}`)
      .set('Accept', 'application/json')
      .set('X-Forwarded-For', ip);
    expect(unlock.status).toBe(409);
    expect(unlock.body.error.code).toBe('UNLOCK.SUPPORT_ONLY');
    const page = await h.http.get(`/v1/unlock/${unlockTokenIn(mail.text)}`).set('X-Forwarded-For', ip);
    expect(page.status).toBe(409);
    expect(page.text).toContain('Only support can unlock your account');
    const pressed = await h.http
      .post(`/v1/unlock/${unlockTokenIn(mail.text)}`)
      .set('Accept', BROWSER)
      .set('X-Forwarded-For', ip);
    expect(pressed.status).toBe(409);
    expect(pressed.text).toContain('reported as not you');
    expect((await status(acc)).locked).toBe(true);
    expect(
      (await h.audit(acc)).filter((a) => a.action === 'unlock_refused' && a.reason === 'UNLOCK.SUPPORT_ONLY'),
    ).toHaveLength(2);
    expect(
      (await h.audit(acc)).filter((a) => a.action === 'feedback' && a.login_id === loginId),
    ).toHaveLength(1);
  });

  test('when "not me" on a later login meets the lock of an earlier one, then "it was me" on the earlier login no longer ends it; support still can', async () => {
    const acc = accountIdFor('lock-other');
    const l0 = await noticed(acc, 'lock');
    const lockedBefore = await status(acc);
    expect(lockedBefore.locked).toBe(true);
    // A second login while locked (L1), reported "not me".
    const l1 = loginRecorded({ accountId: acc, country: 'JP', ip: '203.0.113.46' });
    await h.publish(l1);
    await h.assessed(l1.correlationid!);
    await h.settled();
    const notMe = await answerApi(acc, l1.correlationid!, agedToken(acc, 3600), { answer: 'not_me' });
    expect(notMe.status).toBe(200);
    expect(notMe.body.effects.locked).toBe(true);

    const me = await answerLink(l0.emailToken, 'me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ answer: 'me', repeated: false, effects: { unlocked: false } });
    expect(await status(acc)).toEqual(lockedBefore);
    expect(h.about('account.unlocked', acc)).toHaveLength(0);
    const row = await h.db.db
      .selectFrom('login_feedback')
      .selectAll()
      .where('login_id', '=', l0.loginId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ answer: 'me', answered_by: 'player' });

    const bySupport = await h.http
      .post(`/v1/accounts/${acc}/unlock`)
      .set('Authorization', `Bearer ${SUPPORT}`)
      .send({ reason: 'owner verified by phone' });
    expect(bySupport.status).toBe(200);
    expect((await status(acc)).locked).toBe(false);
  });

  test('when a lock notice is still being retried after "not me", then it goes out with no unlock link and says to contact support', async () => {
    const acc = accountIdFor('retry-not-me');
    await h.protect(acc, 'lock');
    // The stand-in's queue of failures, emptied below (and always, so no other test inherits it).
    const failures = (h.twilio as unknown as { failures: number[] }).failures;
    const failedBefore = h.twilio.failed;
    h.twilio.failNext(...new Array<number>(5_000).fill(503));
    try {
      const before = h.smtp!.to(emailOf(acc)).length;
      const login = loginRecorded({ accountId: acc, country: 'JP' });
      await h.publish(login);
      const mails = await h.smtp!.waitFor(emailOf(acc), before + 1);
      await waitUntil(() => h.twilio.failed > failedBefore + 1, 20000, 'the lock SMS failing');
      const res = await answerLink(answerTokenIn(mails[mails.length - 1]!.text)!, 'not_me');
      expect(res.status).toBe(200);
      failures.length = 0;
      const [sms] = await h.twilio.waitFor(phoneFor(acc), 1);
      const body = sms!.form.Body!;
      expect(unlockTokenIn(body)).toBeUndefined();
      expect(body).toContain('Contact support to unlock it');
      // Every unlock link ever stored for this lock is spent or expired; none works.
      const live = await h.db.db
        .selectFrom('unlock_token')
        .select('token_hash')
        .where('account_id', '=', acc)
        .where('expires_at', '>', new Date())
        .execute();
      expect(live).toEqual([]);
      expect((await status(acc)).locked).toBe(true);
    } finally {
      failures.length = 0;
    }
  });

  test('when the same answer is given twice, then the second has no effect and returns the first result, repeated', async () => {
    const acc = accountIdFor('twice');
    const { loginId } = await noticed(acc);
    const token = agedToken(acc, 3600);
    const first = await answerApi(acc, loginId, token, { answer: 'not_me' });
    expect(first.status).toBe(200);
    await h.waitAbout('account.password-reset', acc);
    await h.waitAbout('login.reported', acc);
    await h.waitAbout('account.locked', acc);
    const before = await footprint(acc);

    const second = await answerApi(acc, loginId, token, { answer: 'not_me' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...first.body, repeated: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(await footprint(acc)).toEqual(before);
    expect(before).toMatchObject({ outbox: 4, reported: 1, locked: 1, revoke: 1, reset: 1 });
  });

  test('when "it was me" is given twice, then the travel pass, known device and events are not repeated', async () => {
    const acc = accountIdFor('twice-me');
    const { loginId } = await noticed(acc);
    const first = await answerApi(acc, loginId, agedToken(acc, 3600), { answer: 'me' });
    expect(first.status).toBe(200);
    await h.waitAbout('login.reported', acc);
    const before = await footprint(acc);
    const second = await answerApi(acc, loginId, SUPPORT, { answer: 'me' });
    expect(second.body).toEqual({ ...first.body, repeated: true });
    await new Promise((r) => setTimeout(r, 300));
    // Support repeating the player's answer changes nothing but is on record, once per repeat.
    expect(await footprint(acc)).toEqual({ ...before, audit: before.audit + 1 });
    const repeated = (await h.audit(acc)).filter((a) => a.action === 'feedback_repeated');
    expect(repeated).toEqual([
      expect.objectContaining({
        actor: 'support:staff-7',
        reason: 'me',
        login_id: loginId,
        details: expect.objectContaining({ firstBy: 'player', by: 'support:staff-7' }),
      }),
    ]);
    // The same actor again: a plain repeat, not audited.
    const third = await answerApi(acc, loginId, agedToken(acc, 3600), { answer: 'me' });
    expect(third.body).toEqual({ ...first.body, repeated: true });
    expect((await h.audit(acc)).length).toBe(before.audit + 1);

    // "Not me" after "me" is carried out: locked, and what "me" made known is forgotten.
    const notMe = await answerApi(acc, loginId, agedToken(acc, 3600), { answer: 'not_me' });
    expect(notMe.status).toBe(200);
    expect(notMe.body.effects).toMatchObject({ locked: true, sessionsRevoked: true });
    await h.waitAbout('login.reported', acc, 2);
    const after = await footprint(acc);
    expect(after.feedback).toEqual(['not_me/player']);
    expect(after.known).toBe(0);
    expect(before.passes).toEqual([first.body.effects.travelPass]);
    expect(after.passes).toEqual([]);
    expect((await h.audit(acc)).find((a) => a.action === 'travel_pass_removed')).toMatchObject({
      actor: 'player',
      login_id: loginId,
      details: first.body.effects.travelPass,
    });
    expect(h.about('login.reported', acc).map((m) => m.body.data.answer)).toEqual(['me', 'not_me']);
  });

  test('when a player token issued after the login says "it was me", then it is refused with 403; an older token may, "not me" always', async () => {
    const acc = accountIdFor('iat');
    const loginTime = new Date(Date.now() - 10 * 60_000).toISOString();
    const { loginId } = await noticed(acc, 'notify', { time: loginTime });
    const before = await footprint(acc);
    const fresh = await answerApi(acc, loginId, playerToken(acc), { answer: 'me' });
    expect(fresh.status).toBe(403);
    expect(fresh.body.error.code).toBe('FEEDBACK.TOKEN_TOO_NEW');
    // Nothing changed but the refusal's own audit entry.
    expect(await footprint(acc)).toEqual({ ...before, audit: before.audit + 1 });
    expect((await h.audit(acc)).filter((a) => a.action === 'feedback_refused')).toEqual([
      expect.objectContaining({ actor: 'player', reason: 'FEEDBACK.TOKEN_TOO_NEW', login_id: loginId }),
    ]);

    const older = await answerApi(acc, loginId, agedToken(acc, 20 * 60), { answer: 'me' });
    expect(older.status).toBe(200);
    expect(older.body).toMatchObject({ answer: 'me', by: 'player', repeated: false });
    const notMe = await answerApi(acc, loginId, playerToken(acc), { answer: 'not_me' });
    expect(notMe.status).toBe(200);
  });

  test('when the identity provider\'s clock may run behind, then a token issued 1 s before the login is too new; one 10 minutes before may say "it was me"', async () => {
    const acc = accountIdFor('iat-skew');
    const loginMs = Date.now() - 30 * 60_000;
    const { loginId } = await noticed(acc, 'notify', { time: new Date(loginMs).toISOString() });
    const ageOf = (secondsBeforeLogin: number) =>
      Math.floor(Date.now() / 1000) - (Math.floor(loginMs / 1000) - secondsBeforeLogin);
    const auditBefore = (await h.audit(acc)).length;
    const skewed = await answerApi(acc, loginId, agedToken(acc, ageOf(1)), { answer: 'me' });
    expect(skewed.status).toBe(403);
    expect(skewed.body.error.code).toBe('FEEDBACK.TOKEN_TOO_NEW');
    expect(await h.audit(acc)).toHaveLength(auditBefore + 1);
    const older = await answerApi(acc, loginId, agedToken(acc, ageOf(600)), { answer: 'me' });
    expect(older.status).toBe(200);
    expect(older.body).toMatchObject({ answer: 'me', by: 'player', repeated: false });
  });

  test('when support answers, then the answer is recorded as support and "it was me" needs no old token', async () => {
    const acc = accountIdFor('support');
    const { loginId } = await noticed(acc, 'lock');
    const res = await answerApi(acc, loginId, SUPPORT, { answer: 'me' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ by: 'support:staff-7', effects: { unlocked: true } });
    const row = await h.db.db
      .selectFrom('login_feedback')
      .selectAll()
      .where('login_id', '=', loginId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ answer: 'me', answered_by: 'support:staff-7', account_id: acc });
    const [unlocked] = await h.waitAbout('account.unlocked', acc);
    expect(unlocked!.body.data.by).toBe('support:staff-7');
    const [reported] = await h.waitAbout('login.reported', acc);
    expect(reported!.body.data.by).toBe('support:staff-7');
  });

  test('when another account, an unknown login or a bad body is used, then 403, 404 and 400 naming the field', async () => {
    const acc = accountIdFor('owner');
    const other = accountIdFor('other');
    const { loginId, emailToken } = await noticed(acc);
    const before = await footprint(acc);
    const foreign = await answerApi(acc, loginId, agedToken(other, 3600), { answer: 'not_me' });
    expect(foreign.status).toBe(403);
    // The login exists, but not on the other account: not told apart from an unknown one.
    const elsewhere = await answerApi(other, loginId, agedToken(other, 3600), { answer: 'not_me' });
    expect(elsewhere.status).toBe(404);
    const unknown = await answerApi(acc, 'no-such-login', agedToken(acc, 3600), { answer: 'not_me' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('FEEDBACK.LOGIN_NOT_FOUND');
    expect(elsewhere.body).toEqual(unknown.body);
    const bad = await answerApi(acc, loginId, agedToken(acc, 3600), { answer: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.answer/);
    const ip = nextIp();
    const form = (body: string) =>
      h.http
        .post(`/v1/feedback/${emailToken}`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('Accept', 'application/json')
        .set('X-Forwarded-For', ip)
        .send(body);
    const maybe = await form('answer=maybe');
    expect(maybe.status).toBe(400);
    expect(maybe.body.error.message).toMatch(/^body\.answer/);
    const huge = await form(`answer=me&pad=${'x'.repeat(2000)}`);
    expect(huge.status).toBe(413);
    const tenKb = await form(`answer=me&pad=${'x'.repeat(10 * 1024)}`);
    expect(tenKb.status).toBe(413);
    const none = await h.http
      .post(`/v1/accounts/${acc}/logins/${loginId}/feedback`)
      .send({ answer: 'not_me' });
    expect(none.status).toBe(401);
    expect(await footprint(acc)).toEqual(before);
  });

  /**
   * Sends the head and the first `sent` bytes of a form body declared (or, chunked, meant) to be
   * 10 KB, then nothing more; resolves with what the server answered meanwhile.
   */
  function partialForm(token: string, chunked: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(h.svc.port, '127.0.0.1');
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(text);
      }, 3000);
      socket.on('data', (d) => {
        text += d.toString('utf8');
        if (text.includes('\r\n\r\n')) {
          clearTimeout(timer);
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      const part = `answer=me&pad=${'x'.repeat(2048)}`;
      socket.write(
        [
          `POST /v1/feedback/${token} HTTP/1.1`,
          'Host: 127.0.0.1',
          'Accept: application/json',
          'Content-Type: application/x-www-form-urlencoded',
          `X-Forwarded-For: ${nextIp()}`,
          chunked ? 'Transfer-Encoding: chunked' : 'Content-Length: 10240',
          '',
          '',
        ].join('\r\n'),
      );
      socket.write(chunked ? `${part.length.toString(16)}\r\n${part}\r\n` : part);
    });
  }

  test('when a form body passes its 1 KB limit, then the answer is 413 at once, without waiting for (or reading) the rest', async () => {
    const acc = accountIdFor('form-limit');
    const { emailToken } = await noticed(acc);
    const before = await footprint(acc);
    for (const chunked of [false, true]) {
      const answer = await partialForm(emailToken, chunked);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.toLowerCase()).toContain('connection: close');
    }
    expect(await footprint(acc)).toEqual(before);
  });

  test('when answer links are minted, then links expired more than a day ago are deleted, newer ones kept', async () => {
    const acc = accountIdFor('prune');
    const row = (hash: string, expiredAgoMs: number) => ({
      token_hash: hash,
      login_id: `old-login-${hash}`,
      account_id: acc,
      action_id: null,
      created_at: new Date(Date.now() - expiredAgoMs - 86_400_000),
      expires_at: new Date(Date.now() - expiredAgoMs),
    });
    await h.db.db
      .insertInto('feedback_token')
      .values([
        row(`${acc}-old-1`, 3 * 86_400_000),
        row(`${acc}-old-2`, 86_400_000 + 60_000),
        row(`${acc}-recent`, 3_600_000),
      ])
      .execute();
    await noticed(acc);
    const left = await h.db.db
      .selectFrom('feedback_token')
      .select('token_hash')
      .where('account_id', '=', acc)
      .where('login_id', 'like', 'old-login-%')
      .execute();
    expect(left.map((r) => r.token_hash)).toEqual([`${acc}-recent`]);
  });

  test('when unknown answer links are tried over and over, then the address is limited while a real link still works', async () => {
    const acc = accountIdFor('limited');
    const { emailToken } = await noticed(acc);
    const ip = nextIp();
    for (let i = 0; i < 5; i++) {
      const r = await answerLink('B'.repeat(43), 'not_me', ip);
      expect(r.status).toBe(404);
    }
    const limited = await answerLink('C'.repeat(43), 'not_me', ip);
    expect(limited.status).toBe(429);
    const page = await h.http.get(`/v1/feedback/${'D'.repeat(43)}`).set('X-Forwarded-For', ip);
    expect(page.status).toBe(429);
    expect(page.text).toContain('Too many attempts');
    const real = await answerLink(emailToken, 'me', ip);
    expect(real.status).toBe(200);
  });

  test('when the account reads Korean, then the link, the page and the session message are in Korean', async () => {
    const acc = accountIdFor('ko');
    await h.protect(acc, 'notify', { locale: 'ko' });
    const before = h.smtp!.to(emailOf(acc)).length;
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);
    const mails = await h.smtp!.waitFor(emailOf(acc), before + 1);
    const text = mails[mails.length - 1]!.text;
    expect(text).toContain('본인이 맞으신가요?');
    const token = answerTokenIn(text)!;
    const page = await h.http.get(`/v1/feedback/${token}`).set('X-Forwarded-For', nextIp());
    expect(page.text).toContain('<html lang="ko">');
    expect(page.text).toContain('네, 제가 로그인했습니다');
    expect((await answerLink(token, 'not_me')).status).toBe(200);
    const [revoke] = await h.waitAbout('account.sessions-revoke', acc);
    expect(revoke!.body.data.message).toContain('새 비밀번호');
  });

  test('when answers were given, then /metrics counts them by answer, route and outcome', async () => {
    const text = await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`).then((r) => r.text());
    expect(text).toMatch(
      /account_guard_feedback_answers_total\{answer="not_me",route="link",outcome="recorded"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(
      /account_guard_feedback_answers_total\{answer="me",route="api",outcome="repeated"[^}]*\} [1-9]/,
    );
  });
});
