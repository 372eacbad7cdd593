import { QueryCreator, sql } from 'kysely';
import { insertRows } from '../../src';
import { TestDatabase, createTestDatabase } from '../../src/testing';

interface DB {
  rows: {
    n: number;
    name: string | null;
    id: string | null;
    ip: string | null;
    at: Date | null;
    ok: boolean | null;
    small: number | null;
    big: number | null;
    real: number | null;
    doc: string | null;
    docb: string | null;
  };
}

const COLUMNS = {
  n: 'integer',
  name: 'text',
  id: 'uuid',
  ip: 'inet',
  at: 'timestamptz',
  ok: 'boolean',
  small: 'smallint',
  big: 'bigint',
  real: 'double precision',
  doc: 'json',
  docb: 'jsonb',
} as const;

const TABLE = sql`create table rows (
  n integer primary key, name text, id uuid, ip inet, at timestamptz, ok boolean, small smallint,
  big bigint, real double precision, doc json, docb jsonb)`;

/** Cells that an array literal must escape or keep apart: quotes, backslashes, commas, braces, NULL. */
const awkward = 'a "quoted", {braced} \\ back\\slash NULL';
const rowsToWrite: DB['rows'][] = [
  {
    n: 1,
    name: awkward,
    id: '2f6b6c1e-1c8a-4f0e-9a44-6c1b0c9b7d21',
    ip: '2001:db8::1',
    at: new Date('2026-12-06T10:00:00.123Z'),
    ok: true,
    small: -32768,
    big: 4200000001,
    real: 51.5074,
    doc: JSON.stringify({ q: awkward }),
    docb: JSON.stringify([{ k: 'v' }]),
  },
  {
    n: 2,
    name: 'NULL',
    id: null,
    ip: '203.0.113.7',
    at: null,
    ok: false,
    small: null,
    big: null,
    real: -0.5,
    doc: null,
    docb: null,
  },
  {
    n: 3,
    name: null,
    id: null,
    ip: null,
    at: null,
    ok: null,
    small: null,
    big: null,
    real: null,
    doc: null,
    docb: null,
  },
];

describe('insertRows', () => {
  let t: TestDatabase<DB>;
  /** As repositories call it: with a transaction's or a CTE's query creator. */
  const qc = (): QueryCreator<DB> => t.db;
  beforeAll(async () => {
    t = await createTestDatabase<DB>('insert-rows', { migrate: false });
    await TABLE.execute(t.db);
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await sql`truncate rows`.execute(t.db);
  });

  const read = async () =>
    (
      await sql<Record<string, unknown>>`select n, name, id, host(ip) as ip, at, ok, small, big, real,
        doc::text as doc, docb from rows order by n`.execute(t.db)
    ).rows;

  it('writes every column type as a multi-row VALUES insert would, nulls and awkward text included', async () => {
    await insertRows(qc(), 'rows', rowsToWrite, COLUMNS).execute();
    const viaUnnest = await read();
    await sql`truncate rows`.execute(t.db);
    await t.db.insertInto('rows').values(rowsToWrite).execute();
    const viaValues = await read();

    expect(viaUnnest).toEqual(viaValues);
    expect(viaUnnest[0]).toMatchObject({
      name: awkward,
      ip: '2001:db8::1',
      at: new Date('2026-12-06T10:00:00.123Z'),
      big: 4200000001,
      doc: JSON.stringify({ q: awkward }),
      docb: [{ k: 'v' }],
    });
    // The text 'NULL' stays text, and a null stays null.
    expect(viaUnnest[1]).toMatchObject({ name: 'NULL', ok: false });
    // The all-null row comes back exactly as written: every cell null but the key.
    expect(viaUnnest[2]).toEqual(rowsToWrite[2]);
  });

  it('keeps one statement text whatever the batch size, with one parameter per column', async () => {
    const one = insertRows(qc(), 'rows', rowsToWrite.slice(0, 1), COLUMNS).compile();
    const many = insertRows(
      qc(),
      'rows',
      Array.from({ length: 500 }, (_, i) => ({ ...rowsToWrite[0]!, n: 100 + i })),
      COLUMNS,
    ).compile();
    expect(many.sql).toBe(one.sql);
    expect(many.parameters).toHaveLength(Object.keys(COLUMNS).length);
  });

  it('composes with ON CONFLICT and RETURNING, and writes rows in array order', async () => {
    await insertRows(qc(), 'rows', [{ ...rowsToWrite[2]!, n: 7, name: 'first' }], COLUMNS).execute();
    const batch = [6, 7, 5].map((n) => ({ ...rowsToWrite[2]!, n, name: `n${n}` }));
    const returned = await insertRows(qc(), 'rows', batch, COLUMNS)
      .onConflict((oc) => oc.column('n').doNothing())
      .returning('n')
      .execute();
    // Inserted in the arrays' order (6 before 5), the conflicting 7 skipped.
    expect(returned.map((r) => r.n)).toEqual([6, 5]);
    const { rows } = await sql<{ n: number; name: string }>`select n, name from rows order by n`.execute(
      t.db,
    );
    expect(rows).toEqual([
      { n: 5, name: 'n5' },
      { n: 6, name: 'n6' },
      { n: 7, name: 'first' },
    ]);
  });

  it('does not compile a column the table lacks (and Postgres would refuse it)', async () => {
    // pnpm typecheck fails if this line ever compiles: then the directive is unused.
    // @ts-expect-error 'nmae' is not a column of rows
    const q = insertRows(qc(), 'rows', [{ n: 9, nmae: 'x' }], { n: 'integer', nmae: 'text' });
    await expect(q.execute()).rejects.toThrow(/column "nmae" of relation "rows" does not exist/);
  });

  it('writes nothing for an empty batch', async () => {
    await insertRows(qc(), 'rows', [] as DB['rows'][], COLUMNS).execute();
    expect(await read()).toEqual([]);
  });
});
