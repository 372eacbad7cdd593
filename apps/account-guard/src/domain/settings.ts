import type { Channel, Locale, Policy, ProtectionSettings, TravelPass } from './types';

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
    travelPasses: [],
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
    travelPasses: s.travelPasses ?? [],
    locale: s.locale,
  };
}

const passKey = (p: TravelPass) => `${p.country}/${p.from}/${p.until}`;
const passList = (s: ProtectionSettings) => (s.travelPasses ?? []).map(passKey);

export function sameSettings(a: ProtectionSettings, b: ProtectionSettings): boolean {
  const list = (x: string[]) => [...x].sort().join(',');
  return (
    a.policy === b.policy &&
    list(a.channels) === list(b.channels) &&
    a.email === b.email &&
    a.phone === b.phone &&
    list(a.trustedCountries) === list(b.trustedCountries) &&
    list(passList(a)) === list(passList(b)) &&
    a.locale === b.locale
  );
}

/** The two contacts a notice can be sent to outside the game. */
export type ContactKind = 'email' | 'phone';

/** Replacement contacts waiting for their verification link to be used. */
export interface PendingContacts {
  email: string | null;
  emailSince: Date | null;
  phone: string | null;
  phoneSince: Date | null;
}

export const NO_PENDING: PendingContacts = { email: null, emailSince: null, phone: null, phoneSince: null };

/** SPEC §4's order of strength: a move to the left lowers protection. */
export const POLICY_STRENGTH: Record<Policy, number> = { none: 0, notify: 1, kick: 2, block: 3, lock: 4 };

/**
 * Why a requested change lowers protection (so a stale player token may not make it): a weaker
 * policy, a channel removed, a trusted country added, or a contact on file removed (it stops
 * receiving the notices of later changes), or a travel pass added or widened (like a trusted
 * country, it stops logins from its country being `foreign_country`).
 */
export type Lowering =
  'policy_weaker' | 'channel_removed' | 'trusted_country_added' | 'travel_pass_added' | 'contact_removed';

/** Whether `p` lets in logins that no pass of `before` did (a new or a wider window). */
function widens(p: TravelPass, before: TravelPass[]): boolean {
  const from = Date.parse(p.from);
  const until = Date.parse(p.until);
  return !before.some(
    (b) => b.country === p.country && Date.parse(b.from) <= from && until <= Date.parse(b.until),
  );
}

export function loweringOf(before: ProtectionSettings, requested: ProtectionSettings): Lowering[] {
  const out: Lowering[] = [];
  if (POLICY_STRENGTH[requested.policy] < POLICY_STRENGTH[before.policy]) out.push('policy_weaker');
  if (before.channels.some((c) => !requested.channels.includes(c))) out.push('channel_removed');
  if (requested.trustedCountries.some((c) => !before.trustedCountries.includes(c)))
    out.push('trusted_country_added');
  if ((requested.travelPasses ?? []).some((p) => widens(p, before.travelPasses ?? [])))
    out.push('travel_pass_added');
  if (
    (before.email !== null && requested.email === null) ||
    (before.phone !== null && requested.phone === null)
  )
    out.push('contact_removed');
  return out;
}

export interface ContactRequester {
  /** Support's contacts are used at once: staff checked who they talk to. */
  byPlayer: boolean;
  /** The email the token's identity provider vouches for (`email_verified`). */
  verifiedEmail?: string;
}

export interface ResolvedContacts {
  /** What is saved: the contacts in use (a replacement by a player stays the old one for now). */
  settings: ProtectionSettings;
  pending: PendingContacts;
  /** Contacts that need a (new) verification link. */
  verify: ContactKind[];
}

const sameAddress = (a: string, b: string | undefined) =>
  b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Which requested contacts are used at once and which wait for verification. A contact that
 * replaces one on file through a player token waits, unless it is the email the token vouches
 * for; the first contact of its kind, and any set by support, is used at once. Asking again for
 * the address already pending keeps it pending without a new link until that link has expired
 * (`linkTtlMs`); asking for the address in use cancels the pending one.
 */
export function resolveContacts(
  before: { settings: ProtectionSettings; pending: PendingContacts },
  requested: ProtectionSettings,
  who: ContactRequester,
  now: Date,
  linkTtlMs: number,
): ResolvedContacts {
  const settings = { ...requested };
  const pending: PendingContacts = { ...NO_PENDING };
  const verify: ContactKind[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const current = before.settings[kind];
    const wanted = requested[kind];
    const sinceKey = kind === 'email' ? 'emailSince' : 'phoneSince';
    const atOnce =
      wanted === null ||
      wanted === current ||
      !who.byPlayer ||
      current === null ||
      (kind === 'email' && sameAddress(wanted, who.verifiedEmail));
    if (atOnce) continue;
    settings[kind] = current;
    pending[kind] = wanted;
    const since = before.pending[kind] === wanted ? before.pending[sinceKey] : null;
    if (since && since.getTime() + linkTtlMs > now.getTime()) {
      pending[sinceKey] = since;
    } else {
      pending[sinceKey] = now;
      verify.push(kind);
    }
  }
  return { settings, pending, verify };
}

/** One line of "what changed" in a change notice; contacts masked as in the audit trail. */
export type SettingsChange =
  | { field: 'policy'; from: Policy; to: Policy }
  | { field: 'channels'; added: Channel[]; removed: Channel[] }
  | { field: 'email' | 'phone'; to: string | null; pending: boolean }
  | { field: 'trustedCountries'; added: string[]; removed: string[] }
  | { field: 'travelPasses'; added: TravelPass[]; removed: TravelPass[] }
  | { field: 'locale'; from: Locale; to: Locale };

/** What a player asked for, compared contact by contact as asked (a pending address counts). */
export function changesBetween(
  before: { settings: ProtectionSettings; pending: PendingContacts },
  after: { settings: ProtectionSettings; pending: PendingContacts },
): SettingsChange[] {
  const a = before.settings;
  const b = after.settings;
  const out: SettingsChange[] = [];
  if (a.policy !== b.policy) out.push({ field: 'policy', from: a.policy, to: b.policy });
  const added = b.channels.filter((c) => !a.channels.includes(c));
  const removed = a.channels.filter((c) => !b.channels.includes(c));
  if (added.length || removed.length) out.push({ field: 'channels', added, removed });
  for (const kind of ['email', 'phone'] as const) {
    const was = before.pending[kind] ?? a[kind];
    const is = after.pending[kind] ?? b[kind];
    if (was === is) continue;
    const mask = kind === 'email' ? maskEmail : maskPhone;
    out.push({ field: kind, to: mask(is), pending: after.pending[kind] !== null });
  }
  const tAdded = b.trustedCountries.filter((c) => !a.trustedCountries.includes(c));
  const tRemoved = a.trustedCountries.filter((c) => !b.trustedCountries.includes(c));
  if (tAdded.length || tRemoved.length)
    out.push({ field: 'trustedCountries', added: tAdded, removed: tRemoved });
  const pa = passList(a);
  const pb = passList(b);
  const pAdded = (b.travelPasses ?? []).filter((p) => !pa.includes(passKey(p)));
  const pRemoved = (a.travelPasses ?? []).filter((p) => !pb.includes(passKey(p)));
  if (pAdded.length || pRemoved.length) out.push({ field: 'travelPasses', added: pAdded, removed: pRemoved });
  if (a.locale !== b.locale) out.push({ field: 'locale', from: a.locale, to: b.locale });
  return out;
}

export function samePending(a: PendingContacts, b: PendingContacts): boolean {
  return a.email === b.email && a.phone === b.phone;
}

export { maskEmail, maskPhone };
