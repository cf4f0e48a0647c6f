// The seam between the add-in and Excel. Only addin/workbook/excel.ts calls the Excel API; the
// rest of the add-in (sync, React) talks to a WorkbookPort, and tests give it an in-memory one.
import type { Mapping } from '../../shared/sync/mapping.js';

export interface TableData {
  name: string;
  sheet: string;
  headers: string[];
  /** Each column's id (Excel's TableColumn.id): stable when columns are inserted, moved or retitled. */
  columnIds: number[];
  /** Data body values, row by row, as Excel reports them (numbers, strings, booleans, ""). */
  rows: unknown[][];
  /** Cells holding a formula, as row × headers.length + column: their value is read, never written over. */
  formulaCells: ReadonlySet<number>;
  /** A1 address of the data body's first cell, for cell addresses in pushes and notes. */
  firstCell: { row: number; column: number };
}

/** How a governed cell looks in the sheet. */
export type CellLook = 'applied' | 'pending' | 'rejected' | 'conflict' | 'variance' | 'stale' | 'readonly' | 'plain';

/**
 * A cell to write, addressed by what it is, not where it was: the measure of its row and the id
 * of its column. The port finds the row and column in the same Excel.run that writes, so a sort,
 * an inserted row or a moved column (by the planner or a co-author) while a push was on the wire
 * never puts a value on another measure or month.
 */
export interface CellPaint {
  measure: string;
  columnId: number;
  /** Written when present (null empties the cell); absent leaves the value as it is. */
  value?: number | null;
  look: CellLook;
  /** The reason, readable on the cell without the pane; null removes it; absent leaves it. */
  note?: string | null;
}

/** A binding is saved in the workbook: it survives closing and reopening (no secrets in it). */
export interface Binding {
  id: string;
  name: string;
  table: string;
  mapping: Mapping;
  /** The scope pulled into this table (a node code), for adding missing rows. */
  scope: string | null;
}

/** Who made an edit, where the host says: the user here, or a co-author (Excel on the web). */
export type EditSource = 'local' | 'remote';

export interface Selection {
  table: string;
  row: number;
  column: number;
}

export interface WorkbookPort {
  workbookName(): Promise<string>;
  /** The table the selection is in; a plain range with a header row is first turned into a table. */
  tableAtSelection(): Promise<string>;
  readTable(name: string): Promise<TableData>;
  /**
   * Values, fills and notes of many cells: one Excel.run, a fixed number of syncs. Rows are found
   * by their code in the column `codeColumnId` as the table is at the moment of writing; a cell
   * whose measure is no longer on exactly one row is not written.
   */
  paint(table: string, codeColumnId: number, cells: readonly CellPaint[]): Promise<void>;
  appendRows(table: string, rows: readonly unknown[][]): Promise<void>;
  loadBindings(): Promise<Binding[]>;
  saveBindings(bindings: readonly Binding[]): Promise<void>;
  /**
   * Calls back when the user edits the workbook — never for the add-in's own writes; returns a
   * function to stop. A hint only: what changed is always decided by diffing against the snapshot.
   */
  onEdited(handler: (source?: EditSource) => void): Promise<() => Promise<void>>;
  /** Calls back when the user selects a cell inside a table; returns a function to stop. */
  onSelection(handler: (selection: Selection | null) => void): Promise<() => Promise<void>>;
}

/** Fill colours of the legend, shared by the sheet and the pane. */
export const LOOK_FILL: Record<Exclude<CellLook, 'plain'>, string> = {
  applied: '#E6F4EA',
  pending: '#FFF4CE',
  rejected: '#FDE7E9',
  conflict: '#F3D6F5',
  variance: '#FCE9D4',
  stale: '#DCEBFA',
  readonly: '#EDEBE9',
};

/** Where each cell of `cells` is now: rows by code (codes on several rows, or none, are skipped), columns by id. */
export function placeCells<T extends { measure: string; columnId: number }>(cells: readonly T[], codes: readonly unknown[], columnIds: readonly number[]): (T & { row: number; column: number })[] {
  const rowOf = new Map<string, number>();
  const twice = new Set<string>();
  codes.forEach((raw, row) => {
    const code = String(raw ?? '').trim();
    if (!code) return;
    if (rowOf.has(code)) twice.add(code);
    else rowOf.set(code, row);
  });
  const placed: (T & { row: number; column: number })[] = [];
  for (const c of cells) {
    const row = rowOf.get(c.measure);
    const column = columnIds.indexOf(c.columnId);
    if (row === undefined || twice.has(c.measure) || column < 0) continue;
    placed.push({ ...c, row, column });
  }
  return placed;
}

/** Zero-based (row, column) → "C12". */
export function a1(row: number, column: number): string {
  let col = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) col = String.fromCharCode(65 + ((n - 1) % 26)) + col;
  return `${col}${row + 1}`;
}
