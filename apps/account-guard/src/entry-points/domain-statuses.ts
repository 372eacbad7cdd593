/** The HTTP status of each domain error code (domain/errors.ts), for the shared error middleware. */
export const DOMAIN_STATUSES: Record<string, number> = {
  'ACCOUNT.NOT_LOCKED': 409,
  'ACCOUNT.LOCKED': 409,
  'UNLOCK.TOKEN_NOT_FOUND': 404,
  'UNLOCK.TOKEN_USED': 409,
  'UNLOCK.TOKEN_EXPIRED': 410,
  'UNLOCK.SUPPORT_ONLY': 409,
  'AUTH.STEP_UP_REQUIRED': 403,
  'CONTACT.TOKEN_NOT_FOUND': 404,
  'CONTACT.TOKEN_USED': 409,
  'CONTACT.TOKEN_EXPIRED': 410,
  'CONTACT.SUPERSEDED': 409,
};
