import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, measure, plan, push, world } from '../helpers.js';

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

describe('rollup by month, and the measures furthest from target', () => {
  it('adds up each month of the scope as the cells say, kept as they change; names the widest variances', async () => {
    const w = await world(new Date('2027-04-15T09:00:00Z'));
    const { users } = w;
    await measure(w, 'BM-1');
    await measure(w, 'BM-2');
    const cell = (m: string, kind: string, period: string, value: number) => ({
      measure: m,
      kind,
      period,
      value,
    });
    await push(w, users.owner.token, [
      cell('BM-1', 'target', '2027-01', 100),
      cell('BM-1', 'forecast', '2027-01', 95),
      cell('BM-1', 'target', '2027-02', 100),
      cell('BM-2', 'target', '2027-02', 50),
      cell('BM-2', 'forecast', '2027-02', 48),
      cell('BM-2', 'target', '2027-03', 50),
      cell('BM-2', 'forecast', '2027-03', 52),
    ]);
    await push(w, users.controller.token, [
      cell('BM-1', 'actual', '2027-01', 80),
      cell('BM-2', 'actual', '2027-02', 45),
    ]);
    // Closing months moves expected to the actuals there: the settings change keeps it anew.
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: '2027-02' });
    const rollup = async (query = '') =>
      (await w.call(users.viewer.token, 'GET', `/reports/rollup?scope=ORG${query}`)).body;
    const r = await rollup();
    expect(r.byMonth).toEqual([
      { period: '2027-01', target: 100, forecast: 95, actual: 80, expected: 80 },
      { period: '2027-02', target: 150, forecast: 48, actual: 45, expected: 145 },
      { period: '2027-03', target: 50, forecast: 52, actual: 0, expected: 52 },
    ]);
    // The months add up to the totals.
    expect(r.byMonth.reduce((t: number, m: { expected: number }) => t + m.expected, 0)).toBe(
      r.totals.expected,
    );
    expect((await rollup('&from=2027-02&to=2027-02')).byMonth.map((m: any) => m.period)).toEqual([
      '2027-02',
    ]);
    // BM-1: expected 80 + 100 = 180 against 200 (−20); BM-2: 45 + 52 = 97 against 100 (−3).
    const owner = { id: users.owner.id, name: 'owner' };
    expect(r.topVariances).toEqual([
      { measure: 'BM-1', title: 'Measure BM-1', owner, target: 200, expected: 180, variance: -20 },
      { measure: 'BM-2', title: 'Measure BM-2', owner, target: 100, expected: 97, variance: -3 },
    ]);
    // A change is in the very next read.
    await push(w, users.owner.token, [
      { ...cell('BM-2', 'forecast', '2027-03', 50), baseVersion: 1 },
    ]);
    const after = await rollup();
    expect(after.byMonth[2]).toEqual({
      period: '2027-03',
      target: 50,
      forecast: 50,
      actual: 0,
      expected: 50,
    });
    expect(after.topVariances[1]).toMatchObject({ measure: 'BM-2', variance: -5 });
    // Opening February again: its expected is the forecast, or the target, once more.
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: '2027-01' });
    expect((await rollup()).byMonth[1].expected).toBe(148);
  });
});

describe('variance register', async () => {
  const w = await world(new Date('2027-04-10T09:00:00Z'));
  const { users } = w;
  const admin = (method: string, path: string, body?: unknown) =>
    w.call(ADMIN_TOKEN, method, path, body);
  await admin('POST', '/nodes', {
    parentCode: 'ORG-PF',
    level: 'program',
    code: 'ORG-PG2',
    name: 'Logistics',
  });
  await admin('POST', '/nodes', {
    parentCode: 'ORG-PG2',
    level: 'project',
    code: 'ORG-PRJ2',
    name: 'x',
  });
  await admin('POST', '/nodes', {
    parentCode: 'ORG-PRJ2',
    level: 'package',
    code: 'ORG-PKG2',
    name: 'x',
  });
  const monthly = { 'V-1': 100, 'V-2': 80, 'V-3': 105, 'V-4': 100 };
  for (const [code, forecast] of Object.entries(monthly)) {
    await measure(w, code, code === 'V-1' ? {} : { packageCode: 'ORG-PKG2' });
    await push(w, users.owner.token, [
      ...plan(code, 'target', 100),
      // A material change waits for the controller, with the planner's reason.
      ...plan(code, 'forecast', forecast).map((c) => ({ ...c, note: 'volume lost' })),
    ]);
  }
  // V-2's forecast is 20 % under target: material, it waits for the controller.
  for (const r of (await w.call(users.controller.token, 'GET', '/change-requests?scope=V-2')).body
    .changeRequests)
    await w.call(users.controller.token, 'POST', `/change-requests/${r.id}/approve`, {
      comment: 'ok',
    });
  const gate = await w.call(users.owner.token, 'POST', '/measures/V-4/gate', {
    to: 'cancelled',
    comment: 'dropped',
  });
  await w.call(users.sponsor.token, 'POST', `/gate-requests/${gate.body.id}/approve`, {
    comment: 'ok',
  });
  const register = async (token: string, scope = 'ORG') =>
    w.call(token, 'GET', `/reports/variances?scope=${scope}`);

  it('lists every measure but the cancelled beside its target, with program and owner, flagged by materiality', async () => {
    const r = await register(users.viewer.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      scope: 'ORG',
      name: 'ORG',
      currency: 'EUR',
      materialityPct: 10,
    });
    const owner = { id: users.owner.id, name: 'owner' };
    const row = (measure: string, program: object, expected: number, flag: string) => ({
      measure,
      title: `Measure ${measure}`,
      program,
      owner,
      stage: 'defined',
      onHold: false,
      target: 600,
      forecast: expected,
      actual: 0,
      expected,
      variance: expected - 600,
      flag,
    });
    const main = { code: 'ORG-PG', name: 'Program' };
    const logistics = { code: 'ORG-PG2', name: 'Logistics' };
    expect(r.body.measures).toEqual([
      row('V-1', main, 600, 'on_target'),
      row('V-2', logistics, 480, 'shortfall'),
      row('V-3', logistics, 630, 'on_target'),
    ]);
  });

  it('flags by the absolute threshold too, in the currency', async () => {
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { materialityAbs: 20 });
    try {
      const r = await register(users.viewer.token);
      expect(r.body.materialityAbs).toBe(20);
      expect(r.body.measures.map((m: any) => m.flag)).toEqual(['on_target', 'shortfall', 'ahead']);
    } finally {
      await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { materialityAbs: null });
    }
  });

  it('answers what the caller may see: a viewer of one package gets its measures only; an outsider 404', async () => {
    const u = (await admin('POST', '/users', { name: 'pk', email: 'pk@example.com' })).body;
    await admin('POST', '/nodes/ORG-PKG2/roles', { userId: u.id, role: 'viewer' });
    const r = await register(u.token);
    expect(r.status).toBe(200);
    expect(r.body.measures.map((m: any) => m.measure)).toEqual(['V-2', 'V-3']);
    expect((await register(users.outsider.token)).status).toBe(404);
    expect((await register(users.viewer.token, 'nope!')).status).toBe(400);
  });
});
