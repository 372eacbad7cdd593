import type { Catalog, NoticeFacts } from './catalog';

const newWords = { device: 'a device', network: 'a network', place: 'a place' } as const;

/** "from a device and a network this account has not used before" */
const whatNew = (f: NoticeFacts) => {
  const news = (f.news ?? []).map((n) => newWords[n]);
  if (news.length === 0) return 'in a way that does not look like your usual sign-ins';
  const list = news.length === 1 ? news[0] : `${news.slice(0, -1).join(', ')} and ${news.at(-1)}`;
  return `from ${list} this account has not used before`;
};

const channelWords = (f: NoticeFacts) =>
  f.unlockChannels.map((c) => (c === 'email' ? 'email' : 'text message')).join(' and ');

export const en: Catalog = {
  subject: (f, x) =>
    ({
      notify: `New sign-in to your account from ${x.country}`,
      kick: `We signed out a session from ${x.country}`,
      block: `We blocked a sign-in from ${x.country}`,
      lock: `Your account was locked after a sign-in from ${x.country}`,
      new_sign_in: `New sign-in to your account from ${x.country}`,
    })[f.kind],

  greeting: 'Hello,',

  what: (f, x) =>
    f.kind === 'new_sign_in'
      ? `Someone signed in to your account ${f.accountId} ${whatNew(f)}: from ${x.country} on ${x.time}, from the IP address ${x.ip}.`
      : `Someone signed in to your account ${f.accountId} from ${x.country} on ${x.time}, from the IP address ${x.ip}.`,

  done: (f) =>
    ({
      notify:
        'The sign-in was allowed. Your protection setting is to tell you about sign-ins from outside your home and trusted countries.',
      kick: 'We ended that session at once, as your protection setting asks. Later sign-ins are checked again one by one.',
      block:
        'We refused that session, as your protection setting asks: sign-ins from outside your home and trusted countries stay blocked until you change the setting.',
      lock: 'We ended that session and locked your account, as your protection setting asks. Nobody can play on it until it is unlocked.',
      new_sign_in:
        'The sign-in was allowed. We tell you about sign-ins that do not look like your usual ones.',
    })[f.kind],

  advice: (f, x) => {
    if (f.kind === 'new_sign_in')
      return [
        'If this was you, there is nothing to do.',
        'If it was not you, change your password now and contact support.',
      ];
    if (f.kind !== 'lock') {
      return [
        `If this was you, there is nothing to do. You can add ${x.country} to your trusted countries so that sign-ins from there are no longer reported.`,
        'If it was not you, change your password now and contact support.',
      ];
    }
    if (f.lockEnded) {
      return [
        'The account has since been unlocked. If the sign-in was not you, change your password now and contact support.',
      ];
    }
    if (!f.unlock)
      return [
        'To unlock your account, contact support. If the sign-in was not you, change your password first.',
      ];
    return [
      `If this was you, or once you have changed your password, unlock your account with this one-time link (valid until ${x.expires}):`,
      { link: f.unlock.url },
      'The link works once. Opening it shows a confirmation page; the account is unlocked only when you press the button there.',
      'If the sign-in was not you, change your password before unlocking. Support staff can also unlock the account for you.',
    ];
  },

  settings: (f) =>
    f.settingsUrl
      ? `To change how your account is protected (policy, notification channels, trusted countries), go to ${f.settingsUrl}`
      : 'To change how your account is protected (policy, notification channels, trusted countries), use the account security settings or contact support.',

  signature: '— Account Guard',

  sms: (f, x) => {
    const head = `Account Guard: sign-in to ${f.accountId} from ${x.country} at ${x.time} (IP ${x.ip}).`;
    if (f.kind === 'new_sign_in')
      return `Account Guard: new sign-in to ${f.accountId} ${whatNew(f)} (${x.country}, ${x.time}, IP ${x.ip}). Not you? Change your password and contact support.`;
    if (f.kind === 'notify')
      return `${head} It was allowed. Not you? Change your password and contact support.`;
    if (f.kind === 'kick')
      return `${head} We ended that session. Not you? Change your password and contact support.`;
    if (f.kind === 'block')
      return `${head} It was refused: your account blocks sign-ins from outside your allowed countries.`;
    if (f.lockEnded) return `${head} Your account was locked; it has since been unlocked.`;
    if (!f.unlock) return `${head} Your account is locked. Contact support to unlock it.`;
    return `${head} Your account is locked. Unlock (one-time link, valid until ${x.expires}): ${f.unlock.url}`;
  },

  inGame: (f, x) => {
    const head = `Security notice: a sign-in to this account from ${x.country} at ${x.time} (IP ${x.ip}).`;
    if (f.kind === 'new_sign_in')
      return `Security notice: a new sign-in to this account ${whatNew(f)} (${x.country}, ${x.time}, IP ${x.ip}). If it was not you, change your password and contact support.`;
    if (f.kind === 'notify') return `${head} If it was not you, change your password and contact support.`;
    if (f.kind === 'kick') return `${head} That session was ended for the account's protection.`;
    if (f.kind === 'block')
      return `${head} That session was refused: sign-ins from outside the allowed countries are blocked.`;
    return f.unlockChannels.length > 0
      ? `${head} The account has been locked. The owner was sent an unlock link by ${channelWords(f)}.`
      : `${head} The account has been locked. Contact support to unlock it.`;
  },

  kick: {
    foreign_login:
      'This session was ended because it came from a country this account does not usually sign in from. The account owner has been notified.',
    region_blocked:
      'Sign-ins from this region are blocked for this account. The account owner has been notified.',
    account_locked:
      'This account is locked for its protection. The account owner has been sent instructions to unlock it, or can contact support.',
  },

  page: (view, lockedAt) => {
    switch (view.state) {
      case 'confirm':
        return {
          title: 'Unlock your account',
          body: [
            `Account ${view.accountId ?? ''} has been locked${lockedAt ? ` since ${lockedAt}` : ''} after a suspicious sign-in.`,
            'Press the button to unlock it. If the sign-in was not you, change your password first.',
          ],
          button: 'Unlock my account',
        };
      case 'done':
        return {
          title: 'Your account is unlocked',
          body: [
            'You can sign in again. If the sign-in that locked it was not you, change your password now.',
          ],
        };
      case 'not_found':
        return {
          title: 'This unlock link is not valid',
          body: ['Check that you opened the whole link from the message, or contact support.'],
        };
      case 'used':
        return {
          title: 'This unlock link has already been used',
          body: ['Each link works once. Contact support if your account is still locked.'],
        };
      case 'expired':
        return { title: 'This unlock link has expired', body: ['Contact support to unlock your account.'] };
      case 'not_locked':
        return { title: 'Your account is not locked', body: ['There is nothing to unlock.'] };
      case 'support_only':
        return {
          title: 'Only support can unlock your account',
          body: [
            'A sign-in on this account was reported as not you, so this link no longer unlocks it. Change your password and contact support to unlock your account.',
          ],
        };
      case 'rate_limited':
        return { title: 'Too many attempts', body: ['Please wait a few minutes and try again.'] };
    }
  },
};
