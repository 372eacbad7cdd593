import { TestDatabase, createTestDatabase } from '@account-security/shared/testing';
import { CompiledQuery, sql } from 'kysely';
import type { DB } from '../../src/data-access/tables';
import { historyPageQuery } from '../../src/data-access/history.repository';
import { ensurePartitions } from '../../src/application/retention/retention.service';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const scansOf = (node: PlanNode): PlanNode[] => [
  ...(node['Relation Name'] ? [node] : []),
  ...(node.Plans ?? []).flatMap(scansOf),
];

/**
 * The history query must stay an index scan however large the table grows: checked on a
 * million logins across a year of monthly partitions.
 */
describe('the history query on a million logins', () => {
  let database: TestDatabase<DB>;
  const ROWS = 1_000_000;
  const ACCOUNTS = 10_000;
  const HEAVY_ROWS = 20_000;
  const HEAVY_SPACING_S = 1500; // ~347 days

  beforeAll(async () => {
    database = await createTestDatabase<DB>('login-history');
    await ensurePartitions(database.db, { retentionDays: 365 });
    // One statement, 31 s apart over ~359 days, 100 logins per account.
    await sql`
      insert into logins (account_id, logged_in_at, id, ip, country, client_platform, client_version)
      select 'acc-' || (g % ${ACCOUNTS}), now() - g * interval '31 seconds', gen_random_uuid(),
             '10.0.0.0'::inet + g, (array['KR', 'JP', 'US'])[1 + g % 3], 'pc', '1.0'
      from generate_series(1, ${ROWS}) as g
    `.execute(database.db);
    // And one account that logs in all the time (a bot farm, a very keen player).
    await sql`
      insert into logins (account_id, logged_in_at, id, ip, country, client_platform, client_version)
      select 'acc-heavy', now() - g * interval '1 second' * ${HEAVY_SPACING_S}, gen_random_uuid(), '10.0.0.1', 'KR', 'pc', '1.0'
      from generate_series(1, ${HEAVY_ROWS}) as g
    `.execute(database.db);
    await sql`analyze logins`.execute(database.db);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const explain = async (query: { compile(): CompiledQuery }) => {
    const compiled = query.compile();
    const { rows } = await database.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    );
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  };

  test('when the table holds a million logins, then it does', async () => {
    const { n } = (await sql<{ n: number }>`select count(*)::int as n from logins`.execute(database.db))
      .rows[0]!;
    expect(n).toBe(ROWS + HEAVY_ROWS);
  });

  test('when a player reads the first page, then every partition is read by an index scan of its primary key', async () => {
    const plan = await explain(historyPageQuery(database.db, 'acc-42', { limit: 51 }));
    const scans = scansOf(plan);
    expect(scans.length).toBeGreaterThanOrEqual(12);
    for (const s of scans) {
      expect(s['Node Type']).toMatch(/^Index (Only )?Scan$/);
      expect(s['Index Name']).toMatch(/_pkey$/);
    }
    expect(JSON.stringify(plan)).not.toMatch(/Seq Scan|Sort"/);
  });

  test('when a player deep in a long history reads a later page, then it is an index scan too and partitions newer than the cursor are skipped', async () => {
    const { rows } = await sql<{ logged_in_at: Date; id: string }>`
      select logged_in_at, id from logins where account_id = 'acc-heavy'
      order by logged_in_at desc, id desc offset 10000 limit 1
    `.execute(database.db);
    const before = { loggedInAt: rows[0]!.logged_in_at, id: rows[0]!.id };
    const plan = await explain(historyPageQuery(database.db, 'acc-heavy', { limit: 51, before }));
    const scans = scansOf(plan);
    for (const s of scans) {
      expect(s['Node Type']).toMatch(/^Index (Only )?Scan$/);
      expect(s['Index Name']).toMatch(/_pkey$/);
    }
    expect(JSON.stringify(plan)).not.toMatch(/Seq Scan|Sort"/);
    const { n: partitions } = (
      await sql<{
        n: number;
      }>`select count(*)::int as n from pg_inherits where inhparent = 'logins'::regclass`.execute(database.db)
    ).rows[0]!;
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.length).toBeLessThan(partitions - 2);
  });
});
