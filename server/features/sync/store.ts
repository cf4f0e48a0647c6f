// The sync feature's store: the answers kept for retries (idempotency), and the packed cell
// formats, in one place for the JavaScript and the SQL that share them: the cell key (a kind and a
// month as one small integer), and the fixed-width records a push writes (PackedCells); and the
// push engine's bulk statements, which read and write through them.
//
// Cell key: kind index × PERIODS_PER_KIND + months since year 0. Worked example: forecast (kind 2)
// of 2027-03 is 2 × 120,000 + 2027 × 12 + 3 − 1 = 264,326; keyKind(264326) is 'forecast' and
// keyPeriod(264326) is '2027-03'. CELL_KEY_SQL computes the same from a cells row.
import type { CellKind } from '../../../shared/model.js';
import { isPeriod } from '../../../shared/periods.js';
import type { Slot } from '../../../shared/sync/decide.js';
import { type Exec, jsonRows, one, rows, textsOf } from '../../db/db.js';
import { PackedRecords, packedSql } from '../../db/packed.js';
import { underPrefixes } from '../hierarchy/store.js';

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
/** The kinds by their index (KIND_INDEX inverted). */
const KINDS_BY_INDEX: readonly CellKind[] = Object.entries(KIND_INDEX)
  .sort(([, a], [, b]) => a - b)
  .map(([kind]) => kind as CellKind);

/**
 * The cells a push writes, as packed records (server/db/packed.ts), CELL_BYTES each:
 *
 *   offset (0-based)  0     1..7     8..23      24..39      40..45     46..62       63..79
 *   field             kind  period   version    measure id  ref month  ref value    value
 *   width             1     7        16 digits  16 digits   6 digits   sign + 16    sign + 16
 *
 * Worked example: measure 42, forecast (kind 2), 2027-03, version 3, value 125000 (1,250.00),
 * measured this month (2026-12: month 24323) from 120000:
 *   "22027-03" + "0000000000000003" + "0000000000000042" + "024323" + "+0000000000120000"
 *   + "+0000000000125000"
 * A ref month of 000000 is null; a ref value or value of "n" followed by 16 zeros is null.
 */
export class PackedCells {
  readonly #records: PackedRecords;

  /** Room for `capacity` cells (a push knows how many it may write). */
  constructor(capacity: number) {
    this.#records = new PackedRecords(CELL_BYTES, capacity);
  }

  add(measureId: number, kind: CellKind, period: string, slot: Slot) {
    const r = this.#records;
    const at = r.next();
    r.index(at, KIND_INDEX[kind]);
    r.text(at + 1, 7, period);
    r.digits(at + 8, 16, slot.version);
    r.digits(at + 24, 16, measureId);
    r.digits(at + 40, 6, slot.refMonth ?? 0);
    r.signed(at + 46, slot.refValue ?? null);
    r.signed(at + 63, slot.value);
  }

  get count() {
    return this.#records.count;
  }

  bytes() {
    return this.#records.bytes();
  }
}
const CELL_BYTES = 80;
const cellField = packedSql('?2', CELL_BYTES);
const UPSERT_CELLS = `INSERT INTO cells (measure_id, kind, period, value, version, revision, ref_month, ref_value)
  SELECT ${cellField.integer(24, 16)}, ${cellField.oneOf(0, KINDS_BY_INDEX)}, ${cellField.text(1, 7)},
    ${cellField.signed(63)}, ${cellField.integer(8, 16)}, ?1, NULLIF(${cellField.integer(40, 6)}, 0),
    ${cellField.signed(46)}
  FROM ${cellField.from} WHERE true
  ON CONFLICT (measure_id, kind, period) DO UPDATE SET value = excluded.value, version = excluded.version, revision = excluded.revision,
    ref_month = excluded.ref_month, ref_value = excluded.ref_value`;

/**
 * A cell's key within its measure: a small integer (kind and month), so the lookups a
 * 100,000-change batch makes allocate nothing. -1 for a malformed period.
 */
export function cellKey(kind: CellKind, period: string): number {
  const p = monthKey(period);
  return p < 0 ? -1 : KIND_INDEX[kind]! * PERIODS_PER_KIND + p;
}

const periodKeys = new Map<string, number>();
/**
 * A month as the month part of a cell key (year × 12 + month − 1; -1 for a malformed period):
 * also how the reports' kept months number them (reporting's MonthsCodec). keyPeriod reverses it.
 */
export function monthKey(period: string): number {
  let p = periodKeys.get(period);
  if (p === undefined) {
    p = isPeriod(period) ? Number(period.slice(0, 4)) * 12 + Number(period.slice(5)) - 1 : -1;
    if (periodKeys.size < 10_000) periodKeys.set(period, p);
  }
  return p;
}

export const keyKind = (key: number): CellKind =>
  KINDS_BY_INDEX[Math.floor(key / PERIODS_PER_KIND)]!;

const periodTexts = new Map<number, string>();
/** The month of a key (or of a monthKey) as YYYY-MM: the inverse of cellKey's month part. */
export function keyPeriod(key: number): string {
  const month = key % PERIODS_PER_KIND;
  let text = periodTexts.get(month);
  if (text === undefined) {
    text = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    if (periodTexts.size < 10_000) periodTexts.set(month, text);
  }
  return text;
}

// ---- the push engine's statements ----------------------------------------------------------

/**
 * The record of the measures' cells of `kinds` into `into`, read as one flat list of numbers
 * (measure, cell key as cellKey computes it, value, version, ref month, ref value): no array or
 * string per cell for a batch that reads 100,000 of them.
 */
export async function recordOf<R extends { set(measureId: number, key: number, slot: Slot): void }>(
  x: Exec,
  measureIds: readonly number[],
  kinds: ReadonlySet<CellKind>,
  into: R,
): Promise<R> {
  const stored = await one<{ list: string | null }>(
    x,
    `SELECT group_concat(measure_id || ',' || ${CELL_KEY_SQL} || ',' || ifnull(value, 'null') || ',' || version
        || ',' || ifnull(ref_month, 'null') || ',' || ifnull(ref_value, 'null'), ',') AS list
     FROM cells WHERE measure_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(measureIds), JSON.stringify([...kinds])],
  );
  const numbers = JSON.parse(`[${stored?.list ?? ''}]`) as (number | null)[];
  for (let n = 0; n < numbers.length; n += 6)
    into.set(numbers[n]!, numbers[n + 1]!, {
      value: numbers[n + 2]!,
      version: numbers[n + 3]!,
      refMonth: numbers[n + 4]!,
      refValue: numbers[n + 5]!,
    });
  return into;
}

/** The measures' pending change requests, by `${measure id}:${cell key}`. */
export async function openRequestsOf(x: Exec, measureIds: readonly number[]) {
  const open = new Map<string, string>();
  for (const r of await rows<{ id: string; measure_id: number; kind: CellKind; period: string }>(
    x,
    `SELECT id, measure_id, kind, period FROM change_requests WHERE status = 'pending' AND measure_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(measureIds)],
  ))
    open.set(`${r.measure_id}:${cellKey(r.kind, r.period)}`, r.id);
  return open;
}

/** Cells written at `revision`, as PackedCells holds them. */
export const upsertCells = (x: Exec, revision: number, cells: PackedCells) =>
  x.execute({ sql: UPSERT_CELLS, args: [revision, cells.bytes()] });

export const withdrawReplacedRequests = (
  x: Exec,
  ids: readonly string[],
  at: string,
  revision: number,
) =>
  x.execute({
    sql: `UPDATE change_requests SET status = 'withdrawn', decided_at = ?, decision_comment = 'replaced by a newer change', revision = ?
          WHERE id IN (SELECT value FROM json_each(?))`,
    args: [at, revision, JSON.stringify(ids)],
  });

/**
 * New change requests, each as [id, measure id, kind, period, base version, old value, new value,
 * note, reason, source as JSON, status], in one statement. Status is 'pending', or 'withdrawn' for
 * one a later change of the same batch replaced (two cannot wait on one cell).
 */
export const insertChangeRequests = (
  x: Exec,
  requests: readonly unknown[][],
  by: string,
  at: string,
  revision: number,
) =>
  x.execute({
    sql: `INSERT INTO change_requests (id, measure_id, kind, period, base_version, old_value, new_value, note, reason_code, source,
            status, decided_at, decision_comment, requested_by, requested_at, revision)
          SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9,
            value->>10, CASE value->>10 WHEN 'withdrawn' THEN ?2 END,
            CASE value->>10 WHEN 'withdrawn' THEN 'replaced by a newer change' END, ?1, ?2, ?3 FROM json_each(?4)`,
    args: [by, at, revision, JSON.stringify(requests)],
  });
/** Where a request row (as insertChangeRequests takes it) says its status. */
export const REQUEST_ROW_STATUS = 10;

// ---- one cell at a time (an approval, the reference engine) -------------------------------

export const cellAt = async (
  x: Exec,
  measureId: number,
  kind: CellKind,
  period: string,
): Promise<Slot | undefined> =>
  one<Slot>(
    x,
    'SELECT value, version, ref_month AS refMonth, ref_value AS refValue FROM cells WHERE measure_id = ? AND kind = ? AND period = ?',
    [measureId, kind, period],
  );

/**
 * One cell written, as plain columns (the bulk engine writes PackedCells instead);
 * a forecast keeps its materiality reference (further changes of the month are measured from it).
 */
export const putCell = (
  x: Exec,
  c: { measureId: number; kind: CellKind; period: string; revision: number } & Slot,
) =>
  x.execute({
    sql: `INSERT INTO cells (measure_id, kind, period, value, version, revision, ref_month, ref_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (measure_id, kind, period) DO UPDATE SET value = excluded.value, version = excluded.version, revision = excluded.revision,
            ref_month = excluded.ref_month, ref_value = excluded.ref_value`,
    args: [
      c.measureId,
      c.kind,
      c.period,
      c.value,
      c.version,
      c.revision,
      c.refMonth ?? null,
      c.refValue ?? null,
    ],
  });

// ---- the pull and the changes since a revision ------------------------------------------

/** [code, org_id, kind, period, value, version, open request id, requested value, (changes only:) decided request id, its status, comment, decider's name] */
export type CellQueryRow = [
  string,
  number,
  CellKind,
  string,
  number | null,
  number,
  string | null,
  number | null,
  (string | null)?,
  ('approved' | 'rejected' | 'withdrawn' | null)?,
  (string | null)?,
  (string | null)?,
];

const CHANGES_SELECT = `SELECT json_array(n.code, n.org_id, k.kind, k.period, c.value, COALESCE(c.version, 0), cr.id, cr.new_value,
    dr.id, dr.status, dr.decision_comment, du.name) AS j
  FROM keys k JOIN nodes n ON n.id = k.measure_id
  LEFT JOIN cells c ON c.measure_id = k.measure_id AND c.kind = k.kind AND c.period = k.period
  LEFT JOIN change_requests cr ON cr.measure_id = k.measure_id AND cr.kind = k.kind AND cr.period = k.period AND cr.status = 'pending'
  LEFT JOIN change_requests dr ON dr.id = (SELECT d.id FROM change_requests d WHERE d.measure_id = k.measure_id AND d.kind = k.kind
    AND d.period = k.period AND d.status <> 'pending' AND d.revision > ?2 ORDER BY d.revision DESC LIMIT 1)
  LEFT JOIN users du ON du.id = dr.decided_by`;

/** Which cells a pull asks for: some kinds (all when none), from and to a month (open-ended). */
export interface CellRange {
  kinds?: readonly CellKind[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * The pull's rows: every stored cell (with its open request) and every open request on a cell
 * never stored, under the prefixes, in kinds and months, by code, kind, month. `stored` and
 * `requested` are the expression of one row (column j) for each; `?1`…`?4` are `pullArgs`.
 */
const pullSelect = (stored: string, requested: string) => {
  const filter = (
    t: string,
  ) => `${t}.measure_id IN (SELECT n.id FROM nodes n WHERE n.level = 'measure' AND ${underPrefixes('n.id', '?1')}
      AND (?5 IS NULL OR n.code >= ?5) AND (?6 IS NULL OR n.code < ?6))
    AND (?2 IS NULL OR ${t}.kind IN (SELECT value FROM json_each(?2))) AND ${t}.period >= ?3 AND ${t}.period <= ?4`;
  // Each cell is read once (a pull reads 100,000 of them); no set of keys is built and joined back.
  return `SELECT j FROM (
       SELECT n.code AS code, c.kind AS kind, c.period AS period, ${stored} AS j
       FROM cells c JOIN nodes n ON n.id = c.measure_id
       LEFT JOIN change_requests cr ON cr.measure_id = c.measure_id AND cr.kind = c.kind AND cr.period = c.period AND cr.status = 'pending'
       WHERE ${filter('c')}
       UNION ALL
       SELECT n.code, cr.kind, cr.period, ${requested}
       FROM change_requests cr JOIN nodes n ON n.id = cr.measure_id
       WHERE cr.status = 'pending' AND ${filter('cr')}
         AND NOT EXISTS (SELECT 1 FROM cells s WHERE s.measure_id = cr.measure_id AND s.kind = cr.kind AND s.period = cr.period)
       ORDER BY code, kind, period)`;
};
/** `from` and `to`: the measure codes of a page of the pull (null: open-ended). */
const pullArgs = (
  prefixes: readonly string[],
  q: CellRange,
  from: string | null = null,
  to: string | null = null,
) => [
  JSON.stringify(prefixes),
  q.kinds?.length ? JSON.stringify(q.kinds) : null,
  q.from ?? '0000-00',
  q.to ?? '9999-99',
  from,
  to,
];

/**
 * The pull's rows as arrays for presentCells: the straightforward reading, and the reference
 * `pullText` is tested against.
 */
export const cellRowsUnder = (x: Exec, prefixes: readonly string[], q: CellRange) =>
  jsonRows<CellQueryRow>(
    x,
    pullSelect(
      'json_array(n.code, n.org_id, c.kind, c.period, c.value, c.version, cr.id, cr.new_value)',
      'json_array(n.code, n.org_id, cr.kind, cr.period, NULL, 0, cr.id, cr.new_value)',
    ),
    pullArgs(prefixes, q),
  );

/**
 * The SQL of a minor-unit integer column as the wire's number in major units (null stays null):
 * its exact decimal, the integer part then the decimals without trailing zeros. `digits` is the
 * currency's minor digits (0–4). Worked example at 2 digits: 125000 → 1250, 12340 → 123.4,
 * -5 → -0.05. That is JSON.stringify(fromMinor(…)) up to 15 significant digits; beyond, the double
 * fromMinor answers prints shorter, and both texts read back as that double.
 */
export function majorSql(column: string, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 9) throw new Error(`digits ${digits}`);
  if (digits === 0) return column;
  const scale = 10 ** digits;
  return `CASE WHEN ${column} IS NULL THEN NULL WHEN ${column} % ${scale} = 0 THEN ${column} / ${scale}
    ELSE json(CASE WHEN ${column} < 0 THEN '-' ELSE '' END || (abs(${column}) / ${scale}) || '.'
      || rtrim(substr('${'0'.repeat(digits)}' || (abs(${column}) % ${scale}), -${digits}), '0')) END`;
}

/** Measures a page of the pull holds: a page's text stays a few megabytes. */
export const PULL_PAGE_MEASURES = 1000;

/**
 * Where the pull's pages begin: every `size`-th code of the measures under the prefixes, after
 * the first (the first page begins before any code, the last ends after every code).
 */
export async function pullPageBounds(x: Exec, prefixes: readonly string[], size: number) {
  const found = await rows<{ code: string }>(
    x,
    `SELECT code FROM (SELECT n.code, row_number() OVER (ORDER BY n.code) AS i FROM nodes n
       WHERE n.level = 'measure' AND ${underPrefixes('n.id', '?1')}) WHERE i > 1 AND i % ?2 = 1`,
    [JSON.stringify(prefixes), size],
  );
  return found.map((r) => r.code);
}

/**
 * The pull's cells as the wire's JSON (presentCells' answer, number for number), written by
 * SQLite a page of measures at a time (between `bounds`, pullPageBounds'): each page the cells'
 * objects joined by commas (empty for a page with none), all pages read in one transaction. A
 * pull of 600,000 cells is never an object per cell in this process, never one string, and
 * reaches it from a read worker as bytes. The scope lies in one organization: `digits` is its
 * currency's.
 */
export function pullTexts(
  x: Exec,
  prefixes: readonly string[],
  q: CellRange,
  digits: number,
  bounds: readonly string[],
) {
  const cell = (kind: string, period: string, value: string, version: string) =>
    `'measure', n.code, 'kind', ${kind}, 'period', ${period}, 'value', ${value}, 'version', ${version}`;
  const pending = `'pending', json_object('changeRequestId', cr.id, 'value', ${majorSql('cr.new_value', digits)})`;
  const stored = cell('c.kind', 'c.period', majorSql('c.value', digits), 'c.version');
  const requested = cell('cr.kind', 'cr.period', 'NULL', '0');
  const sql = `SELECT group_concat(j, ',') FROM (${pullSelect(
    `CASE WHEN cr.id IS NULL THEN json_object(${stored}) ELSE json_object(${stored}, ${pending}) END`,
    `json_object(${requested}, ${pending})`,
  )})`;
  const edges = [null, ...bounds, null];
  return textsOf(
    x,
    edges.slice(1).map((to, i) => ({ sql, args: pullArgs(prefixes, q, edges[i]!, to) })),
  );
}

/** Cells whose value or open request changed after `since`, with the decision taken on them since. */
export async function cellRowsChangedSince(
  x: Exec,
  prefixes: readonly string[],
  since: number,
): Promise<CellQueryRow[]> {
  return jsonRows<CellQueryRow>(
    x,
    `WITH changed AS (SELECT node_id FROM measures WHERE revision > ?2),
     keys AS (SELECT measure_id, kind, period FROM cells WHERE measure_id IN changed AND revision > ?2
       UNION SELECT measure_id, kind, period FROM change_requests WHERE measure_id IN changed AND revision > ?2)
     ${CHANGES_SELECT} WHERE ${underPrefixes('n.id', '?1')} ORDER BY n.code, k.kind, k.period`,
    [JSON.stringify(prefixes), since],
  );
}
