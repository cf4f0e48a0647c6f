// An in-memory workbook behind the WorkbookPort: for tests of the sync logic and the pane in a
// browser without Excel. Tables, values, looks and notes behave like the real thing.
import type { Binding, CellLook, CellPaint, Selection, TableData, WorkbookPort } from './port.js';

interface MemoryTable {
  sheet: string;
  headers: string[];
  rows: unknown[][];
  looks: Map<string, CellLook>;
  notes: Map<string, string>;
}

export class MemoryWorkbook implements WorkbookPort {
  readonly tables = new Map<string, MemoryTable>();
  bindings: Binding[] = [];
  selectedTable: string | null = null;
  #selectionHandlers = new Set<(s: Selection | null) => void>();
  #editHandlers = new Set<() => void>();

  constructor(readonly name = 'Plan.xlsx') {}

  addTable(name: string, sheet: string, headers: string[], rows: unknown[][]) {
    this.tables.set(name, { sheet, headers, rows: rows.map((r) => [...r]), looks: new Map(), notes: new Map() });
    this.selectedTable ??= name;
  }

  /** What a user does: type into a cell, sort, delete a row, select a cell. */
  type(table: string, row: number, column: number, value: unknown) {
    this.#table(table).rows[row]![column] = value;
    this.#edited();
  }
  sortBy(table: string, column: number, descending = false) {
    this.#table(table).rows.sort((a, b) => String(a[column]).localeCompare(String(b[column])) * (descending ? -1 : 1));
    this.#edited();
  }
  deleteRow(table: string, row: number) {
    this.#table(table).rows.splice(row, 1);
    this.#edited();
  }
  #edited() {
    for (const h of this.#editHandlers) h();
  }
  select(selection: Selection | null) {
    for (const h of this.#selectionHandlers) h(selection);
  }
  look(table: string, row: number, column: number): CellLook {
    return this.#table(table).looks.get(`${row}:${column}`) ?? 'plain';
  }
  note(table: string, row: number, column: number): string | undefined {
    return this.#table(table).notes.get(`${row}:${column}`);
  }
  value(table: string, row: number, column: number): unknown {
    return this.#table(table).rows[row]![column];
  }

  #table(name: string): MemoryTable {
    const t = this.tables.get(name);
    if (!t) throw new Error(`No table ${name} in ${this.name}.`);
    return t;
  }

  async workbookName() {
    return this.name;
  }
  async tableAtSelection() {
    if (!this.selectedTable) throw new Error('Select a cell inside a table (or a range with a header row) first.');
    return this.selectedTable;
  }
  async readTable(name: string): Promise<TableData> {
    const t = this.#table(name);
    return { name, sheet: t.sheet, headers: [...t.headers], rows: t.rows.map((r) => [...r]), firstCell: { row: 1, column: 0 } };
  }
  async paint(table: string, cells: readonly CellPaint[]) {
    const t = this.#table(table);
    for (const c of cells) {
      if (c.value !== undefined) t.rows[c.row]![c.column] = c.value ?? '';
      const key = `${c.row}:${c.column}`;
      if (c.look === 'plain') t.looks.delete(key);
      else t.looks.set(key, c.look);
      if (c.note === null) t.notes.delete(key);
      else if (c.note !== undefined) t.notes.set(key, c.note);
    }
  }
  async appendRows(table: string, rows: readonly unknown[][]) {
    this.#table(table).rows.push(...rows.map((r) => [...r]));
  }
  async loadBindings() {
    return structuredClone(this.bindings);
  }
  async saveBindings(bindings: readonly Binding[]) {
    this.bindings = structuredClone([...bindings]);
  }
  async onEdited(handler: () => void) {
    this.#editHandlers.add(handler);
    return async () => {
      this.#editHandlers.delete(handler);
    };
  }
  async onSelection(handler: (s: Selection | null) => void) {
    this.#selectionHandlers.add(handler);
    return async () => {
      this.#selectionHandlers.delete(handler);
    };
  }
}
