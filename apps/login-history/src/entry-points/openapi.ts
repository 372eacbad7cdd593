import { z } from 'zod';
import { RouteDoc, exportEnd, exportedLogin, loginPage, openApiDocument } from '@account-security/shared';
import { paramsSchema, querySchema } from './history.http';
import { exportQuerySchema } from './export.http';

export const HISTORY_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/accounts/{accountId}/logins',
    summary: "An account's logins, newest first, a page at a time",
    description:
      "The player themselves (token `sub` = accountId) or `support`. Failed attempts are listed too (`result` `failed`, with the login server's `reason`). Once account-guard has assessed a login, its item carries `assessment` (verdict, risk, reasons, signals, actions and the player's `answer`, null until answered). An item's `loginEventId` is its login's id (the `login.succeeded`/`login.failed` id), the one account-guard's feedback route takes; `id` is the record id. Pass `nextCursor` back as `cursor` for the next page.",
    security: 'bearer',
    roles: ['support'],
    params: paramsSchema,
    query: querySchema,
    responses: {
      200: {
        description: 'A page of logins; `nextCursor` is null on the last page',
        schema: loginPage,
        example: {
          items: [
            {
              id: '0b8e4c1e-5d0c-4c1a-9f3e-2f6d1a7b9c01',
              loggedInAt: '2026-06-01T09:30:00.000Z',
              ip: '198.51.100.20',
              country: 'US',
              client: { platform: 'pc', version: '1.4.2' },
              result: 'succeeded',
              assessment: {
                verdict: 'suspicious',
                risk: 82,
                reasons: ['foreign_country'],
                signals: [
                  { code: 'foreign_country', level: 'suspicious', detail: { country: 'US', home: 'KR' } },
                ],
                actions: [
                  { type: 'notify', channel: 'email', status: 'sent' },
                  { type: 'kick', status: 'done' },
                ],
                answer: 'not_me',
              },
            },
            {
              id: '5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
              loggedInAt: '2026-06-01T09:29:10.000Z',
              ip: '203.0.113.9',
              country: 'KR',
              client: { platform: 'pc', version: '1.4.2' },
              result: 'failed',
              reason: 'bad_password',
            },
          ],
          nextCursor: null,
        },
      },
    },
    requestExample: {
      params: { accountId: 'acc-openapi' },
      query: { limit: '10' },
      auth: 'player',
      status: 200,
    },
  },
  {
    method: 'get',
    path: '/v1/export/logins',
    summary: "Every account's successful logins in a time window, oldest first, as NDJSON (SPEC §10 replay)",
    description:
      'Roles `support` or `service` only (players get 403). One JSON object per line, in (`loggedInAt`, `recordId`) order: the login\'s id (`loginEventId`), its record id and time, and its `login.recorded` data as published then (the history facts login-history had at that time, geo, client without `deviceId`, address, account, session, home country). Rows recorded before the export existed are `partial: true` (history, address, country and client only). At most `limit` logins per response (1–10,000, default 1,000), then a last line `{"nextCursor": …}`: pass it back as `cursor` for the next page; null when the window is done. `from` is inclusive, `to` exclusive. A response cut short (no last line) must be fetched again with the same cursor.',
    security: 'bearer',
    roles: ['support', 'service'],
    query: exportQuerySchema,
    responses: {
      200: {
        description: 'The page, one login per line, then the end line with `nextCursor`',
        content: 'ndjson',
        schema: z.union([exportedLogin, exportEnd]),
        example: {
          loginEventId: '0b6c9a4e-1c1f-4a43-9a53-6b1a3e3c1a11',
          recordId: '0b8e4c1e-5d0c-4c1a-9f3e-2f6d1a7b9c01',
          loggedInAt: '2026-06-01T09:30:00.000Z',
          data: {
            accountId: 'acc-12345',
            sessionId: 's-1',
            ip: '198.51.100.20',
            client: { platform: 'pc', version: '1.4.2' },
            geo: {
              country: 'US',
              asn: 15169,
              asOrg: 'GOOGLE',
              network: 'hosting',
              database: 'dbip-country-lite',
            },
            history: {
              recordId: '0b8e4c1e-5d0c-4c1a-9f3e-2f6d1a7b9c01',
              newCountry: true,
              previous: { country: 'KR', ip: '211.234.10.5', loggedInAt: '2026-06-01T09:10:00.000Z' },
              logins: 12,
              globalLogins: 5400,
              features: {
                country: { account: 0, global: 31 },
                prefix: { account: 0, global: 2, prefix: '198.51.100.0/24' },
              },
            },
          },
        },
      },
    },
    requestExample: {
      query: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', limit: '10' },
      auth: 'service',
      status: 200,
    },
  },
];

export const loginHistoryOpenApi = () =>
  openApiDocument(
    { title: 'login-history', version: '1.0.0', description: "Players' login history." },
    HISTORY_ROUTES,
  );
