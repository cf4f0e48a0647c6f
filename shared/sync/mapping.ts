// Which columns of a bound table hold which governed cells: proposed from the headers, confirmed
// or edited by the planner, saved with the binding. Pure: no Office, no I/O.
import { CELL_KINDS, type CellKind } from '../model.js';

export interface ColumnMapping {
  /** Zero-based column index in the table. */
  column: number;
  kind: CellKind;
  period: string;
}

export interface Mapping {
  codeColumn: number;
  columns: ColumnMapping[];
}

const KIND_WORDS: Record<string, CellKind> = {
  baseline: 'baseline', base: 'baseline', bl: 'baseline',
  target: 'target', tgt: 'target',
  forecast: 'forecast', fcst: 'forecast', fc: 'forecast', fct: 'forecast',
  actual: 'actual', actuals: 'actual', act: 'actual', act_: 'actual',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const CODE_HEADERS = new Set(['measure', 'code', 'measure code', 'measure id', 'measure_code', 'id']);

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
      problems.push(`"${header}" and column ${seen.get(key)! + 1} both map to ${key}: only the first is bound.`);
      return;
    }
    seen.set(key, column);
    columns.push({ column, ...parsed });
  });
  if (codeColumn < 0) problems.push('No column of measure codes: name one "Measure" or "Code".');
  if (!columns.length) problems.push('No column such as "Forecast 2027-03" or "Target Mar 2027".');
  return { mapping: codeColumn >= 0 && columns.length ? { codeColumn, columns } : null, ignored, problems };
}

export const isCellKind = (s: string): s is CellKind => (CELL_KINDS as readonly string[]).includes(s);

export interface ColumnChoice {
  column: number;
  bound: boolean;
  kind: CellKind;
  /** As typed by the planner: any form parsePeriod reads. */
  period: string;
}

/** The planner's edited mapping, checked: a code column, valid periods, no cell bound twice. */
export function buildMapping(headers: readonly string[], codeColumn: number, choices: readonly ColumnChoice[]): { mapping: Mapping | null; problems: string[] } {
  const problems: string[] = [];
  if (codeColumn < 0 || codeColumn >= headers.length) problems.push('Choose the column of measure codes.');
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
