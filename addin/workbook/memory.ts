// The in-memory workbook: the test double of Excel behind the WorkbookPort, and the surface the
// browser tests (and anyone trying the pane outside Excel) drive as window.gatecellWorkbook. It
// behaves as Excel does in every way the add-in depends on (docs: "The in-memory workbook"):
// tables keep their id through renames, sorts and inserts; columns have ids that survive inserts
// and moves; a typed value replaces a formula; the user's own notes and fills outlive the
// add-in's flags; sorted and filtered rows keep everything that is on them.
import type { Binding, CellLook, CellPaint, EditSource, Selection, TableData, WorkbookPort } from './port.js';
import { LOOK_FILL, placeCells } from './port.js';

interface Cell {
  value: unknown;
  formula: string | null;
  /** The add-in's flag and the reason it wrote on the cell. */
  look: CellLook;
  addinNote: string | null;
  /** The user's own note and fill: never the add-in's to remove. */
  userNote: string | null;
  userFill: string | null;
}

interface Column {
  id: number;
  header: string;
}

interface Table {
  id: string;
  name: string;
  sheet: string;
  columns: Column[];
  rows: Cell[][];
  /** Per row: hidden by a filter (hidden rows keep their index, as in Excel). */
  hidden: boolean[];
}

export type SortOrder = 'asc' | 'desc';

/** What the add-in keeps inside the workbook, with its size (Excel keeps it in the file). */
export interface WorkbookPart {
  kind: 'setting' | 'customXmlPart';
  id: string;
  bytes: number;
}

export interface WorkbookSnapshot {
  name: string;
  nextId: number;
  tables: Table[];
  settings: Record<string, string>;
}

const blank = (value: unknown = ''): Cell => ({ value, formula: null, look: 'plain', addinNote: null, userNote: null, userFill: null });
const BINDINGS_SETTING = 'gatecell.bindings';

export class MemoryWorkbook implements WorkbookPort {
  #tables: Table[] = [];
  /** Document settings: saved with the file, like Office.context.document.settings. */
  #settings: Record<string, string> = {};
  #nextId = 1;
  #selected: Selection | null = null;
  #selectionHandlers = new Set<(s: Selection | null) => void>();
  #editHandlers = new Set<(source: EditSource) => void>();

  constructor(public name = 'Plan.xlsx') {}

  // ——— The user (and co-authors) at work ———

  /** A new Excel table; rows shorter than the headers are padded with "". */
  addTable(name: string, sheet: string, headers: string[], rows: unknown[][] = []) {
    if (this.#find(name)) throw new Error(`A table named ${name} already exists.`);
    const columns = headers.map((header) => ({ id: this.#nextId++, header }));
    this.#tables.push({
      id: `{T${this.#nextId++}}`, name, sheet, columns,
      rows: rows.map((r) => columns.map((_, c) => blank(r[c] ?? ''))),
      hidden: rows.map(() => false),
    });
    this.#selected ??= { table: name, row: 0, column: 0 };
  }

  tables(): string[] {
    return this.#tables.map((t) => t.name);
  }

  table(name: string) {
    const t = this.#table(name);
    return { id: t.id, name: t.name, sheet: t.sheet, headers: t.columns.map((c) => c.header), rowCount: t.rows.length };
  }

  /** The user types a value (a number, text kept as text, or "" to clear); over a formula it replaces the formula. */
  type(table: string, row: number, column: number, value: unknown) {
    this.#write(table, row, column, value);
    this.#edited('local');
  }

  /** A co-author's edit arriving (Excel on the web): the same change, reported as someone else's. */
  remoteType(table: string, row: number, column: number, value: unknown) {
    this.#write(table, row, column, value);
    this.#edited('remote');
  }

  setFormula(table: string, row: number, column: number, formula: string, value: unknown) {
    const cell = this.#cell(table, row, column);
    cell.formula = formula;
    cell.value = value;
    this.#edited('local');
  }

  formula(table: string, row: number, column: number): string | null {
    return this.#cell(table, row, column).formula;
  }

  value(table: string, row: number, column: number): unknown {
    return this.#cell(table, row, column).value;
  }

  look(table: string, row: number, column: number): CellLook {
    return this.#cell(table, row, column).look;
  }

  /** The whole note on the cell, as Excel shows it: the user's own text, then the add-in's. */
  note(table: string, row: number, column: number): string | undefined {
    const c = this.#cell(table, row, column);
    const text = [c.userNote, c.addinNote].filter((n): n is string => !!n).join('\n\n');
    return text || undefined;
  }

  /** The fill shown: the add-in's flag while it stands, else the user's own colour. */
  fill(table: string, row: number, column: number): string | null {
    const c = this.#cell(table, row, column);
    return c.look === 'plain' ? c.userFill : LOOK_FILL[c.look];
  }

  setUserNote(table: string, row: number, column: number, text: string) {
    this.#cell(table, row, column).userNote = text || null;
  }

  setUserFill(table: string, row: number, column: number, colour: string) {
    this.#cell(table, row, column).userFill = colour || null;
  }

  select(selection: Selection | null) {
    if (selection) this.#cell(selection.table, selection.row, selection.column);
    this.#selected = selection;
    for (const h of this.#selectionHandlers) h(selection);
  }

  insertRow(table: string, at: number, values: unknown[] = []) {
    const t = this.#table(table);
    t.rows.splice(at, 0, t.columns.map((_, c) => blank(values[c] ?? '')));
    t.hidden.splice(at, 0, false);
    this.#edited('local');
  }

  deleteRow(table: string, at: number) {
    const t = this.#table(table);
    this.#row(t, at);
    t.rows.splice(at, 1);
    t.hidden.splice(at, 1);
    this.#edited('local');
  }

  /** A column inserted (empty) by the user: a new column id; nothing binds it until the planner does. */
  insertColumn(table: string, at: number, header: string) {
    const t = this.#table(table);
    t.columns.splice(at, 0, { id: this.#nextId++, header });
    for (const r of t.rows) r.splice(at, 0, blank());
    this.#edited('local');
  }

  deleteColumn(table: string, at: number) {
    const t = this.#table(table);
    if (at < 0 || at >= t.columns.length) throw new Error(`No column ${at} in ${table}.`);
    t.columns.splice(at, 1);
    for (const r of t.rows) r.splice(at, 1);
    this.#edited('local');
  }

  /** A column moved (cut and inserted elsewhere): same id, same cells. */
  moveColumn(table: string, from: number, to: number) {
    const t = this.#table(table);
    const [column] = t.columns.splice(from, 1);
    t.columns.splice(to, 0, column!);
    for (const r of t.rows) r.splice(to, 0, r.splice(from, 1)[0]!);
    this.#edited('local');
  }

  /**
   * Excel's sort: ascending puts numbers before text (text ignoring case), descending the reverse,
   * blanks last either way; rows keep everything on them.
   */
  sort(table: string, column: number, order: SortOrder = 'asc') {
    const t = this.#table(table);
    const rank = (v: unknown) => (v === '' || v === null || v === undefined ? 2 : typeof v === 'number' ? 0 : 1);
    const order1 = order === 'asc' ? 1 : -1;
    const indexed = t.rows.map((cells, i) => ({ cells, hidden: t.hidden[i]! }));
    indexed.sort((a, b) => {
      const x = a.cells[column]!.value;
      const y = b.cells[column]!.value;
      const rx = rank(x);
      const ry = rank(y);
      if (rx === 2 || ry === 2) return rx - ry; // blanks last in either order
      if (rx !== ry) return (rx - ry) * order1;
      if (rx === 0) return ((x as number) - (y as number)) * order1;
      return String(x).localeCompare(String(y), undefined, { sensitivity: 'accent' }) * order1;
    });
    t.rows = indexed.map((r) => r.cells);
    t.hidden = indexed.map((r) => r.hidden);
    this.#edited('local');
  }

  /** Rows whose cell (as shown) is not among `values` are hidden; they keep their indexes. */
  filter(table: string, column: number, values: unknown[]) {
    const t = this.#table(table);
    const shown = new Set(values.map(String));
    t.hidden = t.rows.map((r) => !shown.has(String(r[column]!.value)));
  }

  clearFilter(table: string) {
    const t = this.#table(table);
    t.hidden = t.rows.map(() => false);
  }

  hidden(table: string, row: number): boolean {
    return this.#table(table).hidden[row] ?? false;
  }

  renameTable(table: string, newName: string) {
    if (this.#find(newName)) throw new Error(`A table named ${newName} already exists.`);
    const t = this.#table(table);
    t.name = newName;
    if (this.#selected?.table === table) this.#selected = { ...this.#selected, table: newName };
  }

  renameSheet(sheet: string, newName: string) {
    for (const t of this.#tables) if (t.sheet === sheet) t.sheet = newName;
  }

  /** What the add-in keeps inside the workbook, with sizes. */
  parts(): WorkbookPart[] {
    return Object.entries(this.#settings).map(([id, text]) => ({ kind: 'setting' as const, id, bytes: new TextEncoder().encode(text).length }));
  }

  /** The whole workbook as JSON-serialisable data: cells, formulas, notes, fills, flags and parts. */
  snapshot(): WorkbookSnapshot {
    return structuredClone({ name: this.name, nextId: this.#nextId, tables: this.#tables, settings: this.#settings });
  }

  /** The workbook as a snapshot had it: the file reopened, perhaps on another computer. */
  restore(snapshot: WorkbookSnapshot) {
    const s = structuredClone(snapshot);
    this.name = s.name;
    this.#nextId = s.nextId;
    this.#tables = s.tables;
    this.#settings = s.settings;
    this.#selected = this.#tables[0] ? { table: this.#tables[0].name, row: 0, column: 0 } : null;
  }

  // ——— The WorkbookPort the add-in uses ———

  async workbookName() {
    return this.name;
  }

  async tableAtSelection() {
    if (!this.#selected) throw new Error('Select a cell inside a table (or a range with a header row) first.');
    return this.#selected.table;
  }

  async readTable(name: string): Promise<TableData> {
    const t = this.#table(name);
    return {
      name: t.name, sheet: t.sheet, headers: t.columns.map((c) => c.header), columnIds: t.columns.map((c) => c.id),
      rows: t.rows.map((r) => r.map((c) => c.value)), firstCell: { row: 1, column: 0 },
      formulaCells: new Set(t.rows.flatMap((r, row) => r.flatMap((c, column) => (c.formula === null ? [] : [row * t.columns.length + column])))),
    };
  }

  async paint(table: string, codeColumnId: number, cells: readonly CellPaint[]) {
    const t = this.#table(table);
    const code = t.columns.findIndex((c) => c.id === codeColumnId);
    if (code < 0) throw new Error(`The code column of ${table} is gone.`);
    for (const p of placeCells(cells, t.rows.map((r) => r[code]!.value), t.columns.map((c) => c.id))) {
      const c = this.#cell(table, p.row, p.column);
      // Writing a value replaces a formula, as Excel's Range.values does.
      if (p.value !== undefined) {
        c.value = p.value ?? '';
        c.formula = null;
      }
      c.look = p.look;
      if (p.note !== undefined) c.addinNote = p.note;
    }
  }

  async appendRows(table: string, rows: readonly unknown[][]) {
    const t = this.#table(table);
    for (const r of rows) {
      t.rows.push(t.columns.map((_, c) => blank(r[c] ?? '')));
      t.hidden.push(false);
    }
  }

  async loadBindings(): Promise<Binding[]> {
    const text = this.#settings[BINDINGS_SETTING];
    return text ? (JSON.parse(text) as Binding[]) : [];
  }

  async saveBindings(bindings: readonly Binding[]) {
    this.#settings[BINDINGS_SETTING] = JSON.stringify(bindings);
  }

  async onEdited(handler: (source: EditSource) => void) {
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

  // ——— Inside ———

  #write(table: string, row: number, column: number, value: unknown) {
    const cell = this.#cell(table, row, column);
    cell.value = value;
    cell.formula = null;
  }

  #edited(source: EditSource) {
    for (const h of this.#editHandlers) h(source);
  }

  #find(name: string) {
    return this.#tables.find((t) => t.name === name);
  }

  #table(name: string): Table {
    const t = this.#find(name);
    if (!t) throw new Error(`No table ${name} in ${this.name}.`);
    return t;
  }

  #row(t: Table, row: number): Cell[] {
    const r = t.rows[row];
    if (!r) throw new Error(`No row ${row} in ${t.name} (it has ${t.rows.length}).`);
    return r;
  }

  #cell(table: string, row: number, column: number): Cell {
    const t = this.#table(table);
    const c = this.#row(t, row)[column];
    if (!c) throw new Error(`No column ${column} in ${table} (it has ${t.columns.length}).`);
    return c;
  }
}
