// The sync feature's store: the answers kept for retries (idempotency), and the packed cell
// formats, in one place for the JavaScript and the SQL that share them: the cell key (a kind and a
// month as one small integer), and the fixed-width row a push writes. (The engine's statements are
// still in engine.ts: SQL_DEBT.)
//
// Cell key: kind index × PERIODS_PER_KIND + months since year 0. Worked example: forecast (kind 2)
// of 2027-03 is 2 × 120,000 + 2027 × 12 + 3 − 1 = 264,326; keyKind(264326) is 'forecast' and
// keyPeriod(264326) is '2027-03'. CELL_KEY_SQL computes the same from a cells row.
import type { CellKind } from '../../../shared/model.js';
import { isPeriod } from '../../../shared/periods.js';
import { type Exec, one } from '../../db/db.js';

/** A push's answer as kept for its retries (deflated), or null. */
export const answerOf = async (x: Exec, userId: string, key: string) =>
  (
    await one<{ response: ArrayBuffer }>(
      x,
      'SELECT response FROM idempotency WHERE user_id = ? AND key = ?',
      [userId, key],
    )
  )?.response ?? null;

export const keepAnswer = (x: Exec, userId: string, key: string, deflated: Buffer, at: string) =>
  x.execute({
    sql: 'INSERT INTO idempotency (user_id, key, response, created_at) VALUES (?, ?, ?, ?)',
    args: [userId, key, deflated, at],
  });

export const forgetAnswersBefore = (x: Exec, before: string) =>
  x.execute({ sql: 'DELETE FROM idempotency WHERE created_at < ?', args: [before] });

export interface Slot {
  value: number | null;
  version: number;
  /** Forecasts: the month (months since year 0) whose materiality reference refValue is; else null. */
  refMonth?: number | null;
  refValue?: number | null;
}

/** Cell keys: kind index × PERIODS_PER_KIND + months since year 0 (the SQL reading the record computes the same). */
// Typed by the model's kinds: a kind added to CELL_KINDS without an index here fails to compile
// (it would otherwise be answered "applied" and stored nowhere).
export const KIND_INDEX = {
  baseline: 0,
  target: 1,
  forecast: 2,
  actual: 3,
} as const satisfies Record<CellKind, number>;
export const PERIODS_PER_KIND = 120_000;
const KIND_INDEX_SQL = `CASE kind ${Object.entries(KIND_INDEX)
  .map(([kind, index]) => `WHEN '${kind}' THEN ${index}`)
  .join(' ')} END`;
/** The SQL of a cells row's key, from its `kind` and `period` columns: exactly what cellKey answers. */
export const CELL_KEY_SQL = `(${KIND_INDEX_SQL} * ${PERIODS_PER_KIND}
  + CAST(substr(period, 1, 4) AS INTEGER) * 12 + CAST(substr(period, 6, 2) AS INTEGER) - 1)`;
const KINDS_BY_INDEX = Object.fromEntries(
  Object.entries(KIND_INDEX).map(([kind, index]) => [index, kind as CellKind]),
) as Record<number, CellKind>;

/**
 * A cell to write, as fixed-width text: SQLite cuts it apart with substr at about half the cost
 * of extracting the fields of a JSON array per row, the largest single cost of a 100,000-cell
 * push. Every field is digits, a sign, 'n' or a checked period, so the text needs no escaping
 * inside the JSON array.
 *
 *   offset (1-based)  1     2..8     9..24      25..40      41..46     47..63       64..
 *   field             kind  period   version    measure id  ref month  ref value    value
 *   width             1     7        16 digits  16 digits   6 digits   sign + 16    the rest
 *
 * Worked example: measure 42, forecast (kind 2), 2027-03, version 3, value 125000 (1,250.00),
 * measured this month (2026-12: month 24323) from 120000:
 *   "22027-03" + "0000000000000003" + "0000000000000042" + "024323" + "+0000000000120000" + "125000"
 * A ref month of 000000 and a ref value of "n" followed by 16 zeros are null (no reference).
 */
export function upsertRow(measureId: number, kind: CellKind, period: string, slot: Slot): string {
  const ref =
    slot.refValue == null
      ? NO_REF_VALUE
      : `${slot.refValue < 0 ? '-' : '+'}${digits16(Math.abs(slot.refValue))}`;
  return `"${KIND_INDEX[kind]}${period}${digits16(slot.version)}${digits16(measureId)}${digits6(slot.refMonth ?? 0)}${ref}${slot.value}"`;
}
const NO_REF_VALUE = `n${'0'.repeat(16)}`;
const ZEROS = Array.from({ length: 17 }, (_, n) => '0'.repeat(n));
/** A safe non-negative integer in 16 digits, zeros first (padStart allocated twice as much per row). */
function digits16(n: number): string {
  const text = `${n}`;
  return ZEROS[16 - text.length]! + text;
}
const digits6 = (n: number) => {
  const text = `${n}`;
  return ZEROS[6 - text.length]! + text;
};
export const UPSERT_CELLS = `INSERT INTO cells (measure_id, kind, period, value, version, revision, ref_month, ref_value)
  SELECT CAST(substr(value, 25, 16) AS INTEGER),
    CASE substr(value, 1, 1) ${Object.entries(KIND_INDEX)
      .map(([kind, index]) => `WHEN '${index}' THEN '${kind}'`)
      .join(' ')} END,
    substr(value, 2, 7), CAST(substr(value, 64) AS INTEGER), CAST(substr(value, 9, 16) AS INTEGER), ?,
    NULLIF(CAST(substr(value, 41, 6) AS INTEGER), 0), CASE substr(value, 47, 1) WHEN 'n' THEN NULL ELSE CAST(substr(value, 47, 17) AS INTEGER) END
  FROM json_each(?) WHERE true
  ON CONFLICT (measure_id, kind, period) DO UPDATE SET value = excluded.value, version = excluded.version, revision = excluded.revision,
    ref_month = excluded.ref_month, ref_value = excluded.ref_value`;

/**
 * A cell's key within its measure: a small integer (kind and month), so the lookups a
 * 100,000-change batch makes allocate nothing. -1 for a malformed period.
 */
const periodKeys = new Map<string, number>();
export function cellKey(kind: CellKind, period: string): number {
  let p = periodKeys.get(period);
  if (p === undefined) {
    p = isPeriod(period) ? Number(period.slice(0, 4)) * 12 + Number(period.slice(5)) - 1 : -1;
    if (periodKeys.size < 10_000) periodKeys.set(period, p);
  }
  return p < 0 ? -1 : KIND_INDEX[kind]! * PERIODS_PER_KIND + p;
}

export const keyKind = (key: number): CellKind =>
  KINDS_BY_INDEX[Math.floor(key / PERIODS_PER_KIND)]!;

const periodTexts = new Map<number, string>();
/** The month of a key as YYYY-MM (the inverse of cellKey's month part). */
export function keyPeriod(key: number): string {
  const month = key % PERIODS_PER_KIND;
  let text = periodTexts.get(month);
  if (text === undefined) {
    text = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    if (periodTexts.size < 10_000) periodTexts.set(month, text);
  }
  return text;
}
