import { DomainError } from '@account-security/shared/contracts';

// The codes are stable (clients and the unlock page rely on them); `DOMAIN_STATUSES` in
// entry-points/domain-statuses.ts gives each its HTTP status.
export const accountNotLocked = () => new DomainError('ACCOUNT.NOT_LOCKED', 'the account is not locked');
export const accountLocked = () =>
  new DomainError(
    'ACCOUNT.LOCKED',
    'the account is locked; protection settings can be changed again once it is unlocked',
  );
export const unlockTokenNotFound = () => new DomainError('UNLOCK.TOKEN_NOT_FOUND', 'no such unlock link');
export const unlockTokenUsed = () =>
  new DomainError('UNLOCK.TOKEN_USED', 'this unlock link has already been used');
export const unlockTokenExpired = () =>
  new DomainError('UNLOCK.TOKEN_EXPIRED', 'this unlock link has expired');
export const lockEnded = () => new DomainError('ACCOUNT.NOT_LOCKED', 'the account is no longer locked');
