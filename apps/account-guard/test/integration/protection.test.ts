import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT, playerToken } from '../support/harness';
import { sql } from 'kysely';

describe('the protection settings API', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-protection');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const put = (acc: string, body: unknown, token = playerToken(acc)) =>
    h.http
      .put(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const valid = {
    policy: 'lock',
    channels: ['email', 'sms', 'in_game'],
    email: 'player@example.com',
    phone: '+821012345678',
    trustedCountries: ['JP', 'US'],
    locale: 'ko',
  };

  test('when a player saves settings, then they are returned, read back and the change is audited with masked contact details', async () => {
    const acc = accountIdFor('save');
    const res = await put(acc, valid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accountId: acc,
      ...valid,
      travelPasses: [],
      pendingEmail: null,
      pendingPhone: null,
      updatedAt: expect.any(String),
    });
    const read = await h.http
      .get(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${playerToken(acc)}`);
    expect(read.body).toEqual(res.body);

    const [entry] = await h.audit(acc);
    expect(entry).toMatchObject({
      action: 'policy_changed',
      actor: 'player',
      reason: 'policy notify → lock',
    });
    expect(entry!.details).toMatchObject({
      before: { policy: 'notify', channels: ['email', 'in_game'], email: null },
      after: {
        policy: 'lock',
        email: 'p***@example.com',
        phone: '+821****78',
        trustedCountries: ['JP', 'US'],
      },
      wasDefault: true,
    });
    expect(JSON.stringify(entry!.details)).not.toContain('player@example.com');
  });

  test('when optional fields are left out, then they take their defaults and duplicates are dropped', async () => {
    const acc = accountIdFor('defaults');
    const res = await put(acc, {
      policy: 'kick',
      channels: ['in_game', 'in_game'],
      trustedCountries: ['JP', 'JP'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      policy: 'kick',
      channels: ['in_game'],
      email: null,
      phone: null,
      trustedCountries: ['JP'],
      locale: 'en',
    });
  });

  test('when the same settings are saved twice, then only the first save is audited', async () => {
    const acc = accountIdFor('twice');
    await put(acc, valid).expect(200);
    await put(acc, valid).expect(200);
    expect((await h.audit(acc)).filter((a) => a.action === 'policy_changed')).toHaveLength(1);
  });

  test.each([
    ['an unknown policy', { policy: 'ban' }, 'body.policy'],
    ['a lowercase country code', { trustedCountries: ['jp'] }, 'body.trustedCountries.0'],
    ['a three-letter country code', { trustedCountries: ['JP', 'KOR'] }, 'body.trustedCountries.1'],
    ['a made-up country code', { trustedCountries: ['XX'] }, 'body.trustedCountries.0'],
    ['too many trusted countries', { trustedCountries: Array(51).fill('JP') }, 'body.trustedCountries'],
    ['an unknown channel', { channels: ['email', 'pager'] }, 'body.channels.1'],
    ['an invalid email', { email: 'not-an-email' }, 'body.email'],
    ['a phone number not in E.164', { phone: '010-1234-5678' }, 'body.phone'],
    ['an unsupported locale', { locale: 'fr' }, 'body.locale'],
    ['the email channel without an email', { email: null }, 'body.email'],
    ['the sms channel without a phone', { phone: null }, 'body.phone'],
    ['no channels at all', { channels: undefined }, 'body.channels'],
  ])('when the body has %s, then the answer is 400 naming the field', async (_label, change, field) => {
    const acc = accountIdFor('invalid');
    const res = await put(acc, { ...valid, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message.startsWith(`${field}:`)).toBe(true);
    expect(await h.audit(acc)).toHaveLength(0);
  });

  test('when the body is not JSON, then the answer is 400', async () => {
    const acc = accountIdFor('not-json');
    const res = await h.http
      .put(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${playerToken(acc)}`)
      .set('Content-Type', 'application/json')
      .send('{"policy": ');
    expect(res.status).toBe(400);
  });

  test('when another player or nobody reads or writes the settings, then the answer is 403 or 401; support may do both', async () => {
    const acc = accountIdFor('access');
    expect((await put(acc, valid, playerToken('intruder'))).status).toBe(403);
    expect(
      (
        await h.http
          .get(`/v1/accounts/${acc}/protection`)
          .set('Authorization', `Bearer ${playerToken('intruder')}`)
      ).status,
    ).toBe(403);
    expect((await h.http.get(`/v1/accounts/${acc}/protection`)).status).toBe(401);
    expect((await h.http.put(`/v1/accounts/${acc}/protection`).send(valid)).status).toBe(401);

    expect((await put(acc, { ...valid, policy: 'block' }, SUPPORT)).status).toBe(200);
    expect(
      (await h.http.get(`/v1/accounts/${acc}/protection`).set('Authorization', `Bearer ${SUPPORT}`)).body
        .policy,
    ).toBe('block');
    expect((await h.audit(acc))[0]).toMatchObject({ action: 'policy_changed', actor: 'support:staff-7' });
  });

  test('when the account is locked, then the player cannot change the settings (409) but support can', async () => {
    const acc = accountIdFor('locked');
    await h.protect(acc, 'lock', { channels: ['in_game'] });
    await h.publish(loginRecorded({ accountId: acc, country: 'JP' }));
    await h.waitAbout('account.locked', acc);

    const res = await put(acc, { policy: 'none', channels: [] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ACCOUNT.LOCKED');
    expect((await put(acc, { policy: 'notify', channels: ['in_game'] }, SUPPORT)).status).toBe(200);
  });

  test('when anyone tries to change or delete the audit trail in the database, then the database refuses', async () => {
    const acc = accountIdFor('append-only');
    await put(acc, valid).expect(200);
    await expect(
      sql`update audit_log set actor = 'someone' where account_id = ${acc}`.execute(h.db.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where account_id = ${acc}`.execute(h.db.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate audit_log`.execute(h.db.db)).rejects.toThrow(/append-only/);
    // The change's own in-game notice may have been audited meanwhile; the change is still there.
    expect((await h.audit(acc)).filter((a) => a.action === 'policy_changed')).toHaveLength(1);
  });

  test('when health, readiness and metrics are asked for, then the service answers with its database and broker checked', async () => {
    expect((await h.http.get('/healthz')).status).toBe(200);
    const ready = await h.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { broker: 'ok', database: 'ok' },
      channels: { email: true, sms: true, in_game: true },
    });
    const metrics = { text: await (await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`)).text() };
    expect(metrics.text).toMatch(/account_guard_pending_actions/);
    expect(metrics.text).toMatch(
      /account_guard_assessments_total\{[^}]*verdict="suspicious"[^}]*policy="lock"/,
    );
  });
});
