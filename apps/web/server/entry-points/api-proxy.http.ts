import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { createProxyMiddleware, fixRequestBody } from 'http-proxy-middleware';
import { HttpError, Logger, ReadinessCheck } from '@account-security/shared';
import type { WebConfig } from '../config';

/**
 * The services trust X-Forwarded-For from this server (it is their loopback or private-network
 * proxy) and key their rate limits on it, so whatever a browser sent under that name must not get
 * through: the upstream learns the address of the peer this server actually speaks to, and no
 * client-made forwarding header (Forwarded, X-Real-IP, X-Forwarded-Host/Proto/Port) at all.
 */
function replaceForwardingHeaders(proxyReq: ClientRequest, req: Request): void {
  for (const h of ['forwarded', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port'])
    proxyReq.removeHeader(h);
  const peer = req.socket.remoteAddress;
  if (peer) proxyReq.setHeader('x-forwarded-for', peer);
  else proxyReq.removeHeader('x-forwarded-for');
}

/**
 * Forwards `<mount>/v1/…` to a service, request and Authorization header as they came (forwarding
 * headers excepted, see replaceForwardingHeaders): the web server holds no credentials and makes
 * no access decisions of its own. Only the versioned API is reachable this way, not the service's
 * readiness, and /metrics is not on the services' public port at all.
 */
function upstreamProxy(name: string, target: string, timeoutMs: number, logger: Logger) {
  // A timed-out upstream request is destroyed and fails like a reset connection; remember which were timeouts.
  const timedOut = new WeakSet<IncomingMessage>();
  // The proxy's error hook gets no `next`; keep each request's, so a failure reaches the shared
  // error middleware like any other route's and the error body is written in one place.
  const nextOf = new WeakMap<IncomingMessage, NextFunction>();
  const proxy = createProxyMiddleware<Request, Response>({
    target,
    changeOrigin: true,
    xfwd: false,
    proxyTimeout: timeoutMs,
    pathFilter: (pathname) => pathname.startsWith('/v1/'),
    on: {
      // createHttpApp has already parsed JSON bodies; write them back out for the upstream.
      proxyReq: (proxyReq: ClientRequest, req: Request) => {
        proxyReq.once('timeout', () => timedOut.add(req));
        replaceForwardingHeaders(proxyReq, req);
        fixRequestBody(proxyReq, req as IncomingMessage);
      },
      error: (err, req, res) => {
        const code = (err as NodeJS.ErrnoException).code;
        logger.warn({ upstream: name, err: { message: err.message, code } }, 'upstream request failed');
        const next = nextOf.get(req);
        // Half an answer already went out (or this is a raw socket): all that is left is to cut it.
        if (!next || !('writeHead' in res) || res.headersSent) {
          res.destroy();
          return;
        }
        next(
          timedOut.has(req) || code === 'ETIMEDOUT'
            ? new HttpError(504, 'UPSTREAM_TIMEOUT', `${name} did not answer in time`)
            : new HttpError(502, 'UPSTREAM_UNAVAILABLE', `${name} is not reachable`),
        );
      },
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    nextOf.set(req, next);
    return proxy(req, res, next);
  };
}

/** /api/history → login-history, /api/guard → account-guard. */
export function apiProxyRoutes(config: WebConfig, logger: Logger) {
  return (app: Express): void => {
    app.use(
      '/api/history',
      upstreamProxy('login-history', config.LOGIN_HISTORY_URL, config.UPSTREAM_TIMEOUT_MS, logger),
    );
    app.use(
      '/api/guard',
      upstreamProxy('account-guard', config.ACCOUNT_GUARD_URL, config.UPSTREAM_TIMEOUT_MS, logger),
    );
  };
}

async function probe(name: string, baseUrl: string): Promise<void> {
  let res: globalThis.Response;
  try {
    res = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(2000) });
  } catch (err) {
    throw new Error(`${name} not reachable: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new Error(`${name} /healthz answered ${res.status}`);
}

/** The pages are only of use while both services they call answer. */
export function upstreamReadiness(config: WebConfig): ReadinessCheck[] {
  return [
    { name: 'login-history', check: () => probe('login-history', config.LOGIN_HISTORY_URL) },
    { name: 'account-guard', check: () => probe('account-guard', config.ACCOUNT_GUARD_URL) },
  ];
}
