import { accountIdFor, loginRecorded } from '../support/events';
import { waitUntil } from '@account-security/shared/testing';
import { Harness, phoneFor, playerToken } from '../support/harness';
import { untilQuiet } from '../support/quiet';

const emailOf = (acc: string) => `${acc}@players.example.test`;

/** An account with three earlier logins on one device, network, country and /24. */
const known = {
  logins: 3,
  globalLogins: 1000,
  features: {
    device: { account: 3, global: 3 },
    asn: { account: 3, global: 300 },
    country: { account: 3, global: 900 },
    prefix: { account: 3, global: 10, prefix: '203.0.113.0/24' },
  },
};
const newDevice = { ...known, features: { ...known.features, device: { account: 0, global: 0 } } };
const newAsn = { ...known, features: { ...known.features, asn: { account: 0, global: 40 } } };

describe('account-guard judges a login by SPEC §7’s signals, and publishes them with their evidence', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-signals');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const signal = (data: { signals: { code: string }[] }, code: string) =>
    data.signals.find((s) => s.code === code);

  test('when a known login arrives, then it is trusted with a risk of 0 and no actions', async () => {
    const acc = accountIdFor('known');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'phone-1', history: known });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data).toMatchObject({ verdict: 'trusted', risk: 0, signals: [], reasons: [], actions: [] });
  });

  test('when a new device signs in on a lock-policy account, then the login is unusual, the player gets a new sign-in notice by email and SMS, and nothing is kicked or locked', async () => {
    const acc = accountIdFor('newdev');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'phone-2', history: newDevice });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data.verdict).toBe('unusual');
    expect(data.reasons).toEqual(['new_device']);
    expect(signal(data, 'new_device')).toMatchObject({ level: 'unusual', detail: { logins: 3 } });
    // The known network and /24 outweigh the new device: the score stays low, the signal decides.
    expect(data.risk).toBe(0);
    expect(data.actions.map((a: { type: string }) => a.type)).toEqual(['notify', 'notify', 'notify']);
    const [mail] = await h.smtp!.waitFor(emailOf(acc));
    expect(mail!.subject).toMatch(/New sign-in/);
    expect(mail!.text).toMatch(/from a device this account has not used before/);
    await h.waitAbout('player.message', acc);
    await waitForSms(acc);
    await untilQuiet(h);
    expect(h.about('session.kick', acc)).toEqual([]);
    expect(h.about('account.locked', acc)).toEqual([]);
    const status = await h.http
      .get(`/v1/accounts/${acc}/status`)
      .set('Authorization', `Bearer ${playerToken(acc)}`);
    expect(status.body.locked).toBe(false);
  });

  async function waitForSms(acc: string) {
    const [sms] = await h.twilio.waitFor(phoneFor(acc));
    expect(sms!.form.Body).toMatch(/new sign-in/);
  }

  test.each([
    [
      'new_network',
      'unusual',
      {
        deviceId: 'phone-1',
        geo: { asn: 9644, asOrg: 'SK Telecom', network: 'other' as const },
        history: newAsn,
      },
      { asn: 9644 },
    ],
    [
      'hosting_network',
      'suspicious',
      {
        deviceId: 'phone-1',
        geo: { asn: 16509, asOrg: 'Amazon', network: 'hosting' as const },
        history: newAsn,
      },
      { asn: 16509 },
    ],
    [
      'impossible_travel',
      'suspicious',
      {
        deviceId: 'phone-1',
        history: {
          ...known,
          travel: {
            fromCountry: 'KR',
            toCountry: 'KR',
            km: 600,
            minutes: 10,
            kmh: 3600,
            source: 'city' as const,
          },
        },
      },
      { fromCountry: 'KR', km: 600, minutes: 10, kmh: 3600, source: 'city' },
    ],
    [
      'credential_stuffing_ip',
      'suspicious',
      { history: { failures: { windowMinutes: 60, ipAccounts: 20, account: 0 } } },
      { accounts: 20 },
    ],
    [
      'brute_force',
      'suspicious',
      { history: { failures: { windowMinutes: 60, ipAccounts: 1, account: 10 } } },
      { failures: 10 },
    ],
    ['country_unknown', 'info', { country: null }, { reason: 'private' }],
  ])(
    'when a login shows %s, then login.assessed carries it as %s with its evidence',
    async (code, level, spec, detail) => {
      const acc = accountIdFor(code.replace(/_/g, ''));
      await h.protect(acc, 'none');
      const login = loginRecorded({ accountId: acc, country: 'KR', ...spec });
      await h.publish(login);
      const { data } = await h.assessed(login.correlationid!);
      expect(signal(data, code)).toMatchObject({ level, detail });
      expect(data.verdict).toBe(level === 'info' ? 'trusted' : level);
      if (level !== 'info') expect(data.reasons).toContain(code);
    },
  );

  test('when a foreign login is covered by a travel pass, then it is travel_pass (info), not foreign_country, and nothing is done', async () => {
    const acc = accountIdFor('pass');
    const now = Date.now();
    const pass = {
      country: 'US',
      from: new Date(now - 86_400_000).toISOString(),
      until: new Date(now + 7 * 86_400_000).toISOString(),
    };
    await h.protect(acc, 'lock', { travelPasses: [pass] });
    const login = loginRecorded({ accountId: acc, country: 'US' });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data.verdict).toBe('trusted');
    expect(signal(data, 'foreign_country')).toBeUndefined();
    expect(signal(data, 'travel_pass')).toMatchObject({ level: 'info', detail: { country: 'US' } });
    expect(data.reasons).toEqual(['travel_pass']);
    expect(data.actions).toEqual([]);

    // Outside the window the same country is foreign again.
    const later = loginRecorded({
      accountId: acc,
      country: 'US',
      time: new Date(now + 8 * 86_400_000).toISOString(),
    });
    await h.publish(later);
    const { data: d2 } = await h.assessed(later.correlationid!);
    expect(d2.verdict).toBe('suspicious');
    expect(d2.reasons).toContain('foreign_country');
  });

  test('when a login.recorded is delivered twice, then the same risk and signals are published', async () => {
    const acc = accountIdFor('redeliver');
    await h.protect(acc, 'none');
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'x', history: newDevice });
    await h.publish(login);
    const first = await h.assessed(login.correlationid!);
    await h.db.db
      .updateTable('login_decision')
      .set({ assessed_published_at: null })
      .where('login_id', '=', login.correlationid!)
      .execute();
    await h.publish(login);
    await waitUntil(
      () =>
        h.out.of('login.assessed').filter((m) => m.body.correlationid === login.correlationid).length >= 2,
      20000,
      'the login.assessed republished',
    );
    const [a, b] = h.out.of('login.assessed').filter((m) => m.body.correlationid === login.correlationid);
    expect(b!.body).toEqual(a!.body);
    expect(first.data.signals.map((s: { code: string }) => s.code)).toEqual(['new_device']);
  });
});

describe('travel passes in the settings API (SPEC §8)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start('ag-passes');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const put = (acc: string, travelPasses: unknown) =>
    h.http
      .put(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${playerToken(acc)}`)
      .send({ policy: 'notify', channels: ['in_game'], travelPasses });

  const day = 86_400_000;
  const at = (ms: number) => new Date(Date.UTC(2027, 0, 1) + ms).toISOString();

  test('when a valid pass is saved, then GET returns it', async () => {
    const acc = accountIdFor('passok');
    const pass = { country: 'JP', from: at(0), until: at(90 * day) };
    expect((await put(acc, [pass])).status).toBe(200);
    const res = await h.http
      .get(`/v1/accounts/${acc}/protection`)
      .set('Authorization', `Bearer ${playerToken(acc)}`);
    expect(res.body.travelPasses).toEqual([pass]);
  });

  test.each([
    [
      'longer than 90 days',
      [{ country: 'JP', from: at(0), until: at(90 * day + 1000) }],
      'travelPasses.0.until',
    ],
    ['ending before it starts', [{ country: 'JP', from: at(day), until: at(0) }], 'travelPasses.0.until'],
    ['of an unknown country', [{ country: 'XX', from: at(0), until: at(day) }], 'travelPasses.0.country'],
    [
      'more than 10',
      Array.from({ length: 11 }, () => ({ country: 'JP', from: at(0), until: at(day) })),
      'travelPasses',
    ],
  ])('when a pass is %s, then PUT answers 400 naming the field', async (_w, passes, field) => {
    const res = await put(accountIdFor('passbad'), passes);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain(field);
  });
});
