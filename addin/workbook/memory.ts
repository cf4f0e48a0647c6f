// The in-memory workbook: the test double of Excel behind the WorkbookPort, and the surface the
// browser tests (and anyone trying the pane outside Excel) drive as window.gatecellWorkbook. It
// behaves as Excel does in every way the add-in depends on (docs: "The in-memory workbook"):
// tables keep their id through renames, sorts and inserts; columns have ids that survive inserts
// and moves; a typed value replaces a formula; the user's own notes and fills outlive the
// add-in's flags; sorted and filtered rows keep everything that is on them.
import type {
  Binding,
  CellEdit,
  CellLook,
  CellPaint,
  EditSource,
  FoundFill,
  ReportChart,
  ReportSheet,
  ReportWritten,
  Selection,
  TableData,
  WatchedTable,
  WorkbookPort,
} from './port.js';
import { BINDINGS_SETTING } from '../../shared/sync/mapping.js';
import {
  freeSheetName,
  isUserFill,
  joinNote,
  LOOK_FILL,
  paintPayloadBytes,
  placeCells,
  reportRequests,
  splitNote,
  stateFromParts,
  stateNamespace,
  stateParts,
} from './port.js';

/** A cell as Excel holds it: one fill and one note, whoever wrote them. */
interface Cell {
  value: unknown;
  formula: string | null;
  fill: string | null;
  note: string | null;
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
  /** Where its header row starts on the sheet (zero-based); absent: A1. */
  at?: { row: number; column: number };
  /** Number formats of its columns, as the report set them. */
  formats?: string[];
  /** Fills of a column's cells by the text they start with (conditional formats). */
  highlights?: { column: number; startsWith: string; fill: string }[];
}

/** A sheet with more on it than tables: the report's heading lines, its charts, its protection. */
interface Sheet {
  name: string;
  protected: boolean;
  heading: string[];
  charts: ReportChart[];
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
  sheets?: Sheet[];
  settings: Record<string, string>;
  xmlParts: { id: string; namespace: string; xml: string }[];
}

/** Excel on the web refuses a request whose payload passes 5 MB (RequestPayloadSizeLimitExceeded). */
export const WEB_REQUEST_LIMIT = 5 * 1024 * 1024;

export class RequestTooLarge extends Error {
  readonly code = 'RequestPayloadSizeLimitExceeded';
  constructor(what: string, bytes: number) {
    super(
      `${what}: the request payload size has exceeded the limit (${(bytes / 1048576).toFixed(1)} MB over 5 MB).`,
    );
  }
}

const blank = (value: unknown = ''): Cell => ({ value, formula: null, fill: null, note: null });

/**
 * A cell as Excel makes it from a value written through the API into a cell of `format`: in a
 * text cell ("@") the text as it is; elsewhere a text that reads as a formula becomes one (this
 * double does not calculate it: its value stays the text) and one that reads as a number, a number.
 */
function written(value: unknown, format: string): Cell {
  if (typeof value !== 'string' || format === '@') return blank(value);
  if (value.startsWith('=')) return { ...blank(value), formula: value };
  return blank(
    /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : value,
  );
}
const LOOK_OF = new Map(Object.entries(LOOK_FILL).map(([look, fill]) => [fill, look as CellLook]));

export class MemoryWorkbook implements WorkbookPort {
  #tables: Table[] = [];
  #sheets: Sheet[] = [];
  /** Document settings: saved with the file, like Office.context.document.settings. */
  #settings: Record<string, string> = {};
  /** Custom XML parts: saved with the file, like Workbook.customXmlParts. */
  #xmlParts: { id: string; namespace: string; xml: string }[] = [];
  #nextId = 1;
  #selected: Selection | null = null;
  /** The selected cell, as the user sees it (table by name). */
  get selected(): Selection | null {
    return this.#selected;
  }
  #selectionHandlers = new Set<(s: Selection | null) => void>();
  #editHandlers = new Map<(edit: CellEdit) => void, readonly WatchedTable[]>();

  /** The largest request Excel takes: Excel on the web's 5 MB by default; Infinity for desktop. */
  readonly requestLimit: number;
  /** Whether this host has cell notes (ExcelApi 1.18): without them the add-in's notes are not written. */
  readonly notes: boolean;

  constructor(
    public name = 'Plan.xlsx',
    options: { requestLimit?: number; notes?: boolean } = {},
  ) {
    this.requestLimit = options.requestLimit ?? WEB_REQUEST_LIMIT;
    this.notes = options.notes ?? true;
  }

  // ——— The user (and co-authors) at work ———

  /** A new Excel table; rows shorter than the headers are padded with "". */
  addTable(name: string, sheet: string, headers: string[], rows: unknown[][] = []) {
    if (this.#named(name)) throw new Error(`A table named ${name} already exists.`);
    const columns = headers.map((header) => ({ id: this.#nextId++, header }));
    this.#tables.push({
      id: `{T${this.#nextId++}}`,
      name,
      sheet,
      columns,
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
    return {
      id: t.id,
      name: t.name,
      sheet: t.sheet,
      headers: t.columns.map((c) => c.header),
      rowCount: t.rows.length,
    };
  }

  /** The user types a value (a number, text kept as text, or "" to clear); over a formula it replaces the formula. */
  type(table: string, row: number, column: number, value: unknown) {
    this.#write(table, row, column, value);
    this.#edited(table, 'local', [[row, column]]);
  }

  /** A co-author's edit arriving (Excel on the web): the same change, reported as someone else's. */
  remoteType(table: string, row: number, column: number, value: unknown) {
    this.#write(table, row, column, value);
    this.#edited(table, 'remote', [[row, column]]);
  }

  setFormula(table: string, row: number, column: number, formula: string, value: unknown) {
    this.#editable(table);
    const cell = this.#cell(table, row, column);
    cell.formula = formula;
    cell.value = value;
    this.#edited(table, 'local', [[row, column]]);
  }

  formula(table: string, row: number, column: number): string | null {
    return this.#cell(table, row, column).formula;
  }

  value(table: string, row: number, column: number): unknown {
    return this.#cell(table, row, column).value;
  }

  /** The add-in's flag the cell shows: told by its fill, as a person sees it. */
  look(table: string, row: number, column: number): CellLook {
    return LOOK_OF.get(this.#cell(table, row, column).fill ?? '') ?? 'plain';
  }

  /** The whole note on the cell, as Excel shows it: the user's own text, then the add-in's. */
  note(table: string, row: number, column: number): string | undefined {
    return this.#cell(table, row, column).note ?? undefined;
  }

  fill(table: string, row: number, column: number): string | null {
    return this.#cell(table, row, column).fill;
  }

  /** The user writes their own note on the cell (above the add-in's reason, if there is one). */
  setUserNote(table: string, row: number, column: number, text: string) {
    const c = this.#cell(table, row, column);
    c.note = joinNote(text || null, splitNote(c.note).addin);
  }

  /** The user fills the cell with a colour of their own ("" clears it). */
  setUserFill(table: string, row: number, column: number, colour: string) {
    this.#cell(table, row, column).fill = colour || null;
  }

  select(selection: Selection | null) {
    if (selection) this.#cell(selection.table, selection.row, selection.column);
    this.#selected = selection;
    // Reported as Excel does: by the table's id.
    const reported = selection && { ...selection, table: this.#table(selection.table).id };
    for (const h of this.#selectionHandlers) h(reported);
  }

  insertRow(table: string, at: number, values: unknown[] = []) {
    const t = this.#editable(table);
    t.rows.splice(
      at,
      0,
      t.columns.map((_, c) => blank(values[c] ?? '')),
    );
    t.hidden.splice(at, 0, false);
    this.#edited(table, 'local', []);
  }

  deleteRow(table: string, at: number) {
    const t = this.#editable(table);
    this.#row(t, at);
    t.rows.splice(at, 1);
    t.hidden.splice(at, 1);
    this.#edited(table, 'local', []);
  }

  /** A column inserted (empty) by the user: a new column id; nothing binds it until the planner does. */
  insertColumn(table: string, at: number, header: string) {
    const t = this.#editable(table);
    t.columns.splice(at, 0, { id: this.#nextId++, header });
    for (const r of t.rows) r.splice(at, 0, blank());
    this.#edited(table, 'local', []);
  }

  deleteColumn(table: string, at: number) {
    const t = this.#editable(table);
    if (at < 0 || at >= t.columns.length) throw new Error(`No column ${at} in ${table}.`);
    t.columns.splice(at, 1);
    for (const r of t.rows) r.splice(at, 1);
    this.#edited(table, 'local', []);
  }

  /** A column moved (cut and inserted elsewhere): same id, same cells. */
  moveColumn(table: string, from: number, to: number) {
    const t = this.#editable(table);
    const [column] = t.columns.splice(from, 1);
    t.columns.splice(to, 0, column!);
    for (const r of t.rows) r.splice(to, 0, r.splice(from, 1)[0]!);
    this.#edited(table, 'local', []);
  }

  /**
   * Excel's sort: ascending puts numbers before text (text ignoring case), descending the reverse,
   * blanks last either way; rows keep everything on them.
   */
  sort(table: string, column: number, order: SortOrder = 'asc') {
    // Excel sorts no locked cells on a protected sheet, whatever its protection allows.
    const t = this.#editable(table);
    const rank = (v: unknown) =>
      v === '' || v === null || v === undefined ? 2 : typeof v === 'number' ? 0 : 1;
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
    this.#edited(table, 'local', []);
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
    if (this.#named(newName)) throw new Error(`A table named ${newName} already exists.`);
    const t = this.#table(table);
    t.name = newName;
    if (this.#selected?.table === table) this.#selected = { ...this.#selected, table: newName };
  }

  renameSheet(sheet: string, newName: string) {
    if (this.#sheetNames().some((n) => n !== sheet && n.toLowerCase() === newName.toLowerCase()))
      throw new Error(`A sheet named ${newName} already exists.`);
    for (const t of this.#tables) if (t.sheet === sheet) t.sheet = newName;
    for (const s of this.#sheets) if (s.name === sheet) s.name = newName;
  }

  /** The user deletes a sheet: its tables and charts go with it. */
  deleteSheet(sheet: string) {
    this.#tables = this.#tables.filter((t) => t.sheet !== sheet);
    this.#sheets = this.#sheets.filter((s) => s.name !== sheet);
    if (this.#selected && !this.#find(this.#selected.table)) this.#selected = null;
  }

  /** The user unprotects a sheet (Review › Unprotect Sheet): its cells can be typed on again. */
  unprotectSheet(sheet: string) {
    this.#sheetOf(sheet).protected = false;
  }

  /** The sheets, in the order they were made. */
  sheets(): string[] {
    return this.#sheetNames();
  }

  /** A sheet as the user sees it: heading lines, tables, charts, whether it is protected. */
  sheet(name: string) {
    if (!this.#sheetNames().includes(name)) throw new Error(`No sheet ${name} in ${this.name}.`);
    // A sheet that holds tables only has nothing else to show.
    const s = this.#sheets.find((x) => x.name === name) ?? {
      name,
      protected: false,
      heading: [],
      charts: [],
    };
    return {
      name: s.name,
      protected: s.protected,
      heading: [...s.heading],
      tables: this.#tables.filter((t) => t.sheet === s.name).map((t) => t.name),
      charts: structuredClone(s.charts),
    };
  }

  /** A report table's placement and formats, as the sheet has them. */
  tableLayout(name: string) {
    const t = this.#table(name);
    return {
      at: t.at ?? { row: 0, column: 0 },
      formats: t.formats ?? [],
      highlights: t.highlights ?? [],
    };
  }

  /** What the add-in keeps inside the workbook, with sizes. */
  parts(): WorkbookPart[] {
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    return [
      ...Object.entries(this.#settings).map(([id, text]) => ({
        kind: 'setting' as const,
        id,
        bytes: bytes(text),
      })),
      ...this.#xmlParts.map((p) => ({
        kind: 'customXmlPart' as const,
        id: `${p.namespace}#${p.id}`,
        bytes: bytes(p.xml),
      })),
    ];
  }

  /** The whole workbook as JSON-serialisable data: cells, formulas, notes, fills, flags and parts. */
  snapshot(): WorkbookSnapshot {
    return structuredClone({
      name: this.name,
      nextId: this.#nextId,
      tables: this.#tables,
      sheets: this.#sheets,
      settings: this.#settings,
      xmlParts: this.#xmlParts,
    });
  }

  /** The workbook as a snapshot had it: the file reopened, perhaps on another computer. */
  restore(snapshot: WorkbookSnapshot) {
    const s = structuredClone(snapshot);
    this.name = s.name;
    this.#nextId = s.nextId;
    this.#tables = s.tables;
    this.#sheets = s.sheets ?? [];
    this.#settings = s.settings;
    this.#xmlParts = s.xmlParts ?? [];
    this.#selected = this.#tables[0] ? { table: this.#tables[0].name, row: 0, column: 0 } : null;
  }

  // ——— The WorkbookPort the add-in uses ———

  async workbookName() {
    return this.name;
  }

  /** The workbooks opened from here (base64 .xlsx), newest last: what Excel would show beside this one. */
  readonly opened: string[] = [];
  async openWorkbook(xlsxBase64: string) {
    this.opened.push(xlsxBase64);
  }

  async tableAtSelection() {
    if (!this.#selected)
      throw new Error('Select a cell inside a table (or a range with a header row) first.');
    return this.#selected.table;
  }

  async readTable(key: string): Promise<TableData> {
    const t = this.#table(key);
    return {
      id: t.id,
      name: t.name,
      sheet: t.sheet,
      headers: t.columns.map((c) => c.header),
      columnIds: t.columns.map((c) => c.id),
      rows: t.rows.map((r) => r.map((c) => c.value)),
      firstCell: { row: (t.at?.row ?? 0) + 1, column: t.at?.column ?? 0 },
      formulaCells: new Set(
        t.rows.flatMap((r, row) =>
          r.flatMap((c, column) => (c.formula === null ? [] : [row * t.columns.length + column])),
        ),
      ),
    };
  }

  async paint(table: string, codeColumnId: number, cells: readonly CellPaint[]) {
    this.#request(`Writing to table ${table}`, paintPayloadBytes(cells));
    const t = this.#editable(table);
    const code = t.columns.findIndex((c) => c.id === codeColumnId);
    if (code < 0) throw new Error(`The code column of ${table} is gone.`);
    const found: FoundFill[] = [];
    for (const p of placeCells(
      cells,
      t.rows.map((r) => r[code]!.value),
      t.columns.map((c) => c.id),
    )) {
      const c = t.rows[p.row]![p.column]!;
      // Writing a value replaces a formula, as Excel's Range.values does.
      if (p.value !== undefined) {
        c.value = p.value ?? '';
        c.formula = null;
      }
      if (p.look !== 'plain') {
        if (isUserFill(c.fill))
          found.push({ measure: p.measure, columnId: p.columnId, fill: c.fill });
        c.fill = LOOK_FILL[p.look];
      } else if (p.userFill !== undefined) c.fill = p.userFill;
      else if (!isUserFill(c.fill)) c.fill = null;
      if (p.note !== undefined && this.notes) c.note = joinNote(splitNote(c.note).user, p.note);
    }
    return found;
  }

  async appendRows(table: string, rows: readonly unknown[][]) {
    this.#request(`Adding rows to table ${table}`, rows);
    const t = this.#editable(table);
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

  async loadState(bindingId: string) {
    const parts = this.#xmlParts.filter((p) => p.namespace === stateNamespace(bindingId));
    return parts.length ? stateFromParts(parts.map((p) => p.xml)) : null;
  }

  async saveState(bindingId: string, text: string | null) {
    const namespace = stateNamespace(bindingId);
    const xmls = text === null ? [] : stateParts(bindingId, text);
    for (const xml of xmls) this.#request('Saving the Gatecell state', xml);
    // Written first, the old parts deleted after: a failure part-way leaves the old state whole.
    const fresh = xmls.map((xml) => ({ id: `{P${this.#nextId++}}`, namespace, xml }));
    this.#xmlParts = [...this.#xmlParts.filter((p) => p.namespace !== namespace), ...fresh];
  }

  async onEdited(watch: readonly WatchedTable[], handler: (edit: CellEdit) => void) {
    this.#editHandlers.set(handler, watch);
    return async () => {
      this.#editHandlers.delete(handler);
    };
  }

  async writeReport(
    report: ReportSheet,
    options: { replaceUnprotected?: boolean } = {},
  ): Promise<ReportWritten> {
    const anchor = this.#tables.find(
      (t) => t.name.toLowerCase() === report.tables[0]!.name.toLowerCase(),
    );
    const found = anchor && this.#sheetOf(anchor.sheet);
    if (found && !found.protected && !options.replaceUnprotected)
      return { written: false, sheet: found.name, reason: 'unprotected' };
    // The requests the adapter makes, each held to Excel on the web's limit (one refused before
    // anything is written changes nothing).
    for (const slices of reportRequests(report))
      this.#request(
        'Writing the report',
        slices.map(({ table, from, to }) => {
          const t = report.tables[table]!;
          return [from === 0 ? t.headers : [], t.formats, t.rows.slice(from, to)];
        }),
      );
    let sheet: Sheet;
    if (found) {
      // Everything on the sheet goes: its charts, its tables, its cells.
      sheet = found;
      this.#tables = this.#tables.filter((t) => t.sheet !== found.name);
      Object.assign(sheet, { heading: [], charts: [] });
    } else {
      sheet = {
        name: freeSheetName(report.sheet, this.#sheetNames()),
        protected: false,
        heading: [],
        charts: [],
      };
      this.#sheets.push(sheet);
    }
    sheet.heading = [...report.heading];
    const placed: { name: string; top: number; left: number; bottom: number; right: number }[] = [];
    for (const t of report.tables) {
      const box = {
        name: t.name,
        top: t.row,
        left: t.column,
        bottom: t.row + t.rows.length,
        right: t.column + t.headers.length - 1,
      };
      // Excel refuses a table over another table, or over the heading.
      const over = placed.find(
        (p) =>
          p.top <= box.bottom && box.top <= p.bottom && p.left <= box.right && box.left <= p.right,
      );
      if (over || box.top < report.heading.length)
        throw new Error(`${t.name} would overlap ${over?.name ?? 'the heading'}.`);
      placed.push(box);
      this.addTable(t.name, sheet.name, t.headers, []);
      const made = this.#table(t.name);
      made.rows = t.rows.map((row) => row.map((v, c) => written(v, t.formats[c] ?? 'General')));
      made.hidden = t.rows.map(() => false);
      Object.assign(made, {
        at: { row: t.row, column: t.column },
        formats: [...t.formats],
        highlights: structuredClone(t.highlights ?? []),
      });
    }
    for (const c of report.charts) {
      const t = report.tables.find((table) => table.name === c.table);
      if (!t || c.series < 1 || c.series >= t.headers.length)
        throw new Error(`Chart ${c.name}: no such series in ${c.table}.`);
      sheet.charts.push(structuredClone(c));
    }
    sheet.protected = true;
    return { written: true, sheet: sheet.name, refreshed: !!anchor };
  }

  async cellValue(table: string, columnId: number, row: number) {
    const t = this.#table(table);
    const column = t.columns.findIndex((c) => c.id === columnId);
    return column < 0 ? undefined : t.rows[row]?.[column]?.value;
  }

  async showCell(table: string, codeColumnId: number, measure: string, columnId: number) {
    const t = this.#table(table);
    const code = t.columns.findIndex((c) => c.id === codeColumnId);
    const [placed] = placeCells(
      [{ measure, columnId }],
      t.rows.map((r) => r[code]?.value),
      t.columns.map((c) => c.id),
    );
    if (!placed) return false;
    this.select({ table: t.name, row: placed.row, column: placed.column });
    return true;
  }

  async onSelection(handler: (s: Selection | null) => void) {
    this.#selectionHandlers.add(handler);
    return async () => {
      this.#selectionHandlers.delete(handler);
    };
  }

  // ——— Inside ———

  #write(table: string, row: number, column: number, value: unknown) {
    this.#editable(table);
    const cell = this.#cell(table, row, column);
    cell.value = value;
    cell.formula = null;
  }

  /** Who edited which cells, reported as Excel's worksheet change event is: by where the codes are at that moment. */
  #edited(table: string, source: EditSource, at: [number, number][]) {
    const t = this.#table(table);
    for (const [handler, watch] of this.#editHandlers) {
      const watched = watch.find((w) => w.table === t.id || w.table === t.name);
      if (!watched) continue;
      const code = t.columns.findIndex((c) => c.id === watched.codeColumnId);
      const cells =
        code < 0
          ? []
          : at
              .map(([row, column]) => ({
                measure: String(t.rows[row]![code]!.value ?? '').trim(),
                columnId: t.columns[column]!.id,
              }))
              .filter((c) => c.measure);
      handler({ table: t.id, source, cells });
    }
  }

  /** Excel on the web's limit on one request's payload (the JSON Office.js would send). */
  #request(what: string, payload: unknown) {
    const bytes =
      typeof payload === 'number'
        ? payload
        : new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload))
            .length;
    if (bytes > this.requestLimit) throw new RequestTooLarge(what, bytes);
    this.#largest = Math.max(this.#largest, bytes);
  }
  #largest = 0;
  /** The largest request the add-in has made so far that Excel took. */
  get largestRequestBytes() {
    return this.#largest;
  }

  /** Every sheet's name: the tables' sheets and the sheets with more than tables, in order. */
  #sheetNames(): string[] {
    return [...new Set([...this.#tables.map((t) => t.sheet), ...this.#sheets.map((s) => s.name)])];
  }

  /** A sheet's record (one is made for a sheet that so far held tables only). */
  #sheetOf(name: string): Sheet {
    let s = this.#sheets.find((x) => x.name === name);
    if (!s) {
      if (!this.#sheetNames().includes(name)) throw new Error(`No sheet ${name} in ${this.name}.`);
      this.#sheets.push((s = { name, protected: false, heading: [], charts: [] }));
    }
    return s;
  }

  /** A table whose cells the user may change: Excel refuses edits on a protected sheet. */
  #editable(table: string): Table {
    const t = this.#table(table);
    if (this.#sheets.some((s) => s.name === t.sheet && s.protected))
      throw new Error(
        `The cell or chart you're trying to change is on a protected sheet (${t.sheet}).`,
      );
    return t;
  }

  /** Table names are unique in a workbook regardless of case, as in Excel. */
  #named(name: string) {
    return this.#tables.some((t) => t.name.toLowerCase() === name.toLowerCase());
  }

  /** By id (as Excel's tables.getItem finds a table by id or name) or by name. */
  #find(key: string) {
    return this.#tables.find((t) => t.id === key) ?? this.#tables.find((t) => t.name === key);
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
