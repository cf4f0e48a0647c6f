// Structured logs: a JSON line a request with the service's request id, the person, the path, the
// status and the duration; a failed authentication as a warning. Never a token or an amount.
import { describe, expect, it } from 'vitest';
import { loggedApp, measure, world } from '../helpers.js';

describe('request logs', () => {
  it('say who asked what and how it went, and never a token or an amount', async () => {
    const w = await world();
    const logged = loggedApp(w);
    const { app } = logged;
    const call = (token: string, method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    await measure(w, 'M-LOG');
    const pushed = await call(w.users.owner.token, 'POST', '/sync/push', {
      idempotencyKey: 'log-1',
      changes: [{ measure: 'M-LOG', kind: 'target', period: '2027-01', value: 98765.43 }],
    });
    expect(pushed.status).toBe(200);
    const refused = await call('gc_not-a-real-token-at-all', 'GET', '/me?scope=ORG');
    expect(refused.status).toBe(401);
    await new Promise((r) => setImmediate(r));
    const lines = logged.lines();

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request',
      requestId: pushed.headers.get('x-request-id'),
      userId: w.users.owner.id,
      method: 'POST',
      path: '/api/v1/sync/push',
      status: 200,
      ms: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({
      level: 40,
      msg: 'authentication failed',
      requestId: refused.headers.get('x-request-id'),
      userId: null,
      path: '/api/v1/me',
      status: 401,
    });
    const text = JSON.stringify(lines);
    for (const secret of [w.users.owner.token, 'gc_not-a-real-token-at-all', '98765', 'scope=ORG'])
      expect(text).not.toContain(secret);
  });
});
