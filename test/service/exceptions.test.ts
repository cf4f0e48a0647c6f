import { describe, expect, it, vi } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

const DAY = 86_400_000;

describe('exceptions and escalation', async () => {
  const w = await world(new Date('2027-02-01T09:00:00Z'));
  const { users } = w;
  const list = async (scope = 'M-E', token = users.viewer.token) =>
    (await w.call(token, 'GET', `/exceptions?scope=${scope}`)).body.exceptions as any[];
  const later = (days: number) => (w.clock.now = new Date(w.clock.now.getTime() + days * DAY));

  await measure(w, 'M-E');
  await push(w, users.owner.token, [
    ...plan('M-E', 'target', 1000),
    ...plan('M-E', 'forecast', 1000),
  ]);
  const ms = (
    await w.call(users.owner.token, 'POST', '/measures/M-E/milestones', {
      title: 'Tender',
      due: '2027-02-05',
    })
  ).body;

  it('raises an overdue milestone by itself, with owner, decision needed, value at stake and level', async () => {
    expect(await list()).toEqual([]);
    later(5);
    const [e] = await list();
    expect(e).toMatchObject({
      type: 'milestone_overdue',
      measure: 'M-E',
      owner: users.owner.id,
      level: 1,
      valueAtStake: 6000,
      decisionNeeded: expect.stringContaining('Tender'),
      openedAt: w.clock.now.toISOString(),
      status: 'open',
    });
  });

  it('reading exceptions again when nothing changed takes no write lock and writes nothing', async () => {
    const count = async () =>
      (
        await w.db.client.execute(
          "SELECT (SELECT COUNT(*) FROM audit_batches) AS batches, (SELECT value FROM meta WHERE key = 'revision') AS revision",
        )
      ).rows[0];
    const before = await count();
    const writes = vi.spyOn(w.db, 'write');
    await list();
    await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG');
    expect(writes).not.toHaveBeenCalled();
    expect(await count()).toEqual(before);
  });

  it('acknowledging stops nothing: it still climbs a level after 7 days open', async () => {
    const [e] = await list();
    expect(
      (
        await w.call(users.planner2.token, 'POST', `/exceptions/${e.id}/acknowledge`, {
          comment: 'seen',
        })
      ).status,
    ).toBe(403);
    const ack = await w.call(users.owner.token, 'POST', `/exceptions/${e.id}/acknowledge`, {
      comment: 'on it',
    });
    expect(ack.body.status).toBe('acknowledged');
    later(7);
    expect((await list())[0]).toMatchObject({
      id: e.id,
      level: 2,
      status: 'acknowledged',
      waitingOn: ['sponsor', 'controller'],
    });
    later(7);
    expect((await list())[0]).toMatchObject({ level: 3, waitingOn: ['steering committee'] });
    expect(
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=ORG&level=3')).body.exceptions,
    ).toHaveLength(1);
    expect(
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=ORG&level=1')).body.exceptions,
    ).toHaveLength(0);
  });

  it('resolves itself when its condition clears', async () => {
    await w.call(users.owner.token, 'PATCH', `/milestones/${ms.id}`, { done: true });
    expect(await list()).toEqual([]);
    const audit = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-E')).body.events.map(
      (e: any) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        'exception.raised',
        'exception.acknowledged',
        'exception.escalated',
        'exception.cleared',
      ]),
    );
  });

  it('value slipping and masked slippage; starts higher when the value at stake passes the thresholds', async () => {
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', {
      escalationValueLevel2: 1000,
      escalationValueLevel3: 100000,
    });
    const r = await push(
      w,
      users.owner.token,
      ['2027-03', '2027-04', '2027-05', '2027-06'].map((period) => ({
        measure: 'M-E',
        kind: 'forecast',
        period,
        value: 100,
        baseVersion: 1,
        note: 'demand collapse',
      })),
    );
    for (const x of r.results)
      await w.call(
        users.controller.token,
        'POST',
        `/change-requests/${x.changeRequestId}/approve`,
        { comment: 'confirmed' },
      );
    const found = await list();
    expect(found.map((e) => e.type).sort()).toEqual(['masked_slippage', 'value_slipping']);
    expect(found.find((e) => e.type === 'value_slipping')).toMatchObject({
      valueAtStake: 3600,
      level: 2,
    });
  });

  it('resolved by hand (with a comment) stays resolved until its condition changes', async () => {
    const masked = (await list()).find((e) => e.type === 'masked_slippage');
    expect(
      (await w.call(users.owner.token, 'POST', `/exceptions/${masked.id}/resolve`, { comment: '' }))
        .status,
    ).toBe(422);
    expect(
      (
        await w.call(users.sponsor.token, 'POST', `/exceptions/${masked.id}/resolve`, {
          comment: 'accepted: re-baseline next cycle',
        })
      ).status,
    ).toBe(200);
    later(1);
    expect((await list()).map((e) => e.type)).toEqual(['value_slipping']);
    const slipping = (await list())[0];
    await w.call(users.sponsor.token, 'POST', `/exceptions/${slipping.id}/resolve`, {
      comment: 'known',
    });
    expect(await list()).toEqual([]);
    // The condition changes (off track → at risk): a new exception is raised.
    await push(w, users.owner.token, [
      {
        measure: 'M-E',
        kind: 'forecast',
        period: '2027-03',
        value: 2500,
        baseVersion: 2,
        note: 'recovered',
      },
    ]).then(async (x) =>
      w.call(
        users.controller.token,
        'POST',
        `/change-requests/${x.results[0].changeRequestId}/approve`,
        { comment: 'ok' },
      ),
    );
    expect((await list()).map((e) => e.type)).toEqual(['value_slipping']);
  });

  it('approval overdue after the SLA, waiting on the approver; status mismatch for a rosy declared status', async () => {
    await measure(w, 'M-F');
    await push(w, users.owner.token, plan('M-F', 'target', 10));
    await w.call(users.owner.token, 'POST', '/measures/M-F/gate', {
      to: 'identified',
      comment: 'go',
    });
    await w.call(users.owner.token, 'POST', '/measures/M-F/milestones', {
      title: 'Old',
      due: '2027-01-01',
    });
    await w.call(users.owner.token, 'PATCH', '/measures/M-F', { declaredStatus: 'on_track' });
    later(6);
    const found = await list('M-F');
    expect(found.map((e) => e.type).sort()).toEqual([
      'approval_overdue',
      'milestone_overdue',
      'status_mismatch',
    ]);
    expect(found.find((e) => e.type === 'approval_overdue').owner).toBe(users.sponsor.id);
  });

  it('on hold, overdue milestones raise no new exceptions', async () => {
    await measure(w, 'M-H');
    await w.call(users.sponsor.token, 'POST', '/measures/M-H/hold', { comment: 'paused' });
    await w.call(users.owner.token, 'POST', '/measures/M-H/milestones', {
      title: 'Late',
      due: '2027-01-01',
    });
    expect(await list('M-H')).toEqual([]);
  });

  it('lists only what the user may see', async () => {
    expect((await w.call(users.outsider.token, 'GET', '/exceptions')).body.exceptions).toEqual([]);
    expect((await w.call(users.outsider.token, 'GET', '/exceptions?scope=ORG')).status).toBe(404);
  });
});
