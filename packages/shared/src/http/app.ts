import express, { Express } from 'express';
import type { Server } from 'node:http';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { HttpError, errorMiddleware } from './errors';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void> | void;
}

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Extra facts shown on /readyz (e.g. the GeoIP database in use). */
  info?: () => Record<string, unknown>;
  bodyLimit?: string;
  /** Express "trust proxy": `loopback`, a CIDR list, or a number of hops. */
  trustProxy?: string;
  routes: (app: Express) => void;
  /** HTTP status of each domain error code the routes may throw (see DomainError). */
  domainStatuses?: Record<string, number>;
}

/** Health, readiness, metrics, security headers, JSON limits and the SPEC §5 error shape, for every service. */
export function createHttpApp(opts: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const trust = opts.trustProxy ?? 'loopback';
  app.set(
    'trust proxy',
    /^\d+$/.test(trust) ? Number(trust) : trust === 'true' ? true : trust === 'false' ? false : trust,
  );
  // No `upgrade-insecure-requests`: behind plain HTTP (not localhost) it would send forms to https.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(
    pinoHttp({
      logger: opts.logger,
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req) => ({
          method: req.method,
          url: String(req.url).replace(/\/v1\/unlock\/[^/?]+/i, '/v1/unlock/[token]'),
        }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(express.json({ limit: opts.bodyLimit ?? '16kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ok = true;
    for (const c of opts.readiness) {
      try {
        await c.check();
        checks[c.name] = 'ok';
      } catch (err) {
        ok = false;
        checks[c.name] = (err as Error).message || 'failed';
      }
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks, ...opts.info?.() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });

  opts.routes(app);

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  app.use(errorMiddleware({ domainStatuses: opts.domainStatuses, bodyLimit: opts.bodyLimit }));
  return app;
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
