import { waitUntil } from '@account-security/shared/testing';
import { accountIdFor, loginRecorded } from '../support/events';
import { Harness } from '../support/harness';

const emailOf = (acc: string) => `${acc}@players.example.test`;

describe('when the mail server accepts connections and never answers', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start('ag-smtp-hung');
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('then the attempt times out, the lock and kick are not held up, and the email goes out once after the server answers again', async () => {
    const smtp = h.smtp!;
    await smtp.hang();
    const acc = accountIdFor('smtp-hung');
    await h.protect(acc, 'lock');
    const login = loginRecorded({ accountId: acc, country: 'JP' });
    await h.publish(login);

    await h.waitAbout('account.locked', acc);
    expect((await h.waitAbout('session.kick', acc))[0]!.body.data.reason).toBe('account_locked');
    const emailRow = () =>
      h.db.db
        .selectFrom('login_action')
        .selectAll()
        .where('account_id', '=', acc)
        .where('channel', '=', 'email')
        .executeTakeFirstOrThrow();
    // SMTP_TIMEOUT_MS is 2 s in these tests: a hung greeting fails the attempt, it does not hang it.
    // `attempts` counts a claim as it is made, before its connection reaches the server: wait for
    // both, or the second claim may be seen before its connection is.
    await waitUntil(
      async () => (await emailRow()).attempts >= 2 && smtp.hungConnections >= 2,
      20000,
      'two email attempts, each connected to the hung server',
    );
    const waiting = await emailRow();
    expect(waiting.status).toBe('pending');
    expect(waiting.detail).toMatch(/SMTP/);
    expect(smtp.to(emailOf(acc))).toHaveLength(0);

    await smtp.resume();
    await smtp.waitFor(emailOf(acc), 1, 20000);
    await waitUntil(async () => (await emailRow()).status === 'sent', 20000, 'the email row marked sent');
    expect(smtp.to(emailOf(acc))).toHaveLength(1);
    const sent = (await h.audit(acc)).filter(
      (a) => a.action === 'notification_sent' && a.details.channel === 'email',
    );
    expect(sent).toHaveLength(1);
  });
});
