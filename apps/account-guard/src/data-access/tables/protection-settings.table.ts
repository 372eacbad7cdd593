import type { Selectable } from 'kysely';
import type { Channel, Locale, Policy } from '../../domain/types';
import type { Timestamp } from './columns';

export interface ProtectionSettingsTable {
  account_id: string;
  policy: Policy;
  channels: Channel[];
  email: string | null;
  phone: string | null;
  trusted_countries: string[];
  locale: Locale;
  updated_at: Timestamp;
  updated_by: string;
}

export type SettingsRow = Selectable<ProtectionSettingsTable>;
