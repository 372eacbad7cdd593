/**
 * A replacement contact's verification link carries the same kind of token as the unlock link
 * (256 random bits, base64url, only its hash stored: see unlock-token.ts), on its own route.
 */
export function contactVerifyUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/v1/contacts/verify/${token}`;
}
