/**
 * The history API's page cursor: opaque to clients, it is the keyset position (logged-in time,
 * record id) of the last item served. Paging "before this position" stays correct while new
 * logins arrive: they sort ahead of the position and never shift the pages behind it.
 */

export interface CursorPosition {
  loggedInAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.loggedInAt.toISOString(), p.id]), 'utf8').toString('base64url');
}

/** The position in a cursor, or null when it is not one this service issued. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !ISO_MS.test(at) || typeof id !== 'string' || !UUID.test(id)) return null;
  const loggedInAt = new Date(at);
  if (Number.isNaN(loggedInAt.getTime()) || loggedInAt.toISOString() !== at) return null;
  return { loggedInAt, id };
}
