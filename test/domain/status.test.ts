import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  declaredIsBetter,
  implementationChangesOn,
  implementationStatus,
  type PeriodValues,
  potentialStatus,
  variances,
} from '../../shared/domain/status.js';

const now = new Date('2027-03-10T12:00:00Z');
const impl = (over: Partial<Parameters<typeof implementationStatus>[0]> = {}) =>
  implementationStatus(
    { stage: 'decided', milestones: [], risks: [], dependencies: [], ...over },
    now,
  );
const periods = (rows: [string, number | null, number | null, number | null][]) =>
  new Map<string, PeriodValues>(
    rows.map(([p, target, forecast, actual]) => [p, { target, forecast, actual }]),
  );

describe('implementation status', () => {
  it('delayed when an open milestone is past due', () => {
    expect(impl({ milestones: [{ due: '2027-03-09', done: false }] })).toBe('delayed');
    expect(impl({ milestones: [{ due: '2027-03-09', done: true }] })).toBe('on_track');
    expect(impl({ milestones: [{ due: '2027-03-10', done: false }] })).toBe('at_risk'); // due today is not past due
  });
  it('at risk when a milestone is due within 14 days, a high risk is open, or a dependency is late', () => {
    expect(impl({ milestones: [{ due: '2027-03-24', done: false }] })).toBe('at_risk');
    expect(impl({ milestones: [{ due: '2027-03-25', done: false }] })).toBe('on_track');
    expect(impl({ risks: [{ severity: 'high', open: true }] })).toBe('at_risk');
    expect(
      impl({
        risks: [
          { severity: 'high', open: false },
          { severity: 'medium', open: true },
        ],
      }),
    ).toBe('on_track');
    expect(impl({ dependencies: [{ due: '2027-03-01', done: false }] })).toBe('at_risk');
  });
  it('completed from Implemented on', () => {
    expect(impl({ stage: 'implemented', milestones: [{ due: '2027-01-01', done: false }] })).toBe(
      'completed',
    );
    expect(impl({ stage: 'closed' })).toBe('completed');
  });
});

describe('potential status', () => {
  it('≥ 95 % on track, ≥ 80 % at risk, else off track', () => {
    expect(potentialStatus(periods([['2027-04', 100, 95, null]]), null)).toBe('on_track');
    expect(potentialStatus(periods([['2027-04', 100, 94, null]]), null)).toBe('at_risk');
    expect(potentialStatus(periods([['2027-04', 100, 80, null]]), null)).toBe('at_risk');
    expect(potentialStatus(periods([['2027-04', 100, 79, null]]), null)).toBe('off_track');
  });
  it('uses the actual where the period is closed, else forecast, else target', () => {
    const p = periods([
      ['2027-01', 100, 100, 60],
      ['2027-02', 100, 100, 0],
      ['2027-03', 100, null, null],
    ]);
    expect(potentialStatus(p, '2027-01')).toBe('at_risk'); // actual 60 + forecast 100 + target 100 = 87 %
    expect(potentialStatus(p, null)).toBe('on_track'); // nothing closed: forecasts and target, 100 %
    expect(potentialStatus(p, '2027-02')).toBe('off_track'); // 60 + 0 + 100 = 53 %
  });
  it('a window with no target is on track', () => {
    expect(potentialStatus(periods([['2027-01', null, 5, null]]), null)).toBe('on_track');
  });
});

describe('dual status cannot hide slippage', () => {
  it('a declared status better than the computed one is flagged', () => {
    expect(declaredIsBetter('on_track', 'delayed')).toBe(true);
    expect(declaredIsBetter('delayed', 'on_track')).toBe(false);
    expect(declaredIsBetter(null, 'delayed')).toBe(false);
  });
});

describe('variance and realization are derived', () => {
  it('forecast − target per period and cumulative; actual − target for closed periods', () => {
    const v = variances(
      periods([
        ['2027-01', 100, 90, 80],
        ['2027-02', 100, 120, 200],
      ]),
      '2027-01',
    );
    expect(v.perPeriod).toEqual([
      { period: '2027-01', forecastVariance: -10, actualVariance: -20 },
      { period: '2027-02', forecastVariance: 20, actualVariance: null },
    ]);
    expect(v.cumulative).toEqual({ forecastVariance: 10, actualVariance: -20 });
    expect(v.realization).toBe(0.4); // 80 of 200
  });
});

describe('when time alone may change the implementation status (implementationChangesOn)', () => {
  const DAY = 86_400_000;
  const day = fc.integer({ min: 0, max: 120 }).map((d) => new Date(Date.UTC(2027, 0, 1) + d * DAY));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const facts = fc.record({
    stage: fc.constantFrom('defined', 'identified', 'decided', 'implemented', 'cancelled'),
    milestones: fc.array(fc.record({ due: day.map(iso), done: fc.boolean() }), { maxLength: 4 }),
    risks: fc.array(fc.record({ severity: fc.constantFrom('low', 'high'), open: fc.boolean() }), {
      maxLength: 2,
    }),
    dependencies: fc.array(fc.record({ due: day.map(iso), done: fc.boolean() }), {
      maxLength: 3,
    }),
  }) as fc.Arbitrary<Parameters<typeof implementationStatus>[0]>;

  it('the status stays what it is on every day before that day, and it is the first day it may differ', () => {
    fc.assert(
      fc.property(facts, day, fc.integer({ min: 1, max: 150 }), (f, now, ahead) => {
        const until = implementationChangesOn(f, now);
        const status = implementationStatus(f, now);
        const later = new Date(now.getTime() + ahead * DAY);
        // Any hour of a day before `until` (or of any day, when there is none) agrees with now.
        if (until === null || iso(later) < until)
          expect(implementationStatus(f, new Date(later.getTime() + 13 * 3_600_000))).toBe(status);
        if (until !== null) expect(until > iso(now)).toBe(true);
      }),
    );
  });

  it('a milestone due in 20 days: at risk from 14 days before, delayed the day after', () => {
    const f = {
      stage: 'decided' as const,
      milestones: [{ due: '2027-03-30', done: false }],
      risks: [],
      dependencies: [],
    };
    expect(implementationChangesOn(f, new Date('2027-03-10T12:00:00Z'))).toBe('2027-03-16');
    expect(implementationChangesOn(f, new Date('2027-03-16T00:00:00Z'))).toBe('2027-03-31');
    expect(implementationChangesOn({ ...f, stage: 'implemented' }, now)).toBeNull();
  });
});
