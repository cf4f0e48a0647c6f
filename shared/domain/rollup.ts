// The portfolio rollup's arithmetic (governance model, "Reporting"): measures in, the executive
// figures out. Pure, so the kept totals and a from-the-cells computation answer the same.
import {
  DECLARABLE_STATUSES,
  type ImplementationStatus,
  POTENTIAL_STATUSES,
  type PotentialStatus,
  STAGES,
  type Stage,
} from '../model.js';
import { NO_VALUE, type ValueTotals } from './status.js';

export interface RollupEntry {
  stage: Stage;
  onHold: boolean;
  money: ValueTotals;
  implementation: ImplementationStatus;
  potential: PotentialStatus;
}

export interface StageSlot {
  count: number;
  target: number;
  forecast: number;
}

/**
 * Cancelled measures are left out of the totals and the status counts and counted under
 * `byStage.cancelled`; `onHold` is an extra count, not a stage.
 */
export function rollUp(entries: Iterable<RollupEntry>) {
  const totals = { ...NO_VALUE };
  const slot = (): StageSlot => ({ count: 0, target: 0, forecast: 0 });
  const byStage = Object.fromEntries(STAGES.map((s) => [s, slot()])) as Record<Stage, StageSlot>;
  const onHold = slot();
  const implementationStatus = Object.fromEntries(DECLARABLE_STATUSES.map((s) => [s, 0]));
  const potentialStatus = Object.fromEntries(POTENTIAL_STATUSES.map((s) => [s, 0]));
  const add = (into: StageSlot, m: ValueTotals) => {
    into.count += 1;
    into.target += m.target;
    into.forecast += m.forecast;
  };
  for (const e of entries) {
    add(byStage[e.stage], e.money);
    if (e.onHold) add(onHold, e.money);
    if (e.stage === 'cancelled') continue;
    for (const k of Object.keys(totals) as (keyof ValueTotals)[]) totals[k] += e.money[k];
    implementationStatus[e.implementation] = (implementationStatus[e.implementation] ?? 0) + 1;
    potentialStatus[e.potential]! += 1;
  }
  return { totals, byStage, onHold, implementationStatus, potentialStatus };
}
export type Rollup = ReturnType<typeof rollUp>;
