// Dual status: implementation (milestones, risks, dependencies) and potential (value), tracked
// apart so that progress cannot hide slippage.
import type { ImplementationStatus, PotentialStatus, Stage } from '../model.js';
import { GATE_ORDER } from '../model.js';

export const AT_RISK_DAYS = 14;
const DAY = 86_400_000;

export interface ImplementationFacts {
  stage: Stage;
  milestones: readonly { due: string; done: boolean }[];
  risks: readonly { severity: string; open: boolean }[];
  dependencies: readonly { due: string; done: boolean }[];
}

const dayOf = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
const today = (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

export const isPastDue = (due: string, now: Date) => dayOf(due) < today(now);

export function implementationStatus(f: ImplementationFacts, now: Date): ImplementationStatus {
  // A cancelled or closed measure has no status of its own to track.
  if (f.stage === 'cancelled') return 'cancelled';
  if (GATE_ORDER.indexOf(f.stage) >= GATE_ORDER.indexOf('implemented')) return 'completed';
  const open = f.milestones.filter((m) => !m.done);
  if (open.some((m) => isPastDue(m.due, now))) return 'delayed';
  const soon = open.some((m) => dayOf(m.due) - today(now) <= AT_RISK_DAYS * DAY);
  const highRisk = f.risks.some((r) => r.open && r.severity === 'high');
  const lateDependency = f.dependencies.some((d) => !d.done && isPastDue(d.due, now));
  return soon || highRisk || lateDependency ? 'at_risk' : 'on_track';
}

export interface PeriodValues {
  target: number | null;
  forecast: number | null;
  actual: number | null;
}

/**
 * The value a period is expected to deliver: the actual where the period is closed and has one,
 * else the approved forecast, else the target.
 */
export function expectedValue(
  period: string,
  v: PeriodValues,
  closedThrough: string | null,
): number {
  if (closedThrough !== null && period <= closedThrough && v.actual !== null) return v.actual;
  return v.forecast ?? v.target ?? 0;
}

/** A measure's money over its window (or part of it), in minor units: what reports add up. */
export interface ValueTotals {
  baseline: number;
  target: number;
  forecast: number;
  actual: number;
  /** Forecast − target over the periods that have a forecast ("no forecast yet" is no variance). */
  forecastVariance: number;
  /** Actual − target over the periods that have an actual. */
  actualVariance: number;
  /** Per period: the actual where the period is closed and has one, else forecast, else target. */
  expected: number;
}

export const NO_VALUE: ValueTotals = {
  baseline: 0,
  target: 0,
  forecast: 0,
  actual: 0,
  forecastVariance: 0,
  actualVariance: 0,
  expected: 0,
};

/** The totals of the periods given (the caller passes the window, or the part a report asks for). */
export function valueTotals(
  byPeriod: Iterable<[string, PeriodValues & { baseline?: number | null }]>,
  closedThrough: string | null,
): ValueTotals {
  const t = { ...NO_VALUE };
  for (const [period, v] of byPeriod) {
    t.baseline += v.baseline ?? 0;
    t.target += v.target ?? 0;
    t.forecast += v.forecast ?? 0;
    t.actual += v.actual ?? 0;
    if (v.forecast !== null) t.forecastVariance += v.forecast - (v.target ?? 0);
    if (v.actual !== null) t.actualVariance += v.actual - (v.target ?? 0);
    t.expected += expectedValue(period, v, closedThrough);
  }
  return t;
}

export function potentialRatio(
  byPeriod: ReadonlyMap<string, PeriodValues>,
  closedThrough: string | null,
) {
  const { target, expected } = valueTotals(byPeriod, closedThrough);
  return { target, expected };
}

/** ≥ 95 % of cumulative target on track, ≥ 80 % at risk, else off track; no target: on track. */
export function potentialOf(totals: { target: number; expected: number }): PotentialStatus {
  const { target, expected } = totals;
  if (target <= 0) return 'on_track';
  if (expected * 100 >= target * 95) return 'on_track';
  if (expected * 100 >= target * 80) return 'at_risk';
  return 'off_track';
}

export const potentialStatus = (
  byPeriod: ReadonlyMap<string, PeriodValues>,
  closedThrough: string | null,
): PotentialStatus => potentialOf(potentialRatio(byPeriod, closedThrough));

/**
 * The first day (YYYY-MM-DD, UTC) on which time alone may change the implementation status: a
 * milestone coming within AT_RISK_DAYS, or a milestone or dependency falling past due. Null when
 * nothing dated is open. Until that day, a status computed now stays true without a write.
 */
export function implementationChangesOn(f: ImplementationFacts, now: Date): string | null {
  if (f.stage === 'cancelled' || GATE_ORDER.indexOf(f.stage) >= GATE_ORDER.indexOf('implemented'))
    return null;
  const t = today(now);
  let first = Infinity;
  const consider = (day: number) => {
    if (day > t && day < first) first = day;
  };
  for (const m of f.milestones)
    if (!m.done) {
      consider(dayOf(m.due) - AT_RISK_DAYS * DAY);
      consider(dayOf(m.due) + DAY);
    }
  for (const d of f.dependencies) if (!d.done) consider(dayOf(d.due) + DAY);
  return first === Infinity ? null : new Date(first).toISOString().slice(0, 10);
}

const IMPLEMENTATION_RANK: Record<ImplementationStatus, number> = {
  completed: 3,
  cancelled: 3,
  on_track: 2,
  at_risk: 1,
  delayed: 0,
};
/** A declared status better than the computed one is itself an exception. */
export const declaredIsBetter = (
  declared: ImplementationStatus | null,
  computed: ImplementationStatus,
) => declared !== null && IMPLEMENTATION_RANK[declared] > IMPLEMENTATION_RANK[computed];

export interface Variance {
  period: string;
  forecastVariance: number | null;
  actualVariance: number | null;
}

/** Variance to target per period (forecast − target; actual − target for closed periods). */
export function variances(
  byPeriod: ReadonlyMap<string, PeriodValues>,
  closedThrough: string | null,
) {
  const perPeriod: Variance[] = [];
  let cumForecast = 0;
  let cumActual = 0;
  let cumTarget = 0;
  let cumTargetClosed = 0;
  for (const [period, v] of [...byPeriod].sort(([a], [b]) => a.localeCompare(b))) {
    const closed = closedThrough !== null && period <= closedThrough;
    const fv = v.forecast !== null && v.target !== null ? v.forecast - v.target : null;
    const av = closed && v.actual !== null && v.target !== null ? v.actual - v.target : null;
    perPeriod.push({ period, forecastVariance: fv, actualVariance: av });
    cumTarget += v.target ?? 0;
    cumForecast += v.forecast ?? 0;
    if (closed && v.actual !== null) {
      cumActual += v.actual;
      cumTargetClosed += v.target ?? 0;
    }
  }
  return {
    perPeriod,
    cumulative: {
      forecastVariance: cumForecast - cumTarget,
      actualVariance: cumActual - cumTargetClosed,
    },
    /** Cumulative actual ÷ cumulative target; null without a target. */
    realization: cumTarget > 0 ? cumActual / cumTarget : null,
  };
}
