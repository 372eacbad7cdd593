import { ACCOUNT_GUARD_ROUTES } from '../../src/entry-points/openapi';
import { describeOpenApiChecks } from '@account-security/shared/testing/openapi';
import { Harness } from '../support/harness';

describe('account-guard GET /openapi.json', () => {
  let h: Harness;
  let doc: Record<string, any>;

  beforeAll(async () => {
    h = await Harness.start('ag-openapi');
    const res = await h.http.get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await h?.stop();
  });

  describeOpenApiChecks({
    doc: () => doc,
    baseUrl: () => `http://127.0.0.1:${h.svc.port}`,
    server: () => h.svc.server,
    routes: () => ACCOUNT_GUARD_ROUTES,
  });
});
