import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  InsertQueryBuilder,
  Kysely,
  Migration,
  MigrationProvider,
  Migrator,
  PostgresDialect,
  QueryCreator,
  InsertResult,
  sql,
} from 'kysely';
import { Pool, types } from 'pg';
import type { Logger } from '../logger';
import { traceDbPlugins } from './trace-plugin';

// int8 (bigint ids, counts) as JS numbers: ids here stay far below 2^53.
types.setTypeParser(20, (v) => Number(v));

export function createDb<DB>(
  url: string,
  opts: { max?: number; applicationName?: string; statementTimeoutMs?: number } = {},
): Kysely<DB> {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    // A hung query must fail (and its message be retried), not hold a delivery past the broker's
    // consumer timeout.
    statement_timeout: opts.statementTimeoutMs ?? 30000,
    application_name: opts.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  // A connection's error (server restarted, connection terminated) must not crash the process:
  // the pool handles idle clients, but a checked-out client between two queries (inside a
  // transaction, holding a session lock) emits 'error' with nobody listening. Its next query
  // fails instead, and the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    plugins: traceDbPlugins(opts.applicationName),
  });
}

/** Repository root: migrations/<service>/ lives there. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

export function migrationsDir(service: string): string {
  return path.join(REPO_ROOT, 'migrations', service);
}

/**
 * Loads migration files with require(): works under tsx (production entry) and under jest's
 * transform alike, where kysely's FileMigrationProvider's dynamic import() does not.
 */
class RequireMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const file of readdirSync(this.dir).sort()) {
      if (!/\.(ts|js)$/.test(file) || file.endsWith('.d.ts')) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      out[file.replace(/\.(ts|js)$/, '')] = require(path.join(this.dir, file)) as Migration;
    }
    return out;
  }
}

export async function migrateToLatest(db: Kysely<any>, service: string, logger?: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: new RequireMigrationProvider(migrationsDir(service)) });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') logger?.info({ migration: r.migrationName }, 'migration applied');
    if (r.status === 'Error') logger?.error({ migration: r.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

function adminUrl(url: string): { admin: string; name: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name) throw new Error('database URL names no database');
  u.pathname = '/postgres';
  return { admin: u.toString(), name };
}

/** Creates the database named in `url` if it does not exist (local runs and tests). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { admin, name } = adminUrl(url);
  const db = createDb<any>(admin, { max: 1 });
  try {
    const found = await db
      .selectFrom('pg_database')
      .select('datname')
      .where('datname', '=', name)
      .executeTakeFirst();
    if (found) return false;
    try {
      await sql`create database ${sql.id(name)}`.execute(db);
    } catch (err) {
      // Two processes racing to create it: the other one won.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
    return true;
  } finally {
    await db.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { admin, name } = adminUrl(url);
  const db = createDb<any>(admin, { max: 1 });
  try {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db);
  } finally {
    await db.destroy();
  }
}

export async function pingDb(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

const TRANSIENT_PG_CODES = /^(08|53|57P0[123]|40001|40P01)/;

/** Connection loss, server shutdown, too many connections, serialization failure: try again later. */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && TRANSIENT_PG_CODES.test(e.code)) return true;
  if (typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(e.code))
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e?.message ?? '',
  );
}

/**
 * Adds an INSERT as a data-modifying CTE, so several tables are written in one statement (one
 * round trip): Postgres runs each such CTE exactly once, whether or not the main query reads it.
 * The CTE is not referenced, so the builder keeps its type.
 */
export function withWrite<DB>(
  q: QueryCreator<DB>,
  name: string,
  write: (qc: QueryCreator<DB>) => InsertQueryBuilder<DB, any, any>,
): QueryCreator<DB> {
  return q.with(name, write as never) as unknown as QueryCreator<DB>;
}

/** Postgres element types a batch's column can be sent as (one array parameter per column). */
export type ColumnType =
  | 'text'
  | 'uuid'
  | 'inet'
  | 'timestamptz'
  | 'boolean'
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'double precision'
  | 'json'
  | 'jsonb';

/**
 * INSERT a batch's rows as `insert into t (a, b, …) select * from unnest($1::text[], $2::uuid[], …)`:
 * one array parameter per column. Unlike a multi-row VALUES list (one parameter per cell), the
 * statement's text is the same for every batch size, so Postgres parses a handful of parameters,
 * not hundreds, and the client builds and sends a dozen values instead of a node per cell. Rows
 * come out in array order, so a batch that sorts its rows still takes their row locks in that
 * order. JSON columns take strings (or objects, which pg serialises).
 */
export function insertRows<DB, T extends keyof DB & string, R extends Record<string, unknown>>(
  qc: QueryCreator<DB>,
  table: T,
  rows: readonly R[],
  /** Every key a column of `table` (a misspelt one does not compile), with its element type. */
  columns: { readonly [K in keyof R]: K extends keyof DB[T] ? ColumnType : never },
): InsertQueryBuilder<DB, T, InsertResult> {
  const names = Object.keys(columns) as (keyof R & string)[];
  const arrays = names.map((name) => sql`${rows.map((r) => r[name] ?? null)}::${sql.raw(columns[name])}[]`);
  return qc
    .insertInto(table)
    .columns(names as never)
    .expression(sql`select * from unnest(${sql.join(arrays)})` as never);
}
