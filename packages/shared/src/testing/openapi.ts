import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { COMMON_ROUTES, ExampleAuth, RouteDoc, documentedRoutes, registeredRoutes } from '../http/openapi';
import { signToken } from './index';

type Doc = Record<string, any>;

/** @seriousme/openapi-schema-validator's verdict on a document (run in a child process: it is ESM). */
export function validateOpenApi(doc: Doc): { version: string; valid: boolean; errors?: unknown } {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-openapi.mjs')], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

export const tokenFor = (auth: ExampleAuth, accountId = 'acc-openapi') =>
  auth === 'player'
    ? signToken({ sub: accountId })
    : auth === 'support'
      ? signToken({ sub: 'staff-7', roles: ['support'] })
      : signToken({ sub: 'login-server-kr-1', roles: ['service'] });

const fill = (p: string, params: Record<string, string> = {}) =>
  p.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));

export interface ExampleOutcome {
  route: string;
  status: number;
  expected: number;
  contentType: string;
  /** ajv's errors against the document's schema for that status and content type; [] when valid. */
  errors: unknown[];
}

/**
 * Sends each route's documented request example to the running service at `base` and checks the
 * answer against the document's response schema (ajv, JSON Schema 2020-12, the document's
 * components resolvable): the status must be documented, with the content type answered.
 */
export async function sendExamples(base: string, doc: Doc, routes: RouteDoc[]): Promise<ExampleOutcome[]> {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  const outcomes: ExampleOutcome[] = [];
  for (const route of routes) {
    const ex = route.requestExample;
    let req = request(base)[route.method](fill(route.path, ex.params));
    if (ex.query) req = req.query(ex.query);
    for (const [k, v] of Object.entries(ex.headers ?? {})) req = req.set(k, v);
    if (ex.auth) req = req.set('Authorization', `Bearer ${tokenFor(ex.auth, ex.params?.accountId)}`);
    if (ex.body !== undefined) req = req.send(ex.body as object);
    const res = await req;
    const contentType = String(res.headers['content-type'] ?? '').split(';')[0]!;
    const documented = doc.paths[route.path]?.[route.method]?.responses?.[String(res.status)];
    const media = documented?.content?.[contentType];
    let errors: unknown[] = [];
    if (!documented) errors = [`status ${res.status} is not documented`];
    else if (!media) errors = [`content type ${contentType} is not documented for ${res.status}`];
    else if (contentType === 'application/json') {
      const schema = JSON.parse(
        JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'),
      );
      const validate = ajv.compile(schema);
      if (!validate(res.body)) errors = validate.errors ?? ['invalid'];
    } else if (typeof res.text !== 'string' || res.text.length === 0) errors = ['empty body'];
    outcomes.push({
      route: `${route.method.toUpperCase()} ${route.path}`,
      status: res.status,
      expected: ex.status,
      contentType,
      errors,
    });
  }
  return outcomes;
}

/** The express app behind a started service's public server. */
export const appOf = (server: { listeners(e: 'request'): unknown[] }) => server.listeners('request')[0];

/**
 * The three checks every service's document gets, as tests of the calling describe block: valid
 * OpenAPI 3.1 by a validator no one here wrote, exactly the routes express registers, and every
 * documented example answered as documented by the running service.
 */
export function describeOpenApiChecks(svc: {
  doc: () => Doc;
  baseUrl: () => string;
  server: () => { listeners(e: 'request'): unknown[] };
  routes: () => RouteDoc[];
}): void {
  test('when the served document is checked by @seriousme/openapi-schema-validator, then it is valid OpenAPI 3.1 with no errors', () => {
    const verdict = validateOpenApi(svc.doc());
    expect(verdict.errors).toBeUndefined();
    expect(verdict).toMatchObject({ valid: true, version: '3.1' });
  });

  test('when the routes the express app registers are listed, then the document describes exactly those', () => {
    expect(documentedRoutes(svc.doc()).sort()).toEqual(registeredRoutes(appOf(svc.server())).sort());
  });

  test('when every documented request example is sent, then each answer has its documented status and matches the schema', async () => {
    const outcomes = await sendExamples(svc.baseUrl(), svc.doc(), [...COMMON_ROUTES, ...svc.routes()]);
    expect(outcomes.length).toBe(documentedRoutes(svc.doc()).length);
    for (const o of outcomes) expect({ ...o, status: o.expected }).toEqual({ ...o, errors: [] });
  });
}
