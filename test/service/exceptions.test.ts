import { describe, expect, it, vi } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

const DAY = 86_400_000;

// Each test plans its own measure and moves the shared clock only forward, relative to where it
// is: the tests run alone and in any order.
describe('exceptions and escalation', async () => {
  const w = await world(new Date('2027-02-01T09:00:00Z'));
  const { users } = w;
  const list = async (scope: string, token = users.viewer.token) =>
    (await w.call(token, 'GET', `/exceptions?scope=${scope}`)).body.exceptions as any[];
  /** Time passes, and the service's sweep runs as it does every minute. */
  const later = async (days: number) => {
    w.clock.now = new Date(w.clock.now.getTime() + days * DAY);
    await w.sweep();
  };
  const inDays = (days: number) =>
    new Date(w.clock.now.getTime() + days * DAY).toISOString().slice(0, 10);
  let n = 0;
  /** A measure with 1,000 a month of target and forecast (6,000 at stake) and a milestone. */
  async function planned(due = inDays(4)) {
    const code = `M-E${++n}`;
    await measure(w, code);
    await push(w, users.owner.token, [
      ...plan(code, 'target', 1000),
      ...plan(code, 'forecast', 1000),
    ]);
    const milestone = (
      await w.call(users.owner.token, 'POST', `/measures/${code}/milestones`, {
        title: 'Tender',
        due,
      })
    ).body;
    return { code, milestone };
  }

  it('raises an overdue milestone by itself, with owner, decision needed, value at stake and level', async () => {
    const { code } = await planned();
    expect(await list(code)).toEqual([]);
    await later(5);
    const [e] = await list(code);
    expect(e).toMatchObject({
      type: 'milestone_overdue',
      measure: code,
      owner: users.owner.id,
      level: 1,
      valueAtStake: 6000,
      decisionNeeded: expect.stringContaining('Tender'),
      openedAt: w.clock.now.toISOString(),
      status: 'open',
    });
  });

  it('a read never writes: what time alone changes waits for the sweep, which raises it once', async () => {
    const { code } = await planned();
    const count = async () =>
      (
        await w.db.client.execute(
          "SELECT (SELECT COUNT(*) FROM audit_batches) AS batches, (SELECT value FROM meta WHERE key = 'revision') AS revision",
        )
      ).rows[0];
    w.clock.now = new Date(w.clock.now.getTime() + 5 * DAY);
    const before = await count();
    const writes = vi.spyOn(w.db, 'write');
    expect(await list(code)).toEqual([]);
    await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG');
    expect(writes).not.toHaveBeenCalled();
    expect(await count()).toEqual(before);
    writes.mockRestore();
    expect(await w.sweep()).toBeGreaterThan(0);
    expect((await list(code)).map((e) => e.type)).toEqual(['milestone_overdue']);
    expect(await w.sweep()).toBe(0);
  });

  it('a write raises what it makes true in its own transaction, with the audit of its change', async () => {
    const { code } = await planned();
    const late = await w.call(users.owner.token, 'POST', `/measures/${code}/milestones`, {
      title: 'Permit',
      due: inDays(-3),
    });
    expect(late.status).toBe(201);
    expect((await list(code)).map((e) => e.type)).toEqual(['milestone_overdue']);
    const events = (await w.call(users.viewer.token, 'GET', `/audit?scope=${code}`)).body.events;
    const added = events.find(
      (e: any) => e.action === 'milestone.added' && e.after.title === 'Permit',
    );
    const raised = events.find((e: any) => e.action === 'exception.raised');
    // One batch: the same time, actor and request as the change that made the condition true.
    expect(raised).toMatchObject({
      at: added.at,
      actor: users.owner.id,
      requestId: added.requestId,
      source: { by: 'rules' },
    });
    expect(raised.seq).toBe(added.seq + 1);
  });

  it('acknowledging stops nothing: it still climbs a level after 7 days open', async () => {
    const { code } = await planned();
    await later(5);
    const [e] = await list(code);
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
    await later(7);
    expect((await list(code))[0]).toMatchObject({
      id: e.id,
      level: 2,
      status: 'acknowledged',
      waitingOn: ['sponsor', 'controller'],
    });
    await later(7);
    expect((await list(code))[0]).toMatchObject({ level: 3, waitingOn: ['steering committee'] });
    const atLevel = async (level: number) =>
      (
        await w.call(users.viewer.token, 'GET', `/exceptions?scope=ORG&level=${level}`)
      ).body.exceptions.filter((x: any) => x.measure === code);
    expect(await atLevel(3)).toHaveLength(1);
    expect(await atLevel(1)).toHaveLength(0);
  });

  it('resolves itself when its condition clears', async () => {
    const { code, milestone } = await planned();
    await later(5);
    const [e] = await list(code);
    await w.call(users.owner.token, 'POST', `/exceptions/${e.id}/acknowledge`, {
      comment: 'on it',
    });
    await later(7);
    await w.call(users.owner.token, 'PATCH', `/milestones/${milestone.id}`, { done: true });
    expect(await list(code)).toEqual([]);
    const audit = (await w.call(users.viewer.token, 'GET', `/audit?scope=${code}`)).body.events.map(
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

  /** Forecast cut to 100 a month from March (approved): value slipping and masked slippage. */
  async function slipped(code: string) {
    const r = await push(
      w,
      users.owner.token,
      ['2027-03', '2027-04', '2027-05', '2027-06'].map((period) => ({
        measure: code,
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
  }

  it('value slipping and masked slippage; starts higher when the value at stake passes the thresholds', async () => {
    const { code } = await planned(inDays(60));
    const thresholds = (level2: number | null, level3: number | null) =>
      w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', {
        escalationValueLevel2: level2,
        escalationValueLevel3: level3,
      });
    await thresholds(1000, 100000);
    try {
      await slipped(code);
      const found = await list(code);
      expect(found.map((e) => e.type).sort()).toEqual(['masked_slippage', 'value_slipping']);
      expect(found.find((e) => e.type === 'value_slipping')).toMatchObject({
        valueAtStake: 3600,
        level: 2,
      });
    } finally {
      await thresholds(null, null);
    }
  });

  it('resolved by hand (with a comment) stays resolved until its condition changes', async () => {
    const { code } = await planned(inDays(60));
    await slipped(code);
    const masked = (await list(code)).find((e) => e.type === 'masked_slippage');
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
    await later(1);
    expect((await list(code)).map((e) => e.type)).toEqual(['value_slipping']);
    const slipping = (await list(code))[0];
    await w.call(users.sponsor.token, 'POST', `/exceptions/${slipping.id}/resolve`, {
      comment: 'known',
    });
    expect(await list(code)).toEqual([]);
    // The condition changes (off track → at risk): a new exception is raised.
    await push(w, users.owner.token, [
      {
        measure: code,
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
    expect((await list(code)).map((e) => e.type)).toEqual(['value_slipping']);
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
      due: inDays(-30),
    });
    await w.call(users.owner.token, 'PATCH', '/measures/M-F', { declaredStatus: 'on_track' });
    await later(6);
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
      due: inDays(-30),
    });
    await later(1);
    expect(await list('M-H')).toEqual([]);
  });

  it('lists only what the user may see', async () => {
    expect((await w.call(users.outsider.token, 'GET', '/exceptions')).body.exceptions).toEqual([]);
    expect((await w.call(users.outsider.token, 'GET', '/exceptions?scope=ORG')).status).toBe(404);
  });
});
