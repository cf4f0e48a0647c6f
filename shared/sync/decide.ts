// The decisions of a push, as one pure function over a batch: each change, in order, judged by
// the finance rules against the record as the batch has left it so far. The engines (the bulk one
// the service runs and the straightforward reference it is tested against) load the record, call
// this, and write what it reports; neither decides anything itself.
import type { Actor } from '../domain/access.js';
import {
  type CellChange,
  type Decision,
  type EditRules,
  evaluateChange,
  type MeasureForEdit,
} from '../domain/finance.js';
import type { CellKind } from '../model.js';

/** A cell of the record: minor units, its version, and (forecasts) its materiality reference. */
export interface Slot {
  value: number | null;
  version: number;
  /** Forecasts: the month (months since year 0) whose materiality reference refValue is; else null. */
  refMonth?: number | null;
  refValue?: number | null;
}
export const EMPTY_SLOT: Slot = { value: null, version: 0, refMonth: null, refValue: null };

/** A month as months since year 0 (the period part of a cell key). */
export const monthIndex = (date: Date) => date.getUTCFullYear() * 12 + date.getUTCMonth();

/**
 * What a forecast change of this month is measured from (materiality): the cell's reference when
 * it was set this month, else its value now — which it held when the month began. Null (an empty
 * cell) means the target, as for a first forecast.
 */
export const monthReference = (cell: Slot, month: number) =>
  cell.refMonth === month ? (cell.refValue ?? null) : cell.value;

export interface BatchChange extends CellChange {
  measure: string;
  /** Imports: judge the change against the current record instead of a version the sender saw. */
  againstCurrent?: boolean | undefined;
}

/** What the rules need of a measure the actor may see. */
export interface MeasureFacts {
  id: number;
  edit: MeasureForEdit;
  rules: EditRules;
}

/** The record a batch is decided against; `set` and `setRequest` follow the batch as it applies. */
export interface BatchRecord {
  get(measureId: number, kind: CellKind, period: string): Slot | undefined;
  set(measureId: number, kind: CellKind, period: string, slot: Slot): void;
  /** The pending change request on a cell. */
  request(measureId: number, kind: CellKind, period: string): string | undefined;
  setRequest(measureId: number, kind: CellKind, period: string, id: string): void;
}

export interface BatchContext {
  actor: Actor;
  /** By code; a measure the actor may not see is not here (and answered as unknown). */
  measures: ReadonlyMap<string, MeasureFacts>;
  /** The service's month, as monthIndex. */
  month: number;
  newRequestId: () => string;
}

/** What the batch does, change by change, in order (the audit trail keeps that order). */
export interface BatchEvents {
  /** Every change's decision; `measure` null for a measure the actor may not see. */
  decided(index: number, decision: Decision, measure: MeasureFacts | null): void;
  /** A change that moves its cell: the slot before and after. */
  applied(index: number, measure: MeasureFacts, before: Slot, after: Slot): void;
  /** A change that waits for approval as a new request, replacing the cell's open one if any. */
  requested(
    index: number,
    measure: MeasureFacts,
    before: Slot,
    decision: Extract<Decision, { outcome: 'pending' }>,
    requestId: string,
    replaced: string | undefined,
  ): void;
}

export function decideBatch(
  changes: readonly BatchChange[],
  ctx: BatchContext,
  record: BatchRecord,
  on: BatchEvents,
): void {
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const measure = ctx.measures.get(change.measure);
    if (!measure) {
      on.decided(
        i,
        {
          outcome: 'rejected',
          reason: 'UNKNOWN_MEASURE',
          message: `No measure ${change.measure} that you can see.`,
        },
        null,
      );
      continue;
    }
    const { id } = measure;
    const current = record.get(id, change.kind, change.period) ?? EMPTY_SLOT;
    const forecast = change.kind === 'forecast';
    // Materiality adds up over the month: a forecast is measured from the value it held when the
    // month began (or first took this month, or a controller last approved since).
    const reference = forecast ? monthReference(current, ctx.month) : null;
    const decision = evaluateChange(
      change.againstCurrent ? { ...change, baseVersion: current.version } : change,
      {
        actor: ctx.actor,
        measure: measure.edit,
        rules: measure.rules,
        current,
        periodTarget: forecast ? (record.get(id, 'target', change.period)?.value ?? null) : null,
        periodForecast: reference,
      },
    );
    on.decided(i, decision, measure);
    if (decision.outcome === 'applied' && !decision.unchanged) {
      const next: Slot = forecast
        ? {
            value: decision.value,
            version: current.version + 1,
            refMonth: ctx.month,
            refValue: reference ?? decision.value, // an empty cell: its first value
          }
        : { value: decision.value, version: current.version + 1, refMonth: null, refValue: null };
      record.set(id, change.kind, change.period, next);
      on.applied(i, measure, current, next);
    } else if (decision.outcome === 'pending') {
      const replaced = record.request(id, change.kind, change.period);
      const requestId = ctx.newRequestId();
      record.setRequest(id, change.kind, change.period, requestId);
      on.requested(i, measure, current, decision, requestId, replaced);
    }
  }
}
