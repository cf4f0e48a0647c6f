// The executive report in the workbook: what it holds, computed from the record (the real
// service in process, on a real libSQL file), written on its own protected sheet of the in-memory
// workbook, and refreshed in place — whatever the sheet is called now, never over what someone
// typed on it since without asking, never a second copy.
import { describe, expect, it } from 'vitest';
import { bridgeOf, executiveReport, reportTableName } from '../../addin/report/report.js';
import { MemoryWorkbook } from '../../addin/workbook/memory.js';
import { reportRequests, type ReportSheet } from '../../addin/workbook/port.js';
import { forecastMeasures, push, world } from '../helpers.js';
import { paneOn } from './pane.js';

const NOW = new Date('2027-02-10T12:00:00Z');
const table = (name: string) => reportTableName('ORG', name);

/** Two measures on target; R-2's March forecast cut to 60 and approved; an exception raised on R-1. */
async function programme() {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  await forecastMeasures(w, ['R-1', 'R-2']);
  await push(w, users.owner.token, [
    {
      measure: 'R-2',
      kind: 'forecast',
      period: '2027-03',
      value: 60,
      baseVersion: 1,
      note: 'lost a customer',
    },
  ]);
  const [request] = (await w.call(users.controller.token, 'GET', '/change-requests?scope=R-2')).body
    .changeRequests;
  await w.call(users.controller.token, 'POST', `/change-requests/${request.id}/approve`, {
    comment: 'agreed in the S&OP review',
  });
  await w.call(users.owner.token, 'POST', '/exceptions', {
    measure: 'R-1',
    type: 'supplier_delay',
    title: 'Resin supplier four weeks late',
    decisionNeeded: 'Qualify the second supplier or accept the delay.',
    valueAtStake: 5000,
    dueDate: '2027-02-20',
  });
  return w;
}

const rowsOf = async (book: MemoryWorkbook, name: string) => (await book.readTable(name)).rows;

describe('executive report', () => {
  it('writes the scope’s figures on a protected sheet of its own: native tables and charts, every measure flagged', async () => {
    const w = await programme();
    const book = new MemoryWorkbook();
    book.addTable('Forecast', 'Forecast', ['Measure', 'Forecast 2027-03'], [['R-1', 100]]);
    const written = await paneOn(w, book, w.users.viewer.token).insertReport('ORG', { now: NOW });
    expect(written).toEqual({ written: true, sheet: 'Report ORG', refreshed: false });
    expect(book.sheets()).toEqual(['Forecast', 'Report ORG']);
    const sheet = book.sheet('Report ORG');
    expect(sheet.protected).toBe(true);
    expect(sheet.heading[0]).toBe('Gatecell report — ORG (ORG)');
    expect(sheet.heading[1]).toContain('decisions 2027-01-11 … 2027-02-10');
    expect(sheet.tables).toEqual(
      ['Summary', 'Pipeline', 'Months', 'Bridge', 'Exceptions', 'Decisions', 'Variances'].map(
        table,
      ),
    );
    expect(await rowsOf(book, table('Summary'))).toEqual([
      ['Target', 400],
      ['Forecast', 360],
      ['Actual', 0],
      ['Expected', 360],
      ['Expected − target', -40],
      ['Open exceptions', 2],
      ['Decisions waiting', 0],
    ]);
    expect((await rowsOf(book, table('Pipeline')))[0]).toEqual(['Defined', 400, 360, 2]);
    expect(await rowsOf(book, table('Months'))).toEqual([
      ['2027-03', 200, 160, 0, 160],
      ['2027-04', 200, 200, 0, 200],
    ]);
    // Months stay text (Excel would make 2027-03 a date in a General cell).
    expect(book.tableLayout(table('Months')).formats[0]).toBe('@');
    // Target 400, the program 40 short: a floating bar from 360 to 400, then expected 360.
    expect(await rowsOf(book, table('Bridge'))).toEqual([
      ['Target', 0, 400, 0, 0],
      ['Program', 360, 0, 0, 40],
      ['Expected', 0, 360, 0, 0],
    ]);
    expect(await rowsOf(book, table('Exceptions'))).toEqual([
      [
        1,
        'supplier delay: Resin supplier four weeks late',
        'R-1',
        'Qualify the second supplier or accept the delay.',
        'owner',
        5000,
        '2027-02-20',
        'owner',
        '2027-02-10',
      ],
      // The rules' own: R-2's value slipping (no title, no due date), the smaller at stake.
      [
        1,
        'value slipping',
        'R-2',
        'Value is slipping: recover the forecast or re-baseline the target.',
        'owner',
        40,
        '',
        'owner',
        '2027-02-10',
      ],
    ]);
    expect(await rowsOf(book, table('Decisions'))).toEqual([
      [
        '2027-02-10',
        'change request',
        'R-2',
        'forecast 2027-03',
        'approved',
        'controller',
        -40,
        'agreed in the S&OP review',
      ],
    ]);
    expect(await rowsOf(book, table('Variances'))).toEqual([
      ['R-1', 'Measure R-1', 'Program', 'owner', 'defined', 200, 200, 0, 200, 0, 0, '● On target'],
      [
        'R-2',
        'Measure R-2',
        'Program',
        'owner',
        'defined',
        200,
        160,
        0,
        160,
        -40,
        -0.2,
        '▼ Shortfall',
      ],
    ]);
    expect(book.tableLayout(table('Variances')).highlights).toEqual([
      { column: 11, startsWith: '▼', fill: '#FDE7E9' },
      { column: 11, startsWith: '▲', fill: '#E6F4EA' },
    ]);
    expect(sheet.charts.map((c) => [c.table, c.type, c.series, c.hiddenSeries ?? []])).toEqual([
      [table('Pipeline'), 'columns', 2, []],
      [table('Months'), 'lines', 3, []],
      [table('Bridge'), 'stacked', 4, [0]],
    ]);
    // Nothing typed over it: the sheet is protected.
    expect(() => book.type(table('Summary'), 0, 1, 1)).toThrow(/protected/);
  });

  it('a second insert refreshes the same sheet in place, found by its tables even when renamed; a deleted one is made again', async () => {
    const w = await programme();
    const book = new MemoryWorkbook();
    const session = paneOn(w, book, w.users.viewer.token);
    await session.insertReport('ORG', { now: NOW });
    book.renameSheet('Report ORG', 'Board pack');
    await push(w, w.users.owner.token, [
      { measure: 'R-1', kind: 'forecast', period: '2027-04', value: 105, baseVersion: 1 },
    ]);
    expect(await session.insertReport('ORG', { now: NOW })).toEqual({
      written: true,
      sheet: 'Board pack',
      refreshed: true,
    });
    expect(book.sheets()).toEqual(['Board pack']);
    expect(book.sheet('Board pack').charts).toHaveLength(3);
    expect((await rowsOf(book, table('Summary')))[3]).toEqual(['Expected', 365]);
    // Reopened elsewhere, the copy's report is still found and refreshed in place.
    const copy = new MemoryWorkbook();
    copy.restore(book.snapshot());
    expect(
      (await paneOn(w, copy, w.users.viewer.token).insertReport('ORG', { now: NOW })).sheet,
    ).toBe('Board pack');
    expect(copy.sheets()).toEqual(['Board pack']);
    book.deleteSheet('Board pack');
    expect(await session.insertReport('ORG', { now: NOW })).toMatchObject({
      sheet: 'Report ORG',
      refreshed: false,
    });
  });

  it('leaves a report sheet someone unprotected as it is unless told to replace it', async () => {
    const w = await programme();
    const book = new MemoryWorkbook();
    const session = paneOn(w, book, w.users.viewer.token);
    await session.insertReport('ORG', { now: NOW });
    book.unprotectSheet('Report ORG');
    book.type(table('Summary'), 0, 1, 'ask Finance');
    expect(await session.insertReport('ORG', { now: NOW })).toEqual({
      written: false,
      sheet: 'Report ORG',
      reason: 'unprotected',
    });
    expect(book.value(table('Summary'), 0, 1)).toBe('ask Finance');
    expect(await session.insertReport('ORG', { now: NOW, replaceUnprotected: true })).toMatchObject(
      { written: true, refreshed: true },
    );
    expect(book.value(table('Summary'), 0, 1)).toBe(400);
    expect(book.sheet('Report ORG').protected).toBe(true);
  });

  it('keeps text as text: a comment that reads as a formula, a code that reads as a number', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    const { users } = w;
    await forecastMeasures(w, ['0012']);
    await push(w, users.owner.token, [
      {
        measure: '0012',
        kind: 'forecast',
        period: '2027-03',
        value: 10,
        baseVersion: 1,
        note: 'x',
      },
    ]);
    const [request] = (await w.call(users.controller.token, 'GET', '/change-requests?scope=0012'))
      .body.changeRequests;
    await w.call(users.controller.token, 'POST', `/change-requests/${request.id}/approve`, {
      comment: '=HYPERLINK("https://example.com","ok")',
    });
    const book = new MemoryWorkbook();
    await paneOn(w, book, users.viewer.token).insertReport('ORG', { now: NOW });
    const decisions = table('Decisions');
    expect(book.value(decisions, 0, 7)).toBe('=HYPERLINK("https://example.com","ok")');
    expect(book.formula(decisions, 0, 7)).toBeNull();
    expect(book.value(table('Variances'), 0, 0)).toBe('0012');
    expect(book.value(decisions, 0, 2)).toBe('0012');
  });

  it("never takes a sheet of the user's: a name already used gets a number", async () => {
    const w = await programme();
    const book = new MemoryWorkbook();
    book.addTable('Mine', 'Report ORG', ['Note'], [['keep me']]);
    expect(
      (await paneOn(w, book, w.users.viewer.token).insertReport('ORG', { now: NOW })).sheet,
    ).toBe('Report ORG (2)');
    expect(await book.readTable('Mine')).toMatchObject({ rows: [['keep me']] });
  });
});

describe('report building blocks', () => {
  it('the bridge floats each program between the running values (the worked example)', () => {
    expect(
      bridgeOf(1000, 850, [
        { label: 'A', variance: -200 },
        { label: 'B', variance: 50 },
      ]),
    ).toEqual({
      floating: true,
      rows: [
        ['Target', 0, 1000, 0, 0],
        ['A', 800, 0, 0, 200],
        ['B', 800, 0, 50, 0],
        ['Expected', 0, 850, 0, 0],
      ],
    });
  });

  it('a bridge that would cross zero stands every bar on zero instead of floating it', () => {
    expect(bridgeOf(100, -50, [{ label: 'A', variance: -150 }])).toEqual({
      floating: false,
      rows: [
        ['Target', 0, 100, 0, 0],
        ['A', 0, 0, 0, -150],
        ['Expected', 0, -50, 0, 0],
      ],
    });
  });

  it('says when the decision log holds more than the report lists; an empty table says "(none)"', () => {
    const empty = {
      byStage: {},
      byMonth: [],
      decisionsWaiting: [],
      topVariances: [],
      implementationStatus: {},
      potentialStatus: {},
      exceptionsByLevel: {},
    };
    const report = executiveReport({
      scope: { code: 'ORG', name: 'Org' },
      currency: 'EUR',
      digits: 2,
      asOf: NOW,
      rollup: {
        ...empty,
        totals: { target: 0, forecast: 0, actual: 0, expected: 0, expectedVariance: 0 },
      } as any,
      variances: { measures: [], materialityPct: 10, materialityAbs: null } as any,
      exceptions: [],
      decisions: {
        scope: 'ORG',
        from: '2027-01-11',
        to: '2027-02-10',
        decisions: [],
        more: true,
      },
    });
    expect(report.heading[1]).toContain('decisions 2027-01-11 … 2027-02-10 (the first 0 only');
    const exceptions = report.tables.find((t) => t.name === table('Exceptions'))!;
    expect(exceptions.rows).toEqual([['(none)', '', '', '', '', '', '', '', '']]);
    // Tables never overlap one another, and each chart sits beside its own table.
    for (const [i, t] of report.tables.entries())
      if (i)
        expect(t.row).toBeGreaterThan(
          report.tables[i - 1]!.row + report.tables[i - 1]!.rows.length,
        );
    for (const c of report.charts)
      expect(c.at.row).toBe(report.tables.find((t) => t.name === c.table)!.row);
  });

  it('table names: one per scope and part, two scopes never the same', () => {
    expect(reportTableName('FY-27.A', 'Summary')).toBe('GatecellReport_FY_2D27_2EA_Summary');
    expect(reportTableName('A-B', 'X')).not.toBe(reportTableName('A_B', 'X'));
  });

  it("a large report's cells are cut into requests under the budget, every row written once, in order", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`M-${i}`, 'A title of some length', i]);
    const report: ReportSheet = {
      sheet: 'R',
      heading: ['t'],
      tables: [
        { name: 'A', row: 2, column: 0, headers: ['x'], rows: [['a']], formats: ['General'] },
        {
          name: 'B',
          row: 5,
          column: 0,
          headers: ['m', 't', 'v'],
          rows,
          formats: ['General', 'General', '#,##0'],
        },
      ],
      charts: [],
    };
    expect(reportRequests(report)).toEqual([
      [
        { table: 0, from: 0, to: 1 },
        { table: 1, from: 0, to: 5000 },
      ],
    ]);
    const small = reportRequests(report, 50_000);
    expect(small.length).toBeGreaterThan(3);
    const slices = small.flat().filter((s) => s.table === 1);
    expect(slices[0]!.from).toBe(0);
    slices.forEach((s, i) => i && expect(s.from).toBe(slices[i - 1]!.to));
    expect(slices.at(-1)!.to).toBe(5000);
  });
});
