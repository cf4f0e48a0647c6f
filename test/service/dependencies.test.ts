// Governed dependencies: an owner, a due date, a status and a risk level. A late one raises
// dependency_late on its owner, at level 1, 2 or 3 for low, medium and high risk, escalating with
// age as any exception; its owner — perhaps in another function — says how it stands.
import { describe, expect, it } from 'vitest';
import { measure, world } from '../helpers.js';

const DAY = 86_400_000;

describe('governed dependencies', () => {
  it('a late dependency waits on its owner at the level its risk says, and clears when done', async () => {
    const w = await world(new Date('2027-01-15T09:00:00Z'));
    const { users } = w;
    await measure(w, 'M-DP');
    const add = (title: string, riskLevel?: string) =>
      w.call(users.owner.token, 'POST', '/measures/M-DP/dependencies', {
        title,
        due: '2027-01-20',
        ownerId: users.controller2.id,
        ...(riskLevel ? { riskLevel } : {}),
      });
    const low = await add('Supplier audit');
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ status: 'open', riskLevel: 'low', done: false });
    const high = (await add('New packaging line', 'high')).body;
    await add('Price list', 'medium');
    const late = async () =>
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=M-DP')).body.exceptions
        .filter((e: { type: string }) => e.type === 'dependency_late')
        .map((e: { level: number; owner: string; decisionNeeded: string }) => [
          e.level,
          e.owner,
          /"([^"]+)"/.exec(e.decisionNeeded)![1],
        ]);
    expect(await late()).toEqual([]);
    w.clock.now = new Date('2027-01-21T09:00:00Z');
    await w.sweep();
    expect(await late()).toEqual([
      [3, users.controller2.id, 'New packaging line'],
      [2, users.controller2.id, 'Price list'],
      [1, users.controller2.id, 'Supplier audit'],
    ]);
    // A week later the low one climbs, as any exception does.
    w.clock.now = new Date(w.clock.now.getTime() + 7 * DAY);
    await w.sweep();
    expect((await late()).map((l: unknown[]) => l[0])).toEqual([3, 3, 2]);
    // Its owner (a controller, not an editor of the plan) says it is done: the exception clears.
    const done = await w.call(users.controller2.token, 'PATCH', `/dependencies/${high.id}`, {
      status: 'done',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', done: true, riskLevel: 'high' });
    expect((await late()).map((l: unknown[]) => l[2])).toEqual(['Price list', 'Supplier audit']);
    const view = (await w.call(users.viewer.token, 'GET', '/measures/M-DP')).body;
    expect(
      view.dependencies
        .map((d: { title: string; status: string; riskLevel: string }) => [
          d.title,
          d.status,
          d.riskLevel,
        ])
        .sort(),
    ).toEqual([
      ['New packaging line', 'done', 'high'],
      ['Price list', 'open', 'medium'],
      ['Supplier audit', 'open', 'low'],
    ]);
  });

  it('its owner says how it stands but moves nothing; the plan’s editors do the rest', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-DQ');
    const dep = (
      await w.call(users.owner.token, 'POST', '/measures/M-DQ/dependencies', {
        title: 'IT interface',
        due: '2027-03-01',
        ownerId: users.controller2.id,
      })
    ).body;
    const patch = (token: string, body: unknown) =>
      w.call(token, 'PATCH', `/dependencies/${dep.id}`, body);
    expect((await patch(users.controller2.token, { status: 'at_risk' })).body.status).toBe(
      'at_risk',
    );
    expect((await patch(users.controller2.token, { due: '2027-06-01' })).status).toBe(403);
    expect((await patch(users.controller2.token, { riskLevel: 'low' })).status).toBe(403);
    expect((await patch(users.viewer.token, { status: 'done' })).status).toBe(403);
    const moved = await patch(users.owner.token, { due: '2027-04-01', riskLevel: 'high' });
    expect(moved.body).toMatchObject({ due: '2027-04-01', riskLevel: 'high', status: 'at_risk' });
    // The older form still works; both at once is ambiguous.
    expect((await patch(users.owner.token, { done: true })).body.status).toBe('done');
    expect((await patch(users.owner.token, { done: false, status: 'open' })).status).toBe(400);
    expect((await patch(users.owner.token, { riskLevel: 'extreme' })).status).toBe(400);
    // Every change in the trail with before and after.
    const events = (await w.call(users.admin.token, 'GET', '/audit?scope=M-DQ')).body.events.filter(
      (e: { action: string }) => e.action === 'dependency.updated',
    );
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      actor: users.controller2.id,
      before: { atRisk: false },
      after: { atRisk: true },
    });
  });
});
