import { describe, expect, it } from 'vitest';
import { underPrefixes } from '../../server/features/hierarchy/store.js';
import { ADMIN_TOKEN, harness, measure, world } from '../helpers.js';

describe('hierarchy, users and visibility', async () => {
  const w = await world();
  const { users } = w;

  it('answers health without auth, and 401 in the error shape without a token', async () => {
    const health = await w.app.request('/api/v1/health');
    expect(await health.json()).toEqual({ ok: true, version: expect.any(String), sso: false });
    const r = await w.app.request('/api/v1/me');
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.any(String) },
    });
    expect((await w.call('gc_wrong', 'GET', '/me')).status).toBe(401);
  });

  it('answers cross-origin callers (bearer tokens, no cookies), preflight included', async () => {
    const pre = await w.app.request('/api/v1/me', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://pane.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const r = await w.app.request('/api/v1/me', {
      headers: { origin: 'https://pane.example', authorization: `Bearer ${users.viewer.token}` },
    });
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.status).toBe(200);
  });

  it('stores tokens only as hashes', async () => {
    const rows = await w.db.client.execute('SELECT token_hash FROM users');
    for (const r of rows.rows)
      expect(Object.values(users).map((u) => u.token)).not.toContain(r.token_hash);
    expect(String(rows.rows[0]!.token_hash)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('/me answers the user and their grants', async () => {
    const r = await w.call(users.owner.token, 'GET', '/me');
    expect(r.body.user).toMatchObject({ id: users.owner.id, name: 'owner' });
    expect(r.body.grants).toEqual([
      { node: 'ORG', level: 'organization', name: 'ORG', role: 'planner' },
    ]);
  });

  it('a node has a parent exactly one level up (422) and a unique code (409)', async () => {
    const skip = await w.call(ADMIN_TOKEN, 'POST', '/nodes', {
      parentCode: 'ORG',
      level: 'project',
      code: 'X1',
      name: 'x',
    });
    expect(skip.status).toBe(422);
    expect(skip.body.error.code).toBe('INVALID_PARENT');
    const dup = await w.call(ADMIN_TOKEN, 'POST', '/nodes', {
      parentCode: 'ORG',
      level: 'portfolio',
      code: 'ORG-PKG',
      name: 'x',
    });
    expect(dup.status).toBe(409);
    const orphan = await w.call(ADMIN_TOKEN, 'POST', '/nodes', {
      parentCode: null,
      level: 'portfolio',
      code: 'X2',
      name: 'x',
    });
    expect(orphan.status).toBe(422);
    const bad = await w.call(ADMIN_TOKEN, 'POST', '/nodes', {
      parentCode: 'ORG',
      level: 'measure',
      code: 'X3',
      name: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('level');
  });

  it('only admins manage nodes, users and grants', async () => {
    expect(
      (
        await w.call(users.owner.token, 'POST', '/nodes', {
          parentCode: 'ORG',
          level: 'portfolio',
          code: 'X4',
          name: 'x',
        })
      ).status,
    ).toBe(403);
    expect(
      (await w.call(users.owner.token, 'POST', '/users', { name: 'n', email: 'n@example.com' }))
        .status,
    ).toBe(403);
    expect(
      (
        await w.call(users.owner.token, 'POST', '/nodes/ORG/roles', {
          userId: users.owner.id,
          role: 'admin',
        })
      ).status,
    ).toBe(403);
    const ok = await w.call(users.admin.token, 'POST', '/nodes', {
      parentCode: 'ORG',
      level: 'portfolio',
      code: 'ORG-PF2',
      name: 'Second',
    });
    expect(ok.status).toBe(201);
    // An organization's admin administers it; founding another is the service administrator's.
    const founded = await w.call(users.admin.token, 'POST', '/nodes', {
      parentCode: null,
      level: 'organization',
      code: 'ORG-NEW',
      name: 'New',
    });
    expect(founded.status).toBe(403);
    expect(founded.body.error.message).toBe(
      'Only the service administrator creates organizations.',
    );
  });

  it('a user sees nothing outside the subtrees they hold a role on', async () => {
    await measure(w, 'M-VIS');
    expect((await w.call(users.outsider.token, 'GET', '/nodes/ORG')).status).toBe(404);
    expect((await w.call(users.outsider.token, 'GET', '/measures/M-VIS')).status).toBe(404);
    expect((await w.call(users.outsider.token, 'GET', '/cells?scope=ORG')).status).toBe(404);
    expect((await w.call(users.owner.token, 'GET', '/nodes/OTHER')).status).toBe(404);
    const viewer = await w.call(users.viewer.token, 'GET', '/measures/M-VIS');
    expect(viewer.status).toBe(200);
  });

  it('a role on a project shows that project inside a wider scope, and only it', async () => {
    const u = (
      await w.call(ADMIN_TOKEN, 'POST', '/users', { name: 'narrow', email: 'narrow@example.com' })
    ).body;
    await w.call(ADMIN_TOKEN, 'POST', '/nodes', {
      parentCode: 'ORG-PG',
      level: 'project',
      code: 'ORG-PRJ2',
      name: 'P2',
    });
    await w.call(ADMIN_TOKEN, 'POST', '/nodes/ORG-PRJ2/roles', { userId: u.id, role: 'viewer' });
    const org = await w.call(u.token, 'GET', '/nodes/ORG');
    expect(org.status).toBe(200);
    expect(org.body.children.map((c: any) => c.code)).toEqual(['ORG-PF']);
    expect(org.body.totals.target).toBe(0);
    expect((await w.call(u.token, 'GET', '/measures/M-VIS')).status).toBe(404);
    const pg = await w.call(u.token, 'GET', '/nodes/ORG-PG');
    // Any node answers its organization's settings: the pane takes digits and tolerance from them.
    expect(pg.body.settings).toMatchObject({
      currency: expect.any(String),
      materialityPct: expect.any(Number),
    });
    expect(pg.body.children.map((c: any) => c.code)).toEqual(['ORG-PRJ2']);
  });

  it('settings: admin or controller of the organization; a partial change keeps the rest', async () => {
    expect(
      (await w.call(users.owner.token, 'PATCH', '/nodes/ORG/settings', { materialityPct: 5 }))
        .status,
    ).toBe(403);
    const first = await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
      materialityAbs: 500,
      steeringThreshold: 1000000,
    });
    expect(first.status).toBe(200);
    const second = await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', {
      closedThrough: '2026-12',
    });
    expect(second.body.settings).toMatchObject({
      materialityAbs: 500,
      steeringThreshold: 1000000,
      closedThrough: '2026-12',
      materialityPct: 10,
    });
    const bad = await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', {
      closedThrough: '2026-13',
      bogus: 1,
    });
    expect(bad.status).toBe(400);
    expect(
      (await w.call(users.admin.token, 'PATCH', '/nodes/ORG-PF/settings', { materialityPct: 5 }))
        .status,
    ).toBe(422);
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', {
      closedThrough: null,
      materialityAbs: null,
      steeringThreshold: null,
    });
  });

  it('malformed JSON is a 400, an unknown route a 404, both in the error shape', async () => {
    const r = await w.app.request('/api/v1/nodes', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"parentCode":',
    });
    expect(r.status).toBe(400);
    expect((await r.json()).error.code).toBeTypeOf('string');
    const missing = await w.call(ADMIN_TOKEN, 'GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});

describe('scopes through the path index', async () => {
  const h = await harness();
  const at = new Date().toISOString();
  for (const [code, path] of <[string, string][]>[
    ['A', '/900/5/'],
    ['B', '/900/50/'],
    ['C', '/900/5/7/'],
    ['D', '/900/4/'],
    ['E', '/900/5'],
  ])
    await h.db.client.execute({
      sql: `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) VALUES (?, 'package', NULL, 900, ?, ?, ?)`,
      args: [code, path, code, at],
    });
  const under = async (prefixes: string[]) =>
    (
      await h.db.client.execute({
        sql: `SELECT code FROM nodes n WHERE code IN ('A','B','C','D','E') AND ${underPrefixes('n.id')} ORDER BY code`,
        args: [JSON.stringify(prefixes)],
      })
    ).rows.map((r) => r.code);

  it('a prefix is a range of paths: its subtree and nothing else, not a sibling whose id starts the same', async () => {
    expect(await under(['/900/5/'])).toEqual(['A', 'C']);
    expect(await under(['/900/5/', '/900/4/'])).toEqual(['A', 'C', 'D']);
    expect(await under(['/'])).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(await under([])).toEqual([]);
  });

  it('is answered from the path index', async () => {
    const plan = (
      await h.db.client.execute({
        sql: `EXPLAIN QUERY PLAN SELECT n.code FROM nodes n WHERE ${underPrefixes('n.id')}`,
        args: ['["/900/5/"]'],
      })
    ).rows.map((r) => String(r.detail));
    expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX nodes_path/);
  });
});
