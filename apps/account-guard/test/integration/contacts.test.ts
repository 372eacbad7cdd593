import { waitUntil } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT, agedToken, playerToken } from '../support/harness';
import { untilQuiet } from '../support/quiet';

const CHANGED = 'Your account protection settings were changed';
const verifyTokenIn = (text: string) => /\/v1\/contacts\/verify\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe('protection changes an intruder cannot hide (SPEC §8)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-contacts');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const put = (acc: string, body: object, token = playerToken(acc)) =>
    h.http.put(`/v1/accounts/${acc}/protection`).set('Authorization', `Bearer ${token}`).send(body);
  const get = (acc: string) =>
    h.http.get(`/v1/accounts/${acc}/protection`).set('Authorization', `Bearer ${playerToken(acc)}`);
  const subjects = (address: string) => h.smtp!.to(address).map((m) => m.subject);
  const signIns = (address: string) => subjects(address).filter((s) => s.startsWith('New sign-in'));
  const settings = (email: string, more: object = {}) => ({
    policy: 'notify',
    channels: ['email'],
    email,
    trustedCountries: [],
    locale: 'en',
    ...more,
  });

  test('when a player token replaces the email, then the old address is told, the new one gets a link, and notices go to the old one until the link is used', async () => {
    const acc = accountIdFor('replace-email');
    const oldAddress = `${acc}-old@players.example.test`;
    const newAddress = `${acc}-new@players.example.test`;
    await put(acc, settings(oldAddress)).expect(200);

    const res = await put(acc, settings(newAddress));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: oldAddress, pendingEmail: newAddress, pendingPhone: null });
    // Saving the same request again is no new change: no second notice, no second link.
    await put(acc, settings(newAddress)).expect(200);

    const [notice] = await h.smtp!.waitFor(oldAddress);
    expect(notice!.subject).toBe(CHANGED);
    expect(notice!.text).toContain('a***@players.example.test was asked for');
    expect(notice!.text).not.toContain(newAddress);
    const [link] = await h.smtp!.waitFor(newAddress);
    expect(link!.subject).toBe('Confirm your contact address for Account Guard');
    const token = verifyTokenIn(link!.text)!;
    expect(token).toBeDefined();

    // A suspicious login before the link is used: its notice goes to the address in use.
    const first = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(first);
    await waitUntil(() => signIns(oldAddress).length === 1, 20000, 'sign-in notice to the old address');
    await untilQuiet(h);
    expect(subjects(newAddress)).toEqual(['Confirm your contact address for Account Guard']);
    expect(subjects(oldAddress).filter((s) => s === CHANGED)).toHaveLength(1);

    // The page only shows; the token is still good for the POST.
    const page = await h.http.get(`/v1/contacts/verify/${token}`).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post">');
    const verified = await h.http.post(`/v1/contacts/verify/${token}`).set('Accept', 'application/json');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ accountId: acc, contact: 'email' });
    const again = await h.http.post(`/v1/contacts/verify/${token}`).set('Accept', 'application/json');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONTACT.TOKEN_USED');

    expect((await get(acc)).body).toMatchObject({ email: newAddress, pendingEmail: null });
    const second = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(second);
    await waitUntil(() => signIns(newAddress).length === 1, 20000, 'sign-in notice to the new address');
    await untilQuiet(h);
    expect(signIns(oldAddress)).toHaveLength(1);

    const audit = await h.audit(acc);
    expect(audit.map((a) => a.action)).toContain('contact_verified');
    expect(audit.find((a) => a.action === 'contact_verified')!.details).toMatchObject({
      contact: 'email',
      replaced: expect.stringMatching(/^a\*\*\*@players\.example\.test$/),
    });
  });

  test('when a player token replaces the phone, then the old phone is told by SMS and the new one gets the link by SMS', async () => {
    const acc = accountIdFor('replace-phone');
    const email = `${acc}@players.example.test`;
    await put(acc, settings(email, { channels: ['email', 'sms'], phone: '+821011112222' })).expect(200);
    await put(acc, settings(email, { channels: ['email', 'sms'], phone: '+821033334444' })).expect(200);

    const [oldSms] = await h.twilio.waitFor('+821011112222');
    expect(oldSms!.form.Body).toContain('protection settings');
    const [newSms] = await h.twilio.waitFor('+821033334444');
    const token = verifyTokenIn(newSms!.form.Body!)!;
    expect(token).toBeDefined();
    const [mail] = await h.smtp!.waitFor(email);
    expect(mail!.text).toContain('+821****44 was asked for');

    await h.http.post(`/v1/contacts/verify/${token}`).set('Accept', 'application/json').expect(200);
    expect((await get(acc)).body).toMatchObject({ phone: '+821033334444', pendingPhone: null });
  });

  test('when the new email is the one the token vouches for, or support sets a contact, then it is used at once; only the player change is told', async () => {
    const acc = accountIdFor('at-once');
    const first = `${acc}-1@players.example.test`;
    const vouched = `${acc}-2@players.example.test`;
    const bySupport = `${acc}-3@players.example.test`;
    await put(acc, settings(first)).expect(200);

    const res = await put(acc, settings(vouched), agedToken(acc, 0, { verifiedEmail: vouched }));
    expect(res.body).toMatchObject({ email: vouched, pendingEmail: null });
    const [notice] = await h.smtp!.waitFor(first);
    expect(notice!.subject).toBe(CHANGED);

    const bySupportRes = await put(acc, settings(bySupport), SUPPORT);
    expect(bySupportRes.body).toMatchObject({ email: bySupport, pendingEmail: null });
    await untilQuiet(h);
    expect(h.smtp!.to(vouched)).toHaveLength(0);
    expect(h.smtp!.to(bySupport)).toHaveLength(0);
  });

  test('when a stale player token tries to lower protection, then it gets 403 AUTH.STEP_UP_REQUIRED; a fresh one can, support always can', async () => {
    const acc = accountIdFor('step-up');
    const email = `${acc}@players.example.test`;
    const strong = settings(email, { policy: 'lock', channels: ['email', 'in_game'] });
    await put(acc, strong).expect(200);
    const stale = agedToken(acc, 3600);

    for (const lowered of [
      { ...strong, policy: 'notify' },
      { ...strong, channels: ['email'] },
      { ...strong, trustedCountries: ['US'] },
    ]) {
      const res = await put(acc, lowered, stale);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('AUTH.STEP_UP_REQUIRED');
    }
    // auth_time, when the token has it, is what counts: a fresh iat does not help an old sign-in.
    const oldSignIn = await put(
      acc,
      { ...strong, policy: 'none' },
      agedToken(acc, 0, { authAgeSeconds: 3600 }),
    );
    expect(oldSignIn.status).toBe(403);
    expect((await get(acc)).body.policy).toBe('lock');
    const refused = (await h.audit(acc)).filter((a) => a.action === 'policy_change_refused');
    expect(refused).toHaveLength(4);
    expect(refused[0]!.details).toMatchObject({ lowering: ['policy_weaker'] });

    // Raising needs no step-up.
    await put(
      acc,
      { ...strong, channels: ['email', 'in_game', 'sms'], phone: '+821055556666' },
      stale,
    ).expect(200);
    const fresh = await put(acc, { ...strong, policy: 'notify' }, agedToken(acc, 30, { authAgeSeconds: 60 }));
    expect(fresh.status).toBe(200);
    expect(fresh.body.policy).toBe('notify');
    const staleSupport = agedToken('staff-9', 3600, { roles: ['support'] });
    const bySupport = await put(acc, { ...strong, policy: 'none', channels: [] }, staleSupport);
    expect(bySupport.status).toBe(200);

    // Each player change was told in-game as well (the channel was on before it).
    const changeIds = (await h.audit(acc))
      .filter((a) => a.action === 'policy_changed' && a.actor === 'player')
      .map((a) => (a.details as { changeId?: string }).changeId)
      .filter((id): id is string => id !== undefined);
    expect(changeIds).toHaveLength(3);
    await waitUntil(
      () => changeIds.every((id) => h.changeNotices(id).length === 1),
      20000,
      'in-game notices',
    );
  });

  test('when an account gets an 11th notice in an hour, then it is skipped with its reason, and a lock notice still goes out', async () => {
    const acc = accountIdFor('cap');
    const email = `${acc}@players.example.test`;
    await put(acc, settings(email)).expect(200);
    for (let i = 0; i < 11; i++) await h.publish(loginRecorded({ accountId: acc, country: 'JP' }));
    await waitUntil(
      async () =>
        (await h.audit(acc)).filter(
          (a) => a.action.startsWith('notification_') && a.details.channel === 'email',
        ).length === 11,
      30000,
      '11 email notices settled',
    );
    expect(signIns(email)).toHaveLength(10);
    const skipped = (await h.audit(acc)).filter((a) => a.action === 'notification_skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ reason: 'notice_cap_account' });

    await put(acc, settings(email, { policy: 'lock' }), SUPPORT).expect(200);
    await h.publish(loginRecorded({ accountId: acc, country: 'JP' }));
    await waitUntil(
      () => subjects(email).some((s) => s.startsWith('Your account was locked')),
      20000,
      'the lock notice',
    );
    // The server has the mail a moment before the row says so.
    await h.settled();
    const [row] = await h.db.db
      .selectFrom('login_action')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', acc)
      .where('channel', '=', 'email')
      .where('status', '=', 'sent')
      .execute();
    expect(Number(row!.n)).toBe(11);
  });

  test('when several accounts name one phone number, then it gets at most SMS_MAX_PER_HOUR_PER_NUMBER texts an hour', async () => {
    const phone = '+821077778888';
    const accounts = [accountIdFor('sms-a'), accountIdFor('sms-b'), accountIdFor('sms-c')];
    for (const acc of accounts)
      await put(acc, {
        policy: 'notify',
        channels: ['sms'],
        phone,
        trustedCountries: [],
        locale: 'en',
      }).expect(200);
    for (const acc of accounts)
      for (let i = 0; i < 2; i++) await h.publish(loginRecorded({ accountId: acc, country: 'JP' }));
    const audits = async () =>
      (await Promise.all(accounts.map((a) => h.audit(a))))
        .flat()
        .filter((a) => a.action.startsWith('notification_') && a.details.channel === 'sms');
    await waitUntil(async () => (await audits()).length === 6, 30000, '6 SMS notices settled');
    expect(h.twilio.to(phone)).toHaveLength(5);
    const skipped = (await audits()).filter((a) => a.action === 'notification_skipped');
    expect(skipped.map((a) => a.reason)).toEqual(['notice_cap_number']);
  });

  test('when a verification link is unknown, then the page says so and a JSON client gets 404', async () => {
    const bogus = 'A'.repeat(43);
    expect((await h.http.get(`/v1/contacts/verify/${bogus}`)).status).toBe(404);
    const res = await h.http.post(`/v1/contacts/verify/${bogus}`).set('Accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CONTACT.TOKEN_NOT_FOUND');
  });
});
