import { describe, expect, it } from 'vitest';
import { measure, world } from '../helpers.js';

describe('measures', async () => {
  const w = await world();
  const { users } = w;
  const base = {
    packageCode: 'ORG-PKG',
    title: 'Freight',
    ownerId: users.owner.id,
    sponsorId: users.sponsor.id,
    controllerId: users.controller.id,
    startPeriod: '2027-01',
    endPeriod: '2027-06',
  };

  it('a planner creates a measure in stage defined; the answer is the measure itself', async () => {
    const r = await w.call(users.owner.token, 'POST', '/measures', { ...base, code: 'M-1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      code: 'M-1',
      stage: 'defined',
      doi: 1,
      owner: { id: users.owner.id },
      implementationStatus: 'on_track',
      potentialStatus: 'on_track',
      packageCode: 'ORG-PKG',
    });
  });

  it('a measure says what the signed-in user may do with it, by the policies its writes check', async () => {
    await measure(w, 'M-MAY');
    const may = async (token: string) => (await w.call(token, 'GET', '/measures/M-MAY')).body.may;
    expect(await may(users.owner.token)).toEqual({
      requestGate: true,
      hold: false,
      editPlan: true,
    });
    expect(await may(users.sponsor.token)).toEqual({
      requestGate: false,
      hold: true,
      editPlan: false,
    });
    expect(await may(users.controller.token)).toEqual({
      requestGate: false,
      hold: false,
      editPlan: false,
    });
    expect(await may(users.viewer.token)).toEqual({
      requestGate: false,
      hold: false,
      editPlan: false,
    });
  });

  it('segregation of duties at creation: the owner cannot be the controller (422)', async () => {
    const r = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-2',
      controllerId: users.owner.id,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('SEGREGATION_OF_DUTIES');
    expect((await w.call(users.owner.token, 'GET', '/measures/M-2')).status).toBe(404);
  });

  it('and not by a later change either', async () => {
    await measure(w, 'M-SOD');
    const r = await w.call(users.admin.token, 'PATCH', '/measures/M-SOD', {
      controllerId: users.owner.id,
    });
    expect(r.status).toBe(422);
    expect((await w.call(users.owner.token, 'GET', '/measures/M-SOD')).body.controller.id).toBe(
      users.controller.id,
    );
  });

  it('named people must hold their role on the measure', async () => {
    const r = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-3',
      controllerId: users.viewer.id,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('ROLE_MISSING');
    const outsider = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M-3',
      sponsorId: users.outsider.id,
    });
    expect(outsider.status).toBe(422);
  });

  it('duplicate code 409 (ignoring case), wrong parent level 422, viewer 403, bad window 400, malformed 400', async () => {
    await measure(w, 'M-DUP');
    expect(
      (await w.call(users.owner.token, 'POST', '/measures', { ...base, code: 'M-DUP' })).status,
    ).toBe(409);
    expect(
      (await w.call(users.owner.token, 'POST', '/measures', { ...base, code: 'ORG-PRJ' })).status,
    ).toBe(409);
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures', {
          ...base,
          code: 'M-4',
          packageCode: 'ORG-PRJ',
        })
      ).status,
    ).toBe(422);
    expect(
      (await w.call(users.viewer.token, 'POST', '/measures', { ...base, code: 'M-4' })).status,
    ).toBe(403);
    expect(
      (await w.call(users.owner.token, 'POST', '/measures', { ...base, code: 'm-dup' })).body.error,
    ).toMatchObject({ code: 'DUPLICATE_CODE', message: expect.stringMatching(/as M-DUP/) });
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures', {
          ...base,
          code: 'M-4',
          startPeriod: '2027-07',
        })
      ).status,
    ).toBe(400);
    const bad = await w.call(users.owner.token, 'POST', '/measures', {
      ...base,
      code: 'M 4',
      startPeriod: 'July',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['code', 'startPeriod']);
  });

  it('the owner edits descriptive fields and declares a status; others may not declare', async () => {
    await measure(w, 'M-EDIT');
    const r = await w.call(users.owner.token, 'PATCH', '/measures/M-EDIT', {
      title: 'Freight tender',
      declaredStatus: 'on_track',
    });
    expect(r.body).toMatchObject({ title: 'Freight tender', declaredStatus: 'on_track' });
    expect(
      (
        await w.call(users.planner2.token, 'PATCH', '/measures/M-EDIT', {
          declaredStatus: 'delayed',
        })
      ).status,
    ).toBe(403);
    expect(
      (await w.call(users.viewer.token, 'PATCH', '/measures/M-EDIT', { title: 'x' })).status,
    ).toBe(403);
  });

  it('milestones, risks and dependencies drive the implementation status', async () => {
    await measure(w, 'M-5');
    w.clock.now = new Date('2027-01-15T09:00:00Z');
    const ms = await w.call(users.owner.token, 'POST', '/measures/M-5/milestones', {
      title: 'Tender',
      due: '2027-01-10',
    });
    expect(ms.status).toBe(201);
    expect(
      (await w.call(users.owner.token, 'GET', '/measures/M-5')).body.implementationStatus,
    ).toBe('delayed');
    await w.call(users.owner.token, 'PATCH', `/milestones/${ms.body.id}`, { done: true });
    expect(
      (await w.call(users.owner.token, 'GET', '/measures/M-5')).body.implementationStatus,
    ).toBe('on_track');
    const risk = await w.call(users.owner.token, 'POST', '/measures/M-5/risks', {
      title: 'Capacity',
      severity: 'high',
    });
    expect(
      (await w.call(users.owner.token, 'GET', '/measures/M-5')).body.implementationStatus,
    ).toBe('at_risk');
    await w.call(users.owner.token, 'PATCH', `/risks/${risk.body.id}`, { open: false });
    const dep = await w.call(users.owner.token, 'POST', '/measures/M-5/dependencies', {
      title: 'IT release',
      due: '2027-01-02',
      ownerId: users.planner2.id,
    });
    expect(dep.status).toBe(201);
    const view = (await w.call(users.owner.token, 'GET', '/measures/M-5')).body;
    expect(view.implementationStatus).toBe('at_risk');
    expect(view.dependencies[0]).toMatchObject({
      title: 'IT release',
      owner: { id: users.planner2.id },
      done: false,
    });
    expect(
      (
        await w.call(users.viewer.token, 'POST', '/measures/M-5/milestones', {
          title: 'x',
          due: '2027-02-01',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await w.call(users.owner.token, 'POST', '/measures/M-5/milestones', {
          title: 'x',
          due: '2027-02-30',
        })
      ).status,
    ).toBe(400);
  });

  it('a milestone records when it was done, clears it when reopened, and both are audited', async () => {
    await measure(w, 'M-DONE');
    const ms = (
      await w.call(users.owner.token, 'POST', '/measures/M-DONE/milestones', {
        title: 'Pilot',
        due: '2027-03-01',
      })
    ).body;
    const done = await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, { done: true });
    expect(done.body).toMatchObject({
      id: ms.id,
      done: true,
      doneAt: w.clock.now.toISOString(),
      measure: 'M-DONE',
    });
    const again = await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, {
      done: true,
      title: 'Pilot plant',
    });
    expect(again.body).toMatchObject({ title: 'Pilot plant', doneAt: w.clock.now.toISOString() });
    const reopened = await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, {
      done: false,
    });
    expect(reopened.body).toMatchObject({ done: false, doneAt: null, title: 'Pilot plant' });
    const events = (
      await w.call(users.viewer.token, 'GET', '/audit?scope=M-DONE')
    ).body.events.filter((e: any) => e.subject === ms.id);
    expect(events.map((e: any) => e.action)).toEqual([
      'milestone.added',
      'milestone.updated',
      'milestone.updated',
      'milestone.updated',
    ]);
    expect(events[1]).toMatchObject({
      before: { done: false, doneAt: null },
      after: { done: true, doneAt: w.clock.now.toISOString() },
    });
  });

  it('hold and resume: sponsor or steering, with a reason', async () => {
    await measure(w, 'M-HOLD');
    expect(
      (await w.call(users.owner.token, 'POST', '/measures/M-HOLD/hold', { comment: 'x' })).status,
    ).toBe(403);
    expect(
      (await w.call(users.sponsor.token, 'POST', '/measures/M-HOLD/hold', { comment: '' })).status,
    ).toBe(422);
    const held = await w.call(users.sponsor.token, 'POST', '/measures/M-HOLD/hold', {
      comment: 'plant decision',
    });
    expect(held.body).toMatchObject({ onHold: true, holdReason: 'plant decision' });
    expect(
      (await w.call(users.steering.token, 'POST', '/measures/M-HOLD/hold', { comment: 'again' }))
        .status,
    ).toBe(409);
    const resumed = await w.call(users.steering.token, 'POST', '/measures/M-HOLD/resume', {
      comment: 'decided',
    });
    expect(resumed.body.onHold).toBe(false);
  });
});
