// The decision log's one rule of money: what a decision did to the value of the program, in
// minor units. An approved change of a cell or window: the change it made (new − old); an
// approved gate: the target it validated (the figures it pinned); a decided exception: the value
// at stake it settled. A rejection changes no value.
import { pinnedTotals } from './gates.js';

export interface DecisionFacts {
  kind: 'change_request' | 'window_request' | 'gate' | 'exception';
  approved: boolean;
  oldValue: number | null;
  newValue: number | null;
  pinned: Record<string, unknown> | null;
  valueAtStake: number | null;
}

export function decisionValueEffect(d: DecisionFacts): number {
  switch (d.kind) {
    case 'change_request':
    case 'window_request':
      return d.approved ? (d.newValue ?? 0) - (d.oldValue ?? 0) : 0;
    case 'gate':
      return d.approved ? (pinnedTotals(d.pinned)?.target ?? 0) : 0;
    case 'exception':
      return d.valueAtStake ?? 0;
  }
}
