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

export function potentialRatio(
  byPeriod: ReadonlyMap<string, PeriodValues>,
  closedThrough: string | null,
) {
  let target = 0;
  let expected = 0;
  for (const [period, v] of byPeriod) {
    target += v.target ?? 0;
    expected += expectedValue(period, v, closedThrough);
  }
  return { target, expected };
}

/** ≥ 95 % of cumulative target on track, ≥ 80 % at risk, else off track; no target: on track. */
export function potentialStatus(
  byPeriod: ReadonlyMap<string, PeriodValues>,
  closedThrough: string | null,
): PotentialStatus {
  const { target, expected } = potentialRatio(byPeriod, closedThrough);
  if (target <= 0) return 'on_track';
  if (expected * 100 >= target * 95) return 'on_track';
  if (expected * 100 >= target * 80) return 'at_risk';
  return 'off_track';
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
