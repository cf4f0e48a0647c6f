import { describe, expect, it } from 'vitest';
import { measure, PERIODS, plan, push, world } from '../helpers.js';

type Stage = 'defined' | 'identified' | 'detailed' | 'decided' | 'implemented' | 'closed';

/**
 * A world of its own on 2027-08-10 (settings and the clock are world-wide), and `walk`, which
 * takes M-G through its gates as its people would up to `to`: a sponsor, a category and a target
 * of 100 a month; Identified by the sponsor; a baseline of 500 a month and one milestone,
 * Detailed by the controller; Decided by the sponsor; the milestone done, Implemented; the books
 * closed through 2027-07 and actuals of 90, Closed by the controller with the shortfall explained.
 */
async function gatesWorld() {
  const w = await world(new Date('2027-08-10T09:00:00Z'));
  const { users } = w;
  const request = (code: string, to: string, comment = 'ready', token = users.owner.token) =>
    w.call(token, 'POST', `/measures/${code}/gate`, { to, comment });
  const decide = (id: string, token: string, comment = 'ok', verb = 'approve') =>
    w.call(token, 'POST', `/gate-requests/${id}/${verb}`, { comment });
  const stage = async (code: string) =>
    (await w.call(users.viewer.token, 'GET', `/measures/${code}`)).body.stage;
  const pass = async (code: string, to: string, approver: string, comment = 'ok') => {
    const r = await request(code, to);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const d = await decide(r.body.id, approver, comment);
    expect(d.status, JSON.stringify(d.body)).toBe(200);
  };
  const ORDER: Stage[] = ['defined', 'identified', 'detailed', 'decided', 'implemented', 'closed'];
  const walk = async (to: Stage) => {
    const reach = (s: Stage) => ORDER.indexOf(to) >= ORDER.indexOf(s);
    await measure(w, 'M-G');
    await push(w, users.owner.token, plan('M-G', 'target', 100));
    if (reach('identified')) await pass('M-G', 'identified', users.sponsor.token);
    if (reach('detailed')) {
      await push(w, users.owner.token, plan('M-G', 'baseline', 500));
      await w.call(users.owner.token, 'POST', '/measures/M-G/milestones', {
        title: 'Contract',
        due: '2027-09-01',
      });
      await pass('M-G', 'detailed', users.controller.token);
    }
    if (reach('decided')) await pass('M-G', 'decided', users.sponsor.token);
    if (reach('implemented')) {
      const ms = (await w.call(users.owner.token, 'GET', '/measures/M-G')).body.milestones[0];
      await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, { done: true });
      await pass('M-G', 'implemented', users.sponsor.token);
    }
    if (reach('closed')) {
      await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
        closedThrough: '2027-07',
      });
      await push(
        w,
        users.controller.token,
        PERIODS.map((period) => ({ measure: 'M-G', kind: 'actual', period, value: 90 })),
      );
      await pass('M-G', 'closed', users.controller.token, 'volume loss at customer X');
    }
  };
  return { w, users, request, decide, stage, pass, walk };
}

describe('stage gates', () => {
  it('a request that fails its criteria is refused (422) with the list of what is missing', async () => {
    const { w, request } = await gatesWorld();
    await measure(w, 'M-G', { sponsorId: null, category: null });
    const r = await request('M-G', 'identified');
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      code: 'GATE_CRITERIA_NOT_MET',
      details: { missing: ['a sponsor', 'a category', 'a rough target greater than zero'] },
    });
  });

  it('only the owner requests; one stage at a time; one open request per measure (409)', async () => {
    const { w, users, request } = await gatesWorld();
    await measure(w, 'M-G', { sponsorId: null, category: null });
    expect(
      (await w.call(users.owner.token, 'PATCH', '/measures/M-G', { sponsorId: users.sponsor.id }))
        .status,
    ).toBe(403); // never picks their approver
    expect(
      (
        await w.call(users.steering.token, 'PATCH', '/measures/M-G', {
          sponsorId: users.sponsor.id,
        })
      ).status,
    ).toBe(200);
    expect(
      (await w.call(users.owner.token, 'PATCH', '/measures/M-G', { category: 'Logistics' })).status,
    ).toBe(200);
    await push(w, users.owner.token, plan('M-G', 'target', 100));
    expect((await request('M-G', 'identified', 'x', users.planner2.token)).status).toBe(403);
    expect((await request('M-G', 'detailed')).status).toBe(422);
    const first = await request('M-G', 'identified');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      from: 'defined',
      to: 'identified',
      status: 'pending',
      waitingOn: { role: 'sponsor', user: { id: users.sponsor.id } },
    });
    expect((await request('M-G', 'identified')).status).toBe(409);
    expect((await request('M-G', 'cancelled', 'stop')).status).toBe(409);
  });

  it('lists gate requests with whether the caller may decide each', async () => {
    const { w, users, request } = await gatesWorld();
    await measure(w, 'M-G');
    await push(w, users.owner.token, plan('M-G', 'target', 100));
    expect((await request('M-G', 'identified')).status).toBe(201);
    const mine = (await w.call(users.sponsor.token, 'GET', '/gate-requests?scope=ORG')).body
      .gateRequests;
    expect(mine).toEqual([
      expect.objectContaining({
        measure: 'M-G',
        to: 'identified',
        mayDecide: true,
        waitingOn: {
          role: 'sponsor',
          user: { id: users.sponsor.id, name: 'sponsor' },
          formerly: null,
        },
      }),
    ]);
    expect(
      (await w.call(users.controller.token, 'GET', '/gate-requests')).body.gateRequests[0]
        .mayDecide,
    ).toBe(false);
    expect(
      (await w.call(users.owner.token, 'GET', '/gate-requests')).body.gateRequests[0].mayDecide,
    ).toBe(false); // their own
    expect(
      (await w.call(users.steering.token, 'GET', '/gate-requests')).body.gateRequests[0].mayDecide,
    ).toBe(true);
    expect((await w.call(users.outsider.token, 'GET', '/gate-requests')).body.gateRequests).toEqual(
      [],
    );
  });

  it('Identified is approved by the sponsor (or steering), not by the controller or another sponsor', async () => {
    const { w, users, request, decide, stage } = await gatesWorld();
    await measure(w, 'M-G');
    await push(w, users.owner.token, plan('M-G', 'target', 100));
    expect((await request('M-G', 'identified')).status).toBe(201);
    const id = (await w.call(users.viewer.token, 'GET', '/measures/M-G')).body.openRequests
      .gateRequest.id;
    expect((await decide(id, users.controller.token)).status).toBe(403);
    expect((await decide(id, users.owner.token)).status).toBe(403);
    expect((await decide(id, users.sponsor.token)).status).toBe(200);
    expect(await stage('M-G')).toBe('identified');
  });

  it('a rejected gate keeps the stage and needs a comment', async () => {
    const { w, users, request, decide, stage, walk } = await gatesWorld();
    await walk('identified');
    const r = await request('M-G', 'detailed');
    expect(r.status).toBe(422); // no baseline, no milestone yet
    await push(w, users.owner.token, plan('M-G', 'baseline', 500));
    await w.call(users.owner.token, 'POST', '/measures/M-G/milestones', {
      title: 'Contract',
      due: '2027-09-01',
    });
    const ok = await request('M-G', 'detailed');
    expect(ok.body.waitingOn.role).toBe('controller');
    expect((await decide(ok.body.id, users.controller.token, '', 'reject')).status).toBe(422);
    expect(
      (await decide(ok.body.id, users.controller.token, 'value logic unclear', 'reject')).body
        .status,
    ).toBe('rejected');
    expect(await stage('M-G')).toBe('identified');
  });

  it('Detailed is validated by the controller; Decided by the sponsor below the steering threshold', async () => {
    const { w, users, request, decide, stage, pass, walk } = await gatesWorld();
    await walk('identified');
    await push(w, users.owner.token, plan('M-G', 'baseline', 500));
    await w.call(users.owner.token, 'POST', '/measures/M-G/milestones', {
      title: 'Contract',
      due: '2027-09-01',
    });
    await pass('M-G', 'detailed', users.controller.token);
    const r = await request('M-G', 'decided');
    expect(r.body.waitingOn.role).toBe('sponsor');
    await decide(r.body.id, users.sponsor.token);
    expect(await stage('M-G')).toBe('decided');
  });

  it('Decided goes to steering when the cumulative target reaches the threshold', async () => {
    const { w, users, request, decide, pass } = await gatesWorld();
    await measure(w, 'M-BIG');
    await push(w, users.owner.token, [
      ...plan('M-BIG', 'target', 1000),
      ...plan('M-BIG', 'baseline', 1000),
    ]);
    await w.call(users.owner.token, 'POST', '/measures/M-BIG/milestones', {
      title: 'x',
      due: '2027-09-01',
    });
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { steeringThreshold: 6000 });
    await pass('M-BIG', 'identified', users.sponsor.token);
    await pass('M-BIG', 'detailed', users.controller.token);
    const r = await request('M-BIG', 'decided');
    expect(r.body.waitingOn.role).toBe('steering');
    expect((await decide(r.body.id, users.sponsor.token)).status).toBe(403);
    expect((await decide(r.body.id, users.steering.token)).status).toBe(200);
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { steeringThreshold: null });
  });

  it('on hold a measure passes no gate', async () => {
    const { w, users, request, walk } = await gatesWorld();
    await walk('decided');
    await w.call(users.sponsor.token, 'POST', '/measures/M-G/hold', { comment: 'wait' });
    const r = await request('M-G', 'implemented');
    expect(r.status).toBe(422);
    expect(r.body.error.details.missing).toContain('The measure is on hold: resume it first.');
    await w.call(users.sponsor.token, 'POST', '/measures/M-G/resume', { comment: 'go' });
  });

  it('Implemented needs every milestone done', async () => {
    const { w, users, request, pass, walk } = await gatesWorld();
    await walk('decided');
    expect((await request('M-G', 'implemented')).body.error.details.missing).toEqual([
      '1 milestone not done',
    ]);
    const ms = (await w.call(users.owner.token, 'GET', '/measures/M-G')).body.milestones[0];
    await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, { done: true });
    await pass('M-G', 'implemented', users.sponsor.token);
    expect(
      (await w.call(users.viewer.token, 'GET', '/measures/M-G')).body.implementationStatus,
    ).toBe('completed');
  });

  it('Closed: books closed through the window end and every actual; the measure controller only', async () => {
    const { w, users, request, decide, stage, walk } = await gatesWorld();
    await walk('implemented');
    const missing = (await request('M-G', 'closed')).body.error.details.missing;
    expect(missing).toEqual([
      'the books closed through 2027-06 (closed through no period yet)',
      'an actual for 6 periods (2027-01 to 2027-06)',
    ]);
    await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
      closedThrough: '2027-07',
    });
    await push(
      w,
      users.controller.token,
      PERIODS.map((period) => ({ measure: 'M-G', kind: 'actual', period, value: 90 })),
    );
    const r = await request('M-G', 'closed');
    expect(r.body.waitingOn.role).toBe('controller');
    expect((await decide(r.body.id, users.controller2.token, 'fine')).status).toBe(403);
    expect((await decide(r.body.id, users.steering.token, 'fine')).status).toBe(403);
    expect((await decide(r.body.id, users.sponsor.token, 'fine')).status).toBe(403);
    // Realized 540 < target 600: the controller must explain the shortfall.
    const silent = await decide(r.body.id, users.controller.token, '');
    expect(silent.status).toBe(422);
    expect(silent.body.error.code).toBe('EXPLANATION_REQUIRED');
    expect(
      (await decide(r.body.id, users.controller.token, 'volume loss at customer X')).status,
    ).toBe(200);
    expect(await stage('M-G')).toBe('closed');
  });

  it('closed and cancelled measures are frozen', async () => {
    const { w, users, request, walk } = await gatesWorld();
    await walk('closed');
    const r = await push(w, users.controller.token, [
      { measure: 'M-G', kind: 'actual', period: '2027-01', value: 100, note: 'fix' },
    ]);
    expect(r.results[0].reason.code).toBe('MEASURE_FROZEN');
    expect((await w.call(users.owner.token, 'PATCH', '/measures/M-G', { title: 'x' })).status).toBe(
      422,
    );
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures/M-G/milestones', {
          title: 'x',
          due: '2027-09-01',
        })
      ).status,
    ).toBe(422);
    expect((await request('M-G', 'cancelled', 'x')).status).toBe(422);
  });

  it('cancel: a reason, approved by the sponsor or steering; pending requests are withdrawn', async () => {
    const { w, users, request, decide, stage } = await gatesWorld();
    await measure(w, 'M-C', { startPeriod: '2027-08', endPeriod: '2027-12' });
    await push(
      w,
      users.owner.token,
      ['target', 'forecast'].map((kind) => ({
        measure: 'M-C',
        kind,
        period: '2027-09',
        value: 100,
      })),
    );
    const out = await push(w, users.owner.token, [
      { measure: 'M-C', kind: 'forecast', period: '2028-01', value: 1, note: 'x' },
    ]);
    expect(out.results[0].reason.code).toBe('OUT_OF_WINDOW');
    const pending = await push(w, users.owner.token, [
      {
        measure: 'M-C',
        kind: 'forecast',
        period: '2027-09',
        value: 10,
        baseVersion: 1,
        note: 'lost',
      },
    ]);
    expect(pending.results[0].outcome).toBe('pending');
    expect((await request('M-C', 'cancelled', '')).status).toBe(422);
    const r = await request('M-C', 'cancelled', 'supplier exit');
    expect(r.body.waitingOn.role).toBe('sponsor_or_steering');
    expect((await decide(r.body.id, users.controller.token)).status).toBe(403);
    expect((await decide(r.body.id, users.steering.token, 'agreed')).status).toBe(200);
    expect(await stage('M-C')).toBe('cancelled');
    const withdrawn = (
      await w.call(users.controller.token, 'GET', '/change-requests?scope=M-C&status=withdrawn')
    ).body.changeRequests;
    expect(withdrawn.map((x: any) => x.id)).toEqual([pending.results[0].changeRequestId]);
  });

  it('gate decisions are in the audit trail with who, when and the comments', async () => {
    const { w, users, request, decide } = await gatesWorld();
    await measure(w, 'M-C');
    const r = await request('M-C', 'cancelled', 'supplier exit');
    await decide(r.body.id, users.steering.token, 'agreed');
    const events = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-C')).body.events.filter(
      (e: any) => e.action.startsWith('gate.'),
    );
    expect(events.map((e: any) => [e.action, e.actor])).toEqual([
      ['gate.requested', users.owner.id],
      ['gate.approved', users.steering.id],
    ]);
    expect(events[1]).toMatchObject({
      before: { stage: 'defined' },
      after: { stage: 'cancelled', comment: 'agreed' },
    });
  });
});
