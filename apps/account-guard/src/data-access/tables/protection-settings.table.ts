import type { Selectable } from 'kysely';
import type { Channel, Locale, Policy, TravelPass } from '../../domain/types';
import type { JsonColumn, NullableTimestamp, Timestamp } from './columns';

export interface ProtectionSettingsTable {
  account_id: string;
  policy: Policy;
  channels: Channel[];
  email: string | null;
  phone: string | null;
  trusted_countries: string[];
  /** SPEC §8 (migration 2026_12_03_1000). */
  travel_passes: JsonColumn<TravelPass[]>;
  locale: Locale;
  /** A replacement contact asked for through a player token, used once its link is followed. */
  pending_email: string | null;
  pending_email_since: NullableTimestamp;
  pending_phone: string | null;
  pending_phone_since: NullableTimestamp;
  updated_at: Timestamp;
  updated_by: string;
}

export type SettingsRow = Selectable<ProtectionSettingsTable>;
