import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { signToken, waitUntil } from '@account-security/shared/testing';
import { WebProcess, startWeb } from '../support/web-process';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A stand-in for a service's HTTP side that records what reached it: the proxy's job is transport,
 * and only a recording upstream can show that headers and bodies arrive exactly as sent. (The
 * browser test runs the same proxy against the real services.)
 */
async function recordingUpstream(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith('/v1/hang')) return; // never answers
      if (req.url?.startsWith('/v1/forbidden')) {
        res
          .writeHead(403, { 'content-type': 'application/json' })
          .end('{"error":{"code":"FORBIDDEN","message":"the support role is required"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

describe('the web server', () => {
  let history: Awaited<ReturnType<typeof recordingUpstream>>;
  let guard: Awaited<ReturnType<typeof recordingUpstream>>;
  let web: WebProcess;
  const token = signToken({ sub: 'acc-1' });

  beforeAll(async () => {
    history = await recordingUpstream();
    guard = await recordingUpstream();
    web = await startWeb({
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOGIN_HISTORY_URL: history.url,
      ACCOUNT_GUARD_URL: guard.url,
      UPSTREAM_TIMEOUT_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
    if (history) await close(history.server);
    if (guard?.server.listening) await close(guard.server);
  });

  test('when a browser opens the player page or the support console, then the page shell is served and must be revalidated', async () => {
    for (const path of ['/', '/support']) {
      const res = await fetch(web.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
      expect(await res.text()).toMatch(/<div id="root">/);
    }
  });

  test('when the page loads its hashed bundle, then it is served with a long-lived cache; paths outside it are not', async () => {
    const html = await (await fetch(web.url + '/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await fetch(web.url + script);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect((await fetch(web.url + '/assets/%2e%2e/index.html')).status).not.toBe(200);
    expect((await fetch(web.url + '/assets/nope.js')).status).toBe(404);
  });

  test('when the page calls /api/history, then login-history gets the versioned path and query with the Authorization header untouched', async () => {
    const res = await fetch(`${web.url}/api/history/v1/accounts/acc-1/logins?limit=20&cursor=abc`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toEqual({ ok: true });
    const got = history.seen.at(-1)!;
    expect(got.method).toBe('GET');
    expect(got.url).toBe('/v1/accounts/acc-1/logins?limit=20&cursor=abc');
    expect(got.headers.authorization).toBe(`Bearer ${token}`);
  });

  test('when the page saves settings through /api/guard, then account-guard receives the same JSON body', async () => {
    const body = { policy: 'lock', channels: ['email'], email: 'p@example.com', trustedCountries: ['JP'] };
    const res = await fetch(`${web.url}/api/guard/v1/accounts/acc-1/protection`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const got = guard.seen.at(-1)!;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/v1/accounts/acc-1/protection');
    expect(got.headers.authorization).toBe(`Bearer ${token}`);
    expect(got.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(got.body)).toEqual(body);
    expect(Number(got.headers['content-length'])).toBe(Buffer.byteLength(got.body));
  });

  test('when a service refuses a request, then its status and error body reach the page unchanged', async () => {
    const res = await fetch(`${web.url}/api/guard/v1/forbidden`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'FORBIDDEN', message: 'the support role is required' },
    });
  });

  test('when a path outside the versioned API is asked for, then it is not forwarded and the answer is a 404 in the error shape', async () => {
    const before = history.seen.length;
    const res = await fetch(`${web.url}/api/history/metrics`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    expect(history.seen.length).toBe(before);
    expect((await fetch(`${web.url}/nowhere`)).status).toBe(404);
  });

  test('when a service does not answer in time, then the page gets a 504 in the error shape', async () => {
    const res = await fetch(`${web.url}/api/history/v1/hang`);
    expect(res.status).toBe(504);
    expect(((await res.json()) as any).error.code).toBe('UPSTREAM_TIMEOUT');
  });

  test('when a browser sends its own forwarding headers, then the service gets the address of the connection instead', async () => {
    const res = await fetch(`${web.url}/api/guard/v1/accounts/acc-1/status`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-forwarded-for': '198.51.100.7, 10.0.0.1',
        forwarded: 'for=198.51.100.7;proto=https',
        'x-real-ip': '198.51.100.7',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      },
    });
    expect(res.status).toBe(200);
    const got = guard.seen.at(-1)!;
    // This test talks to the web server over loopback, so that is the only address to pass on.
    expect(got.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    for (const h of ['forwarded', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto'])
      expect(got.headers[h]).toBeUndefined();
    expect(got.headers.authorization).toBe(`Bearer ${token}`);
  });

  test('when a request without forwarding headers is proxied, then the service still learns the connection address', async () => {
    await fetch(`${web.url}/api/history/v1/accounts/acc-1/logins`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(history.seen.at(-1)!.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  test('when /metrics is asked for, then the public port answers 404 and the admin port the Prometheus text; /readyz answers on both', async () => {
    const pub = await fetch(`${web.url}/metrics`);
    expect(pub.status).toBe(404);
    expect(await pub.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    const admin = await fetch(`${web.adminUrl}/metrics`);
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await admin.text()).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    for (const base of [web.url, web.adminUrl]) {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { 'account-guard': 'ok' } });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    }
    expect((await fetch(`${web.adminUrl}/`)).status).toBe(404);
  });

  test('when a service is down, then its calls get a 502, /readyz names it and /healthz stays green', async () => {
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
    await close(guard.server);
    const res = await fetch(`${web.url}/api/guard/v1/accounts/acc-1/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: 'UPSTREAM_UNAVAILABLE', message: 'account-guard is not reachable' },
    });
    // Readiness is evaluated at most once a second; the next evaluation sees the service gone.
    let ready!: Response;
    await waitUntil(
      async () => (ready = await fetch(`${web.url}/readyz`)).status !== 200,
      5000,
      '/readyz 503',
    );
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as any;
    expect(body.checks['login-history']).toBe('ok');
    expect(body.checks['account-guard']).toMatch(/not reachable/);
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
  });
});
