import { z } from 'zod';
import { errorBody } from '../contracts/http/error.v1';

/** Who a documented request example is sent as (tests sign a matching token). */
export type ExampleAuth = 'player' | 'support' | 'service';

export interface ResponseDoc {
  description: string;
  /** JSON body schema (the zod object the route answers with); 4xx/5xx always use the shared error shape. */
  schema?: z.ZodType;
  /**
   * `html`: a page (text/html); `both`: a page for browsers, JSON for API clients; `ndjson`: a
   * stream of JSON lines (application/x-ndjson), `schema` being one line's. Default JSON.
   */
  content?: 'json' | 'html' | 'both' | 'ndjson';
  example?: unknown;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** OpenAPI form: `/v1/ip/{ip}`. */
  path: string;
  summary: string;
  description?: string;
  security: 'bearer' | 'none';
  /** Roles that may call it besides the account's own player (documented, not enforced here). */
  roles?: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Header parameters (all optional unless the schema requires them). */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** Content type of the body; default `application/json`. */
  bodyContentType?: string;
  /** Bodies of further content types the route takes (e.g. a batch form), besides `body`. */
  moreBodies?: Record<string, z.ZodType>;
  responses: Record<number, ResponseDoc>;
  /** One request that works against a running service, and the status it answers. */
  requestExample: {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
    auth?: ExampleAuth;
    status: number;
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema; refinements are left out. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(
  where: 'path' | 'query' | 'header',
  schema: z.ZodObject | undefined,
  example?: Record<string, string>,
) {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: p,
    ...(example?.[name] !== undefined ? { example: example[name] } : {}),
  }));
}

const HTML = { 'text/html': { schema: { type: 'string' } } };

function responses(route: RouteDoc) {
  const all: Record<number, ResponseDoc> = {};
  if (route.params || route.query || route.body)
    all[400] = { description: 'Invalid input; `error.message` names the field (`params.accountId`).' };
  if (route.security === 'bearer') {
    all[401] = { description: 'No bearer token, or an invalid or expired one.' };
    all[403] = { description: 'The token may not act on this account or route.' };
    all[429] = { description: "Too many requests for the token's subject." };
  }
  Object.assign(all, route.responses);
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(all)) {
    const code = Number(status);
    const kind = r.content ?? 'json';
    const json =
      code >= 400 ? { schema: ERROR_REF } : r.schema ? { schema: jsonSchema(r.schema, 'output') } : undefined;
    const content: Record<string, unknown> = {};
    if (kind === 'ndjson' && json)
      content['application/x-ndjson'] = {
        ...json,
        ...(r.example !== undefined ? { example: r.example } : {}),
      };
    else if (kind !== 'html' && json)
      content['application/json'] = { ...json, ...(r.example !== undefined ? { example: r.example } : {}) };
    if (kind === 'html' || kind === 'both') Object.assign(content, HTML);
    out[status] = { description: r.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  return out;
}

const healthBody = z.object({ status: z.literal('ok') });
const readyBody = z.looseObject({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.string()),
});

/** Health, readiness and this document: every service's public port has them (createHttpApp). */
export const COMMON_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    security: 'none',
    responses: { 200: { description: 'Alive', schema: healthBody } },
    requestExample: { status: 200 },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: broker, queues and database checks (cached for a second)',
    security: 'none',
    responses: {
      200: { description: 'Ready', schema: readyBody },
      503: { description: 'Not ready; the body names the failing check', schema: readyBody },
    },
    requestExample: { status: 200 },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    security: 'none',
    responses: { 200: { description: 'The document', schema: z.looseObject({ openapi: z.string() }) } },
    requestExample: { status: 200 },
  },
];

/**
 * An OpenAPI 3.1 document of a service's routes (plus COMMON_ROUTES), with the schemas taken
 * from the zod objects the routes validate with (zod 4's JSON Schema output, draft 2020-12).
 * 4xx/5xx answers reference the shared error shape (`components.schemas.Error`, SPEC §5), except
 * where 503 of /readyz keeps its own body.
 */
export function openApiDocument(info: OpenApiInfo, routes: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...COMMON_ROUTES, ...routes]) {
    const ex = route.requestExample;
    const op: Record<string, unknown> = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
      security: route.security === 'bearer' ? [{ bearer: [] }] : [],
      ...(route.roles ? { 'x-roles': route.roles } : {}),
      parameters: [
        ...parameters('path', route.params, ex.params),
        ...parameters('query', route.query, ex.query),
        ...parameters('header', route.headers),
      ],
      responses: responses(route),
    };
    if (route.body) {
      op.requestBody = {
        required: true,
        content: {
          [route.bodyContentType ?? 'application/json']: {
            schema: jsonSchema(route.body, 'input'),
            ...(ex.body !== undefined ? { example: ex.body } : {}),
          },
          ...Object.fromEntries(
            Object.entries(route.moreBodies ?? {}).map(([type, schema]) => [
              type,
              { schema: jsonSchema(schema, 'input') },
            ]),
          ),
        },
      };
    }
    (paths[route.path] ??= {})[route.method] = op;
  }
  // /readyz's 503 is its own body, not the error shape.
  const ready = (paths['/readyz']!.get as { responses: Record<string, unknown> }).responses;
  ready['503'] = {
    description: 'Not ready; the body names the failing check',
    content: { 'application/json': { schema: jsonSchema(readyBody, 'output') } },
  };
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/', description: "The service's public port" }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A JWT (HS256 with AUTH_JWT_SECRET, or RS/ES keys from AUTH_JWKS_URL): `sub` is the player's account id or the staff/service id, `roles` may hold `support` or `service`.",
        },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  };
}

/** Every `METHOD /path` (OpenAPI form) an express app registers, for checking a document covers them. */
export function registeredRoutes(app: unknown): string[] {
  const router = (app as { router?: { stack: unknown[] } }).router;
  const found: string[] = [];
  for (const layer of router?.stack ?? []) {
    const route = (layer as { route?: { path: string; methods: Record<string, boolean> } }).route;
    if (!route) continue;
    for (const m of Object.keys(route.methods)) {
      if (m === '_all') continue;
      found.push(`${m.toUpperCase()} ${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  }
  return found;
}

/** The `METHOD /path` list a document describes. */
export function documentedRoutes(doc: Record<string, unknown>): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
}
