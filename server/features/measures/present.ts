// How a measure looks on the wire (shared/api/answers.ts), built from its state already read (no
// SQL here); its open requests as the approvals and gates features present them.
import type { Grant } from '../../../shared/domain/access.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { dependencyStatus } from '../../../shared/domain/dependencies.js';
import { variances } from '../../../shared/domain/status.js';
import { DOI } from '../../../shared/model.js';
import { fromMinor, fromMinorOrNull } from '../../../shared/money.js';
import { moneyRules } from '../hierarchy/store.js';
import type { DependencyAnswer, MeasureAnswer } from '../../../shared/api/answers.js';
import { changeRequestView } from '../approvals/present.js';
import { gateRequestView } from '../gates/present.js';
import { person } from '../hierarchy/present.js';
import type { People } from '../hierarchy/store.js';
import { type MeasureState, deriveStatus } from './store.js';

/** Whom a measure's answer names. */
export const peopleOfMeasure = (state: MeasureState) => [
  state.measure.owner_id,
  state.measure.sponsor_id,
  state.measure.controller_id,
  ...state.changeRequests.map((r) => r.requested_by),
  state.gateRequest?.requested_by,
  ...state.dependencies.map((d) => d.owner_id),
];

export function measureView(
  state: MeasureState,
  settings: OrgSettings,
  now: Date,
  people: People,
  grantsOf: (userId: string) => readonly Grant[],
): MeasureAnswer {
  const m = state.measure;
  const { digits } = moneyRules(settings);
  const status = deriveStatus(state, settings, now);
  const { byPeriod } = status;
  const v = variances(byPeriod, settings.closedThrough);
  const money = (n: number) => fromMinor(n, digits);
  const total = (kind: 'baseline' | 'target' | 'forecast' | 'actual') =>
    money([...byPeriod.values()].reduce((s, p) => s + (p[kind] ?? 0), 0));
  const pendingByCell = new Map(state.changeRequests.map((r) => [`${r.kind}|${r.period}`, r]));
  return {
    code: m.code,
    title: m.title,
    description: m.description,
    packageCode: m.package_code,
    category: m.category,
    impactType: m.impact_type,
    stage: m.stage,
    doi: DOI[m.stage],
    onHold: !!m.on_hold,
    holdReason: m.hold_reason,
    startPeriod: m.start_period,
    endPeriod: m.end_period,
    currency: settings.currency,
    owner: person(people, m.owner_id),
    sponsor: person(people, m.sponsor_id),
    controller: person(people, m.controller_id),
    implementationStatus: status.implementation,
    potentialStatus: status.potential,
    declaredStatus: m.declared_status,
    figures: {
      baseline: total('baseline'),
      target: total('target'),
      forecast: total('forecast'),
      actual: total('actual'),
      expected: money(status.cumulativeExpected),
      forecastVariance: money(v.cumulative.forecastVariance),
      actualVariance: money(v.cumulative.actualVariance),
      realization: v.realization,
      perPeriod: v.perPeriod.map((p) => ({
        period: p.period,
        forecastVariance: fromMinorOrNull(p.forecastVariance, digits),
        actualVariance: fromMinorOrNull(p.actualVariance, digits),
      })),
    },
    milestones: state.milestones.map((ms) => ({
      id: ms.id,
      title: ms.title,
      due: ms.due,
      done: !!ms.done,
      doneAt: ms.done_at,
    })),
    risks: state.risks.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      open: !!r.open,
    })),
    dependencies: state.dependencies.map((d) => ({
      id: d.id,
      title: d.title,
      due: d.due,
      owner: person(people, d.owner_id),
      done: !!d.done,
      status: dependencyStatus({ done: !!d.done, atRisk: !!d.at_risk }),
      riskLevel: d.risk_level ?? 'low',
    })),
    cells: state.cells.map((cell) => {
      const pending = pendingByCell.get(`${cell.kind}|${cell.period}`);
      return {
        kind: cell.kind,
        period: cell.period,
        value: fromMinorOrNull(cell.value, digits),
        version: cell.version,
        ...(pending
          ? {
              pending: { changeRequestId: pending.id, value: fromMinor(pending.new_value, digits) },
            }
          : {}),
      };
    }),
    openRequests: {
      changeRequests: state.changeRequests.map((r) =>
        changeRequestView(r, m, digits, people, grantsOf),
      ),
      gateRequest: state.gateRequest
        ? gateRequestView(state.gateRequest, m, people, digits, grantsOf)
        : null,
    },
    revision: m.revision,
  };
}

/** A dependency as its routes answer it, from the row they read (flags already booleans). */
export const presentDependency = (
  row: Record<string, unknown>,
  measure: string,
): DependencyAnswer => ({
  id: row.id as string,
  measure,
  title: row.title as string,
  due: row.due as string,
  ownerId: row.ownerId as string | null,
  done: row.done as boolean,
  status: dependencyStatus({ done: row.done as boolean, atRisk: row.atRisk as boolean }),
  riskLevel: row.riskLevel as DependencyAnswer['riskLevel'],
});
