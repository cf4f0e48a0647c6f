// The Excel adapter against office-addin-mock: what it reads and writes, and in how many syncs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExcelWorkbook, WorkbookError } from '../../addin/workbook/excel.js';
import {
  LOOK_FILL,
  REQUEST_BYTES,
  reportRequests,
  type ReportSheet,
} from '../../addin/workbook/port.js';
import { body, columnId, excelMock, headers, reportMock, ROWS } from './excel-mock.js';

describe('Excel adapter', () => {
  let mock: ReturnType<typeof excelMock>;
  beforeEach(() => {
    mock = excelMock();
    (globalThis as any).Excel = mock.excel;
  });
  afterEach(() => {
    delete (globalThis as any).Excel;
  });

  it('reads a 10,000-row table in two syncs, values in whole-range chunks (one sync per chunk of 100,000 cells)', async () => {
    const sync = vi.spyOn(mock.excel.context, 'sync');
    const t = await new ExcelWorkbook({ notes: true }).readTable('Forecast');
    expect(sync).toHaveBeenCalledTimes(2);
    expect([t.id, t.name]).toEqual(['{T1}', 'Forecast']);
    expect(t.sheet).toBe('Forecast');
    expect(t.headers).toEqual(headers);
    expect(t.columnIds).toEqual([11, 13, 15, 17, 19]);
    expect([...t.formulaCells]).toEqual([4]); // row 0, column 4 holds a formula
    expect(t.rows).toHaveLength(ROWS);
    expect(t.rows[9999]).toEqual(['M-9999', 'Measure 9999', 10099, 10199, 150]);
    expect(t.firstCell).toEqual({ row: 1, column: 0 });
  });

  it('writes back 10,000 rows in three syncs: values and fills as contiguous runs, notes where they change', async () => {
    const sync = vi.spyOn(mock.excel.context, 'sync');
    // Addressed by measure and column id; the adapter finds them in the same run that writes.
    const cells = body.flatMap((r, row) => [
      {
        measure: String(r[0]),
        columnId: columnId(2),
        value: 1000 + row,
        look: row === 9 ? ('pending' as const) : ('applied' as const),
        note: row === 9 ? 'Pending approval' : undefined,
      },
      {
        measure: String(r[0]),
        columnId: columnId(3),
        look: 'plain' as const,
        note: row === 9 ? null : undefined,
      },
    ]);
    await new ExcelWorkbook({ notes: true }).paint('Forecast', columnId(0), cells);
    expect(sync).toHaveBeenCalledTimes(3);
    expect(mock.excel.context.application.suspendApiCalculationUntilNextSync).toHaveBeenCalled();
    expect(mock.excel.context.application.suspendScreenUpdatingUntilNextSync).toHaveBeenCalled();
    const valueWrites = mock.written.filter((w) => w.values);
    expect(valueWrites).toEqual([
      { row: 0, column: 2, rows: ROWS, values: body.map((_, row) => [1000 + row]) },
    ]);
    const fills = mock.written
      .filter((w) => w.fill || w.cleared)
      .map((w) => [w.column, w.row, w.rows, w.fill ?? 'clear']);
    expect(fills).toEqual([
      [2, 0, 9, LOOK_FILL.applied],
      [2, 9, 1, LOOK_FILL.pending],
      [2, 10, ROWS - 10, LOOK_FILL.applied],
      [3, 0, ROWS, 'clear'],
    ]);
    // Row 9 of the body is sheet row 11 (header on row 1 and 0-based rows).
    expect(mock.notes.added).toEqual([["'Forecast'!C11", 'Pending approval']]);
    expect(mock.notes.deleted).toEqual(["'Forecast'!D11"]);
  });

  it("keeps the user's own note text and fill: only the add-in's part of a note is replaced; a user's fill under a new flag is reported", async () => {
    const content = new Map([
      ["'Forecast'!C2", 'ask Anna\n\n✕ Rejected: old reason'],
      ["'Forecast'!C3", 'mine only'],
    ]);
    const set: [string, string][] = [];
    mock.excel.context.workbook.notes.getItemOrNullObject = (address: string) => ({
      isNullObject: false,
      load() {
        return this;
      },
      delete: () => set.push([address, '(deleted)']),
      get content() {
        return content.get(address) ?? '';
      },
      set content(t: string) {
        set.push([address, t]);
      },
    });
    const getCell = mock.excel.context.workbook.tables.table.body.getCell;
    mock.excel.context.workbook.tables.table.body.getCell = (row: number, column: number) => {
      const r = getCell(row, column);
      return {
        getResizedRange: (n: number) => ({
          ...r.getResizedRange(n),
          format: {
            fill: {
              set color(_: string) {},
              clear() {},
              load: () => ({ color: row === 1 ? '#FFFF00' : '#FFFFFF' }),
            },
          },
        }),
      };
    };
    const found = await new ExcelWorkbook({ notes: true }).paint('Forecast', columnId(0), [
      { measure: 'M-0', columnId: columnId(2), look: 'plain', note: null },
      { measure: 'M-1', columnId: columnId(2), look: 'pending', note: '◔ Pending approval' },
    ]);
    expect(set).toEqual([
      ["'Forecast'!C2", 'ask Anna'],
      ["'Forecast'!C3", 'mine only\n\n◔ Pending approval'],
    ]);
    expect(found).toEqual([{ measure: 'M-1', columnId: columnId(2), fill: '#FFFF00' }]);
  });

  it('turns a selected plain range with a header row into a table, and finds the table of a selection', async () => {
    const added: unknown[] = [];
    const selection = (tables: number) => ({
      getTables: () => ({
        getCount: () => ({ value: tables }),
        getFirst: () => ({
          load() {
            return { name: 'Existing' };
          },
        }),
      }),
      getSurroundingRegion: () => 'region A1:F20',
      worksheet: {
        tables: {
          add: (region: unknown, headers: boolean) => (
            added.push([region, headers]),
            { load: () => ({ name: 'Table1' }) }
          ),
        },
      },
    });
    mock.excel.context.workbook.getSelectedRange = () => selection(0);
    expect(await new ExcelWorkbook({ notes: true }).tableAtSelection()).toBe('Table1');
    expect(added).toEqual([['region A1:F20', true]]);
    mock.excel.context.workbook.getSelectedRange = () => selection(1);
    expect(await new ExcelWorkbook({ notes: true }).tableAtSelection()).toBe('Existing');
    expect(added).toHaveLength(1);
  });

  it("reports who edited which bound cells — the user or a co-author — and never the add-in's own writes", async () => {
    let registered: ((e: object) => Promise<void>) | undefined;
    const handle = { remove: vi.fn(), context: { addedIn: 'the first context' } };
    const self = <T extends object>(o: T) =>
      Object.assign(o, {
        load() {
          return o;
        },
      });
    mock.excel.context.workbook.worksheets = {
      onChanged: { add: (h: typeof registered) => ((registered = h), handle) },
      getItem: (sheet: string) => ({ getRange: (address: string) => ({ sheet, address }) }),
    };
    // The table's body starts on sheet row 2; an edit of C3:D4 is body rows 1–2, columns 2–3.
    const tableBody = self({
      rowIndex: 1,
      columnIndex: 0,
      getIntersectionOrNullObject: (r: { address: string }) =>
        self({
          isNullObject: r.address === 'Z99',
          rowIndex: 2,
          columnIndex: 2,
          rowCount: 2,
          columnCount: 2,
        }),
    });
    mock.excel.context.workbook.tables.getItemOrNullObject = () =>
      self({
        isNullObject: false,
        id: '{T1}',
        worksheet: self({ id: 'ws1' }),
        getDataBodyRange: () => tableBody,
        columns: self({
          items: headers.map((_, i) => ({ id: columnId(i) })),
          getItem: () => ({
            getDataBodyRange: () => self({ values: [['M-0'], ['M-1'], ['M-2']] }),
          }),
        }),
      });
    const edits: unknown[] = [];
    const stop = await new ExcelWorkbook({ notes: true }).onEdited(
      [{ table: '{T1}', codeColumnId: columnId(0) }],
      (e) => edits.push(e),
    );
    await registered!({
      triggerSource: 'ThisLocalAddin',
      source: 'Local',
      worksheetId: 'ws1',
      address: 'C3:D4',
    });
    await registered!({ source: 'Local', worksheetId: 'ws2', address: 'C3:D4' }); // another sheet
    await registered!({ source: 'Local', worksheetId: 'ws1', address: 'Z99' }); // outside the table
    expect(edits).toEqual([]);
    await registered!({
      triggerSource: 'Unknown',
      source: 'Remote',
      worksheetId: 'ws1',
      address: 'C3:D4',
    });
    expect(edits).toEqual([
      {
        table: '{T1}',
        source: 'remote',
        cells: [
          { measure: 'M-1', columnId: columnId(2) },
          { measure: 'M-1', columnId: columnId(3) },
          { measure: 'M-2', columnId: columnId(2) },
          { measure: 'M-2', columnId: columnId(3) },
        ],
      },
    ]);
    // Removed in the context that added it, as Office requires.
    await stop();
    expect(handle.remove).toHaveBeenCalledOnce();
    expect(mock.runWith).toEqual([handle.context]);
  });

  it('keeps a binding state in custom XML parts: each part in its own request, the old save deleted only after the new one is whole', async () => {
    const sync = vi.spyOn(mock.excel.context, 'sync');
    const stored: { xml: string; delete: () => void }[] = [];
    const events: string[] = [];
    const part = (xml: string) => {
      const p = {
        xml,
        getXml: () => ({ value: xml }),
        delete: () => (events.push(`delete ${xml.length}`), stored.splice(stored.indexOf(p), 1)),
      };
      return p;
    };
    mock.excel.context.workbook.customXmlParts = {
      getByNamespace: (ns: string) => ({
        items: stored.filter((p) => p.xml.includes(`xmlns="${ns}"`)),
        load() {
          return this;
        },
      }),
      add: (xml: string) => {
        events.push('add');
        stored.push(part(xml));
      },
    };
    const excel = new ExcelWorkbook({ notes: true });
    await excel.saveState('b1', 'small');
    const big = 'x'.repeat(1_500_000);
    sync.mockClear();
    events.length = 0;
    await excel.saveState('b1', big);
    expect(events).toEqual(['add', 'add', expect.stringMatching(/^delete/)]);
    expect(sync).toHaveBeenCalledTimes(4); // the old parts listed, a part, a part, the old deleted
    expect(await excel.loadState('b1')).toBe(big);
    expect(await excel.loadState('b2')).toBeNull();
  });

  it('carries an Office error to the caller with its code, never swallowing it', async () => {
    mock.excel.context.workbook.tables.getItem = () => {
      const err = Object.assign(new Error("The requested resource doesn't exist."), {
        code: 'ItemNotFound',
        debugInfo: { errorLocation: 'TableCollection.getItem' },
      });
      throw err;
    };
    const e = await new ExcelWorkbook({ notes: true }).readTable('Nope').catch((x) => x);
    expect(e).toBeInstanceOf(WorkbookError);
    expect(e).toMatchObject({
      code: 'ItemNotFound',
      debugInfo: { errorLocation: 'TableCollection.getItem' },
    });
    expect(e.message).toMatch(/^Reading table Nope: The requested resource/);
  });
});

describe('Excel adapter: the executive report', () => {
  const report: ReportSheet = {
    sheet: 'Report ORG',
    heading: ['Gatecell report — ORG', 'As of …'],
    tables: [
      {
        name: 'GatecellReport_ORG_Summary',
        row: 3,
        column: 0,
        headers: ['Figure', 'Value'],
        rows: [
          ['Target', 400],
          ['Expected', 360],
        ],
        formats: ['General', '#,##0.00'],
      },
      {
        name: 'GatecellReport_ORG_Bridge',
        row: 8,
        column: 0,
        headers: ['Step', 'Base', 'Total', 'Increase', 'Decrease'],
        rows: [
          ['Target', 0, 400, 0, 0],
          ['Program', 360, 0, 0, 40],
          ['Expected', 0, 360, 0, 0],
        ],
        formats: ['General', '#,##0.00', '#,##0.00', '#,##0.00', '#,##0.00'],
        highlights: [{ column: 0, startsWith: 'T', fill: '#E6F4EA' }],
      },
    ],
    charts: [
      {
        name: 'GatecellReport_ORG_BridgeChart',
        type: 'stacked',
        title: 'Bridge',
        table: 'GatecellReport_ORG_Bridge',
        series: 4,
        hiddenSeries: [0],
        at: { row: 8, column: 6, rows: 16, columns: 8 },
      },
    ],
  };
  afterEach(() => {
    delete (globalThis as any).Excel;
  });
  const writer = (mock: ReturnType<typeof reportMock>) => {
    (globalThis as any).Excel = mock.excel;
    const original = mock.excel.context.sync.bind(mock.excel.context);
    return {
      original,
      sync: vi.spyOn(mock.excel.context, 'sync'),
      excel: new ExcelWorkbook({ notes: true }),
    };
  };

  it('inserts it in two syncs: a new sheet, values with their formats, native tables and charts over the right ranges, protected', async () => {
    const mock = reportMock({ sheets: ['Forecast', 'Report ORG'] });
    const { sync, excel } = writer(mock);
    expect(await excel.writeReport(report)).toEqual({
      written: true,
      sheet: 'Report ORG (2)',
      refreshed: false,
    });
    expect(sync).toHaveBeenCalledTimes(2);
    expect(mock.log).toEqual([
      'add sheet Report ORG (2)',
      'values R0C0 1x1',
      'values R1C0 1x1',
      'bold R0C0 1x1 true',
      'size R0C0 1x1 14',
      'values R3C0 1x2',
      'format R4C1 2x1 #,##0.00',
      'values R4C0 2x2',
      'values R8C0 1x5',
      ...[1, 2, 3, 4].map((c) => `format R9C${c} 3x1 #,##0.00`),
      'values R9C0 3x5',
      'table GatecellReport_ORG_Summary R3C0 3x2 headers true',
      'autofit R3C0 3x2',
      'table GatecellReport_ORG_Bridge R8C0 4x5 headers true',
      'conditional ContainsText R9C0 3x1',
      'conditional fill #E6F4EA',
      'conditional rule BeginsWith T',
      'autofit R8C0 4x5',
      // Step and the four series; the base drawn without fill.
      'chart ColumnStacked GatecellReport_ORG_BridgeChart R8C0 4x5 by Columns',
      'chart title Bridge',
      'chart at R8C6-R23C13',
      'chart series 0 unfilled',
      'protect {"allowAutoFilter":true,"allowFormatColumns":true}',
      'activate Report ORG (2)',
    ]);
  });

  it('refreshes the sheet that holds it in place in three syncs: everything on it removed, then written again', async () => {
    const mock = reportMock({ existing: { sheet: 'Board pack', protected: true } });
    const { sync, excel } = writer(mock);
    expect(await excel.writeReport(report)).toEqual({
      written: true,
      sheet: 'Board pack',
      refreshed: true,
    });
    expect(sync).toHaveBeenCalledTimes(3);
    expect(mock.log.slice(0, 7)).toEqual([
      'unprotect',
      'delete chart PipelineChart',
      'delete chart BridgeChart',
      'delete table Summary',
      'delete table Variances',
      'conditional formats cleared',
      'sheet cleared',
    ]);
    expect(mock.log).not.toContain('add sheet Report ORG');
    expect(mock.log.filter((l) => l.startsWith('table '))).toHaveLength(2);
    expect(mock.log.at(-1)).toBe('activate Board pack');
  });

  it('leaves an unprotected report sheet as it is (two syncs, nothing written) unless told to replace it', async () => {
    const mock = reportMock({ existing: { sheet: 'Report ORG', protected: false } });
    const { sync, excel } = writer(mock);
    expect(await excel.writeReport(report)).toEqual({
      written: false,
      sheet: 'Report ORG',
      reason: 'unprotected',
    });
    expect(sync).toHaveBeenCalledTimes(2);
    expect(mock.log).toEqual([]);
    expect(await excel.writeReport(report, { replaceUnprotected: true })).toMatchObject({
      written: true,
    });
    expect(mock.log).not.toContain('unprotect');
    expect(mock.log).toContain('sheet cleared');
  });

  it('writes a report larger than one request in parts, one sync each, no part over the budget', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => [
      `M-${i}`,
      `A measure with a long title, number ${i}`,
      i * 1.5,
    ]);
    const big: ReportSheet = {
      ...report,
      tables: [
        ...report.tables,
        {
          name: 'GatecellReport_ORG_Variances',
          row: 26,
          column: 0,
          headers: ['Measure', 'Title', 'Variance'],
          rows,
          formats: ['General', 'General', '#,##0.00'],
        },
      ],
    };
    const parts = reportRequests(big).length;
    expect(parts).toBeGreaterThan(1);
    const mock = reportMock();
    const { sync, excel, original } = writer(mock);
    // The values each request carries: what the adapter wrote between one sync and the next.
    const perRequest: number[] = [];
    let written = 0;
    sync.mockImplementation(() => {
      const total = mock.valueBytes.reduce((a, b) => a + b, 0);
      perRequest.push(total - written);
      written = total;
      return original();
    });
    await excel.writeReport(big);
    expect(sync).toHaveBeenCalledTimes(1 + parts);
    expect(perRequest.filter((b) => b > 0)).toHaveLength(parts);
    expect(Math.max(...perRequest)).toBeLessThan(REQUEST_BYTES);
    expect(mock.log).toContain('table GatecellReport_ORG_Variances R26C0 60001x3 headers true');
  });
});
