// How measures and their requests look on the wire: the answers of shared/api/answers.ts, built
// from rows already read (no SQL here).
import { changeApprover } from '../../../shared/domain/access.js';
import { type ApproverRule, gateApprover, pinnedTotals } from '../../../shared/domain/gates.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { variances } from '../../../shared/domain/status.js';
import { DOI } from '../../../shared/model.js';
import { fromMinor, fromMinorOrNull } from '../../../shared/money.js';
import { moneyRules } from '../hierarchy/store.js';
import type {
  ChangeRequestAnswer,
  GateRequestAnswer,
  MeasureAnswer,
  WindowRequestAnswer,
} from '../../../shared/api/answers.js';
import type { People } from '../hierarchy/store.js';
import {
  type ChangeRequestRow,
  type GateRequestRow,
  type WindowRequestRow,
  type MeasureRow,
  type MeasureState,
  deriveStatus,
} from './store.js';

const person = (people: People, id: string | null) =>
  id ? (people.get(id) ?? { id, name: id }) : null;

export function changeRequestView(
  cr: ChangeRequestRow,
  m: Pick<MeasureRow, 'code' | 'controller_id' | 'title'>,
  digits: number,
  people: People,
  periodTarget?: number | null,
): ChangeRequestAnswer {
  return {
    id: cr.id,
    measure: m.code,
    title: m.title,
    /** The month's target in the record, when asked for (the approvals list shows the change as a share of it). */
    ...(periodTarget !== undefined ? { periodTarget: fromMinorOrNull(periodTarget, digits) } : {}),
    kind: cr.kind,
    period: cr.period,
    oldValue: fromMinorOrNull(cr.old_value, digits),
    value: fromMinor(cr.new_value, digits),
    baseVersion: cr.base_version,
    note: cr.note,
    reason: cr.reason_code,
    status: cr.status,
    requestedBy: person(people, cr.requested_by),
    requestedAt: cr.requested_at,
    waitingOn:
      cr.status === 'pending'
        ? {
            role: 'controller',
            user: person(people, changeApprover({ controllerId: m.controller_id }).userId),
          }
        : null,
    source: cr.source ? JSON.parse(cr.source) : null,
    decidedBy: person(people, cr.decided_by),
    decidedAt: cr.decided_at,
    comment: cr.decision_comment,
  };
}

/** A window change waiting for the controller, in the shape of a change request (`kind: "window"`). */
export function windowRequestView(
  r: WindowRequestRow,
  m: Pick<MeasureRow, 'code' | 'controller_id' | 'title'>,
  digits: number,
  people: People,
): WindowRequestAnswer {
  return {
    id: r.id,
    measure: m.code,
    title: m.title,
    kind: 'window' as const,
    period: null,
    window: {
      from: { startPeriod: r.old_start, endPeriod: r.old_end },
      to: { startPeriod: r.new_start, endPeriod: r.new_end },
    },
    oldValue: fromMinor(r.old_value, digits),
    value: fromMinor(r.new_value, digits),
    note: r.note,
    reason: 'APPROVAL_REQUIRED',
    status: r.status,
    requestedBy: person(people, r.requested_by),
    requestedAt: r.requested_at,
    waitingOn:
      r.status === 'pending'
        ? {
            role: 'controller',
            user: person(people, changeApprover({ controllerId: m.controller_id }).userId),
          }
        : null,
    decidedBy: person(people, r.decided_by),
    decidedAt: r.decided_at,
    comment: r.decision_comment,
  };
}

export function gateRequestView(
  g: GateRequestRow,
  m: Pick<MeasureRow, 'code' | 'sponsor_id' | 'controller_id'>,
  people: People,
  digits: number,
): GateRequestAnswer {
  const pinned = pinnedTotals(g.pinned ? JSON.parse(g.pinned) : null);
  const user = gateApprover(g.approver as ApproverRule, {
    sponsorId: m.sponsor_id,
    controllerId: m.controller_id,
  }).userId;
  return {
    id: g.id,
    measure: m.code,
    from: g.from_stage,
    to: g.to_stage,
    comment: g.comment,
    /** What the gate validates, as it stood when requested: approving after it changed is refused. */
    validates:
      pinned &&
      Object.fromEntries(Object.entries(pinned).map(([k, v]) => [k, fromMinor(v, digits)])),
    status: g.status,
    requestedBy: person(people, g.requested_by),
    requestedAt: g.requested_at,
    waitingOn: g.status === 'pending' ? { role: g.approver, user: person(people, user) } : null,
    decidedBy: person(people, g.decided_by),
    decidedAt: g.decided_at,
    decisionComment: g.decision_comment,
  };
}

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
      changeRequests: state.changeRequests.map((r) => changeRequestView(r, m, digits, people)),
      gateRequest: state.gateRequest ? gateRequestView(state.gateRequest, m, people, digits) : null,
    },
    revision: m.revision,
  };
}
