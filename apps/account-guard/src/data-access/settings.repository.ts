import type { PendingContacts } from '../domain/settings';
import type { ProtectionSettings } from '../domain/types';
import type { Executor } from './db';
import type { SettingsRow } from './tables/protection-settings.table';

/** An account's own settings, its contacts waiting for verification, and when they were last saved. */
export interface StoredSettings {
  settings: ProtectionSettings;
  pending: PendingContacts;
  updatedAt: Date;
}

export const toStoredSettings = (row: SettingsRow): StoredSettings => ({
  settings: {
    policy: row.policy,
    channels: row.channels,
    email: row.email,
    phone: row.phone,
    trustedCountries: row.trusted_countries,
    travelPasses: row.travel_passes ?? [],
    locale: row.locale,
  },
  pending: {
    email: row.pending_email,
    emailSince: row.pending_email_since,
    phone: row.pending_phone,
    phoneSince: row.pending_phone_since,
  },
  updatedAt: row.updated_at,
});

export async function findSettings(db: Executor, accountId: string): Promise<StoredSettings | undefined> {
  const row = await db
    .selectFrom('protection_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && toStoredSettings(row);
}

export async function upsertSettings(
  db: Executor,
  accountId: string,
  s: ProtectionSettings,
  pending: PendingContacts,
  updatedBy: string,
  now: Date,
): Promise<StoredSettings> {
  const values = {
    policy: s.policy,
    channels: s.channels,
    email: s.email,
    phone: s.phone,
    trusted_countries: s.trustedCountries,
    travel_passes: JSON.stringify(s.travelPasses ?? []),
    locale: s.locale,
    pending_email: pending.email,
    pending_email_since: pending.emailSince,
    pending_phone: pending.phone,
    pending_phone_since: pending.phoneSince,
    updated_at: now,
    updated_by: updatedBy,
  };
  const row = await db
    .insertInto('protection_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStoredSettings(row);
}

/** A verified contact becomes the one in use; its pending slot empties. */
export async function makeContactCurrent(
  db: Executor,
  accountId: string,
  contact: 'email' | 'phone',
  address: string,
  now: Date,
): Promise<void> {
  const q = db.updateTable('protection_settings').where('account_id', '=', accountId);
  await (
    contact === 'email'
      ? q.set({
          email: address,
          pending_email: null,
          pending_email_since: null,
          updated_at: now,
          updated_by: 'player',
        })
      : q.set({
          phone: address,
          pending_phone: null,
          pending_phone_since: null,
          updated_at: now,
          updated_by: 'player',
        })
  ).execute();
}
