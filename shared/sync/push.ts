// Building push batches from a diff, and turning the service's answer into what the sheet shows.
import type { PushBody, PushResult } from '../api/schemas.js';
import { type Snapshot, cellKey } from './cells.js';
import type { CellChange } from './diff.js';
import { varianceFlag } from '../domain/finance.js';

/** Large pushes go in several atomic batches, so the pane can show progress between them. */
export const BATCH_SIZE = 20_000;

export interface PushPlan {
  batches: PushBody[];
  /** For each batch, the changes in the order they were sent. */
  sent: CellChange[][];
}

export function planPush(
  changes: readonly CellChange[],
  opts: {
    source: PushBody['source'];
    notes: ReadonlyMap<string, string>;
    newKey: () => string;
    cellAddress: (c: CellChange) => string;
  },
): PushPlan {
  const batches: PushBody[] = [];
  const sent: CellChange[][] = [];
  for (let i = 0; i < changes.length; i += BATCH_SIZE) {
    const part = changes.slice(i, i + BATCH_SIZE);
    sent.push(part);
    batches.push({
      idempotencyKey: opts.newKey(),
      source: opts.source,
      changes: part.map((c) => {
        const note = opts.notes.get(cellKey(c.measure, c.kind, c.period));
        return {
          measure: c.measure,
          kind: c.kind,
          period: c.period,
          value: c.value,
          cell: opts.cellAddress(c),
          ...(c.baseVersion !== undefined ? { baseVersion: c.baseVersion } : {}),
          ...(note ? { note } : {}),
        };
      }),
    });
  }
  return { batches, sent };
}

export type Flag = 'applied' | 'pending' | 'rejected' | 'conflict';

export interface CellWrite {
  row: number;
  column: number;
  /**
   * The record's value, written back as it is (null: empty the cell); undefined keeps what the
   * planner typed — only when the change merely lacks its note, so it can be sent again with one.
   */
  value: number | null | undefined;
  flag: Flag;
  /** What the cell's note says: the reason, in the planner's words, true for whoever reads it (a workbook is shared). */
  note: string | null;
}

/** The service's answer → what to write into each sent cell, and the snapshot after it. */
export function applyResults(
  sent: readonly CellChange[],
  results: readonly PushResult[],
  snapshot: Snapshot,
): CellWrite[] {
  return results.map((r) => {
    const c = sent[r.index]!;
    snapshot.set(cellKey(c.measure, c.kind, c.period), { value: r.value, version: r.version });
    const note =
      r.outcome === 'applied'
        ? null
        : r.outcome === 'pending'
          ? `Pending approval: ${c.value} requested. ${r.reason?.message ?? ''}`.trim()
          : r.outcome === 'conflict'
            ? `Conflict: ${r.reason?.message ?? 'changed by someone else'} The current value ${r.value ?? '(empty)'} is back; ${c.value} was typed.`
            : `Rejected (${r.reason?.code}): ${r.reason?.message ?? ''} ${c.value} was typed.`;
    const keepTyped = r.outcome === 'rejected' && r.reason?.code === 'NOTE_REQUIRED';
    return {
      row: c.row,
      column: c.column,
      value: keepTyped ? undefined : r.value,
      flag: r.outcome,
      note: keepTyped
        ? `Needs a note: ${r.reason!.message} ${c.value} was typed; add the note in the pane and push again.`
        : note,
    };
  });
}

/** Forecast cells whose variance to target passes the tolerance (percent of the period's target). */
export function varianceFlags(
  cells: Iterable<{ measure: string; kind: string; period: string; value: number | null }>,
  tolerancePct: number,
): Set<string> {
  const target = new Map<string, number>();
  const forecast = new Map<string, number>();
  for (const c of cells) {
    if (c.value === null) continue;
    if (c.kind === 'target') target.set(`${c.measure}\u0001${c.period}`, c.value);
    if (c.kind === 'forecast') forecast.set(`${c.measure}\u0001${c.period}`, c.value);
  }
  const flagged = new Set<string>();
  for (const [k, f] of forecast) {
    const t = target.get(k);
    if (
      t !== undefined &&
      varianceFlag(f, t, { materialityPct: tolerancePct, materialityAbs: null }) !== 'on_target'
    ) {
      const [measure, period] = k.split('\u0001') as [string, string];
      flagged.add(cellKey(measure, 'forecast', period));
    }
  }
  return flagged;
}
