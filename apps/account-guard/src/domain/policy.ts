import type { Assessment, Channel, KickReason, LockState, Policy, ProtectionSettings } from './types';

/** Why a notification channel was not used. */
export type SkipReason = 'channel_disabled' | 'no_address';

/** Which notice the player gets: the policy that acted, or (SPEC §7) a new sign-in of an `unusual` login. */
export type NoticeKind = 'notify' | 'kick' | 'block' | 'lock' | 'new_sign_in';

export type PlannedAction =
  | { type: 'notify'; channel: Channel; notice: NoticeKind; skip?: SkipReason }
  | { type: 'kick'; reason: KickReason }
  | { type: 'block' }
  | { type: 'lock' };

export interface PolicyInput {
  assessment: Assessment;
  policy: Policy;
  /** The account's lock, if it is locked right now. */
  lock: LockState | null;
  settings: ProtectionSettings;
  /** Channels this deployment can use at all (SMTP / Twilio configured; in-game always). */
  channelsEnabled: Record<Channel, boolean>;
}

export interface Plan {
  /** The assessment's reasons plus any the policy adds (`account_locked`). */
  reasons: string[];
  actions: PlannedAction[];
}

export function addressFor(
  channel: Channel,
  settings: Pick<ProtectionSettings, 'email' | 'phone'>,
): string | null {
  if (channel === 'email') return settings.email;
  if (channel === 'sms') return settings.phone;
  return 'in_game';
}

function notifications(notice: NoticeKind, input: PolicyInput): PlannedAction[] {
  return input.settings.channels.map((channel) => {
    const skip: SkipReason | undefined = !input.channelsEnabled[channel]
      ? 'channel_disabled'
      : addressFor(channel, input.settings) === null
        ? 'no_address'
        : undefined;
    return skip ? { type: 'notify', channel, notice, skip } : { type: 'notify', channel, notice };
  });
}

/**
 * SPEC §4 as a function: (verdict, policy, lock state, settings) → the actions to carry out.
 * A locked account's every login is refused, whatever its verdict, and without a fresh round of
 * notifications: the lock notice already told the owner how to unlock.
 */
export function planActions(input: PolicyInput): Plan {
  const { assessment, policy, lock } = input;
  if (lock) {
    return {
      reasons: [...assessment.reasons, 'account_locked'],
      actions: [{ type: 'kick', reason: 'account_locked' }],
    };
  }
  const reasons = [...assessment.reasons];
  if (assessment.verdict === 'trusted') return { reasons, actions: [] };
  // SPEC §7: an unusual login is told to the player, whatever the policy beyond none, and
  // nothing else is done.
  if (assessment.verdict === 'unusual')
    return { reasons, actions: policy === 'none' ? [] : notifications('new_sign_in', input) };
  switch (policy) {
    case 'none':
      return { reasons, actions: [] };
    case 'notify':
      return { reasons, actions: notifications('notify', input) };
    case 'kick':
      return {
        reasons,
        actions: [...notifications('kick', input), { type: 'kick', reason: 'foreign_login' }],
      };
    case 'block':
      return {
        reasons,
        actions: [
          ...notifications('block', input),
          { type: 'block' },
          { type: 'kick', reason: 'region_blocked' },
        ],
      };
    case 'lock':
      return {
        reasons,
        actions: [
          ...notifications('lock', input),
          { type: 'kick', reason: 'account_locked' },
          { type: 'lock' },
        ],
      };
  }
}

/** The lock's reason as support staff will read it on the status and audit pages. */
export function lockReason(reasons: string[], country: string | null): string {
  return `suspicious login${country ? ` from ${country}` : ''}: ${reasons.join(', ')}`;
}
