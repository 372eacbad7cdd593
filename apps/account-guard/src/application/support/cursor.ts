import type { ListPosition } from '../../data-access/support.repository';

/**
 * The page cursor of support's lists: opaque to clients, it is the keyset position (the row's
 * exact time and id) of the last item served. Paging "after this position" stays correct while
 * new rows arrive: they sort ahead of it and never shift the pages behind it.
 */
export function encodeCursor(p: ListPosition): string {
  return Buffer.from(JSON.stringify([p.at, p.id]), 'utf8').toString('base64url');
}

const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The position in a cursor, or null when it is not one this service issued. */
export function decodeCursor(cursor: string): ListPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !EXACT_TIME.test(at)) return null;
  // A real instant (no 30 February), or Postgres would refuse the cast with a 500.
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== at.slice(0, 19)) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return null;
  return { at, id };
}
