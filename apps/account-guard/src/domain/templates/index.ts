import type { KickReason, Locale } from '../types';
import type { Block, Catalog, Formatted, NoticeFacts, UnlockPageView } from './catalog';
import { en } from './en';
import { countryName, escapeHtml, formatTime, maskIp } from './format';
import { ko } from './ko';

export type { NoticeFacts, UnlockPageState, UnlockPageView } from './catalog';
export { countryName, formatTime, isKnownCountry, maskIp } from './format';

const catalogs: Record<Locale, Catalog> = { en, ko };

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

export function renderEmail(f: NoticeFacts, locale: Locale): RenderedEmail {
  const c = catalogs[locale];
  const x = format(f, locale);
  const blocks: Block[] = [
    c.greeting,
    c.what(f, x),
    c.done(f),
    ...c.advice(f, x),
    c.settings(f),
    c.signature,
  ];
  const text = blocks.map((b) => (typeof b === 'string' ? b : b.link)).join('\n\n') + '\n';
  const body = blocks
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.link)}</a></p>`,
    )
    .join('\n');
  const subject = c.subject(f, x);
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
${body}
</body></html>
`;
  return { subject, text, html };
}

export function renderSms(f: NoticeFacts, locale: Locale): string {
  return catalogs[locale].sms(f, format(f, locale));
}

/** The in-game message never carries the unlock link: it reaches whoever holds the session, maybe the intruder. */
export function renderInGame(f: NoticeFacts, locale: Locale): string {
  return catalogs[locale].inGame({ ...f, unlock: null }, format({ ...f, unlock: null }, locale));
}

/** Shown by the game to the session being kicked; no link either, for the same reason. */
export function renderKickMessage(reason: KickReason, locale: Locale): string {
  return catalogs[locale].kick[reason];
}

export function renderUnlockPage(view: UnlockPageView, locale: Locale): string {
  const lockedAt = view.lockedAt ? formatTime(view.lockedAt, locale) : null;
  const page = catalogs[locale].page(view, lockedAt);
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
