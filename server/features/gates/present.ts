// How gate requests look on the wire (shared/api/answers.ts), from rows already read.
import type { GateRequestAnswer } from '../../../shared/api/answers.js';
import { type Grant, standingApprover } from '../../../shared/domain/access.js';
import { type ApproverRule, gateApprover, pinnedTotals } from '../../../shared/domain/gates.js';
import { fromMinor } from '../../../shared/money.js';
import { person } from '../hierarchy/present.js';
import type { People } from '../hierarchy/store.js';
import type { GateRequestRow, MeasureRow } from '../measures/store.js';

export function gateRequestView(
  g: GateRequestRow,
  m: Pick<MeasureRow, 'code' | 'sponsor_id' | 'controller_id' | 'path'>,
  people: People,
  digits: number,
  grantsOf: (userId: string) => readonly Grant[],
): GateRequestAnswer {
  const pinned = pinnedTotals(g.pinned ? JSON.parse(g.pinned) : null);
  const waiting = standingApprover(
    gateApprover(g.approver as ApproverRule, {
      sponsorId: m.sponsor_id,
      controllerId: m.controller_id,
    }),
    m.path,
    grantsOf,
  );
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
    waitingOn:
      g.status === 'pending'
        ? {
            role: g.approver,
            user: person(people, waiting.userId),
            formerly: person(people, waiting.formerly),
          }
        : null,
    decidedBy: person(people, g.decided_by),
    decidedAt: g.decided_at,
    decisionComment: g.decision_comment,
  };
}
