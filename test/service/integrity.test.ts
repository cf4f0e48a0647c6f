// Integrity of the record (api-v1.md, "Additions (2026-12)"): texts, bodies, windows, who names
// whom, three people per measure, and what an outsider can learn.
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, advance, key, measure, plan, push, world } from '../helpers.js';

describe('texts that could crash a read or spoof a screen are refused at the edge', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-T');
  await push(w, users.owner.token, [
    ...plan('M-T', 'target', 1000),
    ...plan('M-T', 'forecast', 1000),
  ]);

  it('a push note with a lone surrogate is one rejected change (INVALID_TEXT); the rest of the batch applies', async () => {
    const r = await push(w, users.owner.token, [
      {
        measure: 'M-T',
        kind: 'forecast',
        period: '2027-02',
        value: 500,
        baseVersion: 1,
        note: 'cut \uD83D',
      },
      {
        measure: 'M-T',
        kind: 'forecast',
        period: '2027-03',
        value: 990,
        baseVersion: 1,
        note: 'whole 😀',
      },
    ]);
    expect(r.results[0]).toMatchObject({
      outcome: 'rejected',
      value: 1000,
      version: 1,
      reason: { code: 'INVALID_TEXT' },
    });
    expect(r.results[1]).toMatchObject({ outcome: 'applied', value: 990 });
    // Every read that showed the note crashed the process before: they all answer now.
    for (const path of [
      '/measures/M-T',
      '/change-requests?scope=ORG',
      '/reports/rollup?scope=ORG',
      '/audit?scope=M-T',
    ])
      expect((await w.call(users.controller.token, 'GET', path)).status).toBe(200);
  });

  it('a NUL in a note, a control character in a cell address: rejected', async () => {
    const r = await push(w, users.owner.token, [
      {
        measure: 'M-T',
        kind: 'forecast',
        period: '2027-04',
        value: 500,
        baseVersion: 1,
        note: 'a\u0000b',
      },
      {
        measure: 'M-T',
        kind: 'forecast',
        period: '2027-04',
        value: 990,
        baseVersion: 1,
        cell: 'F\u000712',
      },
    ]);
    expect(r.results.map((x) => x.reason?.code)).toEqual(['INVALID_TEXT', 'INVALID_TEXT']);
  });

  it('titles: no bidi override, no control character, at most 200 characters; notes keep their line breaks', async () => {
    const title = async (t: string) =>
      (await w.call(users.owner.token, 'PATCH', '/measures/M-T', { title: t })).status;
    expect(await title('Freight \u202Egnitset')).toBe(400);
    expect(await title('Freight\u0000')).toBe(400);
    expect(await title('Freight\ttender')).toBe(400);
    expect(await title('x'.repeat(201))).toBe(400);
    expect(await title('שינוע Freight 運賃 😀')).toBe(200);
    const comment = 'first line\nsecond line\twith a tab';
    const ms = await w.call(users.owner.token, 'POST', '/measures/M-T/milestones', {
      title: 'Tender',
      due: '2027-03-01',
    });
    expect(ms.status).toBe(201);
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures/M-T/gate', {
          to: 'identified',
          comment: 'x'.repeat(2001),
        })
      ).status,
    ).toBe(400);
    expect(
      (await w.call(users.owner.token, 'POST', '/measures/M-T/gate', { to: 'identified', comment }))
        .status,
    ).toBe(201);
  });

  it('a code or a node name with a bidi override or NUL is 400; codes are unique ignoring case', async () => {
    expect(
      (
        await w.call(users.admin.token, 'POST', '/nodes', {
          parentCode: 'ORG',
          level: 'portfolio',
          code: 'PF\u0000',
          name: 'x',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await w.call(users.admin.token, 'POST', '/nodes', {
          parentCode: 'ORG',
          level: 'portfolio',
          code: 'PF-2',
          name: 'Fin\u202Eance',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await w.call(users.admin.token, 'POST', '/nodes', {
          parentCode: 'ORG',
          level: 'portfolio',
          code: 'org-pf',
          name: 'x',
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures', {
          packageCode: 'ORG-PKG',
          code: 'm-t',
          title: 'x',
          ownerId: users.owner.id,
        })
      ).status,
    ).toBe(409);
  });

  it('e-mails are compared in lower case', async () => {
    const r = await w.call(ADMIN_TOKEN, 'POST', '/users', {
      name: 'Owner again',
      email: 'OWNER@Example.com',
    });
    expect(r.status).toBe(409);
    const fresh = await w.call(ADMIN_TOKEN, 'POST', '/users', {
      name: 'Mixed',
      email: 'Mixed.Case@Example.com',
    });
    expect(fresh.body.email).toBe('mixed.case@example.com');
  });
});

describe('bodies: 1 MiB for JSON endpoints, 64 MiB for the push, nesting at most 32 levels', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-B');
  const raw = (path: string, body: string, token = users.admin.token) =>
    w.app.request(`/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });

  it('a 2 MB body to POST /nodes is 413 and creates nothing', async () => {
    const name = 'x'.repeat(2 * 1024 * 1024);
    const r = await raw(
      '/nodes',
      JSON.stringify({ parentCode: 'ORG', level: 'portfolio', code: 'BIG', name }),
    );
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('TOO_LARGE');
    expect((await w.call(users.admin.token, 'GET', '/nodes/BIG')).status).toBe(404);
  });

  it('JSON nested 33 levels is 400 TOO_DEEP, on any endpoint; 32 levels is read', async () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deep = await raw(
      '/nodes',
      `{"parentCode":"ORG","level":"portfolio","code":"D","name":"d","x":${nest(32)}}`,
    );
    expect(deep.status).toBe(400);
    expect((await deep.json()).error.code).toBe('TOO_DEEP');
    const fine = await raw(
      '/nodes',
      `{"parentCode":"ORG","level":"portfolio","code":"D","name":"d","x":${nest(31)}}`,
    );
    expect(fine.status).toBe(201);
    // Brackets inside strings are text, not nesting.
    expect(
      (
        await raw(
          '/nodes',
          JSON.stringify({
            parentCode: 'ORG',
            level: 'portfolio',
            code: 'D2',
            name: '['.repeat(100),
          }),
        )
      ).status,
    ).toBe(201);
  });

  it('a push value nested 10,000 levels deep is 400, not 500, and writes nothing', async () => {
    const value = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = await raw(
      '/sync/push',
      `{"idempotencyKey":"${key()}","changes":[{"measure":"M-B","kind":"forecast","period":"2027-01","value":${value}}]}`,
      users.owner.token,
    );
    expect(r.status).toBe(400);
    expect((await w.call(users.owner.token, 'GET', '/cells?scope=M-B')).body.cells).toEqual([]);
  });
});

describe('windows: 2000-01 to 2100-12, at most 120 months, start before end', async () => {
  const w = await world();
  const { users } = w;
  const base = {
    packageCode: 'ORG-PKG',
    title: 'Freight',
    ownerId: users.owner.id,
    sponsorId: users.sponsor.id,
    controllerId: users.controller.id,
  };
  const create = (code: string, startPeriod: string, endPeriod: string) =>
    w.call(users.owner.token, 'POST', '/measures', { ...base, code, startPeriod, endPeriod });

  it('refuses 0001-01…9999-12, 121 months and an end before the start, with 400', async () => {
    expect((await create('W-1', '0001-01', '9999-12')).status).toBe(400);
    expect((await create('W-1', '2027-01', '2037-01')).status).toBe(400);
    expect((await create('W-1', '2027-06', '2027-01')).status).toBe(400);
    expect((await create('W-1', '2027-01', '2036-12')).status).toBe(201);
    expect(
      (await w.call(users.owner.token, 'PATCH', '/measures/W-1', { endPeriod: '2037-01' })).status,
    ).toBe(400);
  });
});

/** A world where the owner's material change of M-R waits for M-R's controller. */
async function requestWaiting() {
  const w = await world();
  await measure(w, 'M-R');
  await push(w, w.users.owner.token, [
    ...plan('M-R', 'target', 1000),
    ...plan('M-R', 'forecast', 1000),
  ]);
  const material = await push(w, w.users.owner.token, [
    {
      measure: 'M-R',
      kind: 'forecast',
      period: '2027-02',
      value: 100,
      baseVersion: 1,
      note: 'supplier exit',
    },
  ]);
  const requestId = material.results[0].changeRequestId as string;
  return { w, users: w.users, requestId };
}

describe('who names the approvers: never the requester', () => {
  it('the owner, with their request waiting, cannot name another controller; nor can another planner', async () => {
    const { w, users, requestId } = await requestWaiting();
    for (const token of [users.owner.token, users.planner2.token]) {
      const r = await w.call(token, 'PATCH', '/measures/M-R', {
        controllerId: users.controller2.id,
      });
      expect(r.status).toBe(403);
    }
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-R')).body.controller.id).toBe(
      users.controller.id,
    );
    expect(
      (
        await w.call(users.controller2.token, 'POST', `/change-requests/${requestId}/approve`, {
          comment: 'ok',
        })
      ).status,
    ).toBe(403);
  });

  it('an admin names another controller, audited; the waiting request then waits on them', async () => {
    const { w, users, requestId } = await requestWaiting();
    const r = await w.call(users.admin.token, 'PATCH', '/measures/M-R', {
      controllerId: users.controller2.id,
    });
    expect(r.status).toBe(200);
    const waiting = (await w.call(users.controller2.token, 'GET', '/change-requests?scope=ORG'))
      .body.changeRequests;
    expect(waiting.find((x: any) => x.id === requestId)).toMatchObject({
      mayDecide: true,
      waitingOn: { user: { id: users.controller2.id } },
    });
    const audit = (await w.call(users.admin.token, 'GET', '/audit?scope=M-R')).body.events;
    expect(audit.at(-1)).toMatchObject({
      action: 'measure.people_changed',
      actor: users.admin.id,
      before: { controllerId: users.controller.id },
      after: { controllerId: users.controller2.id },
    });
  });

  it('nobody is named to decide their own waiting request', async () => {
    const { w, users } = await requestWaiting();
    await w.call(users.admin.token, 'POST', '/nodes/ORG/roles', {
      userId: users.planner2.id,
      role: 'controller',
    });
    const theirs = await push(w, users.planner2.token, [
      {
        measure: 'M-R',
        kind: 'forecast',
        period: '2027-03',
        value: 100,
        baseVersion: 1,
        note: 'exit',
      },
    ]);
    expect(theirs.results[0].outcome).toBe('pending');
    const r = await w.call(users.steering.token, 'PATCH', '/measures/M-R', {
      controllerId: users.planner2.id,
    });
    expect(r.status).toBe(422);
  });

  it('owner, sponsor and controller are three different people', async () => {
    const { w, users } = await requestWaiting();
    const base = {
      packageCode: 'ORG-PKG',
      title: 'x',
      ownerId: users.owner.id,
      startPeriod: '2027-01',
      endPeriod: '2027-06',
    };
    await w.call(users.admin.token, 'POST', '/nodes/ORG/roles', {
      userId: users.owner.id,
      role: 'sponsor',
    });
    const same = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-S1',
      sponsorId: users.owner.id,
      controllerId: users.controller.id,
    });
    expect(same.body.error.code).toBe('SEGREGATION_OF_DUTIES');
  });
});

describe('the named controller never edits the plan they validate', async () => {
  const w = await world();
  const { users } = w;
  await w.call(users.admin.token, 'POST', '/nodes/ORG/roles', {
    userId: users.controller.id,
    role: 'planner',
  });
  await measure(w, 'M-C');
  await push(w, users.owner.token, [
    ...plan('M-C', 'target', 1000),
    ...plan('M-C', 'forecast', 1000),
  ]);

  it('a controller who is also a planner gets FORBIDDEN on baseline, target and forecast of their measure', async () => {
    const r = await push(w, users.controller.token, [
      {
        measure: 'M-C',
        kind: 'forecast',
        period: '2027-02',
        value: 100,
        baseVersion: 1,
        note: 'x',
      },
      { measure: 'M-C', kind: 'target', period: '2027-02', value: 100, baseVersion: 1 },
      { measure: 'M-C', kind: 'baseline', period: '2027-02', value: 100 },
    ]);
    expect(r.results.map((x) => [x.outcome, x.reason?.code])).toEqual([
      ['rejected', 'FORBIDDEN'],
      ['rejected', 'FORBIDDEN'],
      ['rejected', 'FORBIDDEN'],
    ]);
    expect(
      (await w.call(users.controller.token, 'GET', '/change-requests?scope=ORG')).body
        .changeRequests,
    ).toEqual([]);
  });
});

describe('from Detailed on, a window change that moves committed value is a request for the controller', () => {
  /** A world of its own with M-W in Detailed: a target of 1,000 a month over 2027-01…06. */
  const detailed = async () => {
    const w = await world();
    await measure(w, 'M-W');
    await advance(w, 'M-W', 'detailed');
    const target = async () =>
      (await w.call(w.users.viewer.token, 'GET', '/measures/M-W')).body.figures.target;
    return { w, users: w.users, target };
  };

  it('the owner shrinking the window gets 202 and a request; the committed target is unchanged until approved', async () => {
    const { w, users, target } = await detailed();
    expect(await target()).toBe(6000);
    const r = await w.call(users.owner.token, 'PATCH', '/measures/M-W', {
      startPeriod: '2027-04',
      note: 'two months cut',
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      startPeriod: '2027-01',
      endPeriod: '2027-06',
      windowRequest: expect.stringMatching(/^wr_/),
    });
    expect(await target()).toBe(6000);
    const list = (await w.call(users.controller.token, 'GET', '/change-requests?scope=ORG')).body
      .changeRequests;
    expect(list).toEqual([
      expect.objectContaining({
        id: r.body.windowRequest,
        kind: 'window',
        oldValue: 6000,
        value: 3000,
        mayDecide: true,
        note: 'two months cut',
        window: {
          from: { startPeriod: '2027-01', endPeriod: '2027-06' },
          to: { startPeriod: '2027-04', endPeriod: '2027-06' },
        },
      }),
    ]);
    expect(
      (
        await w.call(
          users.owner.token,
          'POST',
          `/change-requests/${r.body.windowRequest}/approve`,
          { comment: 'mine' },
        )
      ).status,
    ).toBe(403);
    const ok = await w.call(
      users.controller.token,
      'POST',
      `/change-requests/${r.body.windowRequest}/approve`,
      { comment: 'agreed' },
    );
    expect(ok.status).toBe(200);
    expect(await target()).toBe(3000);
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-W')).body.startPeriod).toBe(
      '2027-04',
    );
  });

  it('a window change that moves no committed value applies at once', async () => {
    const { w, users } = await detailed();
    const r = await w.call(users.owner.token, 'PATCH', '/measures/M-W', { endPeriod: '2027-09' });
    expect(r.status).toBe(200);
    expect(r.body.endPeriod).toBe('2027-09');
  });

  it('a request whose target moved since answers 409 STALE_REQUEST and is withdrawn', async () => {
    const { w, users } = await detailed();
    const r = await w.call(users.owner.token, 'PATCH', '/measures/M-W', { endPeriod: '2027-05' });
    expect(r.status).toBe(202);
    // The target of a dropped month changes meanwhile (through its own approved request).
    const t = await push(w, users.owner.token, [
      { measure: 'M-W', kind: 'target', period: '2027-06', value: 900, baseVersion: 1 },
    ]);
    await w.call(
      users.controller.token,
      'POST',
      `/change-requests/${t.results[0].changeRequestId}/approve`,
      { comment: 'ok' },
    );
    const stale = await w.call(
      users.controller.token,
      'POST',
      `/change-requests/${r.body.windowRequest}/approve`,
      { comment: 'ok' },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_REQUEST');
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-W')).body.endPeriod).toBe(
      '2027-06',
    ); // the window stays as it was
  });

  it('a measure that freezes withdraws its waiting window change', async () => {
    const { w, users } = await detailed();
    const r = await w.call(users.owner.token, 'PATCH', '/measures/M-W', { endPeriod: '2027-05' });
    expect(r.status).toBe(202);
    const gate = await w.call(users.owner.token, 'POST', '/measures/M-W/gate', {
      to: 'cancelled',
      comment: 'stopped',
    });
    expect(
      (
        await w.call(users.sponsor.token, 'POST', `/gate-requests/${gate.body.id}/approve`, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    const waiting = (await w.call(users.controller.token, 'GET', '/change-requests?scope=M-W')).body
      .changeRequests;
    expect(waiting.filter((x: any) => x.kind === 'window')).toEqual([]);
    const withdrawn = (
      await w.call(users.controller.token, 'GET', '/change-requests?scope=M-W&status=withdrawn')
    ).body.changeRequests;
    expect(withdrawn.find((x: any) => x.id === r.body.windowRequest)).toMatchObject({
      status: 'withdrawn',
      comment: 'withdrawn: the measure is cancelled',
    });
  });
});

describe('existence does not leak across organizations', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-X');
  await push(w, users.owner.token, [
    ...plan('M-X', 'target', 1000),
    ...plan('M-X', 'forecast', 1000),
  ]);
  const cr = (
    await push(w, users.owner.token, [
      {
        measure: 'M-X',
        kind: 'forecast',
        period: '2027-02',
        value: 100,
        baseVersion: 1,
        note: 'x',
      },
    ])
  ).results[0].changeRequestId;

  it('POST /nodes by someone who may not create there answers 403 for a taken code and a free one alike', async () => {
    const node = (code: string) =>
      w.call(users.outsider.token, 'POST', '/nodes', {
        parentCode: 'OTHER',
        level: 'portfolio',
        code,
        name: 'x',
      });
    expect((await node('M-X')).status).toBe(403);
    expect((await node('FREE-CODE')).status).toBe(403);
  });

  it("another organization's request id is a 404 that names nothing of it", async () => {
    const r = await w.call(users.outsider.token, 'POST', `/change-requests/${cr}/approve`, {
      comment: 'x',
    });
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).not.toContain('M-X');
  });

  it('naming a user of another organization answers exactly as an unknown user', async () => {
    const base = {
      packageCode: 'ORG-PKG',
      title: 'x',
      ownerId: users.owner.id,
      sponsorId: users.sponsor.id,
      startPeriod: '2027-01',
      endPeriod: '2027-06',
    };
    const outsider = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-O1',
      controllerId: users.outsider.id,
    });
    const unknown = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-O1',
      controllerId: 'u_nobody',
    });
    expect(outsider.status).toBe(422);
    expect(outsider.body.error.code).toBe(unknown.body.error.code);
    expect(outsider.body.error.message.replace(users.outsider.id, 'ID')).toBe(
      unknown.body.error.message.replace('u_nobody', 'ID'),
    );
    const dependency = (ownerId: string) =>
      w.call(users.owner.token, 'POST', '/measures/M-X/dependencies', {
        title: 'IT',
        due: '2027-03-01',
        ownerId,
      });
    const [a, b] = [await dependency(users.outsider.id), await dependency('u_nobody')];
    expect([a.status, a.body.error.code]).toEqual([b.status, b.body.error.code]);
    expect(a.status).toBe(422);
  });
});

describe('people across organizations: an organization admin invites, and learns nothing of other organizations', () => {
  /** A world of its own (who is a member where changes as people accept). */
  const organizations = async () => {
    const w = await world();
    const invite = (email: string, token = w.users.admin.token) =>
      w.call(token, 'POST', '/users', { name: 'Newcomer', email });
    return { w, users: w.users, invite };
  };

  it('answers the same for an e-mail registered elsewhere and for a new one, and never hands out a token', async () => {
    const { invite } = await organizations();
    const elsewhere = await invite('OUTSIDER@example.com');
    const unknown = await invite('brand.new@example.com');
    expect([elsewhere.status, unknown.status]).toEqual([202, 202]);
    const shape = (b: any) => ({ ...b.invitation, id: 'ID', email: 'E', invitedAt: 'T' });
    expect(shape(elsewhere.body)).toEqual(shape(unknown.body));
    expect(JSON.stringify(elsewhere.body)).not.toMatch(/token|u_/);
    // A member of the organization is the admin's to see: grant them a role instead.
    expect((await invite('owner@example.com')).status).toBe(409);
  });

  it('the person accepts and becomes a viewer of the node; nobody else can accept it', async () => {
    const { w, users, invite } = await organizations();
    expect((await invite('outsider@example.com')).status).toBe(202);
    const mine = (await w.call(users.outsider.token, 'GET', '/me')).body.invitations;
    expect(mine).toEqual([expect.objectContaining({ node: 'ORG', invitedBy: 'admin' })]);
    expect(
      (await w.call(users.owner.token, 'POST', `/invitations/${mine[0].id}/accept`)).status,
    ).toBe(404);
    expect((await w.call(users.outsider.token, 'GET', '/nodes/ORG')).status).toBe(404);
    const accepted = await w.call(
      users.outsider.token,
      'POST',
      `/invitations/${mine[0].id}/accept`,
    );
    expect(accepted.body).toMatchObject({ node: 'ORG', role: 'viewer', status: 'accepted' });
    expect((await w.call(users.outsider.token, 'GET', '/nodes/ORG')).status).toBe(200);
    expect(
      (await w.call(users.outsider.token, 'POST', `/invitations/${mine[0].id}/accept`)).status,
    ).toBe(409);
    const audit = (await w.call(ADMIN_TOKEN, 'GET', '/audit?scope=ORG')).body.events.map(
      (e: any) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(['invitation.created', 'invitation.accepted', 'role.granted']),
    );
  });

  it("an organization admin cannot grant a role to another organization's user: unknown, as an id that does not exist", async () => {
    const { w, users } = await organizations();
    const stranger = await w.call(ADMIN_TOKEN, 'POST', '/users', {
      name: 'Stranger',
      email: 'stranger@example.com',
    });
    await w.call(ADMIN_TOKEN, 'POST', '/nodes/OTHER/roles', {
      userId: stranger.body.id,
      role: 'viewer',
    });
    const [a, b] = [
      await w.call(users.admin.token, 'POST', '/nodes/ORG/roles', {
        userId: stranger.body.id,
        role: 'viewer',
      }),
      await w.call(users.admin.token, 'POST', '/nodes/ORG/roles', {
        userId: 'u_nobody',
        role: 'viewer',
      }),
    ];
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.body.error.message.replace(stranger.body.id, 'ID')).toBe(
      b.body.error.message.replace('u_nobody', 'ID'),
    );
  });

  it('an admin invites only to a node they administer', async () => {
    const { w, users, invite } = await organizations();
    expect((await invite('x@example.com', users.owner.token)).status).toBe(403);
    expect(
      (
        await w.call(users.admin.token, 'POST', '/users', {
          name: 'X',
          email: 'x@example.com',
          node: 'OTHER',
        })
      ).status,
    ).toBe(404);
  });
});
