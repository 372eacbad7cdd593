import type { Writable } from 'node:stream';
import { z } from 'zod';
import {
  ServiceParts,
  TokenVerifier,
  badRequest,
  forbidden,
  isoTime,
  parseInput,
  requireAuth,
  unauthorized,
} from '@account-security/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../data-access/tables';
import { exportLogins } from '../application/export/export-logins.service';
import { decodeCursor } from '../domain/cursor';

const DEFAULT_EXPORT_LIMIT = 1000;
const MAX_EXPORT_LIMIT = 10_000;
const WRITE_BYTES = 64 * 1024;
const LIMIT_MESSAGE = `must be an integer from 1 to ${MAX_EXPORT_LIMIT}`;

/** Who may read every account's logins at once: staff, and services (account-guard's replay). */
const EXPORT_ROLES = ['support', 'service'];

export const exportQuerySchema = z.object({
  from: isoTime.describe('Start of the window (inclusive), an ISO time'),
  to: isoTime.describe('End of the window (exclusive), an ISO time after `from`'),
  limit: z.coerce
    .number({ message: LIMIT_MESSAGE })
    .int({ message: LIMIT_MESSAGE })
    .min(1, { message: LIMIT_MESSAGE })
    .max(MAX_EXPORT_LIMIT, { message: LIMIT_MESSAGE })
    .default(DEFAULT_EXPORT_LIMIT),
  cursor: z.string({ message: 'must be a cursor from a previous page' }).optional(),
});

/** Resolves once the socket takes more (or the client went away), leaving no listener behind. */
function drained(res: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

type App = Parameters<NonNullable<ServiceParts['routes']>>[0];

/**
 * SPEC §10: the window's successful logins as NDJSON, oldest first, a page at a time. Lines are
 * written as the database hands them over, and the next chunk is read only once the client has
 * taken the last one (the socket's backpressure), so a slow reader holds one chunk, not a page.
 */
export function registerExportRoutes(app: App, deps: { db: Kysely<DB>; verify: TokenVerifier }): void {
  app.get('/v1/export/logins', requireAuth(deps.verify), async (req, res) => {
    const p = req.principal;
    if (!p) throw unauthorized();
    if (!EXPORT_ROLES.some((r) => p.roles.includes(r)))
      throw forbidden('the support or service role is required');
    const query = parseInput(exportQuerySchema, req.query, 'query');
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (from.getTime() >= to.getTime()) throw badRequest('query.to', 'must be later than query.from');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) throw badRequest('query.cursor', 'must be a cursor from a previous page');

    const lines = exportLogins(deps.db, { from, to, after, limit: query.limit });
    // The first chunk is read before the status goes out, so a database outage is still a 503.
    const first = await lines.next();
    res.status(200).type('application/x-ndjson');
    let closed = false;
    res.on('close', () => (closed = true));
    try {
      // Lines go out in writes of about 64 KiB rather than one each: far fewer socket writes.
      let buffered = '';
      for (let line = first; !line.done && !closed; line = await lines.next()) {
        buffered += JSON.stringify(line.value) + '\n';
        if (buffered.length < WRITE_BYTES) continue;
        const more = res.write(buffered);
        buffered = '';
        if (!more) await drained(res);
      }
      if (buffered && !closed) res.write(buffered);
    } catch (err) {
      // Headers are out: the client sees a stream without its end line and must retry the page.
      req.log?.error({ err: (err as Error).message }, 'export stream failed');
      res.destroy();
      return;
    } finally {
      await lines.return(undefined);
    }
    res.end();
  });
}
