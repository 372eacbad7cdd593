import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { DomainError } from '../contracts/http/error.v1';
import { isTransientDbError } from '../db';

export { DomainError };

/** An error with a stable code; the error middleware maps it to its status and the SPEC §5 shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (field: string, problem: string) =>
  new HttpError(400, 'INVALID_INPUT', `${field}: ${problem}`);
export const unauthorized = (message = 'a valid Bearer token is required') =>
  new HttpError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'not allowed') => new HttpError(403, 'FORBIDDEN', message);
export const notFound = (message = 'not found') => new HttpError(404, 'NOT_FOUND', message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);

/** Validates request input; the 400 names the first offending field (`body.policy`, `query.limit`). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [where, ...issue.path.map(String)].join('.');
  throw badRequest(field, issue.message);
}

export interface ErrorMiddlewareOptions {
  /** Status of each domain error code; a code not listed is a 400. */
  domainStatuses?: Record<string, number>;
  /** The JSON body limit, named in the 413. */
  bodyLimit?: string;
}

const send = (res: Response, status: number, code: string, message: string) => {
  res.status(status).json({ error: { code, message } });
};

/**
 * The one error middleware of every HTTP server of the suite: HttpError and DomainError to their
 * status, a database outage to 503, body-parser failures to 400/413, anything else a logged 500,
 * always in the SPEC §5 `{error: {code, message}}` shape.
 */
export function errorMiddleware(opts: ErrorMiddlewareOptions = {}) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof HttpError) return send(res, err.status, err.code, err.message);
    if (err instanceof DomainError)
      return send(res, opts.domainStatuses?.[err.code] ?? 400, err.code, err.message);
    if (isTransientDbError(err)) {
      req.log?.warn({ err }, 'database unavailable');
      return send(res, 503, 'UNAVAILABLE', 'the service is unavailable; try again');
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.too.large')
      return send(res, 413, 'PAYLOAD_TOO_LARGE', `body: larger than ${opts.bodyLimit ?? '16kb'}`);
    if (
      e?.type === 'entity.parse.failed' ||
      e?.type === 'encoding.unsupported' ||
      e?.type === 'charset.unsupported'
    )
      return send(res, 400, 'INVALID_INPUT', 'body: not valid JSON');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      return send(res, e.status, 'INVALID_INPUT', e.message ?? 'bad request');
    req.log?.error({ err }, 'request failed');
    send(res, 500, 'INTERNAL', 'internal error');
  };
}
