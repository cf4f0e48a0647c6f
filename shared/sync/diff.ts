// Diffing a bound table against the last snapshot: which cells the planner changed, and which
// typed values cannot be sent (text, Excel errors, too many decimals). Rows are found by their
// measure code, never by position, so sorting, filtering, inserting or deleting rows never sends
// a value to the wrong measure.
import type { CellKind } from '../model.js';
import { type Snapshot, cellKey } from './cells.js';
import type { Mapping } from './mapping.js';

export interface CellChange {
  measure: string;
  kind: CellKind;
  period: string;
  value: number;
  /** Absent when the add-in never saw this cell: the service then treats it as a first fill. */
  baseVersion?: number;
  /** Where in the table: zero-based row (below the header) and column. */
  row: number;
  column: number;
}

export interface LocalError {
  row: number;
  column: number;
  measure: string;
  kind: CellKind;
  period: string;
  value: unknown;
  message: string;
}

export interface Diff {
  changes: CellChange[];
  errors: LocalError[];
  /** Codes that appear on more than one row: none of their cells is sent. */
  duplicates: string[];
}

const EXCEL_ERROR =
  /^#(N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|BUSY!|CONNECT!|UNKNOWN!|GETTING_DATA)/;

/**
 * A typed cell as an amount with at most `digits` decimals, or why not. Floating noise from
 * formulas (1155.0000000000002) is rounded away; a real third decimal is refused.
 */
export function cellAmount(
  raw: unknown,
  digits: number,
): { value: number } | { error: string } | null {
  if (raw === '' || raw === null || raw === undefined) return null;
  if (typeof raw === 'boolean') return { error: 'TRUE/FALSE is not an amount.' };
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (EXCEL_ERROR.test(text))
      return {
        error: `${text} is an Excel error, not an amount: fix the formula or type a number.`,
      };
    return { error: `"${text}" is text, not an amount: type a number.` };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return { error: 'Not an amount.' };
  const scale = 10 ** digits;
  const scaled = raw * scale;
  const rounded = Math.round(scaled);
  // Formula noise is a few units of the double's last place (≈ 1e-16 of the value); a real extra
  // decimal is at least 1/10 of a minor unit. The bound sits far between the two at any size a
  // double holds exactly (a relative bound of 1e-6 let 5,000.001 through as 5,000).
  if (Math.abs(scaled - rounded) > Math.max(1e-6, Math.abs(scaled) * 1e-12))
    return { error: `${raw} has more than ${digits} decimals.` };
  return { value: rounded / scale };
}

export function diffTable(
  rows: readonly (readonly unknown[])[],
  mapping: Mapping,
  snapshot: Snapshot,
  digits: number,
): Diff {
  const byCode = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const code = String(row[mapping.codeColumn] ?? '').trim();
    if (!code) return;
    const list = byCode.get(code);
    if (list) list.push(i);
    else byCode.set(code, [i]);
  });
  const duplicates = [...byCode].filter(([, at]) => at.length > 1).map(([code]) => code);
  const changes: CellChange[] = [];
  const errors: LocalError[] = [];
  for (const [measure, at] of byCode) {
    if (at.length > 1) continue;
    const row = at[0]!;
    for (const { column, kind, period } of mapping.columns) {
      const raw = rows[row]![column];
      const known = snapshot.get(cellKey(measure, kind, period));
      const amount = cellAmount(raw, digits);
      if (amount === null) {
        if (known?.value != null)
          errors.push({
            row,
            column,
            measure,
            kind,
            period,
            value: raw,
            message: 'A governed value cannot be cleared: type 0, or pull to restore it.',
          });
        continue;
      }
      if ('error' in amount) {
        errors.push({ row, column, measure, kind, period, value: raw, message: amount.error });
        continue;
      }
      if (known && known.value === amount.value) continue;
      const change: CellChange = { measure, kind, period, value: amount.value, row, column };
      if (known) change.baseVersion = known.version;
      changes.push(change);
    }
  }
  return { changes, errors, duplicates };
}
