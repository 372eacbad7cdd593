import type { Request } from 'express';
import type { Locale } from '../domain/types';

/** A browser's form post wants a page; API clients (Accept: application/json, or nothing) get JSON. */
export const wantsHtml = (req: Request) => req.accepts(['application/json', 'text/html']) === 'text/html';

/** The page language a one-time link's visitor asks for, else the service's default. */
export function requestLocale(req: Request, fallback: Locale): Locale {
  const l = req.acceptsLanguages('en', 'ko');
  return l === 'en' || l === 'ko' ? l : fallback;
}
