import { z } from 'zod';

/** Every non-2xx answer of every service (SPEC §5). */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBody>;

/**
 * A rule of the domain was broken (`ACCOUNT.NOT_LOCKED`). Domain code throws these without
 * knowing HTTP, importing them from the contracts (no node library comes with them); the
 * service tells the shared error middleware which status each code has.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
