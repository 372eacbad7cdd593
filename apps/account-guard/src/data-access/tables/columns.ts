import type { ColumnType } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** jsonb: read as parsed JSON, written as a JSON string (pg would turn a JS array into a Postgres array). */
export type JsonColumn<T> = ColumnType<T, string | undefined, string>;
export type Counter = ColumnType<number, number | undefined, number>;
