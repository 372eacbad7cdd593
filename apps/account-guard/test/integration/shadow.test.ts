import type { RunningService } from '@account-security/shared';
import { LOGIN_RECORDED, followUpId } from '@account-security/shared';
import { TestDatabase, createTestDatabase, waitUntil } from '@account-security/shared/testing';
import amqplib from 'amqplib';
import type { DB } from '../../src/data-access/db';
import { start } from '../../src/main';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, SUPPORT, phoneFor } from '../support/harness';

const emailOf = (acc: string) => `${acc}@players.example.test`;

/** Longer than many rounds of the outbox worker (NOTIFY_RETRY_MS=100 in the harness): a notice would have gone by then. */
const QUIET_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the broker holds this queue on the harness's vhost. */
async function queueExists(url: string, name: string): Promise<boolean> {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    try {
      await ch.checkQueue(name);
      await ch.close();
      return true;
    } catch {
      return false;
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function metricsOf(svc: RunningService): Promise<string> {
  return (await fetch(`http://127.0.0.1:${svc.adminPort}/metrics`)).text();
}

/** The value of one sample of account_guard_shadow_actions_total (0 when absent). */
function shadowCount(text: string, type: string, channel: string): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('account_guard_shadow_actions_total{') &&
        l.includes(`type="${type}"`) &&
        l.includes(`channel="${channel}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Deliveries of login.recorded handled and acked, on the given queue. */
async function handled(svc: RunningService, queue: string): Promise<number> {
  const line = (await metricsOf(svc))
    .split('\n')
    .find(
      (l) =>
        l.startsWith('messages_consumed_total{') &&
        l.includes(`queue="${queue}"`) &&
        l.includes('outcome="handled"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

const SHADOW_QUEUE = `account-guard.shadow.${LOGIN_RECORDED}`;

describe('ENFORCEMENT=shadow: logins are assessed, decided and audited, and nothing is carried out (SPEC §10)', () => {
  let h: Harness;

  beforeAll(async () => {
    // A second deployment's own queues (SERVICE_INSTANCE), as one runs beside the enforcing one.
    h = await Harness.start('ag-shadow', { env: { ENFORCEMENT: 'shadow', SERVICE_INSTANCE: 'shadow' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function auditOf(acc: string) {
    const res = await h.http.get(`/v1/accounts/${acc}/audit`).set('Authorization', `Bearer ${SUPPORT}`);
    expect(res.status).toBe(200);
    return res.body.items as {
      action: string;
      reason: string | null;
      loginId: string | null;
      details: any;
    }[];
  }

  async function actionRows(loginId: string) {
    return h.db.db
      .selectFrom('login_action')
      .select(['type', 'channel', 'status', 'attempts', 'payload'])
      .where('login_id', '=', loginId)
      .orderBy('id')
      .execute();
  }

  /**
   * A lock account whose settings were changed once, so its change notices (email, SMS) went out
   * through this deployment's outbox, SMTP server and Twilio: the channels work here, and what
   * does not arrive later was not sent.
   */
  async function lockAccount(label: string): Promise<string> {
    const acc = accountIdFor(label);
    await h.protect(acc, 'notify');
    await h.protect(acc, 'lock');
    await h.smtp!.waitFor(emailOf(acc));
    await h.twilio.waitFor(phoneFor(acc));
    return acc;
  }

  test('when the deployment names an instance, then it consumes from queues of its own and the default ones are not declared', async () => {
    expect(await queueExists(h.vhost.url, SHADOW_QUEUE)).toBe(true);
    expect(await queueExists(h.vhost.url, `account-guard.shadow.login.reported`)).toBe(true);
    expect(await queueExists(h.vhost.url, `account-guard.${LOGIN_RECORDED}`)).toBe(false);
    const ready = await h.http.get('/readyz');
    expect(ready.body).toMatchObject({ status: 'ready', enforcement: 'shadow' });
  });

  test('when a foreign login meets a lock account with email, SMS and in-game, then login.assessed says shadow and every action is shadow, and there is no notice, kick or lock', async () => {
    const acc = await lockAccount('lock');
    const mailsBefore = h.smtp!.to(emailOf(acc)).length;
    const smsBefore = h.twilio.to(phoneFor(acc)).length;
    const messagesBefore = h.about('player.message', acc).length;
    const metricsBefore = await metricsOf(h.svc);
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);

    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.id).toBe(followUpId(login.correlationid!, 'login.assessed', 'shadow'));
    expect(assessed.data).toEqual({
      accountId: acc,
      sessionId: login.data.sessionId,
      loginEventId: login.correlationid,
      verdict: 'suspicious',
      reasons: ['foreign_country'],
      policy: 'lock',
      risk: 0,
      signals: [
        { code: 'foreign_country', level: 'suspicious', detail: { country: 'JP', homeCountry: 'KR' } },
      ],
      actions: [
        { type: 'notify', channel: 'email', status: 'shadow' },
        { type: 'notify', channel: 'sms', status: 'shadow' },
        { type: 'notify', channel: 'in_game', status: 'shadow' },
        { type: 'kick', status: 'shadow' },
        { type: 'lock', status: 'shadow' },
      ],
      shadow: true,
    });

    // Many worker rounds later, nothing has been carried out or even picked up.
    await sleep(QUIET_MS);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(mailsBefore);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(smsBefore);
    expect(h.about('player.message', acc)).toHaveLength(messagesBefore);
    expect(h.about('session.kick', acc)).toEqual([]);
    expect(h.about('account.locked', acc)).toEqual([]);
    expect(
      h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === login.correlationid),
    ).toHaveLength(1);
    const rows = await actionRows(login.correlationid!);
    expect(rows.map((r) => [r.type, r.channel, r.status, r.attempts])).toEqual([
      ['notify', 'email', 'shadow', 0],
      ['notify', 'sms', 'shadow', 0],
      ['notify', 'in_game', 'shadow', 0],
      ['kick', null, 'shadow', 0],
      ['lock', null, 'shadow', 0],
    ]);
    for (const r of rows) expect(r.payload).toEqual({});
    expect(
      await h.db.db.selectFrom('account_lock').selectAll().where('account_id', '=', acc).execute(),
    ).toEqual([]);
    expect(
      await h.db.db.selectFrom('unlock_token').selectAll().where('account_id', '=', acc).execute(),
    ).toEqual([]);
    const status = await h.http.get(`/v1/accounts/${acc}/status`).set('Authorization', `Bearer ${SUPPORT}`);
    expect(status.status).toBe(200);
    expect(status.body.locked).toBe(false);
    const decision = await h.db.db
      .selectFrom('login_decision')
      .select(['shadow', 'verdict'])
      .where('login_id', '=', login.correlationid!)
      .executeTakeFirstOrThrow();
    expect(decision).toEqual({ shadow: true, verdict: 'suspicious' });

    // The audit, as support reads it, says what would have been done, and that nothing was.
    const audit = await auditOf(acc);
    const ofLogin = audit.filter((a) => a.loginId === login.correlationid);
    expect(ofLogin.map((a) => a.action)).toEqual(Array(5).fill('shadow_action'));
    expect(ofLogin.map((a) => a.reason).sort()).toEqual([
      'account_locked',
      'notification_sent',
      'notification_sent',
      'notification_sent',
      'session_kicked',
    ]);
    expect(ofLogin.find((a) => a.reason === 'account_locked')!.details).toEqual({
      shadow: true,
      type: 'lock',
      lockReason: 'suspicious login from JP: foreign_country',
      country: 'JP',
      sessionId: login.data.sessionId,
    });
    expect(ofLogin.find((a) => a.reason === 'session_kicked')!.details).toMatchObject({
      shadow: true,
      kickReason: 'account_locked',
    });
    expect(
      ofLogin
        .filter((a) => a.reason === 'notification_sent')
        .map((a) => [a.details.channel, a.details.kind])
        .sort(),
    ).toEqual([
      ['email', 'lock'],
      ['in_game', 'lock'],
      ['sms', 'lock'],
    ]);
    for (const effect of ['account_locked', 'session_kicked', 'notification_sent', 'login_blocked'])
      expect(audit.filter((a) => a.action === effect && a.loginId === login.correlationid)).toEqual([]);

    // One count per would-be action.
    const metrics = await metricsOf(h.svc);
    for (const [type, channel] of [
      ['notify', 'email'],
      ['notify', 'sms'],
      ['notify', 'in_game'],
      ['kick', 'none'],
      ['lock', 'none'],
    ] as const)
      expect(shadowCount(metrics, type, channel) - shadowCount(metricsBefore, type, channel)).toBe(1);
  });

  test('when a shadow login is redelivered, then nothing more happens; when its login.assessed was not remembered, the same event goes out again', async () => {
    const acc = await lockAccount('redeliver');
    const login = loginRecorded({ accountId: acc, country: 'US' });
    const base = await handled(h.svc, SHADOW_QUEUE);
    await h.publish(login);
    const first = await h.assessed(login.correlationid!);
    await waitUntil(async () => (await handled(h.svc, SHADOW_QUEUE)) > base, 10000, 'first delivery handled');
    const metricsBefore = await metricsOf(h.svc);

    // As today: a login whose effects are all done has nothing left to do on redelivery.
    await h.publish(login);
    await waitUntil(async () => (await handled(h.svc, SHADOW_QUEUE)) > base + 1, 10000, 'redelivery handled');
    const assessedOf = () =>
      h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === login.correlationid);
    expect(assessedOf()).toHaveLength(1);

    // A crash between the publish and remembering it: the redelivery republishes it, identical.
    await h.db.db
      .updateTable('login_decision')
      .set({ assessed_published_at: null })
      .where('login_id', '=', login.correlationid!)
      .execute();
    await h.publish(login);
    await waitUntil(() => assessedOf().length === 2, 10000, 'login.assessed republished');
    expect(assessedOf()[1]!.body).toEqual(first);
    expect(first.data.shadow).toBe(true);

    await sleep(QUIET_MS);
    expect(assessedOf()).toHaveLength(2);
    expect(h.about('session.kick', acc)).toEqual([]);
    expect(h.about('account.locked', acc)).toEqual([]);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(1);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(1);
    expect((await actionRows(login.correlationid!)).map((r) => r.status)).toEqual(Array(5).fill('shadow'));
    expect((await auditOf(acc)).filter((a) => a.loginId === login.correlationid)).toHaveLength(5);
    // Counted once, when decided.
    const metrics = await metricsOf(h.svc);
    expect(shadowCount(metrics, 'lock', 'none')).toBe(shadowCount(metricsBefore, 'lock', 'none'));
  });

  test('when an unusual login (new device) meets a lock account in shadow, then the new sign-in notice is only recorded', async () => {
    const acc = await lockAccount('unusual');
    const messagesBefore = h.about('player.message', acc).length;
    const history = {
      logins: 3,
      globalLogins: 1000,
      features: {
        device: { account: 0, global: 0 },
        asn: { account: 3, global: 300 },
        country: { account: 3, global: 900 },
        prefix: { account: 3, global: 10, prefix: '203.0.113.0/24' },
      },
    };
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'phone-new', history });
    await h.publish(login);
    const { data } = await h.assessed(login.correlationid!);
    expect(data).toMatchObject({ verdict: 'unusual', reasons: ['new_device'], shadow: true });
    expect(data.actions).toEqual([
      { type: 'notify', channel: 'email', status: 'shadow' },
      { type: 'notify', channel: 'sms', status: 'shadow' },
      { type: 'notify', channel: 'in_game', status: 'shadow' },
    ]);
    await sleep(QUIET_MS);
    expect(h.smtp!.to(emailOf(acc))).toHaveLength(1);
    expect(h.smtp!.to(emailOf(acc)).some((m) => /New sign-in/.test(m.subject ?? ''))).toBe(false);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(1);
    expect(h.about('player.message', acc)).toHaveLength(messagesBefore);
    const audit = (await auditOf(acc)).filter((a) => a.loginId === login.correlationid);
    expect(audit.map((a) => [a.action, a.reason, a.details.kind])).toEqual([
      ['shadow_action', 'notification_sent', 'new_sign_in'],
      ['shadow_action', 'notification_sent', 'new_sign_in'],
      ['shadow_action', 'notification_sent', 'new_sign_in'],
    ]);
  });

  test('when the deployment is switched to enforce and a shadow login is redelivered, then the stored shadow decision wins: same event, nothing carried out', async () => {
    const acc = await lockAccount('switch');
    const login = loginRecorded({ accountId: acc, country: 'DE' });
    await h.publish(login);
    const first = await h.assessed(login.correlationid!);
    expect(first.data.shadow).toBe(true);

    // The same deployment, now enforcing: the shadow instance stops, an enforcing one takes its queue.
    await h.svc.stop();
    const enforcing = await start({ ...h.env, ENFORCEMENT: 'enforce' });
    try {
      await enforcing.broker.waitForReady();
      await waitUntil(() => enforcing.consumers.every((c) => c.isConnected()));
      await h.db.db
        .updateTable('login_decision')
        .set({ assessed_published_at: null })
        .where('login_id', '=', login.correlationid!)
        .execute();
      await h.publish(login);
      const assessedOf = () =>
        h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === login.correlationid);
      await waitUntil(() => assessedOf().length === 2, 10000, 'login.assessed republished');
      expect(assessedOf()[1]!.body).toEqual(first);

      // A new login of the same account is enforced: the account is locked now, by that login.
      const next = loginRecorded({ accountId: acc, country: 'DE' });
      await h.publish(next);
      const enforced = await h.assessed(next.correlationid!);
      expect(enforced.data).not.toHaveProperty('shadow');
      expect(enforced.data.actions).toEqual(
        expect.arrayContaining([
          { type: 'kick', status: 'done' },
          { type: 'lock', status: 'done' },
        ]),
      );
      const [locked] = await h.waitAbout('account.locked', acc);
      expect(locked!.body.correlationid).toBe(next.correlationid);
      await h.smtp!.waitFor(emailOf(acc), 2);
      await sleep(QUIET_MS);
      // The shadow login's own actions were never carried out, before or after the switch.
      expect((await actionRows(login.correlationid!)).map((r) => [r.status, r.attempts])).toEqual(
        Array(5).fill(['shadow', 0]),
      );
      expect(h.about('account.locked', acc)).toHaveLength(1);
      expect(h.about('session.kick', acc).map((k) => k.body.correlationid)).toEqual([next.correlationid]);
      expect(h.smtp!.to(emailOf(acc))).toHaveLength(2);
    } finally {
      await enforcing.stop();
    }
  });
});

describe('a shadow deployment beside the enforcing one: own queues and database, bound to the same events', () => {
  let h: Harness;
  let shadowDb: TestDatabase<DB>;
  let shadow: RunningService;

  beforeAll(async () => {
    h = await Harness.start('ag-beside');
    shadowDb = await createTestDatabase<DB>('account-guard');
    // A stricter threshold tried in shadow: every login of an account with a past is unusual.
    shadow = await start({
      ...h.env,
      DATABASE_URL: shadowDb.url,
      ENFORCEMENT: 'shadow',
      SERVICE_INSTANCE: 'shadow',
      RISK_UNUSUAL_THRESHOLD: '0',
    });
    await shadow.broker.waitForReady();
    await waitUntil(() => shadow.consumers.every((c) => c.isConnected()));
  });
  afterAll(async () => {
    await shadow?.stop();
    await shadowDb?.drop();
    await h?.stop();
  });

  test('when a known login arrives, then the enforcing deployment trusts it and the shadow one records the new sign-in notices its stricter threshold would send', async () => {
    const acc = accountIdFor('beside');
    await h.protect(acc, 'notify', { channels: ['email', 'in_game'] });
    // The shadow deployment has a database of its own: the account's settings are copied into it,
    // as a deployment copies protection_settings (its API would notify the player of a change).
    const row = await h.db.db
      .selectFrom('protection_settings')
      .selectAll()
      .where('account_id', '=', acc)
      .executeTakeFirstOrThrow();
    await shadowDb.db
      .insertInto('protection_settings')
      .values({ ...row, travel_passes: JSON.stringify(row.travel_passes) })
      .execute();
    const enforcedBefore = await handled(h.svc, `account-guard.${LOGIN_RECORDED}`);
    const shadowBefore = await handled(shadow, SHADOW_QUEUE);

    const history = {
      logins: 3,
      globalLogins: 1000,
      features: {
        device: { account: 3, global: 3 },
        asn: { account: 3, global: 300 },
        country: { account: 3, global: 900 },
        prefix: { account: 3, global: 10, prefix: '203.0.113.0/24' },
      },
    };
    const login = loginRecorded({ accountId: acc, country: 'KR', deviceId: 'phone-1', history });
    await h.publish(login);

    const assessedOf = () =>
      h.out.of('login.assessed').filter((m) => m.body.data.loginEventId === login.correlationid);
    await waitUntil(() => assessedOf().length === 2, 20000, 'both deployments assessed the login');
    const enforcedEvent = assessedOf().find((m) => m.body.data.shadow === undefined)!.body;
    const shadowEvent = assessedOf().find((m) => m.body.data.shadow === true)!.body;
    // Two follow-ups, two ids: a consumer deduplicating on the id keeps both.
    expect(enforcedEvent.id).toBe(followUpId(login.correlationid!, 'login.assessed'));
    expect(shadowEvent.id).toBe(followUpId(login.correlationid!, 'login.assessed', 'shadow'));
    const enforced = enforcedEvent.data;
    const shadowed = shadowEvent.data;
    expect(enforced).toMatchObject({ verdict: 'trusted', risk: 0, actions: [] });
    expect(shadowed).toMatchObject({
      verdict: 'unusual',
      risk: 0,
      actions: [
        { type: 'notify', channel: 'email', status: 'shadow' },
        { type: 'notify', channel: 'in_game', status: 'shadow' },
      ],
    });
    // Each deployment took its own copy from its own queue (acked just after its login.assessed).
    await waitUntil(
      async () =>
        (await handled(h.svc, `account-guard.${LOGIN_RECORDED}`)) === enforcedBefore + 1 &&
        (await handled(shadow, SHADOW_QUEUE)) === shadowBefore + 1,
      10000,
      'one delivery handled by each deployment',
    );
    // Each decided in its own database.
    const decisionIn = (db: TestDatabase<DB>) =>
      db.db
        .selectFrom('login_decision')
        .select(['verdict', 'shadow'])
        .where('login_id', '=', login.correlationid!)
        .execute();
    expect(await decisionIn(h.db)).toEqual([{ verdict: 'trusted', shadow: false }]);
    expect(await decisionIn(shadowDb)).toEqual([{ verdict: 'unusual', shadow: true }]);

    await sleep(QUIET_MS);
    expect(h.smtp!.to(emailOf(acc))).toEqual([]);
    expect(h.about('player.message', acc)).toEqual([]);
    expect(await handled(h.svc, `account-guard.${LOGIN_RECORDED}`)).toBe(enforcedBefore + 1);
    expect(await handled(shadow, SHADOW_QUEUE)).toBe(shadowBefore + 1);
  });
});
