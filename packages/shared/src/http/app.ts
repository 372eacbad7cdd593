import express, { Express, Request, Response } from 'express';
import type { Server } from 'node:http';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import { ConfigError } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { HttpError, errorMiddleware } from './errors';
import { traceRequests } from '../tracing';
import { SUBJECT_RATE_LIMITS, subjectRateLimits } from './rate-limit';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void> | void;
}

/** Evaluates the readiness checks; shared by both listeners so they answer alike. */
export type ReadinessProbe = () => Promise<{ ok: boolean; checks: Record<string, string> }>;

/** How long one readiness evaluation answers every probe (both ports, every prober). */
export const READINESS_CACHE_MS = 1000;

/**
 * A request path with its one-time token hidden: unlock, answer and contact-verification links
 * carry a bearer secret in the path, which must never reach a log line.
 */
export function redactTokenPath(url: string): string {
  return url.replace(/\/v1\/(unlock|feedback|contacts\/verify)\/[^/?#]+/gi, '/v1/$1/[token]');
}

/**
 * The checks behind /readyz, run at most once per `cacheMs`: probes that arrive while an
 * evaluation runs wait for it, later ones within `cacheMs` get its result. Load balancers and
 * orchestrators probing often (or an outsider hammering /readyz) then cost one database round
 * trip a second, not one each, and cannot take the connections the consumers need.
 */
export function cachedReadiness(
  checks: ReadinessCheck[],
  { cacheMs = READINESS_CACHE_MS, timeoutMs = 5000 } = {},
): ReadinessProbe {
  let current: Promise<{ ok: boolean; checks: Record<string, string> }> | undefined;
  let doneAt = -Infinity;
  const evaluate = async () => {
    const result: Record<string, string> = {};
    let ok = true;
    for (const c of checks) {
      let timer: NodeJS.Timeout | undefined;
      try {
        // Every prober waits on this one evaluation: a check that hangs must not hang them all for good.
        await Promise.race([
          c.check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        result[c.name] = 'ok';
      } catch (err) {
        ok = false;
        result[c.name] = (err as Error).message || 'failed';
      } finally {
        clearTimeout(timer);
      }
    }
    doneAt = Date.now();
    return { ok, checks: result };
  };
  return () => {
    if (!current || (doneAt !== -Infinity && Date.now() - doneAt >= cacheMs)) {
      doneAt = -Infinity;
      current = evaluate();
    }
    return current;
  };
}

export interface HttpAppOptions {
  logger: Logger;
  /** The checks behind /readyz (cached, see cachedReadiness), unless `probe` is given. */
  readiness?: ReadinessCheck[];
  /** The probe to answer /readyz with; give the admin app the same one so both share one cache. */
  probe?: ReadinessProbe;
  /** Requests a minute one token subject may make on routes behind `requireAuth` (default 120). */
  authRateLimitPerMinute?: number;
  /** The same for tokens with the `service` role (default 60 000). */
  authServiceRateLimitPerMinute?: number;
  /** Extra facts shown on /readyz (e.g. the GeoIP database in use). */
  info?: () => Record<string, unknown>;
  bodyLimit?: string;
  /** Express "trust proxy": `loopback`, a CIDR list, or a number of hops. */
  trustProxy?: string;
  routes: (app: Express) => void;
  /** HTTP status of each domain error code the routes may throw (see DomainError). */
  domainStatuses?: Record<string, number>;
  /** The service's OpenAPI document, served at GET /openapi.json. */
  openapi?: () => object;
}

const readyzHandler =
  (probe: ReadinessProbe, info?: () => Record<string, unknown>) => async (_req: Request, res: Response) => {
    const { ok, checks } = await probe();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks, ...info?.() });
  };

/**
 * The public (player-facing) app of every service: health, readiness, security headers, JSON
 * limits and the SPEC §5 error shape. No /metrics: that is on the admin listener only.
 */
export function createHttpApp(opts: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.locals[SUBJECT_RATE_LIMITS] = subjectRateLimits({
    perMinute: opts.authRateLimitPerMinute,
    servicePerMinute: opts.authServiceRateLimitPerMinute,
  });
  const trust = opts.trustProxy ?? 'loopback';
  app.set(
    'trust proxy',
    /^\d+$/.test(trust) ? Number(trust) : trust === 'true' ? true : trust === 'false' ? false : trust,
  );
  // No `upgrade-insecure-requests`: behind plain HTTP (not localhost) it would send forms to https.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // A server span per request (tracing on): `traceparent` taken from the request and given back.
  const traced = traceRequests();
  if (traced) app.use(traced);
  app.use(
    pinoHttp({
      logger: opts.logger,
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req) => ({
          method: req.method,
          url: redactTokenPath(String(req.url)),
        }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(express.json({ limit: opts.bodyLimit ?? '16kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readyzHandler(opts.probe ?? cachedReadiness(opts.readiness ?? []), opts.info));

  const openapi = opts.openapi;
  if (openapi) app.get('/openapi.json', (_req, res) => void res.json(openapi()));
  opts.routes(app);

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  app.use(errorMiddleware({ domainStatuses: opts.domainStatuses, bodyLimit: opts.bodyLimit }));
  return app;
}

export interface AdminAppOptions {
  metrics: Metrics;
  probe: ReadinessProbe;
  info?: () => Record<string, unknown>;
}

/**
 * The operator app, for the ADMIN_PORT listener (loopback by default): /metrics, and /healthz
 * and /readyz as on the public port. Anything else is a 404 in the suite's error shape.
 */
export function createAdminApp(opts: AdminAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readyzHandler(opts.probe, opts.info));
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  app.use(errorMiddleware());
  return app;
}

/** Listens on `port` (0: any free one) of `host` (all interfaces when unset); resolves with the bound port. */
export async function listen(
  app: Express,
  port: number,
  host?: string,
): Promise<{ server: Server; port: number }> {
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (port taken) to this callback rather than emitting it.
    const cb = (err?: Error) => (err ? reject(err) : resolve(s));
    const s = host === undefined ? app.listen(port, cb) : app.listen(port, host, cb);
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/** ADMIN_PORT when set; else the public port + 100 (3001 → 3101), or any free port when PORT is 0. */
export function adminPortFor(port: number, adminPort?: number): number {
  const admin = adminPort ?? (port === 0 ? 0 : port + 100);
  if (admin > 65535)
    throw new ConfigError('ADMIN_PORT', `is required when PORT is above 65435 (PORT + 100 is ${admin})`);
  if (admin !== 0 && admin === port)
    throw new ConfigError('ADMIN_PORT', `is invalid: must differ from PORT (${port})`);
  return admin;
}

/**
 * Starts closing an HTTP server: no new connections, idle keep-alive ones closed now. `closed`
 * resolves once every connection is gone; `cut()` ends the ones still busy (requests in flight).
 */
export function beginClose(server: Server): { closed: Promise<void>; cut: () => void } {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return { closed, cut: () => server.closeAllConnections() };
}
