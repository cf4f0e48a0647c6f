// The seam between the add-in and Excel. Only addin/workbook/excel.ts calls the Excel API; the
// rest of the add-in (sync, React) talks to a WorkbookPort, and tests give it an in-memory one.
import type { Binding } from '../../shared/sync/mapping.js';

export interface TableData {
  /** Excel's Table.id: the same through renames, sorts and inserts. Bindings hold on to it. */
  id: string;
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
export type CellLook =
  'applied' | 'pending' | 'rejected' | 'conflict' | 'variance' | 'stale' | 'readonly' | 'plain';

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
  /**
   * For a plain cell: the fill the user had before the add-in flagged it, put back (null: none).
   * Absent: the fill is cleared only if it is one of the add-in's flag colours.
   */
  userFill?: string | null;
}

/** A fill of the user's found on a cell the add-in is flagging: kept, to be put back when the flag goes. */
export interface FoundFill {
  measure: string;
  columnId: number;
  fill: string;
}

/** The add-in's flag colours, upper case, for telling them from the user's own fills. */
const FLAG_FILLS = new Set<string>();

/** Whether a fill colour (as Excel reports it, "#RRGGBB") is the user's own, not one of the add-in's flags. */
export function isUserFill(fill: string | null | undefined): fill is string {
  return !!fill && fill.toUpperCase() !== '#FFFFFF' && !FLAG_FILLS.has(fill.toUpperCase());
}

/**
 * A cell's note as Excel keeps it — one text: the user's own words first, then, after a blank
 * line, the add-in's reason, which always starts with its flag's symbol. The add-in only ever
 * replaces its own part; the user's stays.
 */
export function joinNote(user: string | null, addin: string | null): string | null {
  // The add-in's part is one paragraph (a comment's blank lines are closed up), so it is always the last.
  return (
    [user, addin?.replace(/\n{2,}/g, '\n')].filter((t): t is string => !!t).join('\n\n') || null
  );
}

export function splitNote(text: string | null | undefined): {
  user: string | null;
  addin: string | null;
} {
  if (!text) return { user: null, addin: null };
  const paragraphs = text.split('\n\n');
  const last = paragraphs.at(-1)!;
  if (!ADDIN_NOTE.test(last)) return { user: text, addin: null };
  return { user: paragraphs.slice(0, -1).join('\n\n') || null, addin: last };
}

export type { Binding };

/** Who made an edit, as the host says: the user here, or a co-author (Excel on the web). */
export type EditSource = 'local' | 'remote';

/** A table whose edits are watched, and where its measure codes are. */
export interface WatchedTable {
  table: string;
  codeColumnId: number;
}

/** Cells someone edited, by measure and column id as the table was when the edit was made. */
export interface CellEdit {
  table: string;
  source: EditSource;
  cells: { measure: string; columnId: number }[];
}

export interface Selection {
  /** The table's id (a name when the user selects in the in-memory workbook; both find it). */
  table: string;
  row: number;
  column: number;
}

/** A native Excel table of the report: where it goes and what it holds. */
export interface ReportTable {
  /** Unique in the workbook (Excel's rule for table names): a refresh finds its sheet by it. */
  name: string;
  /** Zero-based sheet row and column of its header row's first cell. */
  row: number;
  column: number;
  headers: string[];
  rows: (string | number)[][];
  /** An Excel number format per column ("General" where none is needed). */
  formats: string[];
  /** Fills of a column's cells by the text they start with (native conditional formats). */
  highlights?: { column: number; startsWith: string; fill: string }[];
}

/** A native Excel chart of the report, drawn from a table's columns. */
export interface ReportChart {
  name: string;
  /** Clustered columns, stacked columns, or lines. */
  type: 'columns' | 'stacked' | 'lines';
  title: string;
  table: string;
  /** The table's first column holds the categories; these columns after it are the series. */
  series: number;
  /** Series drawn without fill (a floating bridge's invisible base), by index among the series. */
  hiddenSeries?: number[];
  /** Where it sits, in sheet cells (zero-based, from the top-left cell, that many rows and columns). */
  at: { row: number; column: number; rows: number; columns: number };
}

/** The executive report: one sheet, written whole; a refresh rewrites the same sheet in place. */
export interface ReportSheet {
  /** The name of the sheet when it is first made (Excel's 31 characters, none of []:*?/\). */
  sheet: string;
  /** Lines of text from A1 down: the title first. */
  heading: string[];
  tables: ReportTable[];
  charts: ReportChart[];
}

/** What writing a report did: the sheet it is on, or why it was not written. */
export type ReportWritten =
  | { written: true; sheet: string; refreshed: boolean }
  /** The report's sheet was unprotected since it was written: someone may have typed on it. */
  | { written: false; sheet: string; reason: 'unprotected' };

export interface WorkbookPort {
  /** Whether the host shows cell notes (ExcelApi 1.18; not Office 2021/2024 perpetual): without them every reason is in the pane. */
  readonly notes: boolean;
  workbookName(): Promise<string>;
  /** Opens a new workbook from an .xlsx (base64), beside this one: Excel shows it in a window (a tab on the web). */
  openWorkbook(xlsxBase64: string): Promise<void>;
  /** The table the selection is in; a plain range with a header row is first turned into a table. */
  tableAtSelection(): Promise<string>;
  /** `table` is a table's id or name (Excel's tables.getItem takes either). */
  readTable(table: string): Promise<TableData>;
  /**
   * Values, fills and notes of many cells: one Excel.run, a fixed number of syncs. Rows are found
   * by their code in the column `codeColumnId` as the table is at the moment of writing; a cell
   * whose measure is no longer on exactly one row is not written.
   */
  paint(table: string, codeColumnId: number, cells: readonly CellPaint[]): Promise<FoundFill[]>;
  appendRows(table: string, rows: readonly unknown[][]): Promise<void>;
  loadBindings(): Promise<Binding[]>;
  saveBindings(bindings: readonly Binding[]): Promise<void>;
  /** The add-in's state of a binding, kept inside the workbook (custom XML parts); null when there is none. */
  loadState(bindingId: string): Promise<string | null>;
  /** Replaces it (null removes it). */
  saveState(bindingId: string, text: string | null): Promise<void>;
  /**
   * Calls back with the cells of watched tables that were edited, and who edited them (the user
   * here or a co-author) — never for the add-in's own writes; returns a function to stop.
   */
  onEdited(
    watch: readonly WatchedTable[],
    handler: (edit: CellEdit) => void,
  ): Promise<() => Promise<void>>;
  /** One cell's value: the data body's `row` in the column `columnId` (undefined if there is no such row). */
  cellValue(table: string, columnId: number, row: number): Promise<unknown>;
  /** Selects the cell of `measure` in column `columnId` ("go to cell"); false when the measure is not on exactly one row. */
  showCell(
    table: string,
    codeColumnId: number,
    measure: string,
    columnId: number,
  ): Promise<boolean>;
  /**
   * Writes the report on its own sheet: native tables and charts, the sheet protected so that
   * nothing is typed where the next refresh writes. The sheet already holding the report's first
   * table is rewritten in place (found by that table, whatever the sheet is called now); one
   * unprotected since is left as it is unless `replaceUnprotected`.
   */
  writeReport(
    report: ReportSheet,
    options?: { replaceUnprotected?: boolean },
  ): Promise<ReportWritten>;
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

/**
 * About what a paint of these cells asks of Excel, in bytes, as Office.js sends it: each value in
 * a values array, a fill action per cell at worst, each note's address and text. Excel on the web
 * refuses a request over 5 MB; the session cuts a paint into parts under REQUEST_BYTES.
 */
export function paintPayloadBytes(cells: readonly CellPaint[]): number {
  let bytes = 0;
  for (const c of cells) {
    bytes += 16;
    if (c.value !== undefined) bytes += c.value === null ? 4 : String(c.value).length + 2;
    if (c.note) bytes += 48 + c.note.length * 2;
  }
  return bytes;
}
/** What one request to Excel is kept under (a paint's part, a report's cells): Excel on the web takes 5 MB. */
export const REQUEST_BYTES = 4 * 1024 * 1024;

/** Rows [from, to) of one report table's data, written in one request (the header with its first rows). */
export interface ReportSlice {
  table: number;
  from: number;
  to: number;
}

/** About what a report row asks of Excel, in bytes: its values and the number format of each cell. */
function reportRowBytes(row: readonly (string | number)[], formats: readonly string[]) {
  let bytes = 0;
  row.forEach((v, i) => {
    bytes += typeof v === 'string' ? v.length * 2 + 4 : String(v).length + 1;
    bytes += (formats[i]?.length ?? 0) + 4;
  });
  return bytes;
}

/**
 * A report's cells cut into requests, each under `budget`: one request for an ordinary report;
 * a scope of tens of thousands of measures writes its variance register over several.
 */
export function reportRequests(report: ReportSheet, budget = REQUEST_BYTES): ReportSlice[][] {
  const requests: ReportSlice[][] = [[]];
  let bytes = report.heading.reduce((n, line) => n + line.length * 2, 0);
  report.tables.forEach((t, table) => {
    bytes += reportRowBytes(t.headers, []);
    let from = 0;
    for (let r = 0; r < t.rows.length; r++) {
      const row = reportRowBytes(t.rows[r]!, t.formats);
      if (bytes + row > budget && (r > from || requests.at(-1)!.length)) {
        if (r > from) requests.at(-1)!.push({ table, from, to: r });
        requests.push([]);
        from = r;
        bytes = 0;
      }
      bytes += row;
    }
    requests.at(-1)!.push({ table, from, to: t.rows.length });
  });
  return requests;
}

/**
 * A symbol per flag, so that no flag is told by its colour alone: at the start of the add-in's
 * note on the cell, and in the pane's legend and lists.
 */
export const LOOK_SYMBOL: Record<Exclude<CellLook, 'plain'>, string> = {
  applied: '✓',
  pending: '◔',
  rejected: '✕',
  conflict: '⇄',
  variance: 'Δ',
  stale: '↻',
  readonly: '⊘',
};

for (const fill of Object.values(LOOK_FILL)) FLAG_FILLS.add(fill.toUpperCase());
const ADDIN_NOTE = new RegExp(`^(${Object.values(LOOK_SYMBOL).join('|')}) `);

/** Where each cell of `cells` is now: rows by code (codes on several rows, or none, are skipped), columns by id. */
export function placeCells<T extends { measure: string; columnId: number }>(
  cells: readonly T[],
  codes: readonly unknown[],
  columnIds: readonly number[],
): (T & { row: number; column: number })[] {
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

/**
 * A binding's state as custom XML parts, all under the binding's own namespace: the text (JSON) is
 * cut into parts of at most STATE_PART_CHARS characters, each written in its own request, so that
 * no request to Excel on the web passes its 5 MB limit however large the binding. Each save is
 * numbered: a save that failed part-way leaves its parts beside the previous save's, and the
 * newest complete save is the state.
 */
export const STATE_PART_CHARS = 1_000_000;
export const stateNamespace = (bindingId: string) => `urn:gatecell:state:${bindingId}`;

const escapeXml = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (t: string) =>
  t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

let lastSave = 0;
/** Save numbers: the time in ms, and never the same twice from one pane. */
const nextSave = () => (lastSave = Math.max(Date.now(), lastSave + 1));

/** The XML of each part of a state text, in order; `save` numbers this save (later saves, higher numbers). */
export function stateParts(bindingId: string, text: string, save = nextSave()): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length || !pieces.length;) {
    let end = Math.min(text.length, at + STATE_PART_CHARS);
    // Never between the two halves of a surrogate pair: each part must be well-formed XML.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces.map(
    (piece, i) =>
      `<state xmlns="${stateNamespace(bindingId)}" save="${save}" part="${i}" of="${pieces.length}">${escapeXml(piece)}</state>`,
  );
}

/** The state text of the newest complete save among these parts (in any order); null when there is none. */
export function stateFromParts(xmls: readonly string[]): string | null {
  const saves = new Map<number, { of: number; parts: Map<number, string> }>();
  for (const xml of xmls) {
    const m = /^<state [^>]*save="(\d+)" part="(\d+)" of="(\d+)">([\s\S]*)<\/state>$/.exec(
      xml.replace(/^<\?xml[^>]*\?>\s*/, ''),
    );
    if (!m) throw new Error('A Gatecell state part in this workbook is not readable.');
    const save = saves.get(Number(m[1])) ?? { of: Number(m[3]), parts: new Map() };
    save.parts.set(Number(m[2]), unescapeXml(m[4]!));
    saves.set(Number(m[1]), save);
  }
  const complete = [...saves].filter(([, s]) => s.parts.size === s.of).sort(([a], [b]) => b - a);
  if (!complete.length) return null;
  const { of, parts } = complete[0]![1];
  return Array.from({ length: of }, (_, i) => parts.get(i)!).join('');
}

/** `wanted`, or "wanted (2)", … : the first name no sheet has (Excel compares names ignoring case). */
export function freeSheetName(wanted: string, taken: readonly string[]): string {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const name = wanted.slice(0, 31 - suffix.length) + suffix;
    if (!used.has(name.toLowerCase())) return name;
  }
}

/** Zero-based (row, column) → "C12". */
export function a1(row: number, column: number): string {
  let col = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26))
    col = String.fromCharCode(65 + ((n - 1) % 26)) + col;
  return `${col}${row + 1}`;
}
