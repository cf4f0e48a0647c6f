// Which columns of a bound table hold which governed cells: proposed from the headers, confirmed
// or edited by the planner, saved with the binding. Pure: no Office, no I/O.
import { CELL_KINDS, type CellKind } from '../model.js';

export interface ColumnMapping {
  /** Zero-based column index in the table, where the column stood when last read. */
  column: number;
  kind: CellKind;
  period: string;
  /** The table column's id (Excel's TableColumn.id): what binds it, wherever it moves. */
  columnId?: number;
  /** Its header when bound: checked on every read, so a retitled column is never misread. */
  header?: string;
}

export interface Mapping {
  codeColumn: number;
  columns: ColumnMapping[];
  codeColumnId?: number;
  codeHeader?: string;
}

/** A binding is saved in the workbook: it survives closing and reopening (no secrets in it). */
export interface Binding {
  id: string;
  name: string;
  /** The table's name when last read: shown to the planner, and the key of bindings made before ids were kept. */
  table: string;
  /** The table's id: what the binding is found by, so a renamed table keeps its binding. */
  tableId?: string;
  mapping: Mapping;
  /** The scope pulled into this table (a node code), for adding missing rows. */
  scope: string | null;
}

/** The document setting the bindings are saved in (Office.context.document.settings). */
export const BINDINGS_SETTING = 'gatecell.bindings';

/** A table's columns as Excel reports them: headers and the ids that survive inserts and moves. */
export interface TableColumns {
  headers: readonly string[];
  columnIds: readonly number[];
}

/** The mapping with each column's id and header as the table has them now (at binding). */
export function identify(mapping: Mapping, table: TableColumns): Mapping {
  return {
    codeColumn: mapping.codeColumn,
    codeColumnId: table.columnIds[mapping.codeColumn],
    codeHeader: table.headers[mapping.codeColumn],
    columns: mapping.columns.map((c) => ({
      ...c,
      columnId: table.columnIds[c.column],
      header: table.headers[c.column],
    })),
  };
}

/**
 * Where the bound columns are now: found by id (a binding made before ids were kept: by the
 * position it was made at, only while the header there still reads as the same kind and month)
 * and checked against the header they were bound with. Anything missing or retitled is a problem,
 * and the mapping is null: nothing is read or written through a binding that no longer fits.
 */
export function resolveMapping(
  mapping: Mapping,
  table: TableColumns,
): { mapping: Mapping | null; problems: string[] } {
  const problems: string[] = [];
  const locate = (
    id: number | undefined,
    header: string | undefined,
    legacyAt: number,
    fits: (h: string) => boolean,
    what: string,
  ): number => {
    if (id === undefined) {
      const h = String(table.headers[legacyAt] ?? '');
      if (legacyAt < table.headers.length && fits(h)) return legacyAt;
      problems.push(
        `Column ${legacyAt + 1} no longer reads as ${what} (its header is now "${h}"): bind the table again.`,
      );
      return -1;
    }
    const at = table.columnIds.indexOf(id);
    if (at < 0) {
      problems.push(
        `The column "${header ?? what}" was deleted from the table: bind the table again.`,
      );
      return -1;
    }
    if (header !== undefined && table.headers[at] !== header) {
      problems.push(
        `The column "${header}" is now titled "${table.headers[at]}": bind the table again so that it is read as what it says.`,
      );
      return -1;
    }
    return at;
  };
  const codeColumn = locate(
    mapping.codeColumnId,
    mapping.codeHeader,
    mapping.codeColumn,
    (h) => CODE_HEADERS.has(h.trim().toLowerCase()),
    'the measure codes',
  );
  const columns = mapping.columns.map((c) => ({
    ...c,
    column: locate(
      c.columnId,
      c.header,
      c.column,
      (h) => {
        const parsed = parseHeader(h);
        return !!parsed && parsed.kind === c.kind && parsed.period === c.period;
      },
      `${c.kind} ${c.period}`,
    ),
  }));
  if (problems.length) return { mapping: null, problems };
  return { mapping: { ...mapping, codeColumn, columns }, problems };
}

const KIND_WORDS: Record<string, CellKind> = {
  baseline: 'baseline',
  base: 'baseline',
  bl: 'baseline',
  target: 'target',
  tgt: 'target',
  forecast: 'forecast',
  fcst: 'forecast',
  fc: 'forecast',
  fct: 'forecast',
  actual: 'actual',
  actuals: 'actual',
  act: 'actual',
  act_: 'actual',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CODE_HEADERS = new Set([
  'measure',
  'code',
  'measure code',
  'measure id',
  'measure_code',
  'id',
]);

const pad = (m: number) => String(m).padStart(2, '0');

/** A period written the ways planners write months: 2027-03, 2027/03, 03/2027, Mar 2027, Mar-27. */
export function parsePeriod(text: string): string | null {
  const t = text.trim().toLowerCase();
  let m = /^(\d{4})[-/.](\d{1,2})$/.exec(t);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${m[1]}-${pad(Number(m[2]))}` : null;
  m = /^(\d{1,2})[-/.](\d{4})$/.exec(t);
  if (m) return Number(m[1]) >= 1 && Number(m[1]) <= 12 ? `${m[2]}-${pad(Number(m[1]))}` : null;
  m = /^([a-z]{3})[a-z]*[\s\-']*(\d{2}|\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[1]!);
    if (month < 0) return null;
    const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
    return `${year}-${pad(month + 1)}`;
  }
  return null;
}

/** "Forecast 2027-03", "FC Mar 2027", "Target_2027-03" → kind and period. */
export function parseHeader(header: unknown): { kind: CellKind; period: string } | null {
  if (typeof header !== 'string') return null;
  const m = /^\s*([A-Za-z_]+)[\s_:\-]+(.+?)\s*$/.exec(header);
  if (!m) return null;
  const kind = KIND_WORDS[m[1]!.toLowerCase()];
  const period = parsePeriod(m[2]!);
  return kind && period ? { kind, period } : null;
}

export interface Proposal {
  mapping: Mapping | null;
  /** Headers that are neither the code column nor a governed cell: left alone. */
  ignored: { column: number; header: string }[];
  problems: string[];
}

export function proposeMapping(headers: readonly unknown[]): Proposal {
  const problems: string[] = [];
  const ignored: Proposal['ignored'] = [];
  const columns: ColumnMapping[] = [];
  let codeColumn = -1;
  const seen = new Map<string, number>();
  headers.forEach((raw, column) => {
    const header = String(raw ?? '').trim();
    if (codeColumn < 0 && CODE_HEADERS.has(header.toLowerCase())) {
      codeColumn = column;
      return;
    }
    const parsed = parseHeader(header);
    if (!parsed) {
      ignored.push({ column, header });
      return;
    }
    const key = `${parsed.kind} ${parsed.period}`;
    if (seen.has(key)) {
      problems.push(
        `"${header}" and column ${seen.get(key)! + 1} both map to ${key}: only the first is bound.`,
      );
      return;
    }
    seen.set(key, column);
    columns.push({ column, ...parsed });
  });
  if (codeColumn < 0) problems.push('No column of measure codes: name one "Measure" or "Code".');
  if (!columns.length) problems.push('No column such as "Forecast 2027-03" or "Target Mar 2027".');
  return {
    mapping: codeColumn >= 0 && columns.length ? { codeColumn, columns } : null,
    ignored,
    problems,
  };
}

export const isCellKind = (s: string): s is CellKind =>
  (CELL_KINDS as readonly string[]).includes(s);

export interface ColumnChoice {
  column: number;
  bound: boolean;
  kind: CellKind;
  /** As typed by the planner: any form parsePeriod reads. */
  period: string;
}

/** The planner's edited mapping, checked: a code column, valid periods, no cell bound twice. */
export function buildMapping(
  headers: readonly string[],
  codeColumn: number,
  choices: readonly ColumnChoice[],
): { mapping: Mapping | null; problems: string[] } {
  const problems: string[] = [];
  if (codeColumn < 0 || codeColumn >= headers.length)
    problems.push('Choose the column of measure codes.');
  const columns: ColumnMapping[] = [];
  const seen = new Map<string, number>();
  for (const c of choices) {
    if (!c.bound || c.column === codeColumn) continue;
    const period = parsePeriod(c.period);
    const header = headers[c.column] ?? `column ${c.column + 1}`;
    if (!period) {
      problems.push(`"${header}": "${c.period}" is not a month such as 2027-03.`);
      continue;
    }
    const key = `${c.kind} ${period}`;
    if (seen.has(key)) {
      problems.push(`"${header}" and "${headers[seen.get(key)!]}" are both ${key}.`);
      continue;
    }
    seen.set(key, c.column);
    columns.push({ column: c.column, kind: c.kind, period });
  }
  if (!columns.length) problems.push('Bind at least one column to a kind and a month.');
  return { mapping: problems.length ? null : { codeColumn, columns }, problems };
}

/** The editable rows the pane starts from: what the proposal bound, and every other header unbound. */
export function choicesFrom(headers: readonly string[], proposal: Proposal): ColumnChoice[] {
  const mapped = new Map((proposal.mapping?.columns ?? []).map((c) => [c.column, c]));
  return headers.map((_, column) => {
    const m = mapped.get(column);
    return { column, bound: !!m, kind: m?.kind ?? 'forecast', period: m?.period ?? '' };
  });
}
