import { COMMON_ROUTES, documentedRoutes, registeredRoutes } from '@account-security/shared';
import request from 'supertest';
import { HISTORY_ROUTES } from '../../src/entry-points/openapi';
import { appOf, sendExamples, validateOpenApi } from '../../../../packages/shared/test/support/openapi-check';
import { Harness, startHarness } from '../support/harness';

describe('login-history GET /openapi.json', () => {
  let h: Harness;
  let doc: Record<string, any>;
  const base = () => `http://127.0.0.1:${h.svc.port}`;

  beforeAll(async () => {
    h = await startHarness('lh_openapi');
    const res = await request(base()).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await h?.close();
  });

  test('when the served document is checked by @seriousme/openapi-schema-validator, then it is valid OpenAPI 3.1 with no errors', () => {
    const verdict = validateOpenApi(doc);
    expect(verdict.errors).toBeUndefined();
    expect(verdict).toMatchObject({ valid: true, version: '3.1' });
  });

  test('when the routes the express app registers are listed, then the document describes exactly those', () => {
    expect(documentedRoutes(doc).sort()).toEqual(registeredRoutes(appOf(h.svc.server)).sort());
  });

  test('when every documented request example is sent, then each answer has its documented status and matches the schema', async () => {
    const outcomes = await sendExamples(base(), doc, [...COMMON_ROUTES, ...HISTORY_ROUTES]);
    expect(outcomes.length).toBe(documentedRoutes(doc).length);
    for (const o of outcomes) expect({ ...o, status: o.expected }).toEqual({ ...o, errors: [] });
  });
});
