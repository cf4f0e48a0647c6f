// Throttling of failed authentication: after 20 failures from one client within a minute, its
// further requests answer 429 for the rest of that minute — a good token too — while other
// clients go on; the next minute it is back to normal. Counted in the database, so a second
// instance on the same file throttles the same client. Failures are logged without the token.
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.js';
import { forgetEndedWindows } from '../../server/db/auth-failures.js';
import { rows } from '../../server/db/db.js';
import { FAILED_AUTH_LIMIT } from '../../server/http/throttle.js';
import { ADMIN_TOKEN, loggedApp, world, type World } from '../helpers.js';

/** A request as it reaches @hono/node-server: with the socket it came on. */
const from = (app: World['app'], address: string, token: string, headers = {}) =>
  app.request(
    '/api/v1/me',
    { headers: { authorization: `Bearer ${token}`, ...headers } },
    { incoming: { socket: { remoteAddress: address } } },
  );

const BAD = 'gc_guessing-0000000000000000000000000000000000';

describe('failed authentication is throttled', () => {
  it('429 for the rest of the minute after 20 failures, for that client only, then back to normal', async () => {
    const w = await world();
    const good = w.users.viewer.token;
    for (let i = 0; i < FAILED_AUTH_LIMIT; i++)
      expect((await from(w.app, '10.1.1.1', BAD)).status).toBe(401);
    // The 21st request of that client is refused whatever it carries, and says when to come back.
    const refused = await from(w.app, '10.1.1.1', BAD);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error.code).toBe('TOO_MANY_FAILED_AUTHENTICATIONS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const goodButBlocked = await from(w.app, '10.1.1.1', good);
    expect(goodButBlocked.status).toBe(429);
    // Past the limit, failures are answered from a read: the write queue is not touched.
    const writes = vi.spyOn(w.db, 'write');
    for (let i = 0; i < 5; i++) expect((await from(w.app, '10.1.1.1', BAD)).status).toBe(429);
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
    // Another client is not affected, and nor is a request made in process (no socket).
    expect((await from(w.app, '10.2.2.2', good)).status).toBe(200);
    expect((await w.call(good, 'GET', '/me')).status).toBe(200);
    // Half a minute on: still refused; once the minute is over: normal again, failures counted anew.
    w.clock.now = new Date(w.clock.now.getTime() + 30_000);
    expect((await from(w.app, '10.1.1.1', good)).status).toBe(429);
    w.clock.now = new Date(w.clock.now.getTime() + 30_001);
    expect((await from(w.app, '10.1.1.1', good)).status).toBe(200);
    expect((await from(w.app, '10.1.1.1', BAD)).status).toBe(401);
  });

  it('under the limit nothing changes, and good requests write nothing', async () => {
    const w = await world();
    for (let i = 0; i < FAILED_AUTH_LIMIT - 1; i++)
      expect((await from(w.app, '10.3.3.3', BAD)).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await from(w.app, '10.3.3.3', w.users.owner.token)).status).toBe(200);
    const counted = await rows(w.db.client, 'SELECT client, failures FROM auth_failures');
    expect(counted).toEqual([{ client: '10.3.3.3', failures: FAILED_AUTH_LIMIT - 1 }]);
    // The sweep forgets ended windows only.
    await forgetEndedWindows(w.db, w.clock.now);
    expect(await rows(w.db.client, 'SELECT client FROM auth_failures')).toHaveLength(1);
    await forgetEndedWindows(w.db, new Date(w.clock.now.getTime() + 60_000));
    expect(await rows(w.db.client, 'SELECT client FROM auth_failures')).toHaveLength(0);
  });

  it('a second instance on the same database counts the same failures', async () => {
    const w = await world();
    const second = createApp({ db: w.db, now: () => w.clock.now, adminToken: ADMIN_TOKEN });
    for (let i = 0; i < FAILED_AUTH_LIMIT / 2; i++) {
      expect((await from(w.app, '10.4.4.4', BAD)).status).toBe(401);
      expect((await from(second, '10.4.4.4', BAD)).status).toBe(401);
    }
    expect((await from(w.app, '10.4.4.4', w.users.owner.token)).status).toBe(429);
    expect((await from(second, '10.4.4.4', w.users.owner.token)).status).toBe(429);
  });

  it('behind a trusted proxy the client is the first X-Forwarded-For hop; otherwise the header is ignored', async () => {
    const w = await world();
    const proxied = createApp({
      db: w.db,
      now: () => w.clock.now,
      adminToken: ADMIN_TOKEN,
      trustProxy: true,
    });
    const via = (app: World['app'], client: string, token: string) =>
      from(app, '10.9.9.9', token, { 'x-forwarded-for': `${client}, 10.9.9.9` });
    for (let i = 0; i < FAILED_AUTH_LIMIT; i++)
      expect((await via(proxied, '203.0.113.7', BAD)).status).toBe(401);
    expect((await via(proxied, '203.0.113.7', w.users.owner.token)).status).toBe(429);
    // Other people behind the same proxy go on.
    expect((await via(proxied, '203.0.113.8', w.users.owner.token)).status).toBe(200);
    // Not trusted: a client cannot pick another address to dodge its count.
    for (let i = 0; i < FAILED_AUTH_LIMIT; i++)
      expect((await via(w.app, `198.51.100.${i}`, BAD)).status).toBe(401);
    expect((await via(w.app, '198.51.100.99', w.users.owner.token)).status).toBe(429);
  });

  it('failures and throttled requests are logged with the client, never with the token', async () => {
    const w = await world();
    const logged = loggedApp(w);
    const { app } = logged;
    for (let i = 0; i <= FAILED_AUTH_LIMIT; i++) await from(app, '10.5.5.5', BAD);
    await new Promise((r) => setImmediate(r));
    const lines = logged.lines();
    const text = logged.text();
    expect(lines.filter((l) => l.status === 401)).toHaveLength(FAILED_AUTH_LIMIT);
    expect(lines.filter((l) => l.status === 429)).toEqual([
      expect.objectContaining({
        client: '10.5.5.5',
        msg: 'throttled after failed authentications',
      }),
    ]);
    expect(lines.every((l) => l.client === '10.5.5.5' && l.level === 40)).toBe(true);
    expect(text).not.toContain(BAD);
    expect(text).not.toContain('guessing');
  });
});
