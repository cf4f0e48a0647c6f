// What the dashboard draws, from the scope's rollup (GET /reports/rollup): plain data for the
// charts, computed here so it can be tested without drawing anything.
import type { Answer } from '../../api/client.js';
import { STAGES } from '../../../shared/model.js';

type Rollup = Answer<'RollupAnswer'>;

const STAGE_NAMES: Record<string, string> = {
  defined: 'Defined',
  identified: 'Identified',
  detailed: 'Detailed',
  decided: 'Decided',
  implemented: 'Implemented',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
const STATUS_NAMES: Record<string, string> = {
  on_track: 'On track',
  at_risk: 'At risk',
  delayed: 'Delayed',
  off_track: 'Off track',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export function dashboardFigures(r: Rollup) {
  /** The value pipeline, Defined → Closed (cancelled left out), on hold apart. */
  const pipeline = [
    ...STAGES.filter((s) => s !== 'cancelled').map((s) => ({
      stage: STAGE_NAMES[s] ?? s,
      count: r.byStage[s]?.count ?? 0,
      target: r.byStage[s]?.target ?? 0,
      forecast: r.byStage[s]?.forecast ?? 0,
    })),
    {
      stage: 'On hold',
      count: r.byStage.onHold?.count ?? 0,
      target: r.byStage.onHold?.target ?? 0,
      forecast: r.byStage.onHold?.forecast ?? 0,
    },
  ];
  return {
    headline: {
      target: r.totals.target,
      expected: r.totals.expected,
      gap: r.totals.expected - r.totals.target,
      /** Expected as a share of target (null without a target). */
      share: r.totals.target ? r.totals.expected / r.totals.target : null,
    },
    pipeline,
    /** The pipeline's widest bar: every bar is drawn as a share of it. */
    pipelineScale: Math.max(1, ...pipeline.map((p) => p.target)),
    months: r.byMonth.map((m) => ({
      period: m.period,
      target: m.target,
      forecast: m.forecast,
      actual: m.actual,
    })),
    implementation: Object.entries(r.implementationStatus)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([s, n]) => ({ status: STATUS_NAMES[s] ?? s, count: n ?? 0 })),
    potential: Object.entries(r.potentialStatus)
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([s, n]) => ({ status: STATUS_NAMES[s] ?? s, count: n ?? 0 })),
    exceptions: ([1, 2, 3] as const).map((level) => ({
      level,
      count: r.exceptionsByLevel[level] ?? 0,
    })),
    waiting: r.decisionsWaiting.map((d) => ({
      who: d.approver.name,
      changes: d.changeRequests,
      gates: d.gateRequests,
    })),
    furthest: r.topVariances,
  };
}
export type DashboardFigures = ReturnType<typeof dashboardFigures>;
