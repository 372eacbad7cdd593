import type { KickReason, Locale } from '../types';
import type { Block, Catalog, Formatted, NoticeFacts, UnlockPageView } from './catalog';
import { en } from './en';
import { countryName, escapeHtml, formatTime, maskIp } from './format';
import { ko } from './ko';
import { AnswerLink, answerBlocks, answerSms } from './feedback';
import type {
  ChangeNoticeFacts,
  ContactPageView,
  ProtectionCatalog,
  VerifyNoticeFacts,
} from './protection-catalog';
import { protectionEn } from './protection-en';
import { protectionKo } from './protection-ko';

export type { NoticeFacts, UnlockPageState, UnlockPageView } from './catalog';
export type { AnswerLink, FeedbackPageState, FeedbackPageView } from './feedback';
export { renderFeedbackPage, sessionsRevokeMessage } from './feedback';
export type {
  ChangeNoticeFacts,
  ContactPageState,
  ContactPageView,
  VerifyNoticeFacts,
} from './protection-catalog';

/** Every notice the outbox renders: a login's, a settings change's, a verification link. */
export type AnyNotice = (NoticeFacts & AnswerLink) | ChangeNoticeFacts | VerifyNoticeFacts;
export { countryName, formatTime, isKnownCountry, maskIp } from './format';

const catalogs: Record<Locale, Catalog> = { en, ko };
const protection: Record<Locale, ProtectionCatalog> = { en: protectionEn, ko: protectionKo };

function format(f: NoticeFacts, locale: Locale): Formatted {
  return {
    country: countryName(f.country, locale),
    time: formatTime(f.at, locale),
    ip: maskIp(f.ip),
    expires: f.unlock ? formatTime(f.unlock.expiresAt, locale) : null,
  };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function emailOf(blocks: Block[], subject: string, locale: Locale): RenderedEmail {
  const text = blocks.map((b) => (typeof b === 'string' ? b : b.link)).join('\n\n') + '\n';
  const body = blocks
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.link)}</a></p>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
${body}
</body></html>
`;
  return { subject, text, html };
}

export function renderEmail(f: NoticeFacts & AnswerLink, locale: Locale): RenderedEmail {
  const c = catalogs[locale];
  const x = format(f, locale);
  const blocks: Block[] = [
    c.greeting,
    c.what(f, x),
    c.done(f),
    ...c.advice(f, x),
    ...answerBlocks(f, locale),
    c.settings(f),
    c.signature,
  ];
  return emailOf(blocks, c.subject(f, x), locale);
}

/** Country codes of a change as the locale names them. */
function named(f: ChangeNoticeFacts, locale: Locale): ChangeNoticeFacts {
  return {
    ...f,
    changes: f.changes.map((c) =>
      c.field === 'trustedCountries'
        ? {
            ...c,
            added: c.added.map((k) => countryName(k, locale)),
            removed: c.removed.map((k) => countryName(k, locale)),
          }
        : c,
    ),
  };
}

export function renderChangeEmail(f: ChangeNoticeFacts, locale: Locale): RenderedEmail {
  const c = catalogs[locale];
  const p = protection[locale].change;
  const g = named(f, locale);
  const settings = c.settings(f);
  const blocks: Block[] = [
    c.greeting,
    p.intro(g, formatTime(f.at, locale)),
    ...g.changes.map((x) => `• ${p.line(x)}`),
    ...p.advice,
    settings,
    c.signature,
  ];
  return emailOf(blocks, p.subject, locale);
}

export function renderChangeSms(f: ChangeNoticeFacts, locale: Locale): string {
  return protection[locale].change.sms(f, formatTime(f.at, locale));
}

export function renderChangeInGame(f: ChangeNoticeFacts, locale: Locale): string {
  return protection[locale].change.inGame(f, formatTime(f.at, locale));
}

export function renderVerifyEmail(f: VerifyNoticeFacts, locale: Locale): RenderedEmail {
  const c = catalogs[locale];
  const p = protection[locale].verify;
  const expires = f.verify ? formatTime(f.verify.expiresAt, locale) : null;
  return emailOf([c.greeting, ...p.body(f, expires), c.signature], p.subject, locale);
}

export function renderVerifySms(f: VerifyNoticeFacts, locale: Locale): string {
  return protection[locale].verify.sms(f, f.verify ? formatTime(f.verify.expiresAt, locale) : null);
}

export function renderSms(f: NoticeFacts & AnswerLink, locale: Locale): string {
  return catalogs[locale].sms(f, format(f, locale)) + answerSms(f, locale);
}

/** The in-game message never carries the unlock link: it reaches whoever holds the session, maybe the intruder. */
export function renderInGame(f: NoticeFacts, locale: Locale): string {
  return catalogs[locale].inGame({ ...f, unlock: null }, format({ ...f, unlock: null }, locale));
}

/** Shown by the game to the session being kicked; no link either, for the same reason. */
export function renderKickMessage(reason: KickReason, locale: Locale): string {
  return catalogs[locale].kick[reason];
}

function pageOf(page: { title: string; body: string[]; button?: string }, locale: Locale): string {
  const paragraphs = page.body.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  // No action attribute: the form posts back to this very URL, token included, so the page
  // never has to echo the token into its HTML.
  const form = page.button
    ? `\n<form method="post"><button type="submit">${escapeHtml(page.button)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(page.title)}</title>
<style>body{font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem}</style>
</head><body><main>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs}${form}
</main></body></html>
`;
}

export function renderUnlockPage(view: UnlockPageView, locale: Locale): string {
  const lockedAt = view.lockedAt ? formatTime(view.lockedAt, locale) : null;
  return pageOf(catalogs[locale].page(view, lockedAt), locale);
}

/** The confirmation page of a contact verification link (GET shows it, its button POSTs). */
export function renderContactPage(view: ContactPageView, locale: Locale): string {
  return pageOf(protection[locale].page(view), locale);
}
