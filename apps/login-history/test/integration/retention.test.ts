import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { TestDatabase, createTestDatabase } from '@account-security/shared/testing';
import { sql } from 'kysely';
import type { DB } from '../../src/data-access/tables';
import type { LoginEntry } from '../../src/domain/history';
import { recordIdOf } from '../../src/application/record-logins/prepare.step';
import { recordLogins } from '../../src/application/record-logins/record.step';
import { ensurePartitions, purgeExpiredLogins } from '../../src/application/retention/retention.service';
import { monthPartition } from '../../src/domain/partitions';
import { writeAnswers, writeAssessments } from '../../src/data-access/outcomes.repository';
import type { AnswerEntry, AssessmentEntry } from '../../src/domain/outcomes';

const exec = promisify(execFile);
const REPO = path.resolve(__dirname, '../../../..');
const DAY = 24 * 3600_000;

describe('retention of the login history', () => {
  let database: TestDatabase<DB>;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  const entry = (accountId: string, loggedInAt: Date, country: string | null): LoginEntry => {
    const loginId = randomUUID();
    return {
      login: {
        loginId,
        accountId,
        loggedInAt,
        recordId: recordIdOf(loginId),
        ip: '192.0.2.1',
        country,
        features: { prefix: '192.0.2.0/24', ...(country !== null && { country }) },
      },
      platform: 'pc',
      version: '1.0',
    };
  };
  const loginTimes = async () =>
    (
      await sql<{ account_id: string; logged_in_at: Date }>`
        select account_id, logged_in_at from logins order by logged_in_at`.execute(database.db)
    ).rows.map((r) => `${r.account_id}@${r.logged_in_at.toISOString()}`);
  const partitionOf = async (accountId: string) =>
    (
      await sql<{
        p: string;
      }>`select tableoid::regclass::text as p from logins where account_id = ${accountId}`.execute(
        database.db,
      )
    ).rows.map((r) => r.p);
  const partitions = async () =>
    (
      await sql<{ name: string }>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'logins'::regclass order by 1`.execute(database.db)
    ).rows.map((r) => r.name);

  beforeEach(async () => {
    database = await createTestDatabase<DB>('login-history');
  });
  afterEach(async () => {
    await database?.drop();
  });

  test('when partitions are ensured, then every month from the cutoff to two months ahead has one and a month that filled the default partition gets its rows moved in', async () => {
    const created = await ensurePartitions(database.db, { retentionDays: 365, now });
    const expectedFirst = monthPartition(ago(365 * DAY)).name;
    const expectedLast = monthPartition(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1)),
    ).name;
    expect(created![0]).toBe(expectedFirst);
    expect(created![created!.length - 1]).toBe(expectedLast);
    expect(await partitions()).toEqual([...created!, 'logins_default'].sort());

    // Three months ahead has no partition yet: the login lands in the default partition ...
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 15));
    await recordLogins(database.db, [entry('acc-ahead', later, 'KR')]);
    expect(await partitionOf('acc-ahead')).toEqual(['logins_default']);
    // ... until a month later the partition is created, and the row moves into it.
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
    expect(await ensurePartitions(database.db, { retentionDays: 365, now: nextMonth })).toEqual([
      monthPartition(later).name,
    ]);
    expect(await partitionOf('acc-ahead')).toEqual([monthPartition(later).name]);
    expect(await ensurePartitions(database.db, { retentionDays: 365, now: nextMonth })).toEqual([]);
  });

  test('when the purge runs, then exactly the logins older than the retention go, with their ids and stale summaries, and whole old months are dropped', async () => {
    // Partitions reaching back past the retention window, as a service that ran for years has.
    await ensurePartitions(database.db, { retentionDays: 500, now });
    const cutoff = ago(365 * DAY);
    await recordLogins(database.db, [
      entry('acc-old', ago(800 * DAY), 'KR'), // no partition: in the default partition
      entry('acc-old', ago(450 * DAY), 'KR'), // in a month wholly before the cutoff
      entry('acc-mixed', ago(365 * DAY + 60_000), 'KR'), // just older than the cutoff
      entry('acc-mixed', ago(365 * DAY - 60_000), 'JP'), // just younger
      entry('acc-mixed', ago(10 * DAY), 'JP'),
      entry('acc-young', ago(DAY), 'US'),
    ]);
    const before = await loginTimes();
    const oldMonth = monthPartition(ago(450 * DAY)).name;
    expect((await partitionOf('acc-old')).sort()).toEqual(['logins_default', oldMonth].sort());

    // A batch size of 1 makes the purge go round its batch loop.
    const result = await purgeExpiredLogins(database.db, { retentionDays: 365, now, batchSize: 1 });
    expect(result!.cutoff).toEqual(cutoff);
    expect(result!.droppedPartitions).toContain(oldMonth);
    expect(result!.droppedPartitions.every((p) => monthPartition(new Date(cutoff)).name > p)).toBe(true);
    expect(await partitions()).not.toContain(oldMonth);
    expect(await partitions()).toContain(monthPartition(cutoff).name);

    const younger = before.filter((k) => Date.parse(k.split('@')[1]!) >= cutoff.getTime());
    expect(await loginTimes()).toEqual(younger);
    expect(younger).toHaveLength(3);

    const ids = await database.db
      .selectFrom('recorded_logins')
      .select(['account_id', 'logged_in_at'])
      .execute();
    expect(ids.map((r) => `${r.account_id}@${r.logged_in_at.toISOString()}`).sort()).toEqual(
      [...younger].sort(),
    );
    const last = await database.db
      .selectFrom('account_last_logins')
      .select('account_id')
      .orderBy('account_id')
      .execute();
    expect(last.map((r) => r.account_id)).toEqual(['acc-mixed', 'acc-young']);
    const countries = await database.db
      .selectFrom('account_countries')
      .select(['account_id', 'country'])
      .orderBy('account_id')
      .execute();
    expect(countries).toEqual([
      { account_id: 'acc-mixed', country: 'JP' },
      { account_id: 'acc-young', country: 'US' },
    ]);
    const features = await database.db
      .selectFrom('account_features')
      .select(['account_id', 'kind', 'value'])
      .where('kind', '=', 'country')
      .orderBy('account_id')
      .execute();
    expect(features).toEqual([
      { account_id: 'acc-mixed', kind: 'country', value: 'JP' },
      { account_id: 'acc-young', kind: 'country', value: 'US' },
    ]);

    // Nothing left to do: a second run changes nothing.
    expect(await purgeExpiredLogins(database.db, { retentionDays: 365, now })).toMatchObject({
      droppedPartitions: [],
      deletedLogins: 0,
    });
    expect(await loginTimes()).toEqual(younger);
  });

  test('when the purge runs, then the outcomes of purged logins go with them, outcomes of no recorded login go once their latest event is older than the retention, and the rest stay', async () => {
    await ensurePartitions(database.db, { retentionDays: 365, now });
    const old = entry('acc-outcome', ago(400 * DAY), 'KR');
    const young = entry('acc-outcome', ago(10 * DAY), 'KR');
    await recordLogins(database.db, [old, young]);
    const assessment = (loginId: string, accountId: string, at: Date): AssessmentEntry => ({
      eventId: randomUUID(),
      loginId,
      recordId: recordIdOf(loginId),
      accountId,
      at,
      verdict: 'unusual',
      risk: 40,
      reasons: ['new_device'],
      signals: [{ code: 'new_device', level: 'unusual', detail: {} }],
      actions: [],
    });
    const answer = (loginId: string, accountId: string, at: Date): AnswerEntry => ({
      eventId: randomUUID(),
      loginId,
      recordId: recordIdOf(loginId),
      accountId,
      answer: 'not_me',
      at,
    });
    const orphanOld = randomUUID();
    const orphanAnsweredLately = randomUUID();
    const orphanYoung = randomUUID();
    await writeAssessments(database.db, [
      assessment(old.login.loginId, 'acc-outcome', old.login.loggedInAt),
      assessment(young.login.loginId, 'acc-outcome', young.login.loggedInAt),
      assessment(orphanOld, 'acc-outcome', ago(500 * DAY)),
      assessment(orphanAnsweredLately, 'acc-outcome', ago(500 * DAY)),
      assessment(orphanYoung, 'acc-outcome', ago(DAY)),
    ]);
    // The old login's outcome goes with it even though it was answered lately.
    await writeAnswers(database.db, [
      answer(old.login.loginId, 'acc-outcome', ago(DAY)),
      answer(orphanAnsweredLately, 'acc-outcome', ago(DAY)),
    ]);

    const result = await purgeExpiredLogins(database.db, { retentionDays: 365, now, batchSize: 1 });
    expect(result).toMatchObject({ deletedLogins: 1, deletedOrphanOutcomes: 1 });
    const kept = await database.db.selectFrom('login_outcomes').select('login_id').execute();
    expect(kept.map((r) => r.login_id).sort()).toEqual(
      [young.login.loginId, orphanAnsweredLately, orphanYoung].sort(),
    );
    expect(await purgeExpiredLogins(database.db, { retentionDays: 365, now })).toMatchObject({
      deletedLogins: 0,
      deletedOrphanOutcomes: 0,
    });
  });

  test('when the purge script runs, then it purges with HISTORY_RETENTION_DAYS and reports what it did', async () => {
    await ensurePartitions(database.db, { retentionDays: 365, now });
    await recordLogins(database.db, [
      entry('acc-script', ago(10 * DAY), 'KR'),
      entry('acc-script', ago(DAY), 'KR'),
    ]);
    const { stdout } = await exec(
      path.join(REPO, 'node_modules/.bin/tsx'),
      ['apps/login-history/scripts/purge.ts'],
      {
        cwd: REPO,
        env: { ...process.env, LOGIN_HISTORY_DATABASE_URL: database.url, HISTORY_RETENTION_DAYS: '5' },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      retentionDays: 5,
      deletedLogins: 1,
      deletedOrphanOutcomes: 0,
    });
    expect(await loginTimes()).toEqual([`acc-script@${ago(DAY).toISOString()}`]);
  });

  test('when the purge script gets a malformed setting, then it stops with one line naming it', async () => {
    const run = exec(path.join(REPO, 'node_modules/.bin/tsx'), ['apps/login-history/scripts/purge.ts'], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: database.url, HISTORY_RETENTION_DAYS: 'forever' },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^purge: .*HISTORY_RETENTION_DAYS.*\n$/),
    });
  });
});
