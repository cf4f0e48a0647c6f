// The executive report as the workbook shows it: what each table and chart holds and where it
// sits, computed from the service's answers with no Excel in sight (the adapter, and the in-memory
// workbook, only carry it out). One sheet per scope, laid out top to bottom; each chart beside
// the table it is drawn from.
import type { Answer, ExceptionView } from '../api/client.js';
import type { ReportChart, ReportSheet, ReportTable } from '../workbook/port.js';
import { dashboardFigures } from '../ui/dashboard/figures.js';

export interface ReportInput {
  scope: { code: string; name: string };
  currency: string;
  /** The currency's minor digits (2 for EUR): amounts are shown with them. */
  digits: number;
  /** When the figures were read. */
  asOf: Date;
  rollup: Answer<'RollupAnswer'>;
  variances: Answer<'VariancesAnswer'>;
  exceptions: readonly ExceptionView[];
  decisions: Answer<'DecisionsAnswer'>;
}

/** A chart's size in cells, and the column it starts at (right of the widest charted table). */
const CHART = { column: 6, rows: 16, columns: 8 };
/** Empty rows between one block and the next. */
const GAP = 2;

const FLAG_TEXT = { shortfall: '▼ Shortfall', ahead: '▲ Ahead', on_target: '● On target' } as const;
/** The flag column's fills: the sheet flags' colours for rejected (a shortfall) and applied (ahead). */
const FLAG_FILL = { shortfall: '#FDE7E9', ahead: '#E6F4EA' } as const;

/** Excel's rules for a sheet name: at most 31 characters, none of []:*?/\ . */
export const reportSheetName = (scope: string) =>
  `Report ${scope}`.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);

/**
 * A table name Excel takes (letters, digits, underscores), the same scope always the same name,
 * two scopes never one: characters other than letters and digits are written as _ and their hex
 * code ("FY-27.A" → "FY_2D27_2EA").
 */
export const reportTableName = (scope: string, part: string) =>
  `GatecellReport_${scope.replace(/[^A-Za-z0-9]/g, (ch) => `_${ch.charCodeAt(0).toString(16).toUpperCase()}`)}_${part}`;

/** One bar of the bridge: its label and the four stacked series (base, total, increase, decrease). */
export type BridgeRow = [string, number, number, number, number];

/**
 * The bridge from the scope's target to its expected value, one step per program (measures above
 * program level together as "No program"): a floating column per program, on an invisible base.
 * When the running value stays at or above zero the steps float; when it would cross zero a
 * floating bar cannot be stacked, so every bar then stands on zero — each program's variance up
 * or down from it, under a title that says so.
 *
 * Worked example: target 1,000; program A −200, program B +50; expected 850 →
 *   ["Target", 0, 1000, 0, 0], ["A", 800, 0, 0, 200], ["B", 800, 0, 50, 0], ["Expected", 0, 850, 0, 0]
 */
export function bridgeOf(
  target: number,
  expected: number,
  steps: readonly { label: string; variance: number }[],
): { floating: boolean; rows: BridgeRow[] } {
  let running = target;
  let floating = target >= 0 && expected >= 0;
  const moves = steps.map(({ label, variance }) => {
    const from = running;
    running += variance;
    if (running < 0) floating = false;
    return { label, variance, from, to: running };
  });
  const rows: BridgeRow[] = [['Target', 0, target, 0, 0]];
  for (const m of moves)
    rows.push(
      floating
        ? [m.label, Math.min(m.from, m.to), 0, Math.max(0, m.variance), Math.max(0, -m.variance)]
        : [m.label, 0, 0, Math.max(0, m.variance), Math.min(0, m.variance)],
    );
  rows.push(['Expected', 0, expected, 0, 0]);
  return { floating, rows };
}

/** The programs' variances, in order of program code, for the bridge. */
function programSteps(v: ReportInput['variances']) {
  const by = new Map<string, { label: string; variance: number }>();
  for (const m of v.measures) {
    const key = m.program?.code ?? '';
    const step = by.get(key) ?? { label: m.program?.name ?? 'No program', variance: 0 };
    step.variance += m.variance;
    by.set(key, step);
  }
  return [...by]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([, step]) => step)
    .filter((s) => s.variance !== 0);
}

const day = (instant: string) => instant.slice(0, 10);

/**
 * The number format of a column of text: Excel keeps what is written there as text. Anything else
 * would read a comment such as "=HYPERLINK(…)" as a formula, a code such as 0012 or 1E5 as a
 * number, and a month such as 2027-03 as a date.
 */
const TEXT = '@';

export function executiveReport(input: ReportInput): ReportSheet {
  const { scope, rollup: r, variances: v } = input;
  const money = input.digits > 0 ? `#,##0.${'0'.repeat(input.digits)}` : '#,##0';
  const name = (part: string) => reportTableName(scope.code, part);
  const figures = dashboardFigures(r);
  const tables: ReportTable[] = [];
  const charts: ReportChart[] = [];
  let row = 3;
  /** Places a table (and its chart beside it) and moves below both. */
  const place = (
    part: string,
    headers: string[],
    rows: (string | number)[][],
    formats: string[],
    chart?: Omit<ReportChart, 'name' | 'table' | 'at'>,
    highlights?: ReportTable['highlights'],
  ) => {
    // An Excel table has at least one data row: an empty one says so.
    if (!rows.length) rows = [['(none)', ...headers.slice(1).map(() => '')]];
    const table: ReportTable = { name: name(part), row, column: 0, headers, rows, formats };
    if (highlights) table.highlights = highlights;
    tables.push(table);
    let height = rows.length + 1;
    if (chart) {
      charts.push({
        ...chart,
        name: name(`${part}Chart`),
        table: table.name,
        at: { row, column: CHART.column, rows: CHART.rows, columns: CHART.columns },
      });
      height = Math.max(height, CHART.rows);
    }
    row += height + GAP;
  };

  const t = r.totals;
  place(
    'Summary',
    ['Figure', 'Value'],
    [
      ['Target', t.target],
      ['Forecast', t.forecast],
      ['Actual', t.actual],
      ['Expected', t.expected],
      ['Expected − target', t.expectedVariance],
      ['Open exceptions', input.exceptions.length],
      [
        'Decisions waiting',
        r.decisionsWaiting.reduce((n, d) => n + d.changeRequests + d.gateRequests, 0),
      ],
    ],
    [TEXT, money],
  );
  place(
    'Pipeline',
    ['Stage', 'Target', 'Forecast', 'Measures'],
    figures.pipeline.map((p) => [p.stage, p.target, p.forecast, p.count]),
    [TEXT, money, money, '0'],
    { type: 'columns', title: 'Value pipeline by stage (on hold apart)', series: 2 },
  );
  place(
    'Months',
    ['Month', 'Target', 'Forecast', 'Actual', 'Expected'],
    r.byMonth.map((m) => [m.period, m.target, m.forecast, m.actual, m.expected]),
    [TEXT, money, money, money, money],
    { type: 'lines', title: 'Target, forecast and actual by month', series: 3 },
  );
  const bridge = bridgeOf(t.target, t.expected, programSteps(v));
  place(
    'Bridge',
    ['Step', 'Base', 'Total', 'Increase', 'Decrease'],
    bridge.rows,
    [TEXT, money, money, money, money],
    {
      type: 'stacked',
      title: bridge.floating
        ? 'Bridge from target to expected, by program'
        : 'Variance to target by program (the bridge crosses zero)',
      series: 4,
      hiddenSeries: [0],
    },
  );
  place(
    'Exceptions',
    [
      'Level',
      'Type',
      'Measure',
      'Decision needed',
      'Owner',
      'Value at stake',
      'Due',
      'Waiting on',
      'Opened',
    ],
    [...input.exceptions]
      .sort((a, b) => b.level - a.level || b.valueAtStake - a.valueAtStake)
      .map((e) => [
        e.level,
        e.title ? `${e.type.replace(/_/g, ' ')}: ${e.title}` : e.type.replace(/_/g, ' '),
        e.measure,
        e.decisionNeeded,
        e.ownerName ?? e.owner ?? '',
        e.valueAtStake,
        e.dueDate ?? '',
        e.waitingOn.map((w) => w ?? 'Steering committee').join(', '),
        day(e.openedAt),
      ]),
    ['0', TEXT, TEXT, TEXT, TEXT, money, TEXT, TEXT, TEXT],
  );
  place(
    'Decisions',
    ['Date', 'Kind', 'Measure', 'What', 'Decision', 'By', 'Value effect', 'Comment'],
    input.decisions.decisions.map((d) => [
      day(d.at),
      d.kind.replace('_', ' '),
      d.measure,
      d.what,
      d.decision,
      d.by.name,
      d.valueEffect,
      d.comment ?? '',
    ]),
    [TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, money, TEXT],
  );
  place(
    'Variances',
    [
      'Measure',
      'Title',
      'Program',
      'Owner',
      'Stage',
      'Target',
      'Forecast',
      'Actual',
      'Expected',
      'Variance',
      'Variance %',
      'Flag',
    ],
    v.measures.map((m) => [
      m.measure,
      m.title,
      m.program?.name ?? '',
      m.owner.name,
      m.onHold ? `${m.stage} (on hold)` : m.stage,
      m.target,
      m.forecast,
      m.actual,
      m.expected,
      m.variance,
      m.target ? m.variance / Math.abs(m.target) : '',
      FLAG_TEXT[m.flag],
    ]),
    [TEXT, TEXT, TEXT, TEXT, TEXT, money, money, money, money, money, '0.0%', TEXT],
    undefined,
    [
      { column: 11, startsWith: FLAG_TEXT.shortfall.slice(0, 1), fill: FLAG_FILL.shortfall },
      { column: 11, startsWith: FLAG_TEXT.ahead.slice(0, 1), fill: FLAG_FILL.ahead },
    ],
  );
  const span = (from: string | null, to: string | null) =>
    from && to ? `${from} … ${to}` : (from ?? to ?? 'all');
  return {
    sheet: reportSheetName(scope.code),
    heading: [
      `Gatecell report — ${scope.name} (${scope.code})`,
      `As of ${input.asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC · amounts in ${input.currency} · decisions ${span(input.decisions.from, input.decisions.to)}${input.decisions.more ? ` (the first ${input.decisions.decisions.length.toLocaleString('en')} only: more were taken)` : ''} · flags beyond ${v.materialityPct} % of target${v.materialityAbs === null ? '' : ` or ${v.materialityAbs} ${input.currency}`}. Refreshed from the record by Gatecell: this sheet is rewritten on each refresh.`,
    ],
    tables,
    charts,
  };
}
