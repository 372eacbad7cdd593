import type { Channel, Policy, TravelPass } from '../types';
import type { ProtectionCatalog } from './protection-catalog';

const policyWords: Record<Policy, string> = {
  none: 'do nothing',
  notify: 'notify',
  kick: 'notify and end the session',
  block: 'notify and block other countries',
  lock: 'notify and lock the account',
};
const channelWords: Record<Channel, string> = {
  email: 'email',
  sms: 'text message',
  in_game: 'in-game message',
};
const list = (xs: string[]) => xs.join(', ');
const day = (iso: string) => iso.slice(0, 10);
const passWords = (p: TravelPass) => `${p.country} from ${day(p.from)} to ${day(p.until)}`;

export const protectionEn: ProtectionCatalog = {
  change: {
    subject: 'Your account protection settings were changed',
    intro: (f, time) => `The protection settings of your account ${f.accountId} were changed on ${time}:`,
    line: (c) => {
      switch (c.field) {
        case 'policy':
          return `Policy: from "${policyWords[c.from]}" to "${policyWords[c.to]}".`;
        case 'channels':
          return [
            c.added.length ? `Notifications now also by ${list(c.added.map((x) => channelWords[x]))}.` : '',
            c.removed.length
              ? `Notifications no longer by ${list(c.removed.map((x) => channelWords[x]))}.`
              : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'email':
        case 'phone': {
          const what = c.field === 'email' ? 'Email address' : 'Phone number';
          if (c.to === null) return `${what}: removed.`;
          return c.pending
            ? `${what}: ${c.to} was asked for. It is used only once the link sent to it is opened; until then notices keep coming here.`
            : `${what}: changed to ${c.to}.`;
        }
        case 'trustedCountries':
          return [
            c.added.length ? `Trusted countries added: ${list(c.added)}.` : '',
            c.removed.length ? `Trusted countries removed: ${list(c.removed)}.` : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'travelPasses':
          return [
            c.added.length ? `Travel passes added: ${list(c.added.map(passWords))}.` : '',
            c.removed.length ? `Travel passes removed: ${list(c.removed.map(passWords))}.` : '',
          ]
            .filter(Boolean)
            .join(' ');
        case 'locale':
          return `Language of notifications: from ${c.from} to ${c.to}.`;
      }
    },
    advice: [
      'If you made this change, there is nothing to do.',
      'If you did not, someone else may know your password: change it now and contact support, who can restore your settings.',
    ],
    sms: (f, time) =>
      `Account Guard: the protection settings of ${f.accountId} were changed at ${time}. Not you? Change your password and contact support.`,
    inGame: (f, time) =>
      `Security notice: this account's protection settings were changed at ${time}. If it was not you, change your password and contact support.`,
  },
  verify: {
    subject: 'Confirm your contact address for Account Guard',
    body: (f, expires) =>
      f.verify
        ? [
            `This ${f.contact === 'email' ? 'address' : 'number'} was entered to receive the security notices of account ${f.accountId}.`,
            `To confirm it, open this one-time link${expires ? ` (valid until ${expires})` : ''} and press the button on the page:`,
            { link: f.verify.url },
            'Until then notices keep going to the contact on file. If you did not ask for this, ignore this message.',
          ]
        : ['This address is no longer waiting for confirmation; there is nothing to do.'],
    sms: (f, expires) =>
      `Account Guard: confirm this number for the security notices of ${f.accountId}${expires ? ` (until ${expires})` : ''}: ${f.verify?.url ?? ''} Not you? Ignore this.`,
  },
  page: (view) => {
    switch (view.state) {
      case 'confirm':
        return {
          title: 'Confirm your contact',
          body: [
            `Press the button to use ${view.address ?? 'this contact'} for the security notices of account ${view.accountId ?? ''}.`,
          ],
          button: 'Confirm',
        };
      case 'done':
        return { title: 'Contact confirmed', body: ['Security notices now go to this contact.'] };
      case 'not_found':
        return {
          title: 'This link is not valid',
          body: ['Check that you opened the whole link from the message.'],
        };
      case 'used':
        return { title: 'This link has already been used', body: ['Each link works once.'] };
      case 'expired':
        return {
          title: 'This link has expired',
          body: ['Save the contact again in your protection settings to get a new link.'],
        };
      case 'superseded':
        return {
          title: 'This link is no longer needed',
          body: ['The contact it confirms was changed again or cancelled since.'],
        };
      case 'locked':
        return {
          title: 'The account is locked',
          body: ['Contacts can be confirmed again once the account is unlocked.'],
        };
      case 'rate_limited':
        return { title: 'Too many attempts', body: ['Please wait a few minutes and try again.'] };
    }
  },
};
