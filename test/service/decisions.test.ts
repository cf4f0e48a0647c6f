// The decision log: every gate, change-request and exception decision of a scope in a span of
// days, oldest first, with who, when, the value effect and the comment — exactly the decisions
// made, nothing pending, withdrawn or merely resolved.
import { describe, expect, it } from 'vitest';
import { advance, measure, plan, push, world } from '../helpers.js';

const DAY = 86_400_000;

describe('the decision log', () => {
  it('lists exactly the decisions made, with their value effect, within the span and the scope', async () => {
    const w = await world(new Date('2027-01-15T09:00:00Z'));
    const { users } = w;
    const later = (days: number) => {
      w.clock.now = new Date(w.clock.now.getTime() + days * DAY);
    };
    // Day 0: two gates approved; into Detailed validates the target (6 × 1,000), into Identified
    // validates no figure.
    await measure(w, 'M-DL');
    await advance(w, 'M-DL', 'detailed');
    // Day 1: a forecast cut approved (−500), another rejected (no effect), a third left pending.
    later(1);
    await measure(w, 'M-DM');
    await push(w, users.owner.token, plan('M-DM', 'target', 1000));
    await push(w, users.owner.token, plan('M-DM', 'forecast', 1000));
    const cut = async (period: string, value: number) =>
      (
        await push(w, users.owner.token, [
          { measure: 'M-DM', kind: 'forecast', period, value, baseVersion: 1, note: 'lost' },
        ])
      ).results[0].changeRequestId as string;
    const approved = await cut('2027-04', 500);
    const rejected = await cut('2027-05', 100);
    await cut('2027-06', 200);
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${approved}/approve`, {
          comment: 'customer confirmed',
        })
      ).status,
    ).toBe(200);
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${rejected}/reject`, {
          comment: 'not yet',
        })
      ).status,
    ).toBe(200);
    // Day 3: an exception raised by hand and decided; another only resolved (not a decision).
    later(2);
    const raised = (
      await w.call(users.planner2.token, 'POST', '/exceptions', {
        measure: 'M-DL',
        type: 'supplier_delay',
        title: 'Resin supplier slips 3 weeks',
        decisionNeeded: 'Air-freight or accept the delay.',
        valueAtStake: 2500,
        dueDate: '2027-01-25',
      })
    ).body.id;
    const other = (
      await w.call(users.planner2.token, 'POST', '/exceptions', {
        measure: 'M-DL',
        type: 'other',
        title: 'Noise',
        decisionNeeded: 'None.',
        valueAtStake: 1,
        dueDate: '2027-01-25',
      })
    ).body.id;
    expect(
      (
        await w.call(users.owner.token, 'POST', `/exceptions/${raised}/decide`, {
          decision: 'Air-freight the first lot',
          comment: 'S&OP January',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await w.call(users.owner.token, 'POST', `/exceptions/${other}/resolve`, {
          comment: 'nothing to decide',
        })
      ).status,
    ).toBe(200);

    const log = async (query: string, token = users.viewer.token) =>
      w.call(token, 'GET', `/decisions?${query}`);
    const all = await log('scope=ORG');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ scope: 'ORG', from: null, to: null, more: false });
    expect(
      all.body.decisions.map((d: any) => [
        d.kind,
        d.measure,
        d.what,
        d.decision,
        d.by.name,
        d.valueEffect,
        d.comment,
      ]),
    ).toEqual([
      ['gate', 'M-DL', 'defined → identified', 'approved', 'sponsor', 0, 'ok'],
      ['gate', 'M-DL', 'identified → detailed', 'approved', 'controller', 6000, 'ok'],
      [
        'change_request',
        'M-DM',
        'forecast 2027-04',
        'approved',
        'controller',
        -500,
        'customer confirmed',
      ],
      ['change_request', 'M-DM', 'forecast 2027-05', 'rejected', 'controller', 0, 'not yet'],
      [
        'exception',
        'M-DL',
        'supplier_delay: Resin supplier slips 3 weeks',
        'Air-freight the first lot',
        'owner',
        2500,
        'S&OP January',
      ],
    ]);
    expect(all.body.decisions[0].at).toBe('2027-01-15T09:00:00.000Z');
    // The span is in days, both ends taken whole; the scope is any node, down to a measure.
    const kinds = async (query: string, token = users.viewer.token) =>
      (await log(query, token)).body.decisions.map((d: { kind: string }) => d.kind);
    expect(await kinds('scope=ORG&from=2027-01-16&to=2027-01-16')).toEqual([
      'change_request',
      'change_request',
    ]);
    expect(await kinds('scope=ORG&from=2027-01-17')).toEqual(['exception']);
    expect(await kinds('scope=ORG&to=2027-01-15')).toEqual(['gate', 'gate']);
    expect(await kinds('scope=M-DL')).toEqual(['gate', 'gate', 'exception']);
    expect(await kinds('scope=OTHER-PKG', users.outsider.token)).toEqual([]);
    // Nobody reads the decisions of what they may not see; a span that ends before it starts is 400.
    expect((await log('scope=ORG', users.outsider.token)).status).toBe(404);
    expect((await log('scope=ORG&from=2027-02-01&to=2027-01-01')).status).toBe(400);
  });
});
