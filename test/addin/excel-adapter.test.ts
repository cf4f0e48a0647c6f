// The Excel adapter against office-addin-mock: what it reads and writes, and in how many syncs.
import { OfficeMockObject } from 'office-addin-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExcelWorkbook, WorkbookError } from '../../addin/workbook/excel.js';
import { LOOK_FILL } from '../../addin/workbook/port.js';

const ROWS = 10_000;
const headers = ['Measure', 'Title', 'Forecast 2027-03', 'Forecast 2027-04', 'Target 2027-03'];
const body = Array.from({ length: ROWS }, (_, i) => [`M-${i}`, `Measure ${i}`, 100 + i, 200 + i, 150]);

/** Write-only ranges are plain recorders: the test reads back exactly what the adapter wrote. */
interface Written { row: number; column: number; rows: number; values?: unknown[][]; fill?: string; cleared?: boolean }

function excelMock() {
  const written: Written[] = [];
  const recorder = (row: number, column: number) => ({
    getResizedRange(dr: number) {
      const w: Written = { row, column, rows: dr + 1 };
      written.push(w);
      return {
        set values(v: unknown[][]) { w.values = v; },
        format: { fill: { set color(c: string) { w.fill = c; }, clear() { w.cleared = true; } } },
        load() { return { values: body.slice(row, row + dr + 1) }; },
      };
    },
  });
  const notes = { added: [] as [string, string][], deleted: [] as string[], existing: new Set(['\'Forecast\'!D11']) };
  const data = {
    context: {
      workbook: {
        name: 'FY27 plan.xlsx',
        tables: {
          table: {
            worksheet: { name: 'Forecast' },
            header: { values: [headers] },
            body: { rowCount: ROWS, columnCount: headers.length, rowIndex: 1, columnIndex: 0, getCell: vi.fn(recorder) },
            getHeaderRowRange() { return this.header; },
            getDataBodyRange() { return this.body; },
          },
          getItem(this: { table: unknown }) { return this.table; },
        },
        notes: {
          getItemOrNullObject: vi.fn((address: string) => ({
            isNullObject: !notes.existing.has(address),
            load() { return this; },
            delete: () => notes.deleted.push(address),
          })),
          add: vi.fn((address: string, content: string) => notes.added.push([address, content])),
        },
      },
      application: { suspendApiCalculationUntilNextSync: vi.fn(), suspendScreenUpdatingUntilNextSync: vi.fn() },
    },
    run: async function (this: { context: unknown }, batch: (context: unknown) => Promise<unknown>) {
      return batch(this.context);
    },
  };
  const excel = new OfficeMockObject(data) as unknown as { context: { sync: () => Promise<void>; workbook: any; application: any }; run: unknown };
  return { excel, written, notes };
}

describe('Excel adapter', () => {
  let mock: ReturnType<typeof excelMock>;
  beforeEach(() => {
    mock = excelMock();
    (globalThis as any).Excel = mock.excel;
  });
  afterEach(() => {
    delete (globalThis as any).Excel;
  });

  it('reads a 10,000-row table in two syncs, values in whole-range chunks', async () => {
    const sync = vi.spyOn(mock.excel.context, 'sync');
    const t = await new ExcelWorkbook({ notes: true }).readTable('Forecast');
    expect(sync).toHaveBeenCalledTimes(2);
    expect(t.sheet).toBe('Forecast');
    expect(t.headers).toEqual(headers);
    expect(t.rows).toHaveLength(ROWS);
    expect(t.rows[9999]).toEqual(['M-9999', 'Measure 9999', 10099, 10199, 150]);
    expect(t.firstCell).toEqual({ row: 1, column: 0 });
  });

  it('writes back 10,000 rows in three syncs: values and fills as contiguous runs, notes where they change', async () => {
    const sync = vi.spyOn(mock.excel.context, 'sync');
    const cells = body.flatMap((_, row) => [
      { row, column: 2, value: 1000 + row, look: row === 9 ? ('pending' as const) : ('applied' as const), note: row === 9 ? 'Pending approval' : undefined },
      { row, column: 3, look: 'plain' as const, note: row === 9 ? null : undefined },
    ]);
    await new ExcelWorkbook({ notes: true }).paint('Forecast', cells);
    expect(sync).toHaveBeenCalledTimes(3);
    expect(mock.excel.context.application.suspendApiCalculationUntilNextSync).toHaveBeenCalled();
    expect(mock.excel.context.application.suspendScreenUpdatingUntilNextSync).toHaveBeenCalled();
    const valueWrites = mock.written.filter((w) => w.values);
    expect(valueWrites).toEqual([{ row: 0, column: 2, rows: ROWS, values: body.map((_, row) => [1000 + row]) }]);
    const fills = mock.written.filter((w) => w.fill || w.cleared).map((w) => [w.column, w.row, w.rows, w.fill ?? 'clear']);
    expect(fills).toEqual([
      [2, 0, 9, LOOK_FILL.applied], [2, 9, 1, LOOK_FILL.pending], [2, 10, ROWS - 10, LOOK_FILL.applied], [3, 0, ROWS, 'clear'],
    ]);
    // Row 9 of the body is sheet row 11 (header on row 1 and 0-based rows).
    expect(mock.notes.added).toEqual([["'Forecast'!C11", 'Pending approval']]);
    expect(mock.notes.deleted).toEqual(["'Forecast'!D11"]);
  });

  it('carries an Office error to the caller with its code, never swallowing it', async () => {
    mock.excel.context.workbook.tables.getItem = () => {
      const err = Object.assign(new Error('The requested resource doesn\'t exist.'), { code: 'ItemNotFound', debugInfo: { errorLocation: 'TableCollection.getItem' } });
      throw err;
    };
    const e = await new ExcelWorkbook({ notes: true }).readTable('Nope').catch((x) => x);
    expect(e).toBeInstanceOf(WorkbookError);
    expect(e).toMatchObject({ code: 'ItemNotFound', debugInfo: { errorLocation: 'TableCollection.getItem' } });
    expect(e.message).toMatch(/^Reading table Nope: The requested resource/);
  });
});
