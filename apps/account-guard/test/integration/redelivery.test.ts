import type { RunningService } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, phoneFor } from '../support/harness';
import { untilQuiet } from '../support/quiet';

const emailOf = (acc: string) => `${acc}@players.example.test`;

/** Deliveries of login.recorded this instance has handled and acked (from its /metrics). */
async function handled(svc: RunningService): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`).then((r) => r.text());
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('messages_consumed_total{') &&
        l.includes('queue="account-guard.login.recorded"') &&
        l.includes('outcome="handled"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('exactly-once effects under at-least-once delivery', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-redelivery');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** After untilQuiet: nothing more is coming. */
  async function expectEffectsOnce(acc: string, loginId: string) {
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(1);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(1);
    expect(h.about('session.kick', acc)).toHaveLength(1);
    expect(h.about('player.message', acc)).toHaveLength(1);
    expect(h.about('account.locked', acc)).toHaveLength(1);
    expect(h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === loginId)).toHaveLength(1);
    const db = h.db.db;
    expect(
      await db.selectFrom('login_decision').selectAll().where('login_id', '=', loginId).execute(),
    ).toHaveLength(1);
    expect(
      await db.selectFrom('account_lock').selectAll().where('account_id', '=', acc).execute(),
    ).toHaveLength(1);
    expect(
      await db.selectFrom('unlock_token').selectAll().where('account_id', '=', acc).execute(),
    ).toHaveLength(2);
    const actions = (await h.loginAudit(acc)).map((a) => a.action).sort();
    expect(actions).toEqual([
      'account_locked',
      'notification_sent',
      'notification_sent',
      'notification_sent',
      'policy_changed',
      'session_kicked',
    ]);
  }

  test('when the same login.recorded is delivered five times in a row, then there is one email, one SMS, one kick and one lock', async () => {
    const acc = accountIdFor('five');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    const before = await handled(h.svc);
    for (let i = 0; i < 5; i++) {
      await h.publish(login);
      await waitUntil(
        async () => (await handled(h.svc)) >= before + i + 1,
        10000,
        `delivery ${i + 1} handled`,
      );
      await h.settled();
    }
    await untilQuiet(h);
    await expectEffectsOnce(acc, login.correlationid!);
  });

  test('when five copies of the same login.recorded arrive at once, then they still produce a single set of effects', async () => {
    const acc = accountIdFor('burst');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    const before = await handled(h.svc);
    await Promise.all(Array.from({ length: 5 }, () => h.publish(login)));
    await waitUntil(async () => (await handled(h.svc)) >= before + 5, 10000, 'five deliveries handled');
    await untilQuiet(h);
    await expectEffectsOnce(acc, login.correlationid!);
  });

  test('when two replicas share the queue and the outbox, then each login is notified, kicked and locked exactly once', async () => {
    const replica = await h.startReplica();
    const accounts = Array.from({ length: 8 }, (_, i) => accountIdFor(`pair${i}`));
    for (const acc of accounts) await h.protect(acc, 'lock');
    const logins = accounts.map((acc) => loginRecorded({ accountId: acc, country: 'VN' }));
    const before = (await handled(h.svc)) + (await handled(replica));
    // Each login twice, so copies land on both replicas.
    await Promise.all([...logins, ...logins].map((l) => h.publish(l)));
    await waitUntil(
      async () => (await handled(h.svc)) + (await handled(replica)) >= before + 16,
      15000,
      'all deliveries handled',
    );
    await untilQuiet(h, [replica]);
    for (const [i, acc] of accounts.entries()) await expectEffectsOnce(acc, logins[i]!.correlationid!);
    expect(await handled(replica)).toBeGreaterThan(0);
  });
});
