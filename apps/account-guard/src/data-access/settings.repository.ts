import type { ProtectionSettings } from '../domain/types';
import type { Executor } from './db';
import type { SettingsRow } from './tables/protection-settings.table';

/** An account's own settings, and when they were last saved. */
export interface StoredSettings {
  settings: ProtectionSettings;
  updatedAt: Date;
}

export const toStoredSettings = (row: SettingsRow): StoredSettings => ({
  settings: {
    policy: row.policy,
    channels: row.channels,
    email: row.email,
    phone: row.phone,
    trustedCountries: row.trusted_countries,
    locale: row.locale,
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
  updatedBy: string,
  now: Date,
): Promise<StoredSettings> {
  const values = {
    policy: s.policy,
    channels: s.channels,
    email: s.email,
    phone: s.phone,
    trusted_countries: s.trustedCountries,
    locale: s.locale,
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
