import { listDeadLetters } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import { Harness, daysAgo, geoResolved, startHarness } from '../support/harness';

describe('the clock passed to start', () => {
  let h: Harness;
  // The service believes it is three days ago.
  const now = () => daysAgo(3);

  beforeAll(async () => {
    h = await startHarness('lh_clock', {}, { clock: { now } });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('when the clock is set three days back, then a login stamped now is more than a day ahead of it and dead-lettered, and one stamped before the clock is recorded', async () => {
    const ahead = geoResolved({ accountId: 'acc-clock', country: 'KR', time: new Date() });
    const past = geoResolved({ accountId: 'acc-clock', country: 'KR', time: daysAgo(3.5) });
    await h.publish(ahead, past);

    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitUntil(
      async () =>
        (dead = await listDeadLetters(h.vhost.url, 'login-history.login.geo-resolved')).some(
          (d) => d.messageId === ahead.id,
        ),
      10000,
    );
    expect(dead.find((d) => d.messageId === ahead.id)!.error).toMatch(/future/);
    await waitUntil(() => h.recordedFor([past.correlationid!]).length === 1);
    expect(h.recordedFor([ahead.correlationid!])).toHaveLength(0);
  });
});
