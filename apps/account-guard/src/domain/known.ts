import { createHash } from 'node:crypto';

/**
 * How account-guard keeps a login's `client.deviceId` (SPEC §8: "it was me" makes the device
 * known): a SHA-256 of it, so its tables never hold the raw id a game client sends.
 */
export function deviceKey(deviceId: string): string {
  return createHash('sha256').update(deviceId, 'utf8').digest('hex');
}
