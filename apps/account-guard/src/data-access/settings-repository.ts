import type { Channel, Locale, Policy, ProtectionSettings } from '../domain/types';
import type { Executor, SettingsRow } from './schema';

export async function findSettings(db: Executor, accountId: string): Promise<SettingsRow | undefined> {
  return db
    .selectFrom('protection_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

export async function upsertSettings(
  db: Executor,
  accountId: string,
  s: ProtectionSettings,
  updatedBy: string,
): Promise<SettingsRow> {
  const values = {
    policy: s.policy,
    channels: s.channels,
    email: s.email,
    phone: s.phone,
    trusted_countries: s.trustedCountries,
    locale: s.locale,
    updated_at: new Date(),
    updated_by: updatedBy,
  };
  return db
    .insertInto('protection_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function toSettings(row: SettingsRow): ProtectionSettings {
  return {
    policy: row.policy as Policy,
    channels: row.channels as Channel[],
    email: row.email,
    phone: row.phone,
    trustedCountries: row.trusted_countries,
    locale: row.locale as Locale,
  };
}
