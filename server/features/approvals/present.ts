// How change requests look on the wire (shared/api/answers.ts): a cell's, and a window change
// from Detailed on in the same shape (`kind: "window"`), from rows already read.
import type { ChangeRequestAnswer, WindowRequestAnswer } from '../../../shared/api/answers.js';
import { changeApprover, type Grant, standingApprover } from '../../../shared/domain/access.js';
import { fromMinor, fromMinorOrNull } from '../../../shared/money.js';
import { person } from '../hierarchy/present.js';
import type { People } from '../hierarchy/store.js';
import type { ChangeRequestRow, MeasureRow, WindowRequestRow } from '../measures/store.js';

/** Whom a pending change request waits on as things stand (standingApprover), for the wire. */
export function changeWaitingOn(
  m: Pick<MeasureRow, 'path' | 'controller_id'>,
  people: People,
  grantsOf: (userId: string) => readonly Grant[],
) {
  const w = standingApprover(changeApprover({ controllerId: m.controller_id }), m.path, grantsOf);
  return { role: w.role, user: person(people, w.userId), formerly: person(people, w.formerly) };
}

export function changeRequestView(
  cr: ChangeRequestRow,
  m: Pick<MeasureRow, 'code' | 'controller_id' | 'title' | 'path'>,
  digits: number,
  people: People,
  grantsOf: (userId: string) => readonly Grant[],
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
    waitingOn: cr.status === 'pending' ? changeWaitingOn(m, people, grantsOf) : null,
    source: cr.source ? JSON.parse(cr.source) : null,
    decidedBy: person(people, cr.decided_by),
    decidedAt: cr.decided_at,
    comment: cr.decision_comment,
  };
}

/** A window change waiting for the controller, in the shape of a change request (`kind: "window"`). */
export function windowRequestView(
  r: WindowRequestRow,
  m: Pick<MeasureRow, 'code' | 'controller_id' | 'title' | 'path'>,
  digits: number,
  people: People,
  grantsOf: (userId: string) => readonly Grant[],
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
    waitingOn: r.status === 'pending' ? changeWaitingOn(m, people, grantsOf) : null,
    decidedBy: person(people, r.decided_by),
    decidedAt: r.decided_at,
    comment: r.decision_comment,
  };
}
