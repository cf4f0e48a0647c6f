// The kept aggregates' SQL: per-measure totals and statuses (measure_totals), the measures a
// write changed (measures_changed, filled by triggers), and the scope reads reports make of them.
import {
  expectedValue,
  NO_VALUE,
  type PeriodValues,
  type ValueTotals,
} from '../../../shared/domain/status.js';
import {
  IMPLEMENTATION_STATUSES,
  type ImplementationStatus,
  POTENTIAL_STATUSES,
  type PotentialStatus,
  type Stage,
} from '../../../shared/model.js';
import { type Exec, jsonRows, one, rows } from '../../db/db.js';
import { PackedRecords, packedSql, SIGNED_BYTES } from '../../db/packed.js';
import type { KnownCells } from '../../http/write.js';
import { underPrefixes } from '../hierarchy/store.js';
import { windowPeriods } from '../measures/store.js';
import { KIND_INDEX, keyPeriod, monthKey, PERIODS_PER_KIND } from '../sync/store.js';

/** A measure_totals row as the code reads it. */
export interface KeptTotals {
  measureId: number;
  money: ValueTotals;
  implementation: ImplementationStatus;
  potential: PotentialStatus;
  statusUntil: string | null;
  /** Its money by month (MonthsCodec); undefined when only time was judged (left as stored). */
  months?: string | undefined;
}

/**
 * A measure's money by month, kept beside its totals for the reports' `byMonth`: one JSON array
 * of numbers, five a month of its window that holds a cell — the month as its monthKey (year ×
 * 12 + month − 1, as in a cell key), then target, forecast, actual (minor units, null where
 * there is no such cell) and expected (expectedValue: the actual of a closed month, else the
 * forecast, else the target).
 *
 * Worked example: a window holding a target of 100 in 2027-01 and 2027-02, a forecast of 90 in
 * 2027-02, nothing closed: [24324,100,null,null,100,24325,100,90,null,90].
 */
export const MonthsCodec = {
  encode(periods: readonly [string, PeriodValues][], closedThrough: string | null): string {
    const numbers: (number | null)[] = [];
    // Usually in order already (a copy sorted only when not: this runs per measure of a push).
    const inOrder = periods.every(([p], i) => i === 0 || periods[i - 1]![0] < p)
      ? periods
      : [...periods].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [period, v] of inOrder)
      numbers.push(
        monthKey(period),
        v.target,
        v.forecast,
        v.actual,
        expectedValue(period, v, closedThrough),
      );
    return JSON.stringify(numbers);
  },
  /** Many measures' months, their texts joined as one JSON array (one parse for a whole scope). */
  decodeMany: (texts: string) => JSON.parse(texts) as (number | null)[][],
  /** Adds one measure's decoded months to `sums` (month index → target, forecast, actual, expected). */
  addTo(sums: Map<number, [number, number, number, number]>, n: readonly (number | null)[]) {
    for (let i = 0; i < n.length; i += 5) {
      const month = n[i]!;
      let s = sums.get(month);
      if (!s) sums.set(month, (s = [0, 0, 0, 0]));
      s[0] += n[i + 1] ?? 0;
      s[1] += n[i + 2] ?? 0;
      s[2] += n[i + 3] ?? 0;
      s[3] += n[i + 4]!;
    }
  },
};

/** Per month of a window: each kind's value (minor units) and whether a cell holds it. Reused. */
let slots = new Float64Array(0);
let held = new Uint8Array(0);
/** Per month: whether any cell of the month is in the record (a cell may hold no value). */
let seen = new Uint8Array(0);
/** The months' numbers of the measure at hand, as MonthsCodec lays them out. Reused. */
const monthNumbers: (number | null)[] = [];

/**
 * A measure's window totals and its months (MonthsCodec's text) straight from its cells by key, in
 * one pass over numbers: what `valueTotals` and `MonthsCodec.encode` give over the window's periods
 * side by side, without a period text and an object per month. It runs for every measure a push
 * changes; the straightforward pair stays the reference it is held to (test/service/
 * kept-totals.test.ts, and the kept-totals check after every test file, which reads the periods
 * with windowPeriods and judges them the straightforward way).
 */
export function windowKept(
  cells: KnownCells,
  start: string | null,
  end: string | null,
  closedThrough: string | null,
): { totals: ValueTotals; months: string } {
  const totals = { ...NO_VALUE };
  const first = start ? monthKey(start) : -1;
  const last = end ? monthKey(end) : -1;
  if (first < 0 || last < first) return { totals, months: '[]' };
  const n = last - first + 1;
  if (seen.length < n) {
    slots = new Float64Array(n * 4);
    held = new Uint8Array(n * 4);
    seen = new Uint8Array(n);
  }
  // forEach, not for…of: no entry array per cell.
  cells.forEach(({ value }, key) => {
    const i = (key % PERIODS_PER_KIND) - first;
    if (i < 0 || i >= n) return;
    seen[i] = 1;
    if (value === null) return;
    const at = i * 4 + Math.floor(key / PERIODS_PER_KIND);
    slots[at] = value;
    held[at] = 1;
  });
  const closed = closedThrough ? monthKey(closedThrough) : -1;
  // One flat text per measure (JSON.stringify of numbers): text built piece by piece stays a tree
  // of small strings until it is saved, and the whole push's trees outlived the young generation.
  monthNumbers.length = 0;
  const B = KIND_INDEX.baseline;
  const T = KIND_INDEX.target;
  const F = KIND_INDEX.forecast;
  const A = KIND_INDEX.actual;
  for (let i = 0; i < n; i++) {
    if (!seen[i]) continue;
    const at = i * 4;
    const target = held[at + T] ? slots[at + T]! : null;
    const forecast = held[at + F] ? slots[at + F]! : null;
    const actual = held[at + A] ? slots[at + A]! : null;
    totals.baseline += held[at + B] ? slots[at + B]! : 0;
    totals.target += target ?? 0;
    totals.forecast += forecast ?? 0;
    totals.actual += actual ?? 0;
    if (forecast !== null) totals.forecastVariance += forecast - (target ?? 0);
    if (actual !== null) totals.actualVariance += actual - (target ?? 0);
    // expectedValue, by month key: the actual of a closed month, else the forecast, else the target.
    const expected = first + i <= closed && actual !== null ? actual : (forecast ?? target ?? 0);
    totals.expected += expected;
    monthNumbers.push(first + i, target, forecast, actual, expected);
    seen[i] = 0;
    held[at] = held[at + 1] = held[at + 2] = held[at + 3] = 0;
  }
  return { totals, months: JSON.stringify(monthNumbers) };
}

/**
 * The scope's money by month (its measures but the cancelled ones), from the kept months: one
 * text of the scope's arrays, added up here (a parse of numbers, not a query per month).
 */
export async function monthsUnder(
  x: Exec,
  prefixes: readonly string[],
  range: { from?: string | undefined; to?: string | undefined },
) {
  const sums = new Map<number, [number, number, number, number]>();
  if (!prefixes.length) return [];
  const found = await one<{ months: string | null }>(
    x,
    `SELECT '[' || group_concat(t.months) || ']' AS months FROM measure_totals t JOIN measures m ON m.node_id = t.measure_id
     WHERE ${underPrefixes('t.measure_id')} AND m.stage <> 'cancelled' AND t.months IS NOT NULL`,
    [JSON.stringify(prefixes)],
  ).catch((e: unknown) => {
    // Before migration 010 nothing is kept by month.
    if (/no such column: t\.months/.test(String(e))) return undefined;
    throw e;
  });
  if (found?.months)
    for (const months of MonthsCodec.decodeMany(found.months)) MonthsCodec.addTo(sums, months);
  const from = range.from ? monthKey(range.from) : -Infinity;
  const to = range.to ? monthKey(range.to) : Infinity;
  return [...sums]
    .filter(([month]) => month >= from && month <= to)
    .sort(([a], [b]) => a - b)
    .map(([month, [target, forecast, actual, expected]]) => ({
      period: keyPeriod(month),
      target,
      forecast,
      actual,
      expected,
    }));
}

/** The scope's measures furthest from target (expected − target, either way), at most `limit`. */
export const furthestFromTarget = (x: Exec, prefixes: readonly string[], limit: number) =>
  prefixes.length
    ? rows<{
        code: string;
        title: string;
        owner_id: string;
        target: number;
        expected: number;
      }>(
        x,
        `SELECT n.code, m.title, m.owner_id, t.target, t.expected FROM measure_totals t
         JOIN measures m ON m.node_id = t.measure_id JOIN nodes n ON n.id = t.measure_id
         WHERE ${underPrefixes('t.measure_id')} AND m.stage <> 'cancelled' AND t.expected <> t.target
         ORDER BY abs(t.expected - t.target) DESC, n.code LIMIT ?2`,
        [JSON.stringify(prefixes), limit],
      )
    : Promise.resolve([]);

/** A measure of a scope with its kept money, as the variance register reads it. */
export interface VarianceRow {
  code: string;
  title: string;
  ownerId: string;
  stage: Stage;
  onHold: number;
  path: string;
  target: number;
  forecast: number;
  actual: number;
  expected: number;
}

/** Every measure under the prefixes (the cancelled left out) with its kept money, by code. */
export const varianceRowsUnder = (x: Exec, prefixes: readonly string[]) =>
  prefixes.length
    ? jsonRows<VarianceRow>(
        x,
        `SELECT json_object('code', n.code, 'title', m.title, 'ownerId', m.owner_id, 'stage', m.stage,
           'onHold', m.on_hold, 'path', n.path, 'target', t.target, 'forecast', t.forecast,
           'actual', t.actual, 'expected', t.expected) AS j
         FROM measure_totals t JOIN measures m ON m.node_id = t.measure_id JOIN nodes n ON n.id = t.measure_id
         WHERE ${underPrefixes('t.measure_id')} AND m.stage <> 'cancelled' ORDER BY n.code`,
        [JSON.stringify(prefixes)],
      )
    : Promise.resolve([]);

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

/**
 * Kept rows to save, as packed records (server/db/packed.ts), TOTALS_BYTES each, and their months
 * texts (MonthsCodec) one after another in a second BLOB:
 *
 *   offset (0-based)  0..15       16..134                                    135  136  137..146
 *   field             measure id  baseline, target, forecast, actual,        impl pot  status until
 *                                 forecast and actual variance, expected                (or "n")
 *   width             16 digits   7 × (sign + 16)                            1    1    10
 *
 *   offset            147..163                          164..171
 *   field             months' offset in the texts       months' length
 *   width             sign + 16 ("n": none, left as is)  8 digits
 *
 * impl and pot are indexes into IMPLEMENTATION_STATUSES and POTENTIAL_STATUSES. Worked example:
 * measure 7, a target of 100 and a forecast of 90 (so a forecast variance of -10, expected 90),
 * on_track (0) and at_risk (1), no day set, months "[24324,100,90,null,90]" at offset 0:
 *   "0000000000000007" + "+0000000000000000" + "+0000000000000100" + "+0000000000000090"
 *   + "+0000000000000000" + "-0000000000000010" + "+0000000000000000" + "+0000000000000090"
 *   + "01" + "n         " + "+0000000000000000" + "00000022"
 */
export class PackedTotals {
  readonly #records: PackedRecords;
  readonly #months: string[] = [];
  #monthsLength = 0;

  constructor(capacity: number) {
    this.#records = new PackedRecords(TOTALS_BYTES, capacity);
  }

  add(k: KeptTotals) {
    const r = this.#records;
    const at = r.next();
    r.digits(at, 16, k.measureId);
    const m = k.money;
    const money = [
      m.baseline,
      m.target,
      m.forecast,
      m.actual,
      m.forecastVariance,
      m.actualVariance,
      m.expected,
    ];
    for (let i = 0; i < money.length; i++) r.signed(at + 16 + i * SIGNED_BYTES, money[i]!);
    r.index(at + 135, IMPLEMENTATION_STATUSES.indexOf(k.implementation));
    r.index(at + 136, POTENTIAL_STATUSES.indexOf(k.potential));
    r.text(at + 137, 10, k.statusUntil);
    r.signed(at + 147, k.months === undefined ? null : this.#monthsLength);
    r.digits(at + 164, 8, k.months?.length ?? 0);
    if (k.months !== undefined) {
      this.#months.push(k.months);
      this.#monthsLength += k.months.length;
    }
  }

  bytes() {
    return this.#records.bytes();
  }

  /** The months texts, one after another (ASCII: digits, signs, commas, brackets and null). */
  monthsBytes() {
    return Buffer.from(this.#months.join(''), 'latin1');
  }
}
const TOTALS_BYTES = 172;
const totalsField = packedSql('?1', TOTALS_BYTES);
const saveTotalsSql = (months: boolean) => {
  const money = (i: number) => totalsField.signed(16 + i * SIGNED_BYTES);
  return `INSERT INTO measure_totals (measure_id, baseline, target, forecast, actual, forecast_variance, actual_variance, expected,
      implementation, potential, status_until${months ? ', months' : ''})
    SELECT ${totalsField.integer(0, 16)}, ${[0, 1, 2, 3, 4, 5, 6].map(money).join(', ')},
      ${totalsField.oneOf(135, IMPLEMENTATION_STATUSES)}, ${totalsField.oneOf(136, POTENTIAL_STATUSES)},
      ${totalsField.text(137, 10)}${
        months
          ? `, CAST(substr(?2, ${totalsField.signed(147)} + 1, ${totalsField.integer(164, 8)}) AS TEXT)`
          : ''
      }
    FROM ${totalsField.from} WHERE true
    ON CONFLICT (measure_id) DO UPDATE SET baseline = excluded.baseline, target = excluded.target, forecast = excluded.forecast,
      actual = excluded.actual, forecast_variance = excluded.forecast_variance, actual_variance = excluded.actual_variance,
      expected = excluded.expected, implementation = excluded.implementation, potential = excluded.potential,
      status_until = excluded.status_until${months ? ', months = coalesce(excluded.months, months)' : ''}`;
};

export async function saveTotals(x: Exec, kept: readonly KeptTotals[]) {
  if (!kept.length) return;
  const packed = new PackedTotals(kept.length);
  for (const k of kept) packed.add(k);
  const save = (months: boolean) =>
    x.execute({
      sql: saveTotalsSql(months),
      args: months ? [packed.bytes(), packed.monthsBytes()] : [packed.bytes()],
    });
  await save(true).catch((e: unknown) => {
    // Migration 006 keeps the totals before 010 gives them their months.
    if (!/no column named months|no such column: months/.test(String(e))) throw e;
    return save(false);
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

/** Every measure's kept months (the kept-totals check compares them with the cells). */
export const keptMonths = async (x: Exec) =>
  new Map(
    (
      await rows<{ measure_id: number; months: string | null }>(
        x,
        'SELECT measure_id, months FROM measure_totals',
      )
    ).map((r) => [r.measure_id, r.months]),
  );
