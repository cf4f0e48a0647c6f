// The headers of every answer (api-v1.md, "Identity and access"): the service's own request id
// (recorded on the audit events, a client's own id kept apart), nosniff, no-store on the API, and
// a pane only the Office hosts (and localhost) may frame.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { ADMIN_TOKEN, harness } from '../helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('answer headers', () => {
  it('every API answer, error or not: a request id of the service, nosniff, no-store', async () => {
    const h = await harness();
    const answers = await Promise.all([
      h.app.request('/api/v1/health'),
      h.app.request('/api/v1/me', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
      h.app.request('/api/v1/me'),
      h.app.request('/api/v1/nodes/NOPE', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(answers.length);
    for (const r of answers) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it("a client's own X-Request-Id is not the service's: the audit keeps both, apart", async () => {
    const h = await harness();
    const r = await h.app.request('/api/v1/nodes', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'x-request-id': 'my-client-42',
      },
      body: JSON.stringify({ parentCode: null, level: 'organization', code: 'HDR', name: 'H' }),
    });
    expect(r.status).toBe(201);
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    const event = (await h.call(ADMIN_TOKEN, 'GET', '/audit?scope=HDR')).body.events.find(
      (e: { action: string }) => e.action === 'node.created',
    );
    expect(event).toMatchObject({ requestId: id, clientRequestId: 'my-client-42', source: null });
    // An id that is not a plain token is not kept (it could carry anything into the trail).
    const odd = await h.app.request('/api/v1/health', { headers: { 'x-request-id': 'a b<c>' } });
    expect(odd.headers.get('x-request-id')).toMatch(UUID);
  });

  it('the pane may be framed by the Office hosts and localhost only', async () => {
    const h = await harness();
    const dir = mkdtempSync(join(tmpdir(), 'gatecell-pane-'));
    try {
      writeFileSync(join(dir, 'taskpane.html'), '<!doctype html><title>pane</title>');
      const app = createApp(
        { db: h.db, now: () => h.clock.now, adminToken: ADMIN_TOKEN },
        { dir, officeJs: 'local' },
      );
      const r = await app.request('/taskpane.html');
      expect(r.status).toBe(200);
      const csp = r.headers.get('content-security-policy') ?? '';
      const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ');
      expect(ancestors).toEqual(
        expect.arrayContaining([
          "'self'",
          'https://*.officeapps.live.com',
          'https://*.office.com',
          'https://localhost:*',
        ]),
      );
      expect(ancestors).not.toContain('*');
      // A header that forbids every frame would keep the pane out of Office on the web.
      expect(r.headers.get('x-frame-options')).toBeNull();
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
