import { describe, expect, it } from 'vitest';
import {
  detectExceptions,
  escalatedLevel,
  type ExceptionFacts,
  startLevel,
} from '../../shared/domain/exceptions.js';

const now = new Date('2027-03-10T12:00:00Z');
const facts = (over: Partial<ExceptionFacts> = {}): ExceptionFacts => ({
  stage: 'decided',
  onHold: false,
  ownerId: 'o',
  cumulativeTarget: 1000,
  cumulativeExpected: 1000,
  implementation: 'on_track',
  potential: 'on_track',
  declared: null,
  milestones: [],
  dependencies: [],
  openRequests: [],
  approvalSlaDays: 5,
  ...over,
});
const types = (f: Partial<ExceptionFacts>) => detectExceptions(facts(f), now).map((e) => e.type);

describe('the service raises exceptions by itself', () => {
  it('milestone overdue, unless the measure is on hold', () => {
    const milestones = [{ id: 'm1', title: 'Go-live', due: '2027-03-01', done: false }];
    expect(types({ milestones })).toEqual(['milestone_overdue']);
    expect(types({ milestones, onHold: true })).toEqual([]);
    expect(types({ milestones: [{ ...milestones[0]!, done: true }] })).toEqual([]);
  });
  it('value slipping when potential is at risk or off track; masked slippage when implementation hides it', () => {
    expect(types({ potential: 'at_risk', cumulativeExpected: 900 })).toEqual(['value_slipping']);
    expect(types({ potential: 'off_track', cumulativeExpected: 500 })).toEqual([
      'value_slipping',
      'masked_slippage',
    ]);
    expect(types({ potential: 'off_track', implementation: 'delayed' })).toEqual([
      'value_slipping',
    ]);
    expect(
      detectExceptions(facts({ potential: 'off_track', cumulativeExpected: 600 }), now)[0]!
        .valueAtStake,
    ).toBe(400);
  });
  it('dependency late: waiting on its owner, starting at the level its risk says', () => {
    const late = {
      id: 'd',
      title: 'IT',
      due: '2027-03-01',
      done: false,
      ownerId: null,
      riskLevel: 'low' as 'low' | 'medium' | 'high',
    };
    expect(types({ dependencies: [late] })).toEqual(['dependency_late']);
    expect(types({ dependencies: [{ ...late, done: true }] })).toEqual([]);
    expect(types({ dependencies: [{ ...late, due: '2027-03-10' }] })).toEqual([]);
    const found = (over: Partial<typeof late> | { ownerId: string }) =>
      detectExceptions(facts({ dependencies: [{ ...late, ...over }] }), now)[0]!;
    expect(found({}).ownerId).toBe('o');
    expect(found({ ownerId: 'supplier-manager' }).ownerId).toBe('supplier-manager');
    expect(found({}).atLeastLevel).toBe(1);
    expect(found({ riskLevel: 'medium' }).atLeastLevel).toBe(2);
    expect(found({ riskLevel: 'high' }).atLeastLevel).toBe(3);
  });
  it('approval overdue after the SLA, owned by the approver', () => {
    const req = {
      id: 'cr1',
      what: 'x',
      approverId: 'ctl',
      requestedAt: '2027-03-04T12:00:00Z',
      value: 100,
    };
    expect(types({ openRequests: [req] })).toEqual(['approval_overdue']);
    expect(detectExceptions(facts({ openRequests: [req] }), now)[0]!.ownerId).toBe('ctl');
    expect(types({ openRequests: [{ ...req, requestedAt: '2027-03-06T12:00:00Z' }] })).toEqual([]);
  });
  it("one approval overdue per approver, its value the sum of what waits; a steering gate is the committee's", () => {
    const at = '2027-03-04T12:00:00Z';
    const found = detectExceptions(
      facts({
        openRequests: [
          {
            id: 'cr1',
            what: 'The forecast change for 2027-02',
            approverId: 'ctl',
            requestedAt: at,
            value: 100,
          },
          {
            id: 'cr2',
            what: 'The forecast change for 2027-03',
            approverId: 'ctl',
            requestedAt: at,
            value: 250,
          },
          {
            id: 'gr1',
            what: 'The gate request to decided',
            approverId: null,
            requestedAt: at,
            value: 9000,
          },
        ],
      }),
      now,
    );
    expect(found.map((e) => [e.subject, e.ownerId, e.valueAtStake, e.atLeastLevel])).toEqual([
      ['approver:ctl', 'ctl', 350, undefined],
      ['approver:steering', 'o', 9000, 3],
    ]);
  });
  it('status mismatch when the declared status is better than the computed one', () => {
    expect(types({ declared: 'on_track', implementation: 'delayed' })).toEqual(['status_mismatch']);
    expect(types({ declared: 'delayed', implementation: 'on_track' })).toEqual([]);
  });
  it('frozen measures raise nothing', () => {
    expect(types({ stage: 'closed', potential: 'off_track' })).toEqual([]);
  });
});

describe('escalation', () => {
  it('starts at level 2 or 3 when the value at stake passes the thresholds', () => {
    const t = { level2: 1000, level3: 5000 };
    expect(startLevel(999, t)).toBe(1);
    expect(startLevel(1000, t)).toBe(2);
    expect(startLevel(5000, t)).toBe(3);
    expect(startLevel(10 ** 9, { level2: null, level3: null })).toBe(1);
  });
  it('climbs a level after 7 days open, up to 3', () => {
    const opened = '2027-03-01T12:00:00Z';
    expect(escalatedLevel(1, opened, new Date('2027-03-08T11:59:59Z'))).toBe(1);
    expect(escalatedLevel(1, opened, new Date('2027-03-08T12:00:00Z'))).toBe(2);
    expect(escalatedLevel(1, opened, new Date('2027-03-15T12:00:00Z'))).toBe(3);
    expect(escalatedLevel(2, opened, new Date('2027-06-01T00:00:00Z'))).toBe(3);
  });
});
