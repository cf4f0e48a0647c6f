// Exceptions raised by people (api-v1.md, "Decisions, exceptions raised by people,
// dependencies"): the S&OP events only they see, at the level the organization's rules give the
// type or higher by value, escalating with age as the rules' own, decided by whom the level waits
// on (or above) and never by who raised them; the decision recorded and audited.
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, measure, world } from '../helpers.js';

const DAY = 86_400_000;
const spike = (measureCode: string, over: Record<string, unknown> = {}) => ({
  measure: measureCode,
  type: 'demand_spike',
  title: 'Retailer doubles the Q2 order',
  decisionNeeded: 'Allocate the extra volume, or ration it across customers.',
  valueAtStake: 12500.5,
  dueDate: '2027-02-01',
  ...over,
});

describe('exceptions raised by people', () => {
  it('are raised by a planner or above, at the level the organization sets for the type, or higher by value', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-RX');
    await w.call(ADMIN_TOKEN, 'PATCH', '/nodes/ORG/settings', {
      exceptionRules: { supplier_delay: 2, customer_commitment: 3 },
      escalationValueLevel2: 50000,
    });
    const raised = await w.call(users.owner.token, 'POST', '/exceptions', spike('M-RX'));
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({
      id: expect.stringMatching(/^ex_/),
      type: 'demand_spike',
      measure: 'M-RX',
      owner: users.owner.id,
      title: 'Retailer doubles the Q2 order',
      decisionNeeded: 'Allocate the extra volume, or ration it across customers.',
      valueAtStake: 12500.5,
      dueDate: '2027-02-01',
      raisedBy: users.owner.id,
      level: 1,
      status: 'open',
      waitingOn: ['owner'],
    });
    const levelOf = async (over: Record<string, unknown>, token = users.controller.token) =>
      (await w.call(token, 'POST', '/exceptions', spike('M-RX', over))).body.level;
    expect(await levelOf({ type: 'supplier_delay' })).toBe(2);
    expect(await levelOf({ type: 'customer_commitment' })).toBe(3);
    expect(await levelOf({ type: 'demand_drop', valueAtStake: 50000 })).toBe(2);
    // In the list, and in the trail with who raised it.
    const listed = (await w.call(users.viewer.token, 'GET', '/exceptions?scope=M-RX')).body
      .exceptions;
    expect(listed).toHaveLength(4);
    const audit = (await w.call(ADMIN_TOKEN, 'GET', '/audit?scope=M-RX')).body.events;
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'exception.raised',
        actor: users.owner.id,
        subject: raised.body.id,
      }),
    );
  });

  it('refuses a viewer, an outsider, a bad type or amount, and a closed measure, changing nothing', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-RY');
    const count = async () =>
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=M-RY')).body.exceptions.length;
    expect((await w.call(users.viewer.token, 'POST', '/exceptions', spike('M-RY'))).status).toBe(
      403,
    );
    expect((await w.call(users.outsider.token, 'POST', '/exceptions', spike('M-RY'))).status).toBe(
      404,
    );
    const badType = await w.call(
      users.owner.token,
      'POST',
      '/exceptions',
      spike('M-RY', { type: 'milestone_overdue' }),
    );
    expect(badType.status).toBe(400);
    const badAmount = await w.call(
      users.owner.token,
      'POST',
      '/exceptions',
      spike('M-RY', { valueAtStake: 10.001 }),
    );
    expect(badAmount.status).toBe(422);
    expect(badAmount.body.error.code).toBe('INVALID_AMOUNT');
    const negative = await w.call(
      users.owner.token,
      'POST',
      '/exceptions',
      spike('M-RY', { valueAtStake: -1 }),
    );
    expect(negative.status).toBe(422);
    const badText = await w.call(
      users.owner.token,
      'POST',
      '/exceptions',
      spike('M-RY', { title: 'Spike \u202Eevil' }),
    );
    expect(badText.status).toBe(400);
    expect(await count()).toBe(0);
  });

  it('escalate by age exactly as the rules’ own, and are decided by whom the level waits on — never by who raised them', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-RZ');
    const { id } = (await w.call(users.planner2.token, 'POST', '/exceptions', spike('M-RZ'))).body;
    const decide = (token: string, decision = 'Ration across customers') =>
      w.call(token, 'POST', `/exceptions/${id}/decide`, { decision, comment: 'S&OP March' });
    const levelNow = async () =>
      (await w.call(users.viewer.token, 'GET', '/exceptions?scope=M-RZ')).body.exceptions[0]?.level;
    // Level 1: the owner may decide; who raised it may not, nor a viewer.
    expect((await decide(users.planner2.token)).status).toBe(403);
    expect((await decide(users.viewer.token)).status).toBe(403);
    // Seven days on, the sweep raises it to 2: the owner no longer decides, sponsor and controller do.
    w.clock.now = new Date(w.clock.now.getTime() + 7 * DAY + 1000);
    await w.sweep();
    expect(await levelNow()).toBe(2);
    expect((await decide(users.owner.token)).status).toBe(403);
    // Fourteen days: steering only.
    w.clock.now = new Date(w.clock.now.getTime() + 7 * DAY);
    await w.sweep();
    expect(await levelNow()).toBe(3);
    const byController = await decide(users.controller.token);
    expect(byController.status).toBe(403);
    expect(byController.body.error.message).toContain('steering committee');
    const decided = await decide(users.steering.token);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      id,
      status: 'resolved',
      level: 3,
      decision: 'Ration across customers',
      comment: 'S&OP March',
      resolvedAt: w.clock.now.toISOString(),
    });
    // Decided once: gone from the open list, and a second decision is refused.
    expect(await levelNow()).toBeUndefined();
    expect((await decide(users.steering.token)).status).toBe(409);
    const events = (await w.call(ADMIN_TOKEN, 'GET', '/audit?scope=M-RZ')).body.events;
    expect(
      events.filter((e: { subject: string }) => e.subject === id).map((e: any) => e.action),
    ).toEqual([
      'exception.raised',
      'exception.escalated',
      'exception.escalated',
      'exception.decided',
    ]);
    // No rule clears it meanwhile, and time alone changes nothing more.
    await w.sweep();
    expect(await levelNow()).toBeUndefined();
  });

  it('at level 1 the owner decides, and so may the named controller above them', async () => {
    const w = await world();
    const { users } = w;
    await measure(w, 'M-RW');
    const raise = async () =>
      (await w.call(users.planner2.token, 'POST', '/exceptions', spike('M-RW'))).body.id;
    const first = await raise();
    expect(
      (
        await w.call(users.owner.token, 'POST', `/exceptions/${first}/decide`, {
          decision: 'Take the volume',
        })
      ).status,
    ).toBe(200);
    const second = await raise();
    expect(
      (
        await w.call(users.controller.token, 'POST', `/exceptions/${second}/decide`, {
          decision: 'Take the volume at list price',
        })
      ).status,
    ).toBe(200);
    const empty = await w.call(users.owner.token, 'POST', `/exceptions/${await raise()}/decide`, {
      decision: '  ',
    });
    expect(empty.status).toBe(400);
    expect(
      (await w.call(users.owner.token, 'POST', '/exceptions/ex_nope/decide', { decision: 'x' }))
        .status,
    ).toBe(404);
  });
});
