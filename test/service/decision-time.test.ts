// Approvals re-check their rule when decided (api-v1.md, "Decision-time rules"), settings that
// must stay consistent, and actuals only for months that have begun.
import { describe, expect, it } from 'vitest';
import { advance, measure, plan, push, world } from '../helpers.js';

describe('a gate is judged on the figures as they are when decided', async () => {
  const w = await world(new Date('2027-01-15T09:00:00Z'));
  const { users } = w;
  const request = (code: string, to: string) =>
    w.call(users.owner.token, 'POST', `/measures/${code}/gate`, { to, comment: 'ready' });
  const approve = (id: string, token: string) =>
    w.call(token, 'POST', `/gate-requests/${id}/approve`, { comment: 'ok' });

  it('the steering threshold is checked on the cumulative target at decision time, not at request time', async () => {
    await measure(w, 'M-ST');
    await advance(w, 'M-ST', 'detailed'); // target 6,000
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { steeringThreshold: 10_000 });
    const r = await request('M-ST', 'decided');
    expect(r.body.waitingOn.role).toBe('sponsor');
    // The threshold is lowered while the request waits: the sponsor may no longer decide it.
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { steeringThreshold: 5_000 });
    const sponsor = await approve(r.body.id, users.sponsor.token);
    expect(sponsor.status).toBe(403);
    expect(sponsor.body.error.message).toMatch(/steering/);
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-ST')).body.stage).toBe('detailed');
    const steering = await approve(r.body.id, users.steering.token);
    expect(steering.status).toBe(200);
    expect(steering.body.stage).toBe('decided');
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { steeringThreshold: null });
  });

  it('a gate request pins what it validates and shows it; changed since, approving answers 409 STALE_REQUEST and withdraws it', async () => {
    await measure(w, 'M-PIN');
    await advance(w, 'M-PIN', 'identified');
    await w.call(users.owner.token, 'POST', '/measures/M-PIN/milestones', {
      title: 'Tender',
      due: '2027-12-31',
    });
    const r = await request('M-PIN', 'detailed');
    expect(r.body.validates).toEqual({ baseline: 6000, target: 6000 });
    // The target is multiplied while the gate to Detailed waits (before Detailed it applies at once).
    await push(
      w,
      users.owner.token,
      plan('M-PIN', 'target', 90_000).map((c) => ({ ...c, baseVersion: 1 })),
    );
    const stale = await approve(r.body.id, users.controller.token);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_REQUEST');
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-PIN')).body).toMatchObject({
      stage: 'identified',
      openRequests: { gateRequest: null },
    });
    const withdrawn = (
      await w.call(users.controller.token, 'GET', '/gate-requests?status=withdrawn')
    ).body.gateRequests;
    expect(withdrawn.map((g: any) => g.id)).toContain(r.body.id);
    const again = await request('M-PIN', 'detailed');
    expect(again.body.validates).toEqual({ baseline: 6000, target: 540_000 });
    expect((await approve(again.body.id, users.controller.token)).status).toBe(200);
  });
});

describe('organization settings', async () => {
  const w = await world();
  const { users } = w;
  const patch = (body: unknown) => w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', body);
  const events = async () =>
    (await w.call(users.admin.token, 'GET', '/audit?scope=ORG')).body.events.length;

  it('the currency changes while no amount is held, then is locked (422 CURRENCY_LOCKED)', async () => {
    expect((await patch({ currency: 'CHF' })).status).toBe(200);
    await measure(w, 'M-CUR');
    await push(w, users.owner.token, plan('M-CUR', 'target', 1000));
    const r = await patch({ currency: 'JPY' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CURRENCY_LOCKED');
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-CUR')).body).toMatchObject({
      currency: 'CHF',
      figures: { target: 6000 },
    });
  });

  it('must be consistent: level 3 at least level 2, thresholds at least one minor unit', async () => {
    expect(
      (await patch({ escalationValueLevel2: 50_000, escalationValueLevel3: 10_000 })).body.error
        .code,
    ).toBe('INVALID_SETTINGS');
    expect((await patch({ materialityAbs: 0.001 })).body.error.code).toBe('INVALID_SETTINGS');
    expect((await patch({ steeringThreshold: 0 })).body.error.code).toBe('INVALID_SETTINGS');
    expect(
      (await patch({ escalationValueLevel2: 10_000, escalationValueLevel3: 50_000 })).status,
    ).toBe(200);
  });

  it('a change that changes nothing writes nothing', async () => {
    const before = await events();
    const revision = (await w.call(users.viewer.token, 'GET', '/cells?scope=ORG')).body.revision;
    expect((await patch({ materialityPct: 10 })).status).toBe(200);
    expect(await events()).toBe(before);
    expect((await w.call(users.viewer.token, 'GET', '/cells?scope=ORG')).body.revision).toBe(
      revision,
    ); // The exception rules are a record: the same rules in another order are no change either.
    expect((await patch({ exceptionRules: { stock_risk: 2, other: 3 } })).status).toBe(200);
    const ruled = await events();
    expect(ruled).toBe(before + 1);
    expect((await patch({ exceptionRules: { other: 3, stock_risk: 2 } })).status).toBe(200);
    expect(await events()).toBe(ruled);
    expect((await patch({ exceptionRules: { stock_risk: 4 } })).status).toBe(400);
  });
});

describe('actuals are for months that have begun', async () => {
  const w = await world(new Date('2027-03-10T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-ACT');

  it('an actual for next month is rejected FUTURE_PERIOD; this month and earlier apply', async () => {
    const r = await push(w, users.controller.token, [
      { measure: 'M-ACT', kind: 'actual', period: '2027-04', value: 10 },
      { measure: 'M-ACT', kind: 'actual', period: '2027-03', value: 10 },
      { measure: 'M-ACT', kind: 'actual', period: '2027-01', value: 10 },
    ]);
    expect(r.results.map((x) => x.reason?.code ?? x.outcome)).toEqual([
      'FUTURE_PERIOD',
      'applied',
      'applied',
    ]);
  });
});

/**
 * A world of its own on 2027-01-05: M-SAL with a target and a forecast of 34,000 a month, and its
 * owner cutting the March forecast (each cut against the version the last one left).
 */
async function salesMonth() {
  const w = await world(new Date('2027-01-05T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-SAL');
  await push(w, users.owner.token, [
    ...plan('M-SAL', 'target', 34_000),
    ...plan('M-SAL', 'forecast', 34_000),
  ]);
  let version = 1;
  const cut = async (value: number, note?: string) => {
    const [r] = (
      await push(w, users.owner.token, [
        {
          measure: 'M-SAL',
          kind: 'forecast',
          period: '2027-03',
          value,
          baseVersion: version,
          ...(note ? { note } : {}),
        },
      ])
    ).results;
    version = r.version;
    return r;
  };
  /** The controller approves the waiting request (the cell's version moves on). */
  const approve = async () => {
    const waiting = (await w.call(users.controller.token, 'GET', '/change-requests?scope=M-SAL'))
      .body.changeRequests;
    const r = await w.call(
      users.controller.token,
      'POST',
      `/change-requests/${waiting[0].id}/approve`,
      { comment: 'ok' },
    );
    version += 1;
    return r.status;
  };
  return { w, users, cut, approve };
}

describe('materiality adds up over a month', () => {
  it("three cuts of −3,000 on a 34,000 target: the first applies, the second is measured from the month's start and needs a note", async () => {
    const { cut } = await salesMonth();
    expect((await cut(31_000)).outcome).toBe('applied');
    expect((await cut(28_000)).reason?.code).toBe('NOTE_REQUIRED');
    const pending = await cut(28_000, 'second cut');
    expect(pending.outcome).toBe('pending');
    expect(pending.value).toBe(31_000);
  });

  it('once a controller approves, that value is the reference for the rest of the month', async () => {
    const { cut, approve } = await salesMonth();
    await cut(31_000);
    expect((await cut(28_000, 'second cut')).outcome).toBe('pending');
    expect(await approve()).toBe(200);
    expect((await cut(25_500)).outcome).toBe('applied'); // 2,500 from the approved 28,000: under 10 % of the target
    expect((await cut(23_000)).reason?.code).toBe('NOTE_REQUIRED'); // 5,000 from 28,000
  });

  it('a new month measures from the value the cell holds when it begins', async () => {
    const { w, cut, approve } = await salesMonth();
    await cut(31_000);
    await cut(28_000, 'second cut');
    await approve();
    await cut(25_500);
    expect((await cut(23_000)).reason?.code).toBe('NOTE_REQUIRED'); // 5,000 from 28,000 in January
    w.clock.now = new Date('2027-02-01T00:00:00Z');
    expect((await cut(23_000)).outcome).toBe('applied'); // 2,500 from 25,500
  });

  it('an empty cell is measured from the target first, then from the first value it took that month', async () => {
    const { w, users } = await salesMonth();
    await measure(w, 'M-SAL2');
    await push(w, users.owner.token, plan('M-SAL2', 'target', 10_000));
    const first = await push(w, users.owner.token, [
      { measure: 'M-SAL2', kind: 'forecast', period: '2027-04', value: 9_500 },
    ]);
    expect(first.results[0].outcome).toBe('applied');
    const second = await push(w, users.owner.token, [
      { measure: 'M-SAL2', kind: 'forecast', period: '2027-04', value: 8_900, baseVersion: 1 },
    ]);
    expect(second.results[0].outcome).toBe('applied'); // 600 from 9,500
    const third = await push(w, users.owner.token, [
      { measure: 'M-SAL2', kind: 'forecast', period: '2027-04', value: 8_400, baseVersion: 2 },
    ]);
    expect(third.results[0].reason?.code).toBe('NOTE_REQUIRED'); // 1,100 from 9,500
  });
});

describe('the rollup does not count a missing forecast as a shortfall', async () => {
  const w = await world(new Date('2027-01-15T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-NF');
  await push(w, users.owner.token, [
    ...plan('M-NF', 'target', 1000),
    { measure: 'M-NF', kind: 'forecast', period: '2027-01', value: 900 },
  ]);

  it('forecastVariance covers only periods with a forecast; expected falls back to the target', async () => {
    const r = (await w.call(users.viewer.token, 'GET', '/reports/rollup?scope=M-NF')).body;
    expect(r.totals).toMatchObject({
      target: 6000,
      forecast: 900,
      forecastVariance: -100,
      expected: 5900,
      expectedVariance: -100,
    });
  });
});

describe('exceptions: a second acknowledge is 409; a cancelled measure has no implementation status of its own', async () => {
  const w = await world(new Date('2027-01-15T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-EX');
  await w.call(users.owner.token, 'POST', '/measures/M-EX/milestones', {
    title: 'Late',
    due: '2027-01-01',
  });

  it('acknowledge once, then 409', async () => {
    const [e] = (await w.call(users.owner.token, 'GET', '/exceptions?scope=M-EX')).body.exceptions;
    expect(
      (
        await w.call(users.owner.token, 'POST', `/exceptions/${e.id}/acknowledge`, {
          comment: 'seen',
        })
      ).status,
    ).toBe(200);
    const again = await w.call(users.owner.token, 'POST', `/exceptions/${e.id}/acknowledge`, {
      comment: 'seen',
    });
    expect(again.status).toBe(409);
  });

  it('on hold, cancelled; then "cancelled" as its implementation status', async () => {
    await measure(w, 'M-EX2');
    expect(
      (await w.call(users.sponsor.token, 'POST', '/measures/M-EX2/hold', { comment: 'wait' }))
        .status,
    ).toBe(200);
    const r = await w.call(users.owner.token, 'POST', '/measures/M-EX2/gate', {
      to: 'cancelled',
      comment: 'stopped',
    });
    expect(r.status).toBe(201);
    expect(
      (
        await w.call(users.sponsor.token, 'POST', `/gate-requests/${r.body.id}/approve`, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-EX2')).body).toMatchObject({
      stage: 'cancelled',
      implementationStatus: 'cancelled',
    });
  });
});
