import { HttpError } from '@account-security/shared';
import { DomainError } from '../../domain/errors';

const STATUS: Record<string, number> = {
  'ACCOUNT.NOT_LOCKED': 409,
  'ACCOUNT.LOCKED': 409,
  'UNLOCK.TOKEN_NOT_FOUND': 404,
  'UNLOCK.TOKEN_USED': 409,
  'UNLOCK.TOKEN_EXPIRED': 410,
};

/** Domain errors to the SPEC §5 shape; anything else is left for the shared error middleware. */
export function toHttpError(err: unknown): unknown {
  if (err instanceof DomainError) return new HttpError(STATUS[err.code] ?? 400, err.code, err.message);
  return err;
}

export function statusOf(err: DomainError): number {
  return STATUS[err.code] ?? 400;
}
