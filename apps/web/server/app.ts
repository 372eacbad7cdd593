import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Express, NextFunction, Request, Response } from 'express';
import { createProxyMiddleware, fixRequestBody } from 'http-proxy-middleware';
import { Logger, Metrics, createHttpApp } from '@account-security/shared';
import type { WebConfig } from './config';

/** Browser paths of the two pages; both are the same single-page app. */
export const PAGE_PATHS = ['/', '/support', '/support/'];

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * Forwards `<mount>/v1/…` to a service, request and Authorization header as they came: the web
 * server holds no credentials and makes no access decisions of its own. Only the versioned API is
 * reachable this way, not the service's /metrics or /readyz.
 */
function upstreamProxy(name: string, target: string, timeoutMs: number, logger: Logger) {
  // A timed-out upstream request is destroyed and fails like a reset connection; remember which were timeouts.
  const timedOut = new WeakSet<IncomingMessage>();
  return createProxyMiddleware<Request, Response>({
    target,
    changeOrigin: true,
    xfwd: false,
    proxyTimeout: timeoutMs,
    pathFilter: (pathname) => pathname.startsWith('/v1/'),
    on: {
      // createHttpApp has already parsed JSON bodies; write them back out for the upstream.
      proxyReq: (proxyReq: ClientRequest, req: Request) => {
        proxyReq.once('timeout', () => timedOut.add(req));
        fixRequestBody(proxyReq, req as IncomingMessage);
      },
      error: (err, req, res) => {
        const code = (err as NodeJS.ErrnoException).code;
        logger.warn({ upstream: name, err: { message: err.message, code } }, 'upstream request failed');
        if (!('writeHead' in res)) {
          res.destroy();
          return;
        }
        if (timedOut.has(req) || code === 'ETIMEDOUT')
          sendError(res, 504, 'UPSTREAM_TIMEOUT', `${name} did not answer in time`);
        else sendError(res, 502, 'UPSTREAM_UNAVAILABLE', `${name} is not reachable`);
      },
    },
  });
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

export function createWebApp(opts: {
  config: WebConfig;
  logger: Logger;
  metrics: Metrics;
  distDir: string;
  build: string;
}): Express {
  const { config, logger, distDir } = opts;
  const sendPage = (_req: Request, res: Response, next: NextFunction) => {
    // Tighter than the services' default policy, and without `upgrade-insecure-requests`: that
    // would send the bundles' requests to https:// when the pages are served over plain HTTP.
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    // The shell is tiny and names the hashed bundles: always revalidate it so a rebuild shows at once.
    res.sendFile(
      'index.html',
      { root: distDir, headers: { 'Cache-Control': 'no-cache' } },
      (err) => err && next(err),
    );
  };
  return createHttpApp({
    logger,
    metrics: opts.metrics,
    info: () => ({ pages: opts.build }),
    readiness: [
      { name: 'login-history', check: () => probe('login-history', config.LOGIN_HISTORY_URL) },
      { name: 'account-guard', check: () => probe('account-guard', config.ACCOUNT_GUARD_URL) },
    ],
    routes: (app) => {
      app.use(
        '/api/history',
        upstreamProxy('login-history', config.LOGIN_HISTORY_URL, config.UPSTREAM_TIMEOUT_MS, logger),
      );
      app.use(
        '/api/guard',
        upstreamProxy('account-guard', config.ACCOUNT_GUARD_URL, config.UPSTREAM_TIMEOUT_MS, logger),
      );
      app.get(PAGE_PATHS, sendPage);
      // Bundles carry a content hash in their names, so they may be cached for good.
      app.get('/assets/*file', (req: Request, res: Response, next: NextFunction) => {
        const file = path.join(...(req.params as { file: string[] }).file);
        res.sendFile(file, { root: path.join(distDir, 'assets'), maxAge: '1y', immutable: true }, (err) =>
          err ? next((err as { status?: number }).status === 404 ? undefined : err) : undefined,
        );
      });
      app.get('/favicon.svg', (_req: Request, res: Response, next: NextFunction) => {
        res.sendFile('favicon.svg', { root: distDir, maxAge: '1d' }, (err) => err && next());
      });
    },
  });
}
