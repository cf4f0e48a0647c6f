// How exceptions look on the wire (shared/api/answers.ts), from rows already read.
import type { ExceptionActedAnswer, ExceptionListed } from '../../../shared/api/answers.js';
import { WAITS_ON } from '../../../shared/domain/exceptions.js';
import { fromMinor } from '../../../shared/money.js';
import type { People } from '../hierarchy/store.js';
import type { ActedRow, ExceptionRow } from './store.js';

export function presentException(e: ExceptionRow, digits: number, people: People): ExceptionListed {
  const name = (id: string | null) => (id ? (people.get(id)?.name ?? id) : null);
  return {
    id: e.id,
    type: e.type,
    measure: e.code,
    owner: e.owner_id,
    ownerName: name(e.owner_id),
    decisionNeeded: e.decision_needed,
    valueAtStake: fromMinor(e.value_at_stake, digits),
    level: e.level,
    waitingOn:
      e.level === 1
        ? [name(e.owner_id)]
        : e.level === 2
          ? [name(e.sponsor_id), name(e.controller_id)].filter(Boolean)
          : [WAITS_ON[3]],
    status: e.status,
    openedAt: e.opened_at,
    acknowledgedAt: e.acknowledged_at,
    raisedBy: e.raised_by ?? null,
    title: e.title ?? null,
    dueDate: e.due_date ?? null,
  };
}

export const presentActed = (e: ActedRow): ExceptionActedAnswer => ({
  id: e.id,
  type: e.type,
  measure: e.code,
  status: e.status,
  level: e.level,
  acknowledgedAt: e.acknowledged_at,
  resolvedAt: e.resolved_at,
  comment: e.comment,
  decision: e.decision ?? null,
});
