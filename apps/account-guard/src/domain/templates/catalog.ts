import type { NoticeKind } from '../policy';
import type { Channel, KickReason } from '../types';

/** Everything a notice says, as facts; rendering turns it into words in the player's language. */
export interface NoticeFacts {
  kind: NoticeKind;
  accountId: string;
  country: string | null;
  ip: string;
  /** ISO time of the login. */
  at: string;
  /** The one-time unlock link (lock notices by email/SMS only). */
  unlock: { url: string; expiresAt: string } | null;
  /** A lock notice delivered after the lock had already ended (SMTP was down until then). */
  lockEnded: boolean;
  /** Where the unlock link goes (told in-game, where the link itself never goes). */
  unlockChannels: Channel[];
  settingsUrl: string | null;
  /** A new sign-in notice: what was new about the login (absent on notices stored before SPEC §7). */
  news?: ('device' | 'network' | 'place')[];
}

/** Facts already formatted for the locale. */
export interface Formatted {
  country: string;
  time: string;
  ip: string;
  expires: string | null;
}

/** A paragraph, or a link standing on its own line. */
export type Block = string | { link: string };

export type UnlockPageState =
  | 'confirm'
  | 'done'
  | 'not_found'
  | 'used'
  | 'expired'
  | 'not_locked'
  /** The lock follows a "not me": only support can end it. */
  | 'support_only'
  | 'rate_limited';

export interface UnlockPageView {
  state: UnlockPageState;
  accountId?: string;
  lockedAt?: string;
}

export interface Catalog {
  subject(f: NoticeFacts, x: Formatted): string;
  greeting: string;
  what(f: NoticeFacts, x: Formatted): string;
  done(f: NoticeFacts): string;
  advice(f: NoticeFacts, x: Formatted): Block[];
  settings(f: Pick<NoticeFacts, 'settingsUrl'>): string;
  signature: string;
  sms(f: NoticeFacts, x: Formatted): string;
  inGame(f: NoticeFacts, x: Formatted): string;
  kick: Record<KickReason, string>;
  page(view: UnlockPageView, lockedAt: string | null): { title: string; body: string[]; button?: string };
}
