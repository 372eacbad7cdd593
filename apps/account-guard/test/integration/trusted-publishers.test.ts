import type { RunningService } from '@account-security/shared';
import {
  COMMANDS_EXCHANGE,
  EVENTS_EXCHANGE,
  LOGIN_RECORDED,
  listDeadLetters,
} from '@account-security/shared';
import {
  MessageCollector,
  TestDatabase,
  TestVhost,
  createTestDatabase,
  createTestVhost,
  publishRaw,
  testEnv,
  waitUntil,
} from '@account-security/shared/testing';
import type { DB } from '../../src/data-access/db';
import { start } from '../../src/main';
import { LOGIN_RECORDED_QUEUE } from '../../src/entry-points/login-recorded.consumer';
import { setUpBrokerUsers, urlAs } from '@account-security/shared/testing/broker-users';
import { accountIdFor, loginRecorded } from '../support/events';

/**
 * account-guard as it runs in the compose file: its own broker user, TRUSTED_PUBLISHERS on. The
 * attack from the review: someone who sees a login.succeeded publishes a home-country
 * login.recorded with the same login id first, so the real (foreign) one would be dropped as a
 * duplicate of a trusted decision.
 */
describe('account-guard with TRUSTED_PUBLISHERS on', () => {
  let vhost: TestVhost;
  let db: TestDatabase<DB>;
  let svc: RunningService;
  let out: MessageCollector;

  beforeAll(async () => {
    vhost = await createTestVhost('trusted-publishers');
    await setUpBrokerUsers(vhost.name);
    db = await createTestDatabase<DB>('account-guard');
    svc = await start(
      testEnv({
        AMQP_URL: urlAs('account-guard', vhost.name),
        DATABASE_URL: db.url,
        TRUSTED_PUBLISHERS: 'true',
        DEFAULT_POLICY: 'kick',
        HOME_COUNTRY: 'KR',
      }),
    );
    await svc.broker.waitForReady();
    out = await MessageCollector.start(vhost.url, [
      { exchange: EVENTS_EXCHANGE, routingKey: '#' },
      { exchange: COMMANDS_EXCHANGE, routingKey: '#' },
    ]);
    await waitUntil(() => svc.consumers.every((c) => c.isConnected()), 20000, 'consuming');
  });
  afterAll(async () => {
    await out?.close();
    await svc?.stop();
    await db?.drop();
    await vhost?.delete();
  });

  const decisions = (accountId: string) =>
    db.db.selectFrom('login_decision').selectAll().where('account_id', '=', accountId).execute();
  const about = (routingKey: string, accountId: string) =>
    out.of(routingKey).filter((m) => m.body?.data?.accountId === accountId);

  test('when a forged home-country login.recorded comes first from another user, then it is dead-lettered as untrusted_publisher and decides nothing; the real one from login-history is decided and kicked', async () => {
    const acc = accountIdFor('forged');
    const real = loginRecorded({ accountId: acc, country: 'US' });
    const forged = {
      ...real,
      data: { ...real.data, ip: '175.223.10.1', geo: { country: 'KR', database: 'forged' } },
    };
    // guest has every right in the test vhost: the stand-in for a user that may write login.recorded
    // but is not login-history (a leaked broad account, a misconfigured permission).
    await publishRaw(vhost.url, EVENTS_EXCHANGE, LOGIN_RECORDED, forged, { userId: 'guest' });
    const deadLetters = () => listDeadLetters(vhost.url, LOGIN_RECORDED_QUEUE.name);
    await waitUntil(
      async () => (await deadLetters()).some((d) => d.messageId === forged.id),
      20000,
      'the forged login dead-lettered',
    );
    expect((await deadLetters()).find((d) => d.messageId === forged.id)).toMatchObject({
      reason: 'untrusted_publisher',
      error: expect.stringContaining(
        'login.recorded published by "guest"; only login-history may publish it',
      ),
    });
    // Dead-lettered means settled: the forged message is gone from the work queue, so nothing
    // can still decide it. (The real login below, same queue, is the barrier for the final count.)
    expect(await decisions(acc)).toEqual([]);
    expect(about('login.assessed', acc)).toEqual([]);
    expect(about('session.kick', acc)).toEqual([]);

    await publishRaw(urlAs('login-history', vhost.name), EVENTS_EXCHANGE, LOGIN_RECORDED, real, {
      userId: 'login-history',
    });
    // The kick is confirmed before login.assessed is published: wait for both.
    await waitUntil(
      () => about('session.kick', acc).length === 1 && about('login.assessed', acc).length === 1,
      20000,
      'the real login kicked and assessed',
    );
    const [assessed] = about('login.assessed', acc);
    expect(assessed!.body.data).toMatchObject({
      loginEventId: real.correlationid,
      verdict: 'suspicious',
      policy: 'kick',
    });
    expect(assessed!.properties.userId).toBe('account-guard');
    expect(about('session.kick', acc)[0]!.body.data).toMatchObject({
      sessionId: real.data.sessionId,
      reason: 'foreign_login',
    });
    const rows = await decisions(acc);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ verdict: 'suspicious', country: 'US' });
  });
});
