import {
  RouteDoc,
  auditPage,
  isoTime,
  lockStatus,
  openApiDocument,
  protectionView,
} from '@account-security/shared';
import { z } from 'zod';
import { accountParams, auditQuery, protectionBody, supportUnlockBody, tokenParams } from './request-schemas';
import { alertPage, lockedAccountPage } from '@account-security/shared/contracts';
import { alertsQuery, lockedAccountsQuery } from './support.http';
import { feedbackRequest, feedbackResult } from '@account-security/shared/contracts';
import { loginFeedbackParams } from './feedback.http';

/** What the routes answer beyond the contracts' views (account.http.ts, unlock.http.ts, contacts.http.ts). */
export const supportUnlockResult = z.object({
  accountId: z.string(),
  locked: z.literal(false),
  unlockedAt: isoTime,
  by: z.string(),
});
export const linkUnlockResult = z.object({
  accountId: z.string(),
  locked: z.literal(false),
  unlockedAt: isoTime,
});
export const contactVerified = z.object({
  accountId: z.string(),
  contact: z.enum(['email', 'phone']),
  verifiedAt: isoTime,
});

const PAGE = 'A page in the account’s (or the browser’s Accept-Language) language';
const linkRefusals = {
  404: { description: 'No such link', content: 'both' as const },
  409: {
    description: 'The link was used already (or the account is not locked / the contact superseded)',
    content: 'both' as const,
  },
  410: { description: 'The link expired', content: 'both' as const },
  429: {
    description: 'Too many failed attempts from this address or on this link',
    content: 'both' as const,
  },
};
const BAD_TOKEN = 'A'.repeat(43);

export const ACCOUNT_GUARD_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/accounts/{accountId}/protection',
    summary: "The account's protection settings (defaults until saved)",
    security: 'bearer',
    roles: ['support'],
    params: accountParams,
    responses: { 200: { description: 'The settings', schema: protectionView } },
    requestExample: { params: { accountId: 'acc-openapi' }, auth: 'player', status: 200 },
  },
  {
    method: 'put',
    path: '/v1/accounts/{accountId}/protection',
    summary: 'Replace the protection settings',
    description:
      'Fields left out take their defaults. A new email/phone becomes pending until the link sent to it is used; changing contacts needs a recent sign-in (403 AUTH.STEP_UP_REQUIRED).',
    security: 'bearer',
    roles: ['support'],
    params: accountParams,
    body: protectionBody('en'),
    responses: { 200: { description: 'The saved settings', schema: protectionView } },
    requestExample: {
      params: { accountId: 'acc-openapi' },
      body: {
        policy: 'lock',
        channels: ['in_game'],
        trustedCountries: ['KR', 'JP'],
        travelPasses: [{ country: 'US', from: '2026-12-01T00:00:00Z', until: '2026-12-15T00:00:00Z' }],
        locale: 'en',
      },
      auth: 'player',
      status: 200,
    },
  },
  {
    method: 'get',
    path: '/v1/accounts/{accountId}/status',
    summary: 'Whether the account is locked (login servers check it at every login)',
    security: 'bearer',
    roles: ['support', 'service'],
    params: accountParams,
    responses: { 200: { description: 'The lock status', schema: lockStatus } },
    requestExample: { params: { accountId: 'acc-openapi' }, auth: 'service', status: 200 },
  },
  {
    method: 'post',
    path: '/v1/accounts/{accountId}/unlock',
    summary: 'Unlock the account (support only)',
    security: 'bearer',
    roles: ['support'],
    params: accountParams,
    body: supportUnlockBody,
    responses: {
      200: { description: 'Unlocked', schema: supportUnlockResult },
      409: { description: 'ACCOUNT.NOT_LOCKED: the account is not locked' },
    },
    requestExample: {
      params: { accountId: 'acc-openapi' },
      body: { reason: 'player verified by phone' },
      auth: 'support',
      status: 409,
    },
  },
  {
    method: 'get',
    path: '/v1/accounts/{accountId}/audit',
    summary: "The account's audit trail, newest first (support only)",
    security: 'bearer',
    roles: ['support'],
    params: accountParams,
    query: auditQuery,
    responses: { 200: { description: 'A page of audit entries', schema: auditPage } },
    requestExample: {
      params: { accountId: 'acc-openapi' },
      query: { limit: '20' },
      auth: 'support',
      status: 200,
    },
  },
  // SPEC §9: support's lists (support.http.ts).
  {
    method: 'get',
    path: '/v1/accounts',
    summary: 'Locked accounts, newest lock first (support only)',
    description:
      '`locked=true` is required (only locked accounts are listed). Pass `nextCursor` back as `cursor` for the next page. Each read is audited (`support_list_read`, in the trail of the account id `*`).',
    security: 'bearer',
    roles: ['support'],
    query: lockedAccountsQuery,
    responses: { 200: { description: 'A page of locked accounts', schema: lockedAccountPage } },
    requestExample: { query: { locked: 'true', limit: '20' }, auth: 'support', status: 200 },
  },
  {
    method: 'get',
    path: '/v1/logins/suspicious',
    summary: 'Suspicious and unusual logins across accounts, newest decision first (support only)',
    description:
      '`since` (ISO time, default 7 days ago) bounds the decision time; keep it when passing `nextCursor` back as `cursor`. Each item has the verdict, risk, signals, actions and the player’s answer. Each read is audited (`support_list_read`, in the trail of the account id `*`).',
    security: 'bearer',
    roles: ['support'],
    query: alertsQuery,
    responses: { 200: { description: 'A page of alerts', schema: alertPage } },
    requestExample: { query: { since: '2026-12-01T00:00:00Z', limit: '20' }, auth: 'support', status: 200 },
  },
  ...oneTimeLinkRoutes('/v1/unlock/{token}', {
    page: "The one-time unlock link's confirmation page (reads only)",
    use: 'Use the one-time unlock link',
    done: { description: 'Unlocked', schema: linkUnlockResult },
  }),
  ...oneTimeLinkRoutes('/v1/contacts/verify/{token}', {
    page: "A replacement email/phone's verification page (reads only)",
    use: 'Use the verification link: the pending email/phone replaces the old one',
    done: { description: 'Verified', schema: contactVerified },
  }),
  // SPEC §8: the player's answers (feedback.http.ts).
  {
    method: 'get',
    path: '/v1/feedback/{token}',
    summary: "The one-time answer link's page: “Yes, it was me” / “No, secure my account” (reads only)",
    security: 'none',
    params: tokenParams,
    responses: {
      200: { description: `${PAGE}, its two buttons POST the answer back`, content: 'html' },
      ...htmlOnly(linkRefusals),
    },
    requestExample: { params: { token: BAD_TOKEN }, status: 404 },
  },
  {
    method: 'post',
    path: '/v1/feedback/{token}',
    summary: 'Answer "was this you?" with the one-time link of a login notice',
    description:
      'Single use. A browser form post (Accept: text/html, form-encoded `answer`) gets a page; API clients get JSON. "me" after "not me" is refused with 409 FEEDBACK.ALREADY_NOT_ME.',
    security: 'none',
    params: tokenParams,
    body: feedbackRequest,
    moreBodies: { 'application/x-www-form-urlencoded': feedbackRequest },
    responses: {
      200: { description: 'The answer and what it did', schema: feedbackResult, content: 'both' },
      ...linkRefusals,
    },
    requestExample: {
      params: { token: BAD_TOKEN },
      body: { answer: 'not_me' },
      headers: { Accept: 'application/json' },
      status: 404,
    },
  },
  {
    method: 'post',
    path: '/v1/accounts/{accountId}/logins/{loginEventId}/feedback',
    summary: 'Answer "was this you?" for one login (the player or support)',
    description:
      'Not a settings change (no recent sign-in needed). "me" from a player token only when the token was issued (iat) at least FEEDBACK_ME_MIN_TOKEN_AGE_SECONDS (default 60) before the login (else 403 FEEDBACK.TOKEN_TOO_NEW, audited). The same answer again changes nothing and returns the first result with `repeated: true`; "not_me" after "me" is carried out; "me" after "not_me" is 409 FEEDBACK.ALREADY_NOT_ME.',
    security: 'bearer',
    roles: ['support'],
    params: loginFeedbackParams,
    body: feedbackRequest,
    responses: {
      200: { description: 'The answer and what it did', schema: feedbackResult },
      404: { description: 'FEEDBACK.LOGIN_NOT_FOUND: no such login on this account' },
      409: { description: 'FEEDBACK.ALREADY_NOT_ME: "me" after "not me"' },
    },
    requestExample: {
      params: { accountId: 'acc-openapi', loginEventId: 'login-openapi-unknown' },
      body: { answer: 'not_me' },
      auth: 'player',
      status: 404,
    },
  },
];

/** A one-time link: GET shows a confirmation page (reading only), its button POSTs the answer. */
function oneTimeLinkRoutes(
  path: string,
  text: { page: string; use: string; done: { description: string; schema: z.ZodType } },
): RouteDoc[] {
  return [
    {
      method: 'get',
      path,
      summary: text.page,
      security: 'none',
      params: tokenParams,
      responses: {
        200: { description: `${PAGE}, its button POSTs back`, content: 'html' },
        ...htmlOnly(linkRefusals),
      },
      requestExample: { params: { token: BAD_TOKEN }, status: 404 },
    },
    {
      method: 'post',
      path,
      summary: text.use,
      description: 'A browser form post (Accept: text/html) gets a page; API clients get JSON.',
      security: 'none',
      params: tokenParams,
      responses: {
        200: { ...text.done, content: 'both' },
        ...linkRefusals,
      },
      requestExample: { params: { token: BAD_TOKEN }, headers: { Accept: 'application/json' }, status: 404 },
    },
  ];
}

/** GET link pages answer refusals as pages only (a 400 for a malformed token is still JSON). */
function htmlOnly<T extends Record<number, { description: string }>>(r: T) {
  return Object.fromEntries(Object.entries(r).map(([s, v]) => [s, { ...v, content: 'html' as const }]));
}

export const accountGuardOpenApi = () =>
  openApiDocument(
    {
      title: 'account-guard',
      version: '1.0.0',
      description:
        'Protection settings, lock status, support unlocks and lists, the audit trail and the one-time links.',
    },
    ACCOUNT_GUARD_ROUTES,
  );
