// Single sign-on (api-v1.md, "Identity and access"): a sign-in JWT from the configured issuer,
// verified against the issuer's key set (here served by the test, as Entra ID serves its own),
// is accepted for the person with that e-mail; a wrong issuer, audience, signature, an expired
// token and an unknown e-mail are refused. The service's own tokens keep working beside it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { ssoVerifier } from '../../server/http/sso.js';
import { ADMIN_TOKEN, world } from '../helpers.js';

const ISSUER = 'https://login.example.com/tenant-1/v2.0';
const AUDIENCE = 'api://gatecell-test';

describe('single sign-on with OpenID Connect tokens', async () => {
  const w = await world();
  const { users } = w;
  const signing = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let fetched = 0;
  const server: Server = createServer((_, res) => {
    fetched++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  const app = createApp({
    db: w.db,
    now: () => w.clock.now,
    adminToken: ADMIN_TOKEN,
    sso: ssoVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl }),
  });
  const me = async (token: string) => {
    const res = await app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const token = (
    claims: Record<string, unknown>,
    opts: { issuer?: string; audience?: string; key?: CryptoKey; expires?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.issuer ?? ISSUER)
      .setAudience(opts.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.expires ?? '10m')
      .sign(opts.key ?? signing.privateKey);

  it('the service says it accepts sign-in tokens (the pane offers single sign-on then)', async () => {
    expect(await (await app.request('/api/v1/health')).json()).toMatchObject({ sso: true });
  });

  it('accepts a good token for the person with that e-mail (any case), with their grants', async () => {
    const r = await me(await token({ preferred_username: 'Controller@Example.com' }));
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(users.controller.id);
    expect(r.body.grants).toEqual([expect.objectContaining({ role: 'controller' })]);
    expect((await me(users.controller.token)).status).toBe(200);
    expect(fetched).toBe(1);
  });

  it('refuses a wrong issuer, audience or signature, an expired token and an unknown e-mail', async () => {
    const email = { email: 'viewer@example.com' };
    const refused = [
      await token(email, { issuer: 'https://login.example.com/other/v2.0' }),
      await token(email, { audience: 'api://someone-else' }),
      await token(email, { key: stranger.privateKey }),
      await token(email, { expires: '1s' }).then(async (t) => {
        await new Promise((r) => setTimeout(r, 1100));
        return t;
      }),
      await token({ email: 'nobody@example.com' }),
      await token({ name: 'no address' }),
    ];
    for (const t of refused) {
      const r = await me(t);
      expect(r.status).toBe(401);
      expect(JSON.stringify(r.body)).not.toContain(t);
    }
    expect((await me(await token(email))).status).toBe(200);
  });

  it('a deactivated person is refused however they sign in', async () => {
    await w.call(ADMIN_TOKEN, 'PATCH', `/users/${users.steering.id}`, { active: false });
    expect((await me(await token({ email: 'steering@example.com' }))).status).toBe(401);
  });
});
