import path from 'node:path';
import type { Express, NextFunction, Request, Response } from 'express';

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

/** The built pages from `distDir`: the shell at the page paths, the hashed bundles, the icon. */
export function pageRoutes(distDir: string) {
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
  return (app: Express): void => {
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
  };
}
