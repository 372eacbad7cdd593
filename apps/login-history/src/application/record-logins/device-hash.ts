import { createHmac } from 'node:crypto';

/** A device id as stored and compared: its HMAC-SHA256 under DEVICE_ID_KEY (the raw id is never kept). */
export const deviceHashOf = (key: string, deviceId: string) =>
  createHmac('sha256', key).update(deviceId, 'utf8').digest('base64url');
