// Approvals re-check their rule when decided (api-v1.md, "Decision-time rules"), settings that
// must stay consistent, and actuals only for months that have begun.
import { describe, expect, it } from 'vitest';
import { advance, measure, plan, push, world } from '../helpers.js';

describe('a gate is judged on the figures as they are when decided', async () => {
  const w = await world(new Date('2027-01-15T09:00:00Z'));
  const { users } = w;
  const request = (code: string, to: string) => w.call(users.owner.token, 'POST', `/measures/${code}/gate`, { to, comment: 'ready' });
  const approve = (id: string, token: string) => w.call(token, 'POST', `/gate-requests/${id}/approve`, { comment: 'ok' });

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
    await w.call(users.owner.token, 'POST', '/measures/M-PIN/milestones', { title: 'Tender', due: '2027-12-31' });
    const r = await request('M-PIN', 'detailed');
    expect(r.body.validates).toEqual({ baseline: 6000, target: 6000 });
    // The target is multiplied while the gate to Detailed waits (before Detailed it applies at once).
    await push(w, users.owner.token, plan('M-PIN', 'target', 90_000).map((c) => ({ ...c, baseVersion: 1 })));
    const stale = await approve(r.body.id, users.controller.token);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_REQUEST');
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-PIN')).body).toMatchObject({ stage: 'identified', openRequests: { gateRequest: null } });
    const withdrawn = (await w.call(users.controller.token, 'GET', '/gate-requests?status=withdrawn')).body.gateRequests;
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
  const events = async () => (await w.call(users.admin.token, 'GET', '/audit?scope=ORG')).body.events.length;

  it('the currency changes while no amount is held, then is locked (422 CURRENCY_LOCKED)', async () => {
    expect((await patch({ currency: 'CHF' })).status).toBe(200);
    await measure(w, 'M-CUR');
    await push(w, users.owner.token, plan('M-CUR', 'target', 1000));
    const r = await patch({ currency: 'JPY' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CURRENCY_LOCKED');
    expect((await w.call(users.viewer.token, 'GET', '/measures/M-CUR')).body).toMatchObject({ currency: 'CHF', figures: { target: 6000 } });
  });

  it('must be consistent: level 3 at least level 2, thresholds at least one minor unit', async () => {
    expect((await patch({ escalationValueLevel2: 50_000, escalationValueLevel3: 10_000 })).body.error.code).toBe('INVALID_SETTINGS');
    expect((await patch({ materialityAbs: 0.001 })).body.error.code).toBe('INVALID_SETTINGS');
    expect((await patch({ steeringThreshold: 0 })).body.error.code).toBe('INVALID_SETTINGS');
    expect((await patch({ escalationValueLevel2: 10_000, escalationValueLevel3: 50_000 })).status).toBe(200);
  });

  it('a change that changes nothing writes nothing', async () => {
    const before = await events();
    const revision = (await w.call(users.viewer.token, 'GET', '/cells?scope=ORG')).body.revision;
    expect((await patch({ materialityPct: 10 })).status).toBe(200);
    expect(await events()).toBe(before);
    expect((await w.call(users.viewer.token, 'GET', '/cells?scope=ORG')).body.revision).toBe(revision);
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
    expect(r.results.map((x) => x.reason?.code ?? x.outcome)).toEqual(['FUTURE_PERIOD', 'applied', 'applied']);
  });
});
