import type { Channel, Locale, Policy, ProtectionSettings } from './types';

export interface SettingsDefaults {
  policy: Policy;
  channels: Channel[];
  locale: Locale;
}

/** What applies to an account that never chose its protection. */
export function defaultSettings(d: SettingsDefaults): ProtectionSettings {
  return {
    policy: d.policy,
    channels: [...d.channels],
    email: null,
    phone: null,
    trustedCountries: [],
    locale: d.locale,
  };
}

/** Email and phone are personal data: the audit trail keeps only enough to recognise them. */
function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  return phone.length <= 6 ? '***' : `${phone.slice(0, 4)}****${phone.slice(-2)}`;
}

/** A settings snapshot fit for the audit trail. */
export function auditView(s: ProtectionSettings) {
  return {
    policy: s.policy,
    channels: s.channels,
    email: maskEmail(s.email),
    phone: maskPhone(s.phone),
    trustedCountries: s.trustedCountries,
    locale: s.locale,
  };
}

export function sameSettings(a: ProtectionSettings, b: ProtectionSettings): boolean {
  const list = (x: string[]) => [...x].sort().join(',');
  return (
    a.policy === b.policy &&
    list(a.channels) === list(b.channels) &&
    a.email === b.email &&
    a.phone === b.phone &&
    list(a.trustedCountries) === list(b.trustedCountries) &&
    a.locale === b.locale
  );
}
