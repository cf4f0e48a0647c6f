// The decision log on the wire (shared/api/answers.ts), from rows already read.
import type { DecisionEntry } from '../../../shared/api/answers.js';
import { decisionValueEffect } from '../../../shared/domain/decisions.js';
import { fromMinor } from '../../../shared/money.js';
import { person } from '../hierarchy/present.js';
import type { People } from '../hierarchy/store.js';
import type { DecisionRow } from './store.js';

/** What a decision was about, in a few words. */
function what(d: DecisionRow): string {
  switch (d.kind) {
    case 'change_request':
      return `${d.a} ${d.b}`;
    case 'window_request':
      return `window ${d.a}…${d.b}`;
    case 'gate':
      return `${d.a} → ${d.b}`;
    case 'exception':
      return d.b ? `${d.a}: ${d.b}` : (d.a ?? '');
  }
}

export const presentDecision = (d: DecisionRow, digits: number, people: People): DecisionEntry => ({
  kind: d.kind,
  id: d.id,
  measure: d.measure,
  what: what(d),
  decision: d.decision,
  by: person(people, d.decided_by)!,
  at: d.decided_at,
  valueEffect: fromMinor(
    decisionValueEffect({
      kind: d.kind,
      approved: d.decision === 'approved',
      oldValue: d.old_value,
      newValue: d.new_value,
      pinned: d.pinned ? (JSON.parse(d.pinned) as Record<string, unknown>) : null,
      valueAtStake: d.value_at_stake,
    }),
    digits,
  ),
  comment: d.comment || null,
});
