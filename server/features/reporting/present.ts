// How a scope's figures look on the wire (shared/api/answers.ts): money in the organization's
// currency, the pipeline by stage with on-hold apart.
import type { RollupAnswer, Totals, VariancesAnswer } from '../../../shared/api/answers.js';
import { ancestorPath } from '../../../shared/domain/access.js';
import { varianceFlag } from '../../../shared/domain/finance.js';
import type { Rollup, StageSlot } from '../../../shared/domain/rollup.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import type { ValueTotals } from '../../../shared/domain/status.js';
import { fromMinor } from '../../../shared/money.js';
import { person } from '../hierarchy/present.js';
import { moneyRules, type People } from '../hierarchy/store.js';
import type { furthestFromTarget, monthsUnder, VarianceRow } from './store.js';

/** Totals as the API answers them, in the organization's currency. */
export function presentTotals(t: ValueTotals, settings: OrgSettings): Totals {
  const { digits } = moneyRules(settings);
  const money = (v: number) => fromMinor(v, digits);
  return {
    baseline: money(t.baseline),
    target: money(t.target),
    forecast: money(t.forecast),
    actual: money(t.actual),
    expected: money(t.expected),
    forecastVariance: money(t.forecastVariance),
    actualVariance: money(t.actualVariance),
    expectedVariance: money(t.expected - t.target),
  };
}

export function presentRollup(
  scope: string,
  range: { from?: string | undefined; to?: string | undefined },
  r: Rollup,
  settings: OrgSettings,
  exceptionsByLevel: RollupAnswer['exceptionsByLevel'],
  decisionsWaiting: RollupAnswer['decisionsWaiting'],
  byMonth: readonly MonthSums[],
  furthest: readonly FurthestRow[],
  people: People,
): RollupAnswer {
  const { digits } = moneyRules(settings);
  const slot = (b: StageSlot) => ({
    count: b.count,
    target: fromMinor(b.target, digits),
    forecast: fromMinor(b.forecast, digits),
  });
  return {
    scope,
    currency: settings.currency,
    from: range.from ?? null,
    to: range.to ?? null,
    totals: presentTotals(r.totals, settings),
    byStage: {
      ...Object.fromEntries(Object.entries(r.byStage).map(([k, v]) => [k, slot(v)])),
      onHold: slot(r.onHold),
    },
    implementationStatus: r.implementationStatus,
    potentialStatus: r.potentialStatus,
    exceptionsByLevel,
    decisionsWaiting,
    byMonth: byMonth.map((m) => ({
      period: m.period,
      target: fromMinor(m.target, digits),
      forecast: fromMinor(m.forecast, digits),
      actual: fromMinor(m.actual, digits),
      expected: fromMinor(m.expected, digits),
    })),
    topVariances: furthest.map((f) => ({
      measure: f.code,
      title: f.title,
      owner: person(people, f.owner_id)!,
      target: fromMinor(f.target, digits),
      expected: fromMinor(f.expected, digits),
      variance: fromMinor(f.expected - f.target, digits),
    })),
  };
}

type MonthSums = Awaited<ReturnType<typeof monthsUnder>>[number];
type FurthestRow = Awaited<ReturnType<typeof furthestFromTarget>>[number];

/** The variance register: each measure beside its target, flagged by the organization's materiality. */
export function presentVariances(
  scope: { code: string; name: string },
  settings: OrgSettings,
  measures: readonly VarianceRow[],
  programs: ReadonlyMap<string, { code: string; name: string }>,
  people: People,
): VariancesAnswer {
  const money = moneyRules(settings);
  const amount = (v: number) => fromMinor(v, money.digits);
  return {
    scope: scope.code,
    name: scope.name,
    currency: settings.currency,
    materialityPct: settings.materialityPct,
    materialityAbs: settings.materialityAbs,
    measures: measures.map((m) => ({
      measure: m.code,
      title: m.title,
      program: programs.get(ancestorPath(m.path, 'program') ?? '') ?? null,
      owner: person(people, m.ownerId)!,
      stage: m.stage,
      onHold: !!m.onHold,
      target: amount(m.target),
      forecast: amount(m.forecast),
      actual: amount(m.actual),
      expected: amount(m.expected),
      variance: amount(m.expected - m.target),
      flag: varianceFlag(m.expected, m.target, {
        materialityPct: settings.materialityPct,
        materialityAbs: money.materialityAbs,
      }),
    })),
  };
}
