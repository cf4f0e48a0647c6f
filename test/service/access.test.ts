// Identity and access (issue 11): a grant revoked, a user deactivated, a token rotated or expired
// is refused on the very next request — on this instance and on another one on the same database,
// since nothing of it is kept in memory — and each is audited with who did it and why. An admin
// never grants themselves a role that moves money.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { Db } from '../../server/db/db.js';
import { DEFAULT_TOKEN_DAYS } from '../../server/http/env.js';
import { ADMIN_TOKEN, measure, plan, push, world, type World } from '../helpers.js';

const status = async (w: World, token: string, path = '/me') =>
  (await w.call(token, 'GET', path)).status;

/** The newest audit event of an action. */
const lastEvent = async (w: World, action: string) =>
  (await w.call(ADMIN_TOKEN, 'GET', '/audit?scope=ORG')).body.events
    .concat((await w.call(ADMIN_TOKEN, 'GET', '/audit')).body.events)
    .filter((e: { action: string }) => e.action === action)
    .at(-1);

describe('revoking a grant', () => {
  it('takes the right away at once, and is audited with who and why', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-RV');
    expect(
      (await push(w, users.owner.token, plan('M-RV', 'target', 1000))).results[0].outcome,
    ).toBe('applied');
    const r = await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', {
      userId: users.owner.id,
      role: 'planner',
      reason: 'moved to another team',
    });
    expect(r).toMatchObject({
      status: 200,
      body: { userId: users.owner.id, node: 'ORG', role: 'planner' },
    });
    // The very next push of the former planner changes nothing.
    const after = await push(w, users.owner.token, [
      { measure: 'M-RV', kind: 'target', period: '2027-01', value: 5, baseVersion: 1 },
    ]);
    expect(after.results[0].outcome).not.toBe('applied');
    expect((await w.call(users.owner.token, 'GET', '/me')).body.grants).toEqual([]);
    expect(await lastEvent(w, 'role.revoked')).toMatchObject({
      actor: users.admin.id,
      subject: users.owner.id,
      before: { role: 'planner' },
      after: { reason: 'moved to another team' },
    });
  });

  it('is an admin’s of the subtree, and a grant that is not there is 404', async () => {
    const w = await world();
    const { users } = w;
    const body = { userId: users.viewer.id, role: 'viewer' };
    expect((await w.call(users.controller.token, 'DELETE', '/nodes/ORG/roles', body)).status).toBe(
      403,
    );
    expect((await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', body)).status).toBe(200);
    expect((await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', body)).status).toBe(404);
    expect(await status(w, users.viewer.token, '/nodes/ORG')).toBe(404);
  });
});

describe('an admin never grants themselves a business role', () => {
  it('planner, controller, sponsor and steering are refused; another admin grants them', async () => {
    const w = await world();
    const { users } = w;
    for (const role of ['planner', 'controller', 'sponsor', 'steering']) {
      const r = await w.call(users.admin.token, 'POST', '/nodes/ORG-PF/roles', {
        userId: users.admin.id,
        role,
      });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/never grants themselves a business role/);
    }
    expect((await w.call(users.admin.token, 'GET', '/me')).body.grants).toEqual([
      expect.objectContaining({ role: 'admin' }),
    ]);
    // Administering is not moving money: an admin may widen their own administration.
    expect(
      (
        await w.call(users.admin.token, 'POST', '/nodes/ORG-PF/roles', {
          userId: users.admin.id,
          role: 'viewer',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await w.call(ADMIN_TOKEN, 'POST', '/nodes/ORG-PF/roles', {
          userId: users.admin.id,
          role: 'controller',
        })
      ).status,
    ).toBe(201);
  });
});

describe('deactivating a user', () => {
  it('refuses every request of theirs at once; reactivating lets them back in; both audited', async () => {
    const w = await world();
    const { users } = w;
    const r = await w.call(users.admin.token, 'PATCH', `/users/${users.controller.id}`, {
      active: false,
      reason: 'left the company',
    });
    expect(r).toMatchObject({ status: 200, body: { id: users.controller.id, active: false } });
    const refused = await w.call(users.controller.token, 'GET', '/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/deactivated/);
    expect(await lastEvent(w, 'user.deactivated')).toMatchObject({
      actor: users.admin.id,
      subject: users.controller.id,
      after: { reason: 'left the company' },
    });
    await w.call(users.admin.token, 'PATCH', `/users/${users.controller.id}`, { active: true });
    expect(await status(w, users.controller.token)).toBe(200);
    expect(await lastEvent(w, 'user.reactivated')).toMatchObject({ actor: users.admin.id });
  });

  it('is for their admins only: not themselves, not another organization’s admin', async () => {
    const w = await world();
    const { users } = w;
    expect(
      (await w.call(users.admin.token, 'PATCH', `/users/${users.admin.id}`, { active: false }))
        .status,
    ).toBe(403);
    // The outsider holds a role in OTHER only: ORG's admin does not administer them.
    expect(
      (await w.call(users.admin.token, 'PATCH', `/users/${users.outsider.id}`, { active: false }))
        .status,
    ).toBe(404);
    expect(
      (
        await w.call(users.controller.token, 'PATCH', `/users/${users.viewer.id}`, {
          active: false,
        })
      ).status,
    ).toBe(404);
    expect(await status(w, users.outsider.token)).toBe(200);
    expect(
      (await w.call(ADMIN_TOKEN, 'PATCH', `/users/${users.outsider.id}`, { active: false })).status,
    ).toBe(200);
    expect(await status(w, users.outsider.token)).toBe(401);
  });
});

describe('tokens', () => {
  it('a rotated token refuses the old one at once; people rotate their own', async () => {
    const w = await world(undefined, { tokenDays: DEFAULT_TOKEN_DAYS });
    const { users } = w;
    const r = await w.call(users.admin.token, 'POST', `/users/${users.sponsor.id}/token`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: users.sponsor.id,
      token: expect.stringMatching(/^gc_/),
      expiresAt: '2027-04-15T09:00:00.000Z',
    });
    expect(await status(w, users.sponsor.token)).toBe(401);
    expect(await status(w, r.body.token)).toBe(200);
    const own = await w.call(r.body.token, 'POST', `/users/${users.sponsor.id}/token`);
    expect(own.status).toBe(200);
    expect(await status(w, r.body.token)).toBe(401);
    expect(await status(w, own.body.token)).toBe(200);
    expect(JSON.stringify(await lastEvent(w, 'user.token_rotated'))).not.toContain(own.body.token);
    // The service token is no person: it has no token of its own to rotate.
    expect((await w.call(ADMIN_TOKEN, 'POST', '/users/admin/token')).status).toBe(404);
    // Nobody else's: another organization's admin does not reach them.
    expect(
      (await w.call(users.viewer.token, 'POST', `/users/${users.sponsor.id}/token`)).status,
    ).toBe(404);
  });

  it('expire GATECELL_TOKEN_DAYS after they were issued, and a new one works again', async () => {
    const w = await world(undefined, { tokenDays: DEFAULT_TOKEN_DAYS });
    const { users } = w;
    w.clock.now = new Date(w.clock.now.getTime() + 89 * 86_400_000);
    expect(await status(w, users.planner2.token)).toBe(200);
    w.clock.now = new Date(w.clock.now.getTime() + 86_400_000);
    const r = await w.call(users.planner2.token, 'GET', '/me');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired on 2027-04-15/);
    const fresh = await w.call(ADMIN_TOKEN, 'POST', `/users/${users.planner2.id}/token`);
    expect(await status(w, fresh.body.token)).toBe(200);
  });

  it('are refused on a second instance of the service on the same database at once', async () => {
    const w = await world();
    const { users } = w;
    const other = new Db({ url: `file:${join(w.dir, 'test.db')}` });
    try {
      const second = createApp({ db: other, now: () => w.clock.now, adminToken: ADMIN_TOKEN });
      const on = async (token: string) =>
        (await second.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } }))
          .status;
      expect(await on(users.steering.token)).toBe(200);
      const rotated = await w.call(users.admin.token, 'POST', `/users/${users.steering.id}/token`);
      expect(await on(users.steering.token)).toBe(401);
      expect(await on(rotated.body.token)).toBe(200);
      await w.call(users.admin.token, 'PATCH', `/users/${users.steering.id}`, { active: false });
      expect(await on(rotated.body.token)).toBe(401);
      expect(await on(users.owner.token)).toBe(200);
      await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', {
        userId: users.owner.id,
        role: 'planner',
      });
      const me = await second.request('/api/v1/me', {
        headers: { authorization: `Bearer ${users.owner.token}` },
      });
      expect(((await me.json()) as { grants: unknown[] }).grants).toEqual([]);
    } finally {
      other.close();
    }
  });
});

describe('a decision belongs to the role, not to the name', () => {
  it('the named controller who lost the controller role approves nothing; their overdue request goes to steering', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-NC');
    await push(w, users.owner.token, plan('M-NC', 'target', 1000));
    await push(w, users.owner.token, plan('M-NC', 'forecast', 1000));
    const asked = await push(w, users.owner.token, [
      {
        measure: 'M-NC',
        kind: 'forecast',
        period: '2027-04',
        value: 500,
        baseVersion: 1,
        note: 'customer lost',
      },
    ]);
    const id = asked.results[0].changeRequestId;
    expect(id).toMatch(/^cr_/);
    const overdue = async () =>
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=M-NC')).body.exceptions.find(
        (e: { type: string }) => e.type === 'approval_overdue',
      );
    w.clock.now = new Date(w.clock.now.getTime() + 6 * 86_400_000);
    await w.sweep();
    expect(await overdue()).toMatchObject({ owner: users.controller.id });
    // Still able to read the measure, no longer a controller.
    await w.call(ADMIN_TOKEN, 'POST', '/nodes/ORG/roles', {
      userId: users.controller.id,
      role: 'viewer',
    });
    await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', {
      userId: users.controller.id,
      role: 'controller',
      reason: 'left finance',
    });
    const refused = await w.call(users.controller.token, 'POST', `/change-requests/${id}/approve`, {
      comment: 'ok',
    });
    expect(refused.status).toBe(403);
    // In the revoking write itself, the overdue request is re-judged: it waits on steering now,
    // and the request says so.
    expect(await overdue()).toMatchObject({ owner: users.owner.id, level: 3 });
    const listed = await w.call(users.owner.token, 'GET', '/change-requests?scope=M-NC');
    expect(listed.body.changeRequests[0].waitingOn).toEqual({
      role: 'controller',
      user: null,
      formerly: { id: users.controller.id, name: 'controller' },
    });
    // And so does the executives' rollup: the decision waits on steering, not on the former controller.
    const waiting = async () =>
      (await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=M-NC')).body.decisionsWaiting;
    expect(await waiting()).toEqual([
      {
        approver: { id: null, name: 'Steering committee' },
        role: 'controller',
        changeRequests: 1,
        gateRequests: 0,
      },
    ]);
    // Named again by the record's rules: an admin gives the role back, and it is theirs again.
    await w.call(ADMIN_TOKEN, 'POST', '/nodes/ORG/roles', {
      userId: users.controller.id,
      role: 'controller',
    });
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${id}/approve`, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    expect(await waiting()).toEqual([]);
  });
});

describe('the access review', () => {
  it('lists every grant holding in the scope: where, since when, by whom, and what it lets them approve', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-AR');
    await w.call(users.admin.token, 'POST', '/nodes/ORG-PF/roles', {
      userId: users.viewer.id,
      role: 'viewer',
    });
    const r = await w.call(users.controller.token, 'GET', '/access-review?scope=ORG');
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('ORG');
    const byUser = (id: string) =>
      r.body.entries.filter((e: { user: { id: string } }) => e.user.id === id);
    expect(byUser(users.controller.id)).toEqual([
      {
        user: { id: users.controller.id, name: 'controller' },
        email: 'controller@example.com',
        active: true,
        role: 'controller',
        node: 'ORG',
        since: '2027-01-15T09:00:00.000Z',
        grantedBy: { id: 'admin', name: 'Administrator (service token)' },
        namedOn: { controller: 1, sponsor: 0 },
        mayApprove: expect.arrayContaining([
          'change requests of the measures naming them controller',
        ]),
      },
    ]);
    expect(byUser(users.sponsor.id)[0].namedOn).toEqual({ controller: 0, sponsor: 1 });
    expect(byUser(users.viewer.id).map((e: { node: string }) => e.node)).toEqual(['ORG', 'ORG-PF']);
    expect(byUser(users.viewer.id)[1].grantedBy).toEqual({ id: users.admin.id, name: 'admin' });
    expect(byUser(users.outsider.id)).toEqual([]);
    expect(byUser(users.owner.id)[0].mayApprove).toEqual([]);
    // A role granted above the scope holds in it too.
    const below = await w.call(users.admin.token, 'GET', '/access-review?scope=ORG-PKG');
    expect(
      below.body.entries.map((e: { user: { id: string }; node: string }) => [e.user.id, e.node]),
    ).toContainEqual([users.controller.id, 'ORG']);
  });

  it('is for the scope’s admins and controllers; as CSV, formulas stay text', async () => {
    const w = await world();
    const { users } = w;
    expect((await w.call(users.owner.token, 'GET', '/access-review?scope=ORG')).status).toBe(403);
    expect((await w.call(users.outsider.token, 'GET', '/access-review?scope=ORG')).status).toBe(
      404,
    );
    const odd = await w.call(ADMIN_TOKEN, 'POST', '/users', {
      name: '=HYPERLINK("https://example.com","x")',
      email: 'odd@example.com',
    });
    await w.call(ADMIN_TOKEN, 'POST', '/nodes/ORG/roles', { userId: odd.body.id, role: 'viewer' });
    const res = await w.app.request('/api/v1/access-review?scope=ORG', {
      headers: { authorization: `Bearer ${users.admin.token}`, accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'user id,name,e-mail,active,role,granted on,since,granted by,named controller of,named sponsor of,may approve',
    );
    expect(lines).toHaveLength(1 + 9);
    const line = lines.find((l) => l.startsWith(odd.body.id))!;
    expect(line).toContain(`"'=HYPERLINK(""https://example.com"",""x"")"`);
  });

  it('answers who held what at a past date from the audit trail', async () => {
    const w = await world();
    const { users } = w;
    const review = async (at?: string) =>
      (await w.call(users.admin.token, 'GET', `/access-review?scope=ORG${at ? `&at=${at}` : ''}`))
        .body;
    const held = (r: { entries: { user: { id: string }; node: string; role: string }[] }) =>
      r.entries.map((e) => `${e.user.id} ${e.role} ${e.node}`).sort();
    w.clock.now = new Date('2027-02-14T10:00:00Z');
    await w.call(users.admin.token, 'DELETE', '/nodes/ORG/roles', {
      userId: users.controller2.id,
      role: 'controller',
    });
    await w.call(users.admin.token, 'PATCH', `/users/${users.viewer.id}`, { active: false });
    await w.call(users.admin.token, 'POST', '/nodes/ORG-PF/roles', {
      userId: users.sponsor.id,
      role: 'viewer',
    });

    const january = await review('2027-01-20');
    expect(january.at).toBe('2027-01-20T23:59:59.999Z');
    expect(held(january)).toContain(`${users.controller2.id} controller ORG`);
    expect(held(january)).not.toContain(`${users.sponsor.id} viewer ORG-PF`);
    const c2 = january.entries.find(
      (e: { user: { id: string } }) => e.user.id === users.controller2.id,
    );
    expect(c2).toMatchObject({
      since: '2027-01-15T09:00:00.000Z',
      grantedBy: { id: 'admin' },
      namedOn: null,
      active: true,
    });
    const february = await review('2027-02-20');
    expect(held(february)).not.toContain(`${users.controller2.id} controller ORG`);
    expect(held(february)).toContain(`${users.sponsor.id} viewer ORG-PF`);
    expect(
      february.entries.find((e: { user: { id: string } }) => e.user.id === users.viewer.id).active,
    ).toBe(false);
    // Replayed up to today, the trail says what the grants table says.
    expect(held(await review('2027-02-14'))).toEqual(held(await review()));
    expect((await review('2027-01-14')).entries).toEqual([]);
  });
});
