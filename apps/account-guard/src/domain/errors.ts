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
export const unlockSupportOnly = () =>
  new DomainError(
    'UNLOCK.SUPPORT_ONLY',
    'a sign-in on this account was reported as "not me"; only support can unlock it now',
  );
export const lockEnded = () => new DomainError('ACCOUNT.NOT_LOCKED', 'the account is no longer locked');
export const stepUpRequired = () =>
  new DomainError(
    'AUTH.STEP_UP_REQUIRED',
    'lowering protection needs a recent sign-in: sign in again, then save the change',
  );
export const contactTokenNotFound = () =>
  new DomainError('CONTACT.TOKEN_NOT_FOUND', 'no such verification link');
export const contactTokenUsed = () =>
  new DomainError('CONTACT.TOKEN_USED', 'this verification link has already been used');
export const contactTokenExpired = () =>
  new DomainError('CONTACT.TOKEN_EXPIRED', 'this verification link has expired');
export const contactSuperseded = () =>
  new DomainError('CONTACT.SUPERSEDED', 'the contact this link confirms is no longer waiting for it');
