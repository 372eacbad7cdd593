import { createHmac, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { createTokenVerifier, TokenVerifier } from '../../src';

/** A JWKS endpoint that counts its requests and can be told to fail. */
class JwksServer {
  requests = 0;
  failing = false;
  keys: JWK[] = [];
  private server?: Server;
  url = '';

  async start() {
    this.server = createServer((_req, res) => {
      this.requests += 1;
      if (this.failing) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('identity provider down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(key: SigningKey, opts: { kid?: string; sub?: string } = {}): Promise<string> {
  return new SignJWT({ roles: ['player'] })
    .setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, typ: 'JWT' })
    .setSubject(opts.sub ?? 'player-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claims = () => ({
  sub: 'attacker',
  exp: Math.floor(Date.now() / 1000) + 300,
  iat: Math.floor(Date.now() / 1000),
});
const randomKid = () => randomBytes(12).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const COOLDOWN_MS = 500;

describe('JWKS verification', () => {
  const idp = new JwksServer();
  let rsa: SigningKey;
  let ec: SigningKey;
  const verifier = (): TokenVerifier =>
    createTokenVerifier({ jwksUrl: idp.url, jwksCooldownMs: COOLDOWN_MS, jwksTimeoutMs: 2000 });

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]);
    await idp.start();
  });
  beforeEach(() => {
    idp.keys = [rsa.jwk, ec.jwk];
    idp.failing = false;
    idp.requests = 0;
  });
  afterAll(() => idp.stop());

  test('valid RS256 and ES256 tokens pass, from one fetch of the key set', async () => {
    const verify = verifier();
    await expect(verify(await sign(rsa))).resolves.toEqual({
      sub: 'player-1',
      roles: ['player'],
      issuedAt: expect.any(Number),
    });
    await expect(verify(await sign(ec, { sub: 'player-2' }))).resolves.toMatchObject({ sub: 'player-2' });
    expect(idp.requests).toBe(1);
  });

  test('200 tokens with random kids neither get in nor starve valid tokens; fetches stay within one per cooldown', async () => {
    const verify = verifier();
    await verify(await sign(rsa));
    const valid = await sign(rsa);
    const started = Date.now();
    const outcomes: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      // Each batch of junk races a valid token: the valid one must be answered from the cache.
      const junk = Array.from({ length: 4 }, async () =>
        verify(await sign(rsa, { kid: randomKid() })).then(
          () => 'accepted',
          (err: { status?: number }) => `refused ${err.status}`,
        ),
      );
      if (i % 20 === 0) await expect(verify(valid)).resolves.toMatchObject({ sub: 'player-1' });
      outcomes.push(...(await Promise.all(junk)));
      await sleep(5);
    }
    const elapsed = Date.now() - started;
    expect(outcomes).toHaveLength(800);
    expect(new Set(outcomes)).toEqual(new Set(['refused 401']));
    await expect(verify(valid)).resolves.toMatchObject({ sub: 'player-1' });
    // The first fetch, then at most one per cooldown that passed during the flood.
    expect(idp.requests).toBeLessThanOrEqual(1 + Math.ceil(elapsed / COOLDOWN_MS));
    expect(idp.requests).toBeLessThan(10);
  });

  test('a rotated key is picked up once the cooldown has passed, and a removed key stops working', async () => {
    const verify = verifier();
    const before = await sign(rsa);
    await expect(verify(before)).resolves.toMatchObject({ sub: 'player-1' });
    const rotated = await signingKey('RS256', 'rsa-2');
    idp.keys = [rotated.jwk, ec.jwk];
    await sleep(COOLDOWN_MS + 100);
    await expect(verify(await sign(rotated, { sub: 'player-3' }))).resolves.toMatchObject({
      sub: 'player-3',
    });
    expect(idp.requests).toBe(2);
    await expect(verify(before)).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign(ec))).resolves.toMatchObject({ sub: 'player-1' });
  });

  test('alg HS256 signed with the public key (the confusion attack), alg none and a junk kid are refused without a fetch', async () => {
    const verify = verifier();
    const pem = await exportSPKI(rsa.publicKey);
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: rsa.kid })}.${b64(claims())}`;
    const confused = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    await expect(verify(confused)).rejects.toMatchObject({ status: 401 });
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: rsa.kid })}.${b64(claims())}.`;
    await expect(verify(none)).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign(rsa, { kid: 'x'.repeat(129) }))).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign(rsa, { kid: '../../keys' }))).rejects.toMatchObject({ status: 401 });
    expect(idp.requests).toBe(0);
  });

  test('while the JWKS server answers 500, tokens with known keys still pass, past the cache age too, and the failing server is asked at most once per cooldown', async () => {
    const verify = createTokenVerifier({
      jwksUrl: idp.url,
      jwksCooldownMs: COOLDOWN_MS,
      jwksCacheMaxAgeMs: 200,
      jwksTimeoutMs: 2000,
    });
    await verify(await sign(rsa));
    idp.failing = true;
    idp.requests = 0;
    // Past cacheMaxAge: a bare jose key set now refetches before every lookup and fails with it.
    await sleep(300);
    const started = Date.now();
    for (let i = 0; i < 20; i += 1) {
      await expect(verify(await sign(i % 2 ? rsa : ec))).resolves.toMatchObject({ sub: 'player-1' });
      await expect(verify(await sign(rsa, { kid: randomKid() }))).rejects.toMatchObject({ status: 401 });
    }
    expect(idp.requests).toBeGreaterThanOrEqual(1);
    expect(idp.requests).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / COOLDOWN_MS));
    idp.failing = false;
    await sleep(COOLDOWN_MS + 100);
    await expect(verify(await sign(rsa))).resolves.toMatchObject({ sub: 'player-1' });
  });
});
