import { z } from 'zod';

/**
 * The suite's vocabulary, written once: the services, their events and the browser all take it
 * from here (SPEC §4, §5).
 */
export const POLICIES = ['none', 'notify', 'kick', 'block', 'lock'] as const;
export type Policy = (typeof POLICIES)[number];
export const policyName = z.enum(POLICIES);

export const CHANNELS = ['email', 'sms', 'in_game'] as const;
export type Channel = (typeof CHANNELS)[number];
export const channelName = z.enum(CHANNELS);

export const ACTION_TYPES = ['notify', 'kick', 'block', 'lock'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const actionType = z.enum(ACTION_TYPES);

/**
 * Where an action stands: `pending` until carried out, then `sent`/`done`, or `skipped`/`failed`;
 * `shadow` (SPEC §10, ENFORCEMENT=shadow): only recorded, never carried out.
 */
export const ACTION_STATUSES = ['pending', 'sent', 'done', 'skipped', 'failed', 'shadow'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const KICK_REASONS = ['foreign_login', 'region_blocked', 'account_locked'] as const;
export type KickReason = (typeof KICK_REASONS)[number];
export const kickReason = z.enum(KICK_REASONS);

/** SPEC §7: `unusual` sends a "new sign-in" notice and nothing else. */
export const VERDICTS = ['trusted', 'unusual', 'suspicious'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const verdict = z.enum(VERDICTS);

/** SPEC §7's signal codes (stable) and their levels. */
export const SIGNAL_CODES = [
  'foreign_country',
  'trusted_country',
  'travel_pass',
  'country_unknown',
  'impossible_travel',
  'new_device',
  'new_network',
  'hosting_network',
  'credential_stuffing_ip',
  'brute_force',
  'reported_ip',
  'confirmed_by_player',
] as const;
export type SignalCode = (typeof SIGNAL_CODES)[number];
export const signalCode = z.enum(SIGNAL_CODES);

export const SIGNAL_LEVELS = ['info', 'unusual', 'suspicious'] as const;
export type SignalLevel = (typeof SIGNAL_LEVELS)[number];
export const signalLevel = z.enum(SIGNAL_LEVELS);

/** The languages notices and pages are written in. */
export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];
export const locale = z.enum(LOCALES);

/** Who did something, in the form the events and the audit trail use. */
export type Actor = 'system' | 'player' | `support:${string}`;
