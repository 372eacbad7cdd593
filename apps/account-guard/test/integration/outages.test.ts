import { randomUUID } from 'node:crypto';
import { SESSION_KICK, followUp } from '@account-security/shared';
import { waitUntil } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness, phoneFor } from '../support/harness';
import { untilQuiet } from '../support/quiet';
import { unlockTokenIn } from '../support/smtp';

const emailOf = (acc: string) => `${acc}@players.example.test`;

async function metric(h: Harness, name: string, labels: string[]): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${h.svc.adminPort}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('when the mail server is down', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-smtp-down', { smtp: 'later' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('when a lock happens while SMTP is down, then lock, kick and login.assessed happen at once and the email arrives once SMTP is back', async () => {
    const acc = accountIdFor('smtp-down');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);

    // Everything but the email happens straight away, and the message is acked (not retried).
    const assessed = await h.assessed(login.correlationid!);
    expect(assessed.data.actions).toEqual(
      expect.arrayContaining([
        { type: 'notify', channel: 'email', status: 'pending' },
        { type: 'kick', status: 'done' },
        { type: 'lock', status: 'done' },
      ]),
    );
    await h.waitAbout('account.locked', acc);
    expect((await h.waitAbout('session.kick', acc))[0]!.body.data.reason).toBe('account_locked');
    await h.twilio.waitFor(phoneFor(acc));
    const queue = ['queue="account-guard.login.recorded"'];
    await waitUntil(
      async () => (await metric(h, 'messages_consumed_total', [...queue, 'outcome="handled"'])) === 1,
    );
    expect(await metric(h, 'messages_consumed_total', [...queue, 'outcome="retried"'])).toBe(0);

    // The email keeps being retried while SMTP is unreachable.
    const emailRow = () =>
      h.db.db
        .selectFrom('login_action')
        .selectAll()
        .where('account_id', '=', acc)
        .where('channel', '=', 'email')
        .executeTakeFirstOrThrow();
    await waitUntil(async () => (await emailRow()).attempts >= 3, 15000, 'three failed email attempts');
    const waiting = await emailRow();
    expect(waiting.status).toBe('pending');
    expect(waiting.detail).toMatch(/SMTP/);

    const smtp = await h.startSmtp();
    const [mail] = await smtp.waitFor(emailOf(acc), 1, 15000);
    expect(mail!.subject).toBe('Your account was locked after a sign-in from Japan (JP)');
    await waitUntil(async () => (await emailRow()).status === 'sent');

    // The link in the late email is fresh and works.
    const token = unlockTokenIn(mail!.text)!;
    const unlocked = await h.http.post(`/v1/unlock/${token}`).set('Accept', 'application/json');
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ accountId: acc, locked: false });

    await untilQuiet(h);
    expect(smtp.to(emailOf(acc))).toHaveLength(1);
    const sent = (await h.audit(acc)).filter(
      (a) => a.action === 'notification_sent' && a.details.channel === 'email',
    );
    expect(sent).toHaveLength(1);
    // Sent on a retry: the attempt in flight when SMTP came back may be the one that succeeded.
    expect(sent[0]!.details.attempts).toBeGreaterThanOrEqual(3);
  });
});

describe('when the SMS provider fails', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-sms-fails');
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('when Twilio answers with server errors, then the SMS is retried until it goes through, once', async () => {
    const acc = accountIdFor('sms-retry');
    await h.protect(acc, 'notify', { channels: ['sms', 'email'] });
    h.twilio.failNext(500, 503);
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);
    await h.smtp!.waitFor(emailOf(acc));
    const [sms] = await h.twilio.waitFor(phoneFor(acc), 1, 15000);
    expect(sms!.form.Body).toContain('Japan (JP)');
    expect(h.twilio.failed).toBe(2);
    await untilQuiet(h);
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(1);
  });

  test('when Twilio rejects the number, then the SMS is marked failed and audited without retries, and the other channels still go out', async () => {
    const acc = accountIdFor('sms-bad');
    await h.protect(acc, 'kick', { channels: ['sms', 'email', 'in_game'] });
    h.twilio.failNext(400);
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);
    await h.waitAbout('session.kick', acc);
    await h.smtp!.waitFor(emailOf(acc));
    await h.settled();
    const row = await h.db.db
      .selectFrom('login_action')
      .selectAll()
      .where('account_id', '=', acc)
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await h.audit(acc)).find((a) => a.action === 'notification_failed')).toMatchObject({
      actor: 'system',
      details: { channel: 'sms', permanent: true },
    });
    expect(h.twilio.to(phoneFor(acc))).toHaveLength(0);
  });
});

describe('when a consumer died after deciding', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-takeover');
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('when a decided kick is still pending after its grace period, then the outbox worker publishes it once', async () => {
    // The state a consumer leaves behind when it dies between committing its decision and
    // publishing the kick, and its message never comes back (dead-lettered).
    const acc = accountIdFor('orphan');
    const loginId = randomUUID();
    const kick = followUp(
      { id: loginId, correlationid: loginId, subject: acc },
      SESSION_KICK,
      { accountId: acc, sessionId: 'sess-orphan', reason: 'foreign_login', message: 'bye' },
      { source: 'account-guard' },
    );
    await h.db.db
      .insertInto('login_decision')
      .values({
        login_id: loginId,
        event_id: randomUUID(),
        account_id: acc,
        session_id: 'sess-orphan',
        ip: '203.0.113.9',
        country: 'JP',
        home_country: 'KR',
        logged_in_at: new Date(),
        verdict: 'suspicious',
        reasons: ['foreign_country'],
        policy: 'kick',
        assessed_published_at: new Date(),
      })
      .execute();
    await h.db.db
      .insertInto('login_action')
      .values({
        login_id: loginId,
        account_id: acc,
        type: 'kick',
        status: 'pending',
        payload: JSON.stringify({ event: kick }),
        next_attempt_at: new Date(Date.now() - 1000),
      })
      .execute();

    const [published] = await h.waitAbout('session.kick', acc);
    expect(published!.body.id).toBe(kick.id);
    await untilQuiet(h);
    expect(h.about('session.kick', acc)).toHaveLength(1);
    expect((await h.audit(acc)).map((a) => a.action)).toEqual(['session_kicked']);
  });
});
