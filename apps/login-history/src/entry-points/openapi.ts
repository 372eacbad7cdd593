import { RouteDoc, loginPage, openApiDocument } from '@account-security/shared';
import { paramsSchema, querySchema } from './history.http';

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
];

export const loginHistoryOpenApi = () =>
  openApiDocument(
    { title: 'login-history', version: '1.0.0', description: "Players' login history." },
    HISTORY_ROUTES,
  );
