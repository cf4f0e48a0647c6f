import { describe, expect, it } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

describe('rollup', async () => {
  const w = await world(new Date('2027-04-10T09:00:00Z'));
  const { users } = w;
  for (const code of ['R-1', 'R-2', 'R-3']) {
    await measure(w, code);
    const forecast = plan(code, 'forecast', code === 'R-2' ? 50 : 100).map((c) => ({
      ...c,
      note: 'half the volume',
    }));
    await push(w, users.owner.token, [
      ...plan(code, 'target', 100),
      ...plan(code, 'baseline', 400),
      ...forecast,
    ]);
  }
  // R-2's low forecast needs approval: approve so it is the record.
  for (const r of (await w.call(users.controller.token, 'GET', '/change-requests?scope=R-2')).body
    .changeRequests)
    await w.call(users.controller.token, 'POST', `/change-requests/${r.id}/approve`, {
      comment: 'ok',
    });
  await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
    closedThrough: '2027-02',
  });
  await push(w, users.controller.token, [
    { measure: 'R-1', kind: 'actual', period: '2027-01', value: 90 },
    { measure: 'R-1', kind: 'actual', period: '2027-02', value: 120 },
  ]);
  await w
    .call(users.owner.token, 'POST', '/measures/R-3/gate', {
      to: 'cancelled',
      comment: 'no longer needed',
    })
    .then((r) =>
      w.call(users.sponsor.token, 'POST', `/gate-requests/${r.body.id}/approve`, { comment: 'ok' }),
    );
  await w.call(users.sponsor.token, 'POST', '/measures/R-1/hold', { comment: 'wait' });

  it('rolls up money, leaving cancelled measures out of the totals', async () => {
    const r = await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG');
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('ORG');
    // expected: R-1's closed months at their actuals (210) and the rest at forecast (400), R-2 at forecast (300).
    expect(r.body.totals).toEqual({
      baseline: 4800,
      target: 1200,
      forecast: 900,
      actual: 210,
      expected: 910,
      forecastVariance: -300,
      actualVariance: 10,
      expectedVariance: -290,
    });
  });

  it('decisions waiting name each approver', async () => {
    await push(w, users.owner.token, [
      {
        measure: 'R-2',
        kind: 'forecast',
        period: '2027-05',
        value: 10,
        baseVersion: 1,
        note: 'cut',
      },
    ]);
    const r = (await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG')).body;
    expect(r.decisionsWaiting).toEqual([
      {
        approver: { id: users.controller.id, name: 'controller' },
        role: 'controller',
        changeRequests: 1,
        gateRequests: 0,
      },
    ]);
  });

  it('value by stage, on hold apart, status counts, exceptions by level, decisions waiting', async () => {
    const r = (await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG')).body;
    expect(r.byStage.defined).toEqual({ count: 2, target: 1200, forecast: 900 });
    expect(r.byStage.cancelled).toEqual({ count: 1, target: 600, forecast: 600 });
    expect(r.byStage.onHold).toEqual({ count: 1, target: 600, forecast: 600 });
    expect(r.implementationStatus).toEqual({ on_track: 2, at_risk: 0, delayed: 0, completed: 0 });
    // actual-less closed periods use forecast 50 of 100 → off track.
    expect(r.potentialStatus).toEqual({ on_track: 1, at_risk: 0, off_track: 1 });
    expect(r.exceptionsByLevel).toEqual({ 1: 2, 2: 0, 3: 0 });
  });

  it('a period range restricts the money', async () => {
    const r = (
      await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG&from=2027-01&to=2027-02')
    ).body;
    expect(r.totals).toMatchObject({ target: 400, actual: 210, actualVariance: 10 });
    expect(
      (await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=ORG&from=2027-1')).status,
    ).toBe(400);
  });

  it('answers only what the user sees; 404 when they see nothing of the scope', async () => {
    expect((await w.call(users.outsider.token, 'GET', '/reports/rollup?scope=ORG')).status).toBe(
      404,
    );
    const other = (await w.call(users.outsider.token, 'GET', '/reports/rollup?scope=OTHER')).body;
    expect(other.totals.target).toBe(0);
  });
});
