import request from 'supertest';
import { HISTORY_ROUTES } from '../../src/entry-points/openapi';
import { describeOpenApiChecks } from '@account-security/shared/testing/openapi';
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

  describeOpenApiChecks({
    doc: () => doc,
    baseUrl: () => base(),
    server: () => h.svc.server,
    routes: () => HISTORY_ROUTES,
  });
});
