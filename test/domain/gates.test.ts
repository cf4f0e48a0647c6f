import { describe, expect, it } from 'vitest';
import {
  approverRule,
  closureShortfallError,
  type GateFacts,
  gateApprover,
  gateStepError,
  mayDecideGate,
  missingForGate,
  nextStage,
  pinnedFigures,
  pinnedTotals,
  pinsHold,
} from '../../shared/domain/gates.js';
import type { Actor } from '../../shared/domain/access.js';

const all = new Set(['2027-01', '2027-02', '2027-03']);
const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  stage: 'defined',
  onHold: false,
  sponsorId: 's',
  controllerId: 'c',
  category: 'Procurement',
  impactType: 'cost',
  startPeriod: '2027-01',
  endPeriod: '2027-03',
  periodsWith: { baseline: all, target: all, actual: all },
  targetTotal: 300,
  actualTotal: 300,
  milestones: [{ done: true }],
  closedThrough: '2027-03',
  steeringThreshold: null,
  values: {
    baseline: { '2027-01': 100 },
    target: { '2027-01': 100, '2027-02': 200 },
    actual: { '2027-01': 90 },
  },
  ...over,
});
const user = (userId: string, grants: [string, string][] = []): Actor => ({
  userId,
  superAdmin: false,
  grants: grants.map(([nodePath, role]) => ({ nodePath, role: role as never })),
});

describe('gates move one stage at a time', () => {
  it('only to the next stage, or to cancelled; never from a frozen stage', () => {
    expect(gateStepError('defined', 'identified')).toBeNull();
    expect(gateStepError('defined', 'detailed')).toMatch(/one stage at a time/);
    expect(gateStepError('decided', 'identified')).toMatch(/one stage at a time/);
    expect(gateStepError('detailed', 'cancelled')).toBeNull();
    expect(gateStepError('closed', 'cancelled')).toMatch(/closed/);
    expect(gateStepError('cancelled', 'defined')).toMatch(/cancelled/);
  });
});

describe('criteria list what is missing', () => {
  it('Identified: sponsor, controller, category, impact type, window, a rough target > 0', () => {
    expect(missingForGate('identified', facts(), '')).toEqual([]);
    const missing = missingForGate(
      'identified',
      facts({
        sponsorId: null,
        controllerId: null,
        category: null,
        impactType: null,
        startPeriod: null,
        targetTotal: 0,
      }),
      '',
    );
    expect(missing).toEqual([
      'a sponsor',
      'a controller',
      'a category',
      'an impact type',
      'a window (start and end period)',
      'a rough target greater than zero',
    ]);
  });
  it('Detailed: baseline and target for every period, at least one milestone', () => {
    const missing = missingForGate(
      'detailed',
      facts({
        periodsWith: { baseline: new Set(['2027-01']), target: all, actual: all },
        milestones: [],
      }),
      '',
    );
    expect(missing).toEqual(['a baseline for 2027-02, 2027-03', 'at least one milestone']);
  });
  it('Implemented: every milestone done', () => {
    expect(
      missingForGate('implemented', facts({ milestones: [{ done: true }, { done: false }] }), ''),
    ).toEqual(['1 milestone not done']);
  });
  it('Closed: books closed through the window end and an actual for every period', () => {
    expect(
      missingForGate(
        'closed',
        facts({
          closedThrough: '2027-02',
          periodsWith: { baseline: all, target: all, actual: new Set(['2027-01']) },
        }),
        '',
      ),
    ).toEqual([
      'the books closed through 2027-03 (closed through 2027-02)',
      'an actual for 2027-02, 2027-03',
    ]);
  });
  it('Cancelled: a reason', () => {
    expect(missingForGate('cancelled', facts(), ' ')).toEqual(['a reason for the cancellation']);
    expect(missingForGate('cancelled', facts(), 'supplier exit')).toEqual([]);
  });
  it('on hold a measure passes no gate', () => {
    expect(missingForGate('decided', facts({ onHold: true }), '')).toContain(
      'The measure is on hold: resume it first.',
    );
  });
});

describe('approvers', () => {
  it('sponsor, controller for Detailed and Closed, steering above the threshold for Decided', () => {
    expect(approverRule('identified', facts())).toBe('sponsor');
    expect(approverRule('detailed', facts())).toBe('controller');
    expect(approverRule('decided', facts({ steeringThreshold: 300 }))).toBe('steering');
    expect(approverRule('decided', facts({ steeringThreshold: 301 }))).toBe('sponsor');
    expect(approverRule('implemented', facts())).toBe('sponsor');
    expect(approverRule('closed', facts())).toBe('controller');
    expect(approverRule('cancelled', facts())).toBe('sponsor_or_steering');
  });
  const m = { path: '/1/2/', sponsorId: 's', controllerId: 'c' };
  it('closure by the measure controller only, nobody else', () => {
    const req = { requestedBy: 'o', approver: 'controller' as const };
    expect(mayDecideGate(user('c', [['/1/', 'controller']]), req, m)).toBe(true);
    // Named, but no longer a controller there: decides nothing.
    expect(mayDecideGate(user('c'), req, m)).toBe(false);
    expect(mayDecideGate(user('c2', [['/1/', 'controller']]), req, m)).toBe(false);
    expect(mayDecideGate(user('st', [['/1/', 'steering']]), req, m)).toBe(false);
    expect(mayDecideGate(user('s'), req, m)).toBe(false);
  });
  it('sponsor gates: the named sponsor or steering on the subtree; steering gates: steering only', () => {
    expect(
      mayDecideGate(user('s', [['/1/', 'sponsor']]), { requestedBy: 'o', approver: 'sponsor' }, m),
    ).toBe(true);
    expect(mayDecideGate(user('s'), { requestedBy: 'o', approver: 'sponsor' }, m)).toBe(false);
    expect(
      mayDecideGate(
        user('st', [['/1/', 'steering']]),
        { requestedBy: 'o', approver: 'sponsor' },
        m,
      ),
    ).toBe(true);
    expect(
      mayDecideGate(user('s2', [['/1/', 'sponsor']]), { requestedBy: 'o', approver: 'sponsor' }, m),
    ).toBe(false);
    expect(mayDecideGate(user('s'), { requestedBy: 'o', approver: 'steering' }, m)).toBe(false);
    expect(
      mayDecideGate(
        user('st', [['/1/', 'steering']]),
        { requestedBy: 'o', approver: 'steering' },
        m,
      ),
    ).toBe(true);
  });
  it('nobody approves their own request, whatever their roles', () => {
    expect(
      mayDecideGate(user('s', [['/1/', 'steering']]), { requestedBy: 's', approver: 'sponsor' }, m),
    ).toBe(false);
  });
  it('a closure below target needs the controller explanation', () => {
    expect(closureShortfallError({ targetTotal: 300, actualTotal: 299 }, '')).toMatch(/shortfall/);
    expect(closureShortfallError({ targetTotal: 300, actualTotal: 299 }, 'volume loss')).toBeNull();
    expect(closureShortfallError({ targetTotal: 300, actualTotal: 300 }, '')).toBeNull();
  });
});

describe('a gate request pins what its gate validates', () => {
  it('Detailed: baseline and target; Decided: target; Closed: actuals and realized value; other gates nothing', () => {
    const f = facts();
    expect(pinnedFigures('detailed', f)).toEqual({
      baseline: f.values.baseline,
      target: f.values.target,
    });
    expect(pinnedFigures('decided', f)).toEqual({ target: f.values.target });
    expect(pinnedFigures('closed', f)).toEqual({ actual: f.values.actual, realized: 300 });
    expect(pinnedFigures('identified', f)).toBeNull();
    expect(pinnedTotals(pinnedFigures('closed', f))).toEqual({ actual: 90, realized: 300 });
  });
  it('holds while the figures are the same, not once one period moved', () => {
    const pinned = pinnedFigures('decided', facts());
    expect(pinsHold(pinned, pinnedFigures('decided', facts()))).toBe(true);
    expect(
      pinsHold(
        pinned,
        pinnedFigures(
          'decided',
          facts({
            values: { baseline: {}, target: { '2027-01': 100, '2027-02': 201 }, actual: {} },
          }),
        ),
      ),
    ).toBe(false);
    expect(pinsHold(null, pinned)).toBe(true);
  });
  it('whom a request waits on: the named controller or sponsor; a steering gate on no one person', () => {
    const m = { sponsorId: 's', controllerId: 'c' };
    expect(gateApprover('controller', m)).toEqual({ role: 'controller', userId: 'c' });
    expect(gateApprover('sponsor', m)).toEqual({ role: 'sponsor', userId: 's' });
    expect(gateApprover('sponsor_or_steering', m)).toEqual({
      role: 'sponsor_or_steering',
      userId: 's',
    });
    expect(gateApprover('steering', m)).toEqual({ role: 'steering', userId: null });
  });
  it('the next gate the pane offers: one stage on, none once closed or cancelled', () => {
    expect(nextStage('defined')).toBe('identified');
    expect(nextStage('implemented')).toBe('closed');
    expect(nextStage('closed')).toBeNull();
    expect(nextStage('cancelled')).toBeNull();
  });
  it('a measure on hold may still be cancelled', () => {
    expect(missingForGate('cancelled', facts({ onHold: true }), 'stop')).toEqual([]);
    expect(missingForGate('identified', facts({ onHold: true }), '')).toContain(
      'The measure is on hold: resume it first.',
    );
  });
});
