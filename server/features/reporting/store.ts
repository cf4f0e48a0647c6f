// The kept aggregates' SQL: per-measure totals and statuses (measure_totals), the measures a
// write changed (measures_changed, filled by triggers), and the scope reads reports make of them.
import type { ValueTotals } from '../../../shared/domain/status.js';
import type { ImplementationStatus, PotentialStatus, Stage } from '../../../shared/model.js';
import { type Exec, jsonRows, one, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';
import { windowPeriods } from '../measures/store.js';

/** A measure_totals row as the code reads it. */
export interface KeptTotals {
  measureId: number;
  money: ValueTotals;
  implementation: ImplementationStatus;
  potential: PotentialStatus;
  statusUntil: string | null;
}

/** The measures this transaction changed (the triggers' list). */
export const changedMeasureIds = async (x: Exec) =>
  (await rows<{ measure_id: number }>(x, 'SELECT measure_id FROM measures_changed')).map(
    (r) => r.measure_id,
  );

/**
 * The measures this transaction changed, taken off the list (empty again before the commit). Read,
 * then deleted whole: DELETE … RETURNING of a push's 8,000 rows took 15–60 ms, this about 1.
 */
export async function takeChangedMeasureIds(x: Exec): Promise<number[]> {
  const found = await one<{ ids: string | null }>(
    x,
    "SELECT '[' || group_concat(measure_id) || ']' AS ids FROM measures_changed",
  );
  if (!found?.ids) return [];
  await x.execute('DELETE FROM measures_changed');
  return JSON.parse(found.ids) as number[];
}

/** The scope's window values per (measure, period), inside `range` when one is given. */
export const periodRowsUnder = (
  x: Exec,
  prefixes: readonly string[],
  range: { from?: string | undefined; to?: string | undefined },
) => windowPeriods(x, underPrefixes('c.measure_id'), [JSON.stringify(prefixes)], range);

export async function saveTotals(x: Exec, kept: readonly KeptTotals[]) {
  if (!kept.length) return;
  // As arrays: SQLite reads an element by index faster than a field by path, 10 a row.
  const rows = kept.map((k) => [
    k.measureId,
    k.money.baseline,
    k.money.target,
    k.money.forecast,
    k.money.actual,
    k.money.forecastVariance,
    k.money.actualVariance,
    k.money.expected,
    k.implementation,
    k.potential,
    k.statusUntil,
  ]);
  await x.execute({
    sql: `INSERT INTO measure_totals (measure_id, baseline, target, forecast, actual, forecast_variance, actual_variance, expected,
            implementation, potential, status_until)
          SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9,
            value->>10
          FROM json_each(?) WHERE true
          ON CONFLICT (measure_id) DO UPDATE SET baseline = excluded.baseline, target = excluded.target, forecast = excluded.forecast,
            actual = excluded.actual, forecast_variance = excluded.forecast_variance, actual_variance = excluded.actual_variance,
            expected = excluded.expected, implementation = excluded.implementation, potential = excluded.potential,
            status_until = excluded.status_until`,
    args: [JSON.stringify(rows)],
  });
}

const KEPT_JSON = `json_object('measureId', t.measure_id, 'money', json_object('baseline', t.baseline, 'target', t.target,
  'forecast', t.forecast, 'actual', t.actual, 'forecastVariance', t.forecast_variance, 'actualVariance', t.actual_variance,
  'expected', t.expected), 'implementation', t.implementation, 'potential', t.potential, 'statusUntil', t.status_until)`;

/** The kept rows of the measures asked for (or of every measure). */
export const keptTotals = (x: Exec, ids: readonly number[] | 'all') =>
  ids === 'all'
    ? jsonRows<KeptTotals>(x, `SELECT ${KEPT_JSON} AS j FROM measure_totals t`)
    : jsonRows<KeptTotals>(
        x,
        `SELECT ${KEPT_JSON} AS j FROM measure_totals t WHERE t.measure_id IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(ids)],
      );

export interface ScopeMeasure extends KeptTotals {
  stage: Stage;
  onHold: boolean;
}

/** Every measure under the prefixes with its kept totals: one row per measure, no cell read. */
export const keptUnder = async (x: Exec, prefixes: readonly string[]): Promise<ScopeMeasure[]> =>
  (
    await jsonRows<Omit<ScopeMeasure, 'onHold'> & { onHold: number }>(
      x,
      `SELECT json_insert(${KEPT_JSON}, '$.stage', m.stage, '$.onHold', m.on_hold) AS j
       FROM measure_totals t JOIN measures m ON m.node_id = t.measure_id
       WHERE ${underPrefixes('t.measure_id')}`,
      [JSON.stringify(prefixes)],
    )
  ).map((r) => ({ ...r, onHold: !!r.onHold }));

/**
 * Pending change and gate requests under the prefixes, counted per measure and approver rule
 * (with the measure's path: whether the people it names still hold their role there is judged
 * by the caller).
 */
export const pendingDecisionsUnder = (x: Exec, prefixes: readonly string[]) =>
  rows<{
    kind: 'change' | 'gate';
    path: string;
    sponsor_id: string | null;
    controller_id: string | null;
    approver: string | null;
    count: number;
  }>(
    x,
    `SELECT 'change' AS kind, n.path, m.sponsor_id, m.controller_id, NULL AS approver,
            COUNT(*) AS count
       FROM change_requests r JOIN measures m ON m.node_id = r.measure_id
       JOIN nodes n ON n.id = r.measure_id
       WHERE r.status = 'pending' AND ${underPrefixes('r.measure_id', '?1')}
       GROUP BY r.measure_id
     UNION ALL
     SELECT 'gate', n.path, m.sponsor_id, m.controller_id, g.approver, COUNT(*)
       FROM gate_requests g JOIN measures m ON m.node_id = g.measure_id
       JOIN nodes n ON n.id = g.measure_id
       WHERE g.status = 'pending' AND ${underPrefixes('g.measure_id', '?1')}
       GROUP BY g.measure_id, g.approver`,
    [JSON.stringify(prefixes)],
  );
