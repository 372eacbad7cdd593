import type { SettingsChange } from '../settings';
import type { Block } from './catalog';

/** A settings change told to the contacts as they were before it (SPEC §8). */
export interface ChangeNoticeFacts {
  kind: 'settings_changed';
  accountId: string;
  /** ISO time of the change. */
  at: string;
  changes: SettingsChange[];
  settingsUrl: string | null;
}

/** The link sent to a replacement contact; minted at each delivery attempt, like the unlock link. */
export interface VerifyNoticeFacts {
  kind: 'verify_contact';
  accountId: string;
  contact: 'email' | 'phone';
  verify: { url: string; expiresAt: string } | null;
}

export type ContactPageState =
  'confirm' | 'done' | 'not_found' | 'used' | 'expired' | 'superseded' | 'locked' | 'rate_limited';

export interface ContactPageView {
  state: ContactPageState;
  accountId?: string;
  contact?: 'email' | 'phone';
  /** The address to confirm, masked. */
  address?: string;
}

export interface ProtectionCatalog {
  change: {
    subject: string;
    intro(f: ChangeNoticeFacts, time: string): string;
    line(c: SettingsChange): string;
    advice: string[];
    sms(f: ChangeNoticeFacts, time: string): string;
    inGame(f: ChangeNoticeFacts, time: string): string;
  };
  verify: {
    subject: string;
    body(f: VerifyNoticeFacts, expires: string | null): Block[];
    sms(f: VerifyNoticeFacts, expires: string | null): string;
  };
  page(view: ContactPageView): { title: string; body: string[]; button?: string };
}
