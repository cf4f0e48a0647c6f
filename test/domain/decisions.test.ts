import { describe, expect, it } from 'vitest';
import { decisionValueEffect, type DecisionFacts } from '../../shared/domain/decisions.js';
import { dependencyFlags, dependencyStatus } from '../../shared/domain/dependencies.js';
import { raisedStartLevel } from '../../shared/domain/exceptions.js';

const facts = (over: Partial<DecisionFacts>): DecisionFacts => ({
  kind: 'change_request',
  approved: true,
  oldValue: 1000,
  newValue: 400,
  pinned: null,
  valueAtStake: null,
  ...over,
});

describe('what a decision did to the value', () => {
  it('an approved change: new − old; a rejected one: nothing', () => {
    expect(decisionValueEffect(facts({}))).toBe(-600);
    expect(decisionValueEffect(facts({ oldValue: null }))).toBe(400);
    expect(decisionValueEffect(facts({ approved: false }))).toBe(0);
    expect(decisionValueEffect(facts({ kind: 'window_request', oldValue: 5, newValue: 9 }))).toBe(
      4,
    );
  });
  it('an approved gate: the target it validated; an exception: the value at stake it settled', () => {
    const pinned = { target: { '2027-01': 100, '2027-02': 250 }, baseline: { '2027-01': 1 } };
    expect(decisionValueEffect(facts({ kind: 'gate', pinned }))).toBe(350);
    expect(decisionValueEffect(facts({ kind: 'gate', pinned: null }))).toBe(0);
    expect(decisionValueEffect(facts({ kind: 'gate', pinned, approved: false }))).toBe(0);
    expect(decisionValueEffect(facts({ kind: 'exception', valueAtStake: 77 }))).toBe(77);
  });
});

describe('hand-raised exceptions and dependencies', () => {
  const none = { level2: null, level3: null };
  it('start at the level the organization gives the type, or higher by value', () => {
    expect(raisedStartLevel('demand_spike', 10, {}, none)).toBe(1);
    expect(raisedStartLevel('supplier_delay', 10, { supplier_delay: 2 }, none)).toBe(2);
    expect(raisedStartLevel('other', 10, { other: 1 }, { level2: null, level3: 10 })).toBe(3);
    expect(raisedStartLevel('other', 9, { other: 2 }, { level2: 5, level3: 10 })).toBe(2);
  });
  it('a dependency is done, at risk or open, read from and written as its two flags', () => {
    for (const s of ['open', 'at_risk', 'done'] as const)
      expect(dependencyStatus(dependencyFlags(s))).toBe(s);
    expect(dependencyStatus({ done: true, atRisk: true })).toBe('done');
  });
});
