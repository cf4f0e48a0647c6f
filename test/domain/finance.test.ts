import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/access.js';
import {
  type CellChange,
  type EditContext,
  editBlock,
  evaluateChange,
  isMaterial,
  varianceFlag,
} from '../../shared/domain/finance.js';
import type { Stage } from '../../shared/model.js';

const owner: Actor = {
  userId: 'owner',
  superAdmin: false,
  grants: [{ nodePath: '/1/', role: 'planner' }],
};
const controller: Actor = {
  userId: 'ctl',
  superAdmin: false,
  grants: [{ nodePath: '/1/', role: 'controller' }],
};
const viewer: Actor = {
  userId: 'v',
  superAdmin: false,
  grants: [{ nodePath: '/1/', role: 'viewer' }],
};

function ctx(over: Partial<EditContext> & { stage?: Stage } = {}): EditContext {
  return {
    actor: owner,
    measure: {
      path: '/1/2/',
      stage: over.stage ?? 'decided',
      startPeriod: '2027-01',
      endPeriod: '2027-12',
      ownerId: 'owner',
      sponsorId: 's',
      controllerId: 'ctl',
    },
    rules: {
      digits: 2,
      closedThrough: '2027-02',
      currentPeriod: '2027-03',
      materialityPct: 10,
      materialityAbs: null,
    },
    current: { value: 100_000, version: 3 },
    periodTarget: 100_000,
    periodForecast: 100_000,
    ...over,
  };
}
const change = (over: Partial<CellChange> = {}): CellChange => ({
  kind: 'forecast',
  period: '2027-05',
  value: 1050,
  baseVersion: 3,
  ...over,
});

describe('every change gets exactly one outcome', () => {
  it('applies a forecast change within tolerance', () => {
    expect(evaluateChange(change(), ctx())).toEqual({
      outcome: 'applied',
      value: 105_000,
      unchanged: false,
    });
  });
  it('a material forecast change without a note is rejected NOTE_REQUIRED, with one it is pending', () => {
    expect(evaluateChange(change({ value: 800 }), ctx())).toMatchObject({
      outcome: 'rejected',
      reason: 'NOTE_REQUIRED',
    });
    expect(evaluateChange(change({ value: 800, note: 'customer lost' }), ctx())).toMatchObject({
      outcome: 'pending',
      reason: 'MATERIAL_CHANGE',
      value: 80_000,
    });
  });
  it('a stale base version is a conflict, and nothing is overwritten', () => {
    expect(evaluateChange(change({ baseVersion: 2 }), ctx())).toMatchObject({
      outcome: 'conflict',
      reason: 'STALE_VERSION',
    });
  });
  it('without a base version: a first fill applies, a different existing value conflicts', () => {
    expect(
      evaluateChange(
        change({ baseVersion: undefined }),
        ctx({ current: { value: null, version: 0 } }),
      ),
    ).toMatchObject({ outcome: 'applied' });
    expect(evaluateChange(change({ baseVersion: undefined }), ctx())).toMatchObject({
      outcome: 'conflict',
    });
  });
  it('the same value resent is applied with no new version, even from an old version', () => {
    expect(evaluateChange(change({ value: 1000, baseVersion: 1 }), ctx())).toEqual({
      outcome: 'applied',
      value: 100_000,
      unchanged: true,
    });
  });
  it('rejects with the reason a planner understands', () => {
    expect(evaluateChange(change({ value: 'abc' }), ctx())).toMatchObject({
      reason: 'INVALID_VALUE',
    });
    expect(evaluateChange(change({ value: '#N/A' }), ctx())).toMatchObject({
      reason: 'INVALID_VALUE',
    });
    expect(evaluateChange(change({ value: 10.001 }), ctx())).toMatchObject({
      reason: 'INVALID_VALUE',
    });
    expect(evaluateChange(change({ period: '2028-01' }), ctx())).toMatchObject({
      reason: 'OUT_OF_WINDOW',
    });
    expect(evaluateChange(change({ period: '2027-13' }), ctx())).toMatchObject({
      reason: 'INVALID_VALUE',
    });
    expect(evaluateChange(change({ period: '2027-02' }), ctx())).toMatchObject({
      reason: 'PERIOD_LOCKED',
    });
    expect(evaluateChange(change(), ctx({ actor: viewer }))).toMatchObject({ reason: 'FORBIDDEN' });
    for (const stage of ['closed', 'cancelled'] as const)
      expect(evaluateChange(change(), ctx({ stage }))).toMatchObject({ reason: 'MEASURE_FROZEN' });
  });
});

describe('baseline and target', () => {
  it('are applied for the owner before Detailed', () => {
    for (const stage of ['defined', 'identified'] as const)
      expect(evaluateChange(change({ kind: 'target', value: 5000 }), ctx({ stage }))).toMatchObject(
        { outcome: 'applied' },
      );
  });
  it('are pending APPROVAL_REQUIRED from Detailed on', () => {
    for (const stage of ['detailed', 'decided', 'implemented'] as const)
      for (const kind of ['baseline', 'target'] as const)
        expect(evaluateChange(change({ kind, value: 1001 }), ctx({ stage }))).toMatchObject({
          outcome: 'pending',
          reason: 'APPROVAL_REQUIRED',
        });
  });
  it('may not be edited by a controller', () => {
    expect(
      evaluateChange(change({ kind: 'target' }), ctx({ actor: controller, stage: 'defined' })),
    ).toMatchObject({ reason: 'FORBIDDEN' });
  });
});

describe('actuals', () => {
  it('are entered by the controller only', () => {
    expect(evaluateChange(change({ kind: 'actual' }), ctx({ actor: owner }))).toMatchObject({
      reason: 'FORBIDDEN',
    });
    expect(
      evaluateChange(
        change({ kind: 'actual', period: '2027-01', baseVersion: 0 }),
        ctx({ actor: controller, current: { value: null, version: 0 } }),
      ),
    ).toMatchObject({ outcome: 'applied' });
  });
  it('in a closed period: a first actual is an entry, a change needs a reason', () => {
    const booked = { value: 90_000, version: 1 };
    expect(
      evaluateChange(
        change({ kind: 'actual', period: '2027-01', baseVersion: 1, value: 950 }),
        ctx({ actor: controller, current: booked }),
      ),
    ).toMatchObject({ reason: 'NOTE_REQUIRED' });
    expect(
      evaluateChange(
        change({
          kind: 'actual',
          period: '2027-01',
          baseVersion: 1,
          value: 950,
          note: 'ledger correction',
        }),
        ctx({ actor: controller, current: booked }),
      ),
    ).toMatchObject({ outcome: 'applied', value: 95_000 });
  });
});

describe('materiality', () => {
  const rules = {
    digits: 2,
    closedThrough: null,
    currentPeriod: '2027-03',
    materialityPct: 10,
    materialityAbs: null,
  };
  it('more than 10 % of the period target away from the approved forecast', () => {
    expect(isMaterial(110_000, { rules, periodTarget: 100_000, periodForecast: 100_000 })).toBe(
      false,
    );
    expect(isMaterial(110_001, { rules, periodTarget: 100_000, periodForecast: 100_000 })).toBe(
      true,
    );
  });
  it('from the target where there is no forecast yet', () => {
    expect(isMaterial(120_000, { rules, periodTarget: 100_000, periodForecast: null })).toBe(true);
    expect(isMaterial(105_000, { rules, periodTarget: 100_000, periodForecast: null })).toBe(false);
  });
  it('or more than the absolute threshold', () => {
    const abs = { ...rules, materialityAbs: 1_000 };
    expect(
      isMaterial(101_001, { rules: abs, periodTarget: 1_000_000, periodForecast: 100_000 }),
    ).toBe(true);
    expect(
      isMaterial(101_000, { rules: abs, periodTarget: 1_000_000, periodForecast: 100_000 }),
    ).toBe(false);
  });
  it('with no target only the absolute threshold applies; with neither nothing is material', () => {
    expect(isMaterial(9_999_999, { rules, periodTarget: null, periodForecast: null })).toBe(false);
    expect(
      isMaterial(5_000, {
        rules: { ...rules, materialityAbs: 1_000 },
        periodTarget: null,
        periodForecast: 3_000,
      }),
    ).toBe(true);
  });
});

describe('what a user may not change, known before typing', () => {
  it('answers the same reason the push would give, and nothing for an editable cell', () => {
    expect(editBlock('forecast', '2027-05', ctx())).toBeNull();
    expect(editBlock('forecast', '2027-02', ctx())).toMatchObject({ reason: 'PERIOD_LOCKED' });
    expect(editBlock('actual', '2027-02', ctx())).toMatchObject({ reason: 'FORBIDDEN' });
    expect(editBlock('actual', '2027-02', ctx({ actor: controller }))).toBeNull();
    expect(editBlock('target', '2027-05', ctx({ actor: viewer }))).toMatchObject({
      reason: 'FORBIDDEN',
    });
    expect(editBlock('forecast', '2028-01', ctx())).toMatchObject({ reason: 'OUT_OF_WINDOW' });
    expect(editBlock('forecast', '2027-05', ctx({ stage: 'cancelled' }))).toMatchObject({
      reason: 'MEASURE_FROZEN',
    });
    for (const [kind, period, actor] of [
      ['forecast', '2027-02', owner],
      ['actual', '2027-03', owner],
      ['target', '2027-04', viewer],
    ] as const) {
      const push = evaluateChange({ kind, period, value: 1, baseVersion: 3 }, ctx({ actor }));
      expect(push).toMatchObject({
        outcome: 'rejected',
        reason: editBlock(kind, period, ctx({ actor }))!.reason,
      });
    }
  });
});

describe('variance flag', () => {
  const rules = { materialityPct: 10, materialityAbs: null };
  it('is off target past materialityPct of the target: a shortfall below, ahead above', () => {
    expect(varianceFlag(90, 100, rules)).toBe('on_target');
    expect(varianceFlag(89, 100, rules)).toBe('shortfall');
    expect(varianceFlag(111, 100, rules)).toBe('ahead');
    // Against a negative target, the distance counts, not the sign of the target.
    expect(varianceFlag(-111, -100, rules)).toBe('shortfall');
  });
  it('is off target past the absolute threshold too; without a target, by that alone', () => {
    expect(varianceFlag(1_030, 1_000, { materialityPct: 10, materialityAbs: 20 })).toBe('ahead');
    expect(varianceFlag(50, 0, rules)).toBe('on_target');
    expect(varianceFlag(50, 0, { materialityPct: 10, materialityAbs: 20 })).toBe('ahead');
  });
});
