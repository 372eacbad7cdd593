import {
  BatchItem,
  EventOf,
  LOGIN_RECORDED,
  MessageType,
  createLogger,
  followUpId,
  listDeadLetters,
} from '@account-security/shared';
import { TestDatabase, createTestDatabase, testEnv, waitUntil } from '@account-security/shared/testing';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { assessLogins } from '../../src/application/assess-logins';
import { lockDecision } from '../../src/data-access/decision.repository';
import type { AppContext } from '../../src/application/context';
import { createAppMetrics } from '../../src/application/metrics';
import { loadAccountGuardConfig } from '../../src/config';
import type { DB } from '../../src/data-access/db';
import { upsertSettings } from '../../src/data-access/settings.repository';
import { NO_PENDING } from '../../src/domain/settings';
import type { Channel, Policy } from '../../src/domain/types';
import { LoginRecordedEvent, accountIdFor, loginRecorded } from '../support/events';
import { Harness } from '../support/harness';
import { untilQuiet } from '../support/quiet';

const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

/**
 * The batch handler on its own, against a real database and a broker stand-in that records what
 * is published (in confirm order) and can refuse chosen events: batches are exactly what the
 * test says they are.
 */
describe('login.recorded in batches', () => {
  let database: TestDatabase<DB>;
  let ctx: AppContext;
  let published: EventOf<MessageType>[];
  const refuse = new Set<string>();
  let wakes = 0;
  const log = createLogger('account-guard', 'silent');

  beforeAll(async () => {
    database = await createTestDatabase<DB>('account-guard');
    const config = loadAccountGuardConfig(testEnv({ DATABASE_URL: database.url }));
    ctx = {
      config,
      db: database.db,
      publisher: {
        publish: async (event: EventOf<MessageType>) => {
          await new Promise((r) => setTimeout(r, 1));
          if (refuse.delete(event.id)) throw new Error('publish not confirmed');
          published.push(event);
        },
      } as AppContext['publisher'],
      clock: () => new Date(),
      logger: log,
      metrics: createAppMetrics(new Registry(), database.db),
      mailer: null,
      sms: null,
      channelsEnabled: { email: true, sms: true, in_game: true },
      wakeWorker: () => wakes++,
    };
  });
  beforeEach(() => {
    published = [];
    wakes = 0;
  });
  afterAll(async () => {
    await database?.drop();
  });

  const batch = (...events: LoginRecordedEvent[]) =>
    assessLogins(
      ctx,
      events.map((event): BatchItem<typeof LOGIN_RECORDED> => ({ event, ctx: { attempt: 1, log } })),
    );

  async function protect(accountId: string, policy: Policy, channels: Channel[] = ['in_game']) {
    await upsertSettings(
      database.db,
      accountId,
      {
        policy,
        channels,
        email: channels.includes('email') ? `${accountId}@players.example.test` : null,
        phone: null,
        trustedCountries: [],
        locale: 'en',
      },
      NO_PENDING,
      'test',
      new Date(),
    );
  }

  const about = (type: string, accountId: string) =>
    published.filter((e) => e.type === type && (e.data as { accountId: string }).accountId === accountId);
  const assessedOf = (loginId: string) =>
    published.filter(
      (e) => e.type === 'login.assessed' && (e.data as { loginEventId: string }).loginEventId === loginId,
    );
  const decision = (loginId: string) =>
    database.db.selectFrom('login_decision').selectAll().where('login_id', '=', loginId).executeTakeFirst();
  const auditOf = async (accountId: string) =>
    (
      await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute()
    ).map((a) => a.action);

  test('when one batch holds a foreign login that locks an account and a later login of that account, then the later one is kicked as account_locked and the account is locked once', async () => {
    const acc = accountIdFor('lock-twice');
    await protect(acc, 'lock', ['in_game', 'email']);
    const foreign = loginRecorded({ accountId: acc, country: 'JP', time: at(2) });
    const home = loginRecorded({ accountId: acc, country: 'KR', time: at(1) });

    // The later login first: decisions follow login time, not delivery order.
    expect(await batch(home, foreign)).toEqual([undefined, undefined]);

    expect(await decision(foreign.correlationid!)).toMatchObject({
      verdict: 'suspicious',
      reasons: ['foreign_country'],
      policy: 'lock',
    });
    expect(await decision(home.correlationid!)).toMatchObject({
      verdict: 'trusted',
      reasons: ['account_locked'],
      policy: 'lock',
    });
    const locks = await database.db
      .selectFrom('account_lock')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(locks).toHaveLength(1);
    expect(locks[0]!.login_id).toBe(foreign.correlationid);

    const kicks = about('session.kick', acc);
    expect(kicks.map((k) => (k.data as { sessionId: string }).sessionId).sort()).toEqual(
      [foreign.data.sessionId, home.data.sessionId].sort(),
    );
    expect(kicks.every((k) => (k.data as { reason: string }).reason === 'account_locked')).toBe(true);
    expect(about('account.locked', acc)).toHaveLength(1);
    expect(about('player.message', acc)).toHaveLength(1);
    // The locking login's commands in order, then its login.assessed.
    const mine = published.filter((e) => e.correlationid === foreign.correlationid).map((e) => e.type);
    expect(mine).toEqual(['player.message', 'session.kick', 'account.locked', 'login.assessed']);
    expect(assessedOf(home.correlationid!)[0]!.data).toMatchObject({
      verdict: 'trusted',
      reasons: ['account_locked'],
      actions: [{ type: 'kick', status: 'done' }],
    });

    expect(await auditOf(acc)).toEqual([
      'account_locked',
      'notification_sent',
      'session_kicked',
      'session_kicked',
    ]);
    // The lock email waits for the outbox worker, which was woken.
    const pending = await database.db
      .selectFrom('login_action')
      .select(['channel', 'login_id'])
      .where('account_id', '=', acc)
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toEqual([{ channel: 'email', login_id: foreign.correlationid }]);
    expect(wakes).toBe(1);
  });

  test('when the same login is delivered several times in one batch, then it is decided and carried out once, and a later redelivery adds nothing', async () => {
    const acc = accountIdFor('dup-in-batch');
    await protect(acc, 'notify');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    const other = loginRecorded({ accountId: accountIdFor('dup-other'), country: 'KR' });

    expect(await batch(login, login, other, login)).toEqual([undefined, undefined, undefined, undefined]);
    expect(assessedOf(login.correlationid!)).toHaveLength(1);
    expect(assessedOf(other.correlationid!)).toHaveLength(1);
    expect(about('player.message', acc)).toHaveLength(1);
    const rows = await database.db
      .selectFrom('login_decision')
      .selectAll()
      .where('account_id', '=', acc)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.assessed_published_at).not.toBeNull();
    expect(await auditOf(acc)).toEqual(['notification_sent']);

    published = [];
    expect(await batch(login, other)).toEqual([undefined, undefined]);
    expect(published).toEqual([]);
    expect(await auditOf(acc)).toEqual(['notification_sent']);
    expect(
      await database.db.selectFrom('login_action').selectAll().where('account_id', '=', acc).execute(),
    ).toHaveLength(1);
  });

  test('when a batch mixes trusted and suspicious logins, then each gets its own verdict and effects and one login.assessed', async () => {
    const trusted = Array.from({ length: 10 }, (_, i) =>
      loginRecorded({ accountId: accountIdFor(`mix-trusted-${i}`), country: i % 2 ? 'KR' : null }),
    );
    const none = accountIdFor('mix-none');
    const emailOnly = accountIdFor('mix-email');
    const kick = accountIdFor('mix-kick');
    await protect(none, 'none');
    await protect(emailOnly, 'notify', ['email']);
    await protect(kick, 'kick');
    const suspicious = [
      loginRecorded({ accountId: none, country: 'US' }),
      loginRecorded({ accountId: emailOnly, country: 'DE' }),
      loginRecorded({ accountId: kick, country: 'VN' }),
    ];
    const all = [...trusted.slice(0, 5), ...suspicious, ...trusted.slice(5)];

    expect(await batch(...all)).toEqual(all.map(() => undefined));

    for (const login of all) {
      const [assessed] = assessedOf(login.correlationid!);
      expect(assessedOf(login.correlationid!)).toHaveLength(1);
      expect(assessed!.id).toBe(followUpId(login.correlationid!, 'login.assessed'));
      expect(assessed!.correlationid).toBe(login.correlationid);
      expect((await decision(login.correlationid!))!.assessed_published_at).not.toBeNull();
    }
    for (const login of trusted) {
      expect(assessedOf(login.correlationid!)[0]!.data).toMatchObject({
        verdict: 'trusted',
        policy: 'notify',
        actions: [],
      });
    }
    expect(assessedOf(suspicious[0]!.correlationid!)[0]!.data).toMatchObject({
      verdict: 'suspicious',
      reasons: ['foreign_country'],
      policy: 'none',
      actions: [],
    });
    expect(assessedOf(suspicious[1]!.correlationid!)[0]!.data).toMatchObject({
      verdict: 'suspicious',
      policy: 'notify',
      actions: [{ type: 'notify', channel: 'email', status: 'pending' }],
    });
    expect(assessedOf(suspicious[2]!.correlationid!)[0]!.data).toMatchObject({
      verdict: 'suspicious',
      policy: 'kick',
      actions: [
        { type: 'notify', channel: 'in_game', status: 'sent' },
        { type: 'kick', status: 'done' },
      ],
    });
    expect(about('session.kick', kick)).toHaveLength(1);
    expect(published.filter((e) => e.type === 'session.kick')).toHaveLength(1);
    expect(published.filter((e) => e.type === 'player.message')).toHaveLength(1);
    expect(wakes).toBe(1);
  });

  test('when one login of a batch makes the database fail, then the others are decided and assessed and only it fails', async () => {
    await sql`alter table login_decision add constraint refuse_poison check (session_id <> 'poison')`.execute(
      database.db,
    );
    try {
      const acc = accountIdFor('poison');
      await protect(acc, 'kick');
      const good = [
        loginRecorded({ accountId: acc, country: 'JP' }),
        ...Array.from({ length: 4 }, (_, i) =>
          loginRecorded({ accountId: accountIdFor(`good-${i}`), country: 'KR' }),
        ),
      ];
      const poison = loginRecorded({ accountId: acc, country: 'KR', sessionId: 'poison' });

      const results = await batch(good[0]!, good[1]!, poison, ...good.slice(2));
      expect(results[2]).toBeInstanceOf(Error);
      expect(results[2]!.message).toMatch(/refuse_poison/);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      for (const login of good) expect(assessedOf(login.correlationid!)).toHaveLength(1);
      expect(about('session.kick', acc)).toHaveLength(1);
      expect(await decision(poison.correlationid!)).toBeUndefined();
      expect(assessedOf(poison.correlationid!)).toEqual([]);
    } finally {
      await sql`alter table login_decision drop constraint refuse_poison`.execute(database.db);
    }
  });

  test('when the broker does not confirm one login.assessed, then only that login fails, and its redelivery publishes it once', async () => {
    const logins = Array.from({ length: 3 }, (_, i) =>
      loginRecorded({ accountId: accountIdFor(`unconfirmed-${i}`), country: 'KR' }),
    );
    const lost = logins[1]!;
    refuse.add(followUpId(lost.correlationid!, 'login.assessed'));

    const results = await batch(...logins);
    expect(results[0]).toBeUndefined();
    expect(results[1]!.message).toBe('publish not confirmed');
    expect(results[2]).toBeUndefined();
    expect((await decision(lost.correlationid!))!.assessed_published_at).toBeNull();
    expect((await decision(logins[0]!.correlationid!))!.assessed_published_at).not.toBeNull();

    expect(await batch(lost)).toEqual([undefined]);
    expect(assessedOf(lost.correlationid!)).toHaveLength(1);
    expect((await decision(lost.correlationid!))!.assessed_published_at).not.toBeNull();
    expect(published.filter((e) => e.type === 'login.assessed')).toHaveLength(3);
  });

  test('when a command of one login is not confirmed, then what was confirmed stays done, only that login fails, and its redelivery finishes it once', async () => {
    const acc = accountIdFor('kick-unconfirmed');
    await protect(acc, 'kick');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    const other = loginRecorded({ accountId: accountIdFor('kick-other'), country: 'KR' });
    refuse.add(followUpId(login.correlationid!, 'session.kick'));

    const results = await batch(login, other);
    expect(results[0]!.message).toBe('publish not confirmed');
    expect(results[1]).toBeUndefined();
    const statuses = async () =>
      (
        await database.db
          .selectFrom('login_action')
          .select(['type', 'status'])
          .where('login_id', '=', login.correlationid!)
          .orderBy('id')
          .execute()
      ).map((a) => `${a.type}:${a.status}`);
    expect(await statuses()).toEqual(['notify:sent', 'kick:pending']);
    expect(assessedOf(login.correlationid!)).toEqual([]);
    expect(assessedOf(other.correlationid!)).toHaveLength(1);

    expect(await batch(login)).toEqual([undefined]);
    expect(await statuses()).toEqual(['notify:sent', 'kick:done']);
    expect(about('player.message', acc)).toHaveLength(1);
    expect(about('session.kick', acc)).toHaveLength(1);
    expect(assessedOf(login.correlationid!)[0]!.data).toMatchObject({
      actions: [
        { type: 'notify', channel: 'in_game', status: 'sent' },
        { type: 'kick', status: 'done' },
      ],
    });
    expect(await auditOf(acc)).toEqual(['notification_sent', 'session_kicked']);
  });

  test('when another carrier holds a login, then its redelivery in a batch waits for it and carries out nothing again', async () => {
    const acc = accountIdFor('held');
    await protect(acc, 'kick');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    refuse.add(followUpId(login.correlationid!, 'session.kick'));
    await batch(login);
    expect(about('session.kick', acc)).toEqual([]);

    // Another replica carrying out the same login: it holds the decision row while it publishes.
    let release!: () => void;
    let holding = false;
    const other = database.db.transaction().execute(async (trx) => {
      await lockDecision(trx, login.correlationid!);
      holding = true;
      await new Promise<void>((r) => (release = r));
      await trx
        .updateTable('login_action')
        .set({ status: 'done', completed_at: new Date() })
        .where('login_id', '=', login.correlationid!)
        .where('type', '=', 'kick')
        .execute();
      await trx
        .updateTable('login_decision')
        .set({ assessed_published_at: new Date() })
        .where('login_id', '=', login.correlationid!)
        .execute();
    });
    await waitUntil(() => holding);
    const trusted = loginRecorded({ accountId: accountIdFor('held-other'), country: 'KR' });
    let settled = false;
    const redelivery = batch(login, trusted).finally(() => (settled = true));
    // Seen from Postgres: the redelivery's transaction waits for the row lock the other holds.
    await waitUntil(
      async () =>
        (
          await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db)
        ).rows[0]!.n > 0,
      10000,
      'the redelivery waiting for the lock',
    );
    expect(settled).toBe(false);
    release();
    await other;
    expect(await redelivery).toEqual([undefined, undefined]);
    expect(about('session.kick', acc)).toEqual([]);
    expect(assessedOf(login.correlationid!)).toEqual([]);
    expect(assessedOf(trusted.correlationid!)).toHaveLength(1);
  });

  test('when batches with the same accounts in opposite orders run at once, they neither deadlock nor decide or publish anything twice', async () => {
    const accounts = Array.from({ length: 6 }, (_, i) => accountIdFor(`overlap-${i}`));
    for (const acc of accounts) await protect(acc, 'kick');
    const logins = Array.from({ length: 60 }, (_, i) =>
      loginRecorded({
        accountId: accounts[i % accounts.length]!,
        country: i % 4 ? 'KR' : 'JP',
        time: at(60 - i),
      }),
    );
    const reversed = [...logins].reverse();
    const results = await Promise.all([
      batch(...logins.slice(0, 30)),
      batch(...reversed.slice(0, 30)),
      batch(...logins.slice(30)),
      batch(...reversed.slice(30)),
    ]);
    expect(results.flat().every((r) => r === undefined)).toBe(true);
    for (const login of logins) expect(assessedOf(login.correlationid!)).toHaveLength(1);
    const foreign = logins.filter((l) => l.data.geo.country === 'JP').length;
    expect(published.filter((e) => e.type === 'session.kick')).toHaveLength(foreign);
    expect(published.filter((e) => e.type === 'player.message')).toHaveLength(foreign);
    const n = await database.db
      .selectFrom('login_decision')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', 'in', accounts)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(60);
  });
});

/** Through the broker: batches as the runtime forms them, its retry path and dead-letter queue. */
describe('login.recorded batches through the broker', () => {
  let h: Harness;

  beforeAll(async () => {
    // A long batch window, so that logins published together are decided in one batch.
    h = await Harness.start('ag-batches', { env: { CONSUMER_BATCH_DELAY_MS: '300' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function metric(name: string, labels: string[]): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`).then((r) => r.text());
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  test('when a batch mixes trusted logins, a lock and a poison login, then everything but the poison is carried out once and only it is retried and dead-lettered', async () => {
    await sql`alter table login_decision add constraint refuse_poison check (session_id <> 'poison')`.execute(
      h.db.db,
    );
    try {
      const queue = 'queue="account-guard.login.recorded"';
      const retriedBefore = await metric('messages_retried_total', [queue]);
      const locked = accountIdFor('b-lock');
      await h.protect(locked, 'lock');
      const lockLogin = loginRecorded({ accountId: locked, country: 'JP' });
      const trusted = Array.from({ length: 6 }, (_, i) =>
        loginRecorded({ accountId: accountIdFor(`b-trusted-${i}`), country: 'KR' }),
      );
      const poison = loginRecorded({ accountId: locked, country: 'KR', sessionId: 'poison' });
      await Promise.all(
        [...trusted.slice(0, 3), lockLogin, poison, ...trusted.slice(3)].map((e) => h.publish(e)),
      );

      for (const login of [...trusted, lockLogin]) await h.assessed(login.correlationid!);
      await h.waitAbout('account.locked', locked);
      expect((await h.waitAbout('session.kick', locked))[0]!.body.data.reason).toBe('account_locked');
      let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
      await waitUntil(
        async () =>
          (dead = await listDeadLetters(h.vhost.url, 'account-guard.login.recorded')).some(
            (d) => d.messageId === poison.id,
          ),
        10000,
        'the poison login dead-lettered',
      );
      expect(dead.find((d) => d.messageId === poison.id)).toMatchObject({
        reason: 'retries_exhausted',
        attempts: 3,
      });
      // Two retries (the test's RETRY_DELAYS_MS has two delays), all of them the poison's.
      expect((await metric('messages_retried_total', [queue])) - retriedBefore).toBe(2);
      await untilQuiet(h);
      for (const login of [...trusted, lockLogin]) {
        expect(
          h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === login.correlationid),
        ).toHaveLength(1);
      }
      expect(h.about('account.locked', locked)).toHaveLength(1);
      expect(h.about('session.kick', locked)).toHaveLength(1);
      expect(
        h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === poison.correlationid),
      ).toEqual([]);
    } finally {
      await sql`alter table login_decision drop constraint refuse_poison`.execute(h.db.db);
    }
  });
});
