/**
 * The unlock link's rate limits (issue 15, done-when 4): guessing from one address is stopped,
 * while a real link opened from that same address (a player behind the guesser's proxy or
 * carrier NAT) still works. Addresses are given as X-Forwarded-For, which the service trusts
 * from loopback (TRUST_PROXY=loopback), as it does from the web server in front of it.
 */
import { randomBytes } from 'node:crypto';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT } from '../support/harness';
import { unlockTokenIn } from '../support/smtp';

const emailOf = (acc: string) => `${acc}@players.example.test`;
/** Well-formed (43 base64url characters) and never issued. */
const wrongToken = () => randomBytes(32).toString('base64url');
let ipSeq = 10;
const nextIp = () => `203.0.113.${ipSeq++}`;
/** The service's default budget of failures per window (UNLOCK_RATE_LIMIT). */
const LIMIT = 10;

describe('the unlock rate limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-unlock-limit');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Locks `acc` as production does and returns the link's token from the email. */
  async function lock(acc: string): Promise<string> {
    await h.protect(acc, 'lock', { channels: ['email'] });
    const before = h.smtp!.to(emailOf(acc)).length;
    await h.publish(loginRecorded({ accountId: acc, country: 'JP' }));
    await h.waitAbout('account.locked', acc);
    const mails = await h.smtp!.waitFor(emailOf(acc), before + 1);
    return unlockTokenIn(mails[mails.length - 1]!.text)!;
  }

  const post = (token: string, ip: string) =>
    h.http.post(`/v1/unlock/${token}`).set('Accept', 'application/json').set('X-Forwarded-For', ip);
  const locked = async (acc: string) =>
    (await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${SUPPORT}`)).body.locked;

  test('when one address posts 50 wrong tokens, then it is limited after the budget, and a real link from that address still works', async () => {
    const acc = accountIdFor('cgnat');
    const token = await lock(acc);
    const shared = nextIp();

    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await post(wrongToken(), shared)).status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(404));
    expect(statuses.slice(LIMIT)).toEqual(Array(50 - LIMIT).fill(429));
    const limited = await post(wrongToken(), shared);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit']).toMatch(/^"unlock-guesses"; r=0; t=\d+$/);
    // Malformed tokens and the page view of a guess are guesses too.
    expect((await post('abc', shared)).status).toBe(429);
    const page = await h.http.get(`/v1/unlock/${wrongToken()}`).set('X-Forwarded-For', shared);
    expect(page.status).toBe(429);
    expect(page.headers['content-type']).toMatch(/text\/html/);

    // The player behind the same address: the page opens and the link unlocks.
    const confirm = await h.http.get(`/v1/unlock/${token}`).set('X-Forwarded-For', shared);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<form method="post">');
    const unlocked = await post(token, shared);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ accountId: acc, locked: false });
    expect(await locked(acc)).toBe(false);

    // Another address is not limited by this one's guesses.
    expect((await post(wrongToken(), nextIp())).status).toBe(404);
  });

  test('when one real link keeps being refused from one address, then that link is limited there, and neither the address nor other links are', async () => {
    const acc = accountIdFor('spent');
    const token = await lock(acc);
    const ip = nextIp();
    expect((await post(token, ip)).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await post(token, ip)).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(409), 429, 429]);

    // The refusals of that link did not spend the address's guess budget ...
    expect((await post(wrongToken(), ip)).status).toBe(404);
    // ... nor another address's use of the same link ...
    expect((await post(token, nextIp())).status).toBe(409);
    // ... nor another player's link from the same address.
    const other = accountIdFor('spent-other');
    const otherToken = await lock(other);
    expect((await post(otherToken, ip)).status).toBe(200);
    expect(await locked(other)).toBe(false);
  });

  test('when a real link is only opened, however often, then no limit is drawn on', async () => {
    const acc = accountIdFor('opened');
    const token = await lock(acc);
    const ip = nextIp();
    for (let i = 0; i < LIMIT + 5; i++)
      expect((await h.http.get(`/v1/unlock/${token}`).set('X-Forwarded-For', ip)).status).toBe(200);
    expect((await post(token, ip)).status).toBe(200);
  });
});
