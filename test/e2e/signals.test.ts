/**
 * SPEC §7 through the three services: each signal is computed from data only its owner holds
 * (ip-checker's ASN and network type, login-history's counts, travel and failures, account-guard's
 * settings), and the published `login.assessed` carries its code, level and evidence. Addresses
 * are real ranges of the shipped ASN data, so the test also checks that data.
 */
import { randomUUID } from 'node:crypto';
import { waitUntil } from '@account-security/shared/testing';
import { Harness, playerToken, startHarness } from '../support/harness';

jest.setTimeout(240_000);

/** Addresses in real ranges of the shipped data (@ip-location-db/asn, the country database). */
const NET = {
  /** Korea Telecom (AS4766), a home ISP. */
  kt: '1.96.0.10',
  kt2: '1.96.7.200',
  /** SK Telecom (AS9644), a mobile carrier. */
  skt: '27.160.0.5',
  /** Amazon (AS16509), ap-northeast-2 (Seoul): a hosting address in the home country. */
  awsSeoul: '13.124.63.251',
  /** Comcast (AS7922), a US home ISP. */
  comcast: '23.24.0.7',
  /** KDDI (AS2516), a Japanese ISP. */
  kddi: '14.8.0.9',
  private: '192.168.0.10',
};

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

interface Signal {
  code: string;
  level: string;
  detail: Record<string, unknown>;
}
interface Assessed {
  verdict: string;
  risk: number;
  reasons: string[];
  signals: Signal[];
  actions: { type: string; channel?: string; status: string }[];
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness('signals', { DEFAULT_POLICY: 'none', TEST_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await h?.stop();
});

const accountFor = (label: string) => `sig-${label}-${randomUUID().slice(0, 8)}`;

async function assessmentOf(loginId: string): Promise<Assessed> {
  let found: Assessed | undefined;
  await waitUntil(
    () => {
      const m = h.events.of('login.assessed').find((x) => x.body.correlationid === loginId);
      found = m?.body.data;
      return found !== undefined;
    },
    60_000,
    `login.assessed of ${loginId}`,
  );
  return found!;
}

const signal = (a: Assessed, code: string) => a.signals.find((s) => s.code === code);

async function protect(accountId: string, settings: Record<string, unknown>) {
  const res = await h.api(
    'account-guard',
    'PUT',
    `/v1/accounts/${accountId}/protection`,
    playerToken(accountId),
    {
      policy: 'notify',
      channels: ['email'],
      email: `${accountId}@players.example.test`,
      phone: null,
      trustedCountries: [],
      locale: 'en',
      ...settings,
    },
  );
  expect(res.status).toBe(200);
}

/** Three earlier logins a day apart from one place and device, each assessed before the next. */
async function history(accountId: string, ip: string, deviceId: string, lastAgoMs = 24 * HOUR) {
  for (const back of [lastAgoMs + 48 * HOUR, lastAgoMs + 24 * HOUR, lastAgoMs]) {
    const id = await h.login(
      accountId,
      ip,
      { client: { platform: 'pc', version: '2.1.0', deviceId } },
      { time: ago(back) },
    );
    await assessmentOf(id);
  }
}

const loginOn = (accountId: string, ip: string, deviceId: string, time?: string) =>
  h.login(accountId, ip, { client: { platform: 'pc', version: '2.1.0', deviceId } }, time ? { time } : {});

describe('history signals (an account with three earlier logins)', () => {
  test('a home login on the known device and network stays trusted, with a low risk', async () => {
    const acc = accountFor('home');
    await protect(acc, {});
    await history(acc, NET.kt, 'phone-1');
    const a = await assessmentOf(await loginOn(acc, NET.kt2, 'phone-1'));
    expect(a.verdict).toBe('trusted');
    expect(a.signals.filter((s) => s.level !== 'info')).toEqual([]);
    expect(a.actions).toEqual([]);
    // The same account from everything new (device, network, country): a higher risk.
    const stranger = await assessmentOf(await loginOn(acc, NET.comcast, 'laptop-x'));
    expect(stranger.risk).toBeGreaterThan(a.risk);
  });

  test('a new phone on the home ISP is unusual (new_device), sends a new sign-in notice and nothing else', async () => {
    const acc = accountFor('newphone');
    await protect(acc, { policy: 'lock' });
    await history(acc, NET.kt, 'phone-1');
    const a = await assessmentOf(await loginOn(acc, NET.kt, 'phone-2'));
    expect(a.verdict).toBe('unusual');
    expect(signal(a, 'new_device')).toMatchObject({ level: 'unusual' });
    expect(a.reasons).toContain('new_device');
    expect(a.actions.map((x) => x.type)).toEqual(['notify']);
    await h.smtp.waitFor(`${acc}@players.example.test`, 1, 30_000);
    expect(h.events.of('session.kick').filter((m) => m.body.data.accountId === acc)).toEqual([]);
    expect(h.events.of('account.locked').filter((m) => m.body.data.accountId === acc)).toEqual([]);
  });

  test('the known phone on a new domestic mobile carrier is unusual (new_network), not suspicious', async () => {
    const acc = accountFor('carrier');
    await history(acc, NET.kt, 'phone-1');
    const a = await assessmentOf(await loginOn(acc, NET.skt, 'phone-1'));
    expect(a.verdict).toBe('unusual');
    expect(signal(a, 'new_network')).toMatchObject({ level: 'unusual' });
    expect(signal(a, 'new_device')).toBeUndefined();
  });

  test('a new device on a domestic cloud network is suspicious (hosting_network with new_device)', async () => {
    const acc = accountFor('hosting');
    await history(acc, NET.kt, 'phone-1');
    const a = await assessmentOf(await loginOn(acc, NET.awsSeoul, 'vm-1'));
    expect(a.verdict).toBe('suspicious');
    expect(signal(a, 'hosting_network')).toMatchObject({ level: 'suspicious' });
    expect(signal(a, 'hosting_network')!.detail).toMatchObject({ asn: 16509 });
    expect(signal(a, 'new_device')).toBeDefined();
  });

  test('a login from the trusted country 15 minutes after a home login is impossible travel', async () => {
    const acc = accountFor('travel');
    await protect(acc, { trustedCountries: ['JP'], policy: 'kick' });
    await history(acc, NET.kt, 'phone-1', 15 * 60_000);
    const a = await assessmentOf(await loginOn(acc, NET.kddi, 'phone-1'));
    expect(a.verdict).toBe('suspicious');
    const s = signal(a, 'impossible_travel');
    expect(s).toMatchObject({ level: 'suspicious' });
    expect(s!.detail).toMatchObject({ fromCountry: 'KR', toCountry: 'JP', source: 'country' });
    expect(s!.detail.km as number).toBeGreaterThan(500);
    expect(s!.detail.kmh as number).toBeGreaterThan(1000);
    expect(signal(a, 'trusted_country')).toMatchObject({ level: 'info' });
    await waitUntil(
      () => h.events.of('session.kick').some((m) => m.body.data.accountId === acc),
      30_000,
      'the kick of the impossible-travel login',
    );
  });
});

describe('failed logins', () => {
  test('are recorded and listed as failed, and never cause an action by themselves', async () => {
    const acc = accountFor('failed');
    await protect(acc, { policy: 'lock' });
    const failedId = await h.loginFailed(acc, NET.comcast, 'bad_password');
    await waitUntil(
      async () => {
        const res = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins`, playerToken(acc));
        return res.status === 200 && res.body.items.length === 1;
      },
      30_000,
      'the failed login in the history API',
    );
    const res = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins`, playerToken(acc));
    expect(res.body.items[0]).toMatchObject({
      ip: NET.comcast,
      country: 'US',
      result: 'failed',
      reason: 'bad_password',
    });
    // A success after it is assessed; the failure itself never was, and nothing acted on it.
    const ok = await loginOn(acc, NET.kt, 'phone-1');
    await assessmentOf(ok);
    const byAccount = (rk: string) => h.events.of(rk).filter((m) => m.body.data?.accountId === acc);
    expect(h.events.of('login.assessed').some((m) => m.body.correlationid === failedId)).toBe(false);
    expect(byAccount('account.locked')).toEqual([]);
    expect(byAccount('session.kick')).toEqual([]);
    expect(h.smtp.to(`${acc}@players.example.test`)).toEqual([]);
  });

  test('ten failures on the account, then a success, is brute_force', async () => {
    const acc = accountFor('brute');
    for (let i = 0; i < 10; i++)
      await h.loginFailed(acc, NET.comcast, 'bad_password', { time: ago((20 - i) * 60_000) });
    await waitUntil(
      async () => {
        const res = await h.api('login-history', 'GET', `/v1/accounts/${acc}/logins`, playerToken(acc));
        return res.status === 200 && res.body.items.length === 10;
      },
      30_000,
      'ten failed logins recorded',
    );
    const a = await assessmentOf(await loginOn(acc, NET.comcast, 'pc-9'));
    expect(a.verdict).toBe('suspicious');
    expect(signal(a, 'brute_force')).toMatchObject({ level: 'suspicious' });
    expect(signal(a, 'brute_force')!.detail).toMatchObject({ failures: 10 });
  });

  test('an IP that failed on 20 accounts, then succeeds on another, is credential_stuffing_ip', async () => {
    const ip = '23.24.1.77';
    const victims = Array.from({ length: 20 }, (_, i) => accountFor(`stuffed${i}`));
    for (const v of victims) await h.loginFailed(v, ip, 'bad_password', { time: ago(10 * 60_000) });
    await waitUntil(
      async () => {
        const last = victims[victims.length - 1]!;
        const res = await h.api('login-history', 'GET', `/v1/accounts/${last}/logins`, playerToken(last));
        return res.status === 200 && res.body.items.length === 1;
      },
      30_000,
      'the failures recorded',
    );
    // The first victim's failure was published first; the last one's is recorded: all are.
    const acc = accountFor('stuffing');
    const a = await assessmentOf(await loginOn(acc, ip, 'bot'));
    expect(a.verdict).toBe('suspicious');
    expect(signal(a, 'credential_stuffing_ip')).toMatchObject({ level: 'suspicious' });
    expect(signal(a, 'credential_stuffing_ip')!.detail).toMatchObject({ accounts: 20 });
  });
});

describe('country signals', () => {
  test('foreign_country carries the country; a travel pass turns it into travel_pass', async () => {
    const abroad = accountFor('abroad');
    await protect(abroad, { policy: 'notify' });
    const a = await assessmentOf(await loginOn(abroad, NET.comcast, 'phone-1'));
    expect(a.verdict).toBe('suspicious');
    expect(a.reasons).toContain('foreign_country');
    expect(signal(a, 'foreign_country')).toMatchObject({ level: 'suspicious', detail: { country: 'US' } });

    const traveller = accountFor('traveller');
    const from = ago(24 * HOUR);
    const until = new Date(Date.now() + 7 * 24 * HOUR).toISOString();
    await protect(traveller, { policy: 'lock', travelPasses: [{ country: 'US', from, until }] });
    const t = await assessmentOf(await loginOn(traveller, NET.comcast, 'phone-1'));
    expect(t.verdict).not.toBe('suspicious');
    expect(signal(t, 'foreign_country')).toBeUndefined();
    expect(signal(t, 'travel_pass')).toMatchObject({ level: 'info', detail: { country: 'US' } });
  });

  test('a private address is country_unknown (info)', async () => {
    const a = await assessmentOf(await loginOn(accountFor('lan'), NET.private, 'pc-1'));
    expect(signal(a, 'country_unknown')).toMatchObject({ level: 'info' });
    expect(a.verdict).toBe('trusted');
  });
});
