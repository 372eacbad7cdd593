import { z } from 'zod';

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
