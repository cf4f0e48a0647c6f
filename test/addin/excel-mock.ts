// An Excel object model on office-addin-mock: a 10,000-row table, with recorders for what the
// adapter writes. Shared by the adapter tests and the benchmark.
import { OfficeMockObject } from 'office-addin-mock';
import { vi } from 'vitest';

export const ROWS = 10_000;
export const headers = [
  'Measure',
  'Title',
  'Forecast 2027-03',
  'Forecast 2027-04',
  'Target 2027-03',
];
/** Column ids as the mock numbers them (11, 13, …), as Excel's are: not positions. */
export const columnId = (column: number) => 11 + column * 2;
export const body = Array.from({ length: ROWS }, (_, i) => [
  `M-${i}`,
  `Measure ${i}`,
  100 + i,
  200 + i,
  150,
]);

/** Write-only ranges are plain recorders: the test reads back exactly what the adapter wrote. */
interface Written {
  row: number;
  column: number;
  rows: number;
  values?: unknown[][];
  fill?: string;
  cleared?: boolean;
}

export function excelMock() {
  const written: Written[] = [];
  const recorder = (row: number, column: number) => ({
    getResizedRange(dr: number) {
      const w: Written = { row, column, rows: dr + 1 };
      written.push(w);
      return {
        set values(v: unknown[][]) {
          w.values = v;
        },
        // No fill yet: Excel reports white. (A write's fill is recorded; a read answers white.)
        format: {
          fill: {
            set color(c: string) {
              w.fill = c;
            },
            clear() {
              w.cleared = true;
            },
            load() {
              return { color: '#FFFFFF' };
            },
          },
        },
        load() {
          return {
            values: body.slice(row, row + dr + 1),
            formulas: body
              .slice(row, row + dr + 1)
              .map((r, i) => r.map((v, c) => (c === 4 && row + i === 0 ? '=C2*1.5' : v))),
          };
        },
      };
    },
  });
  const runWith: unknown[] = [];
  const notes = {
    added: [] as [string, string][],
    deleted: [] as string[],
    existing: new Set(["'Forecast'!D11"]),
  };
  const data = {
    context: {
      workbook: {
        name: 'FY27 plan.xlsx',
        tables: {
          table: {
            id: '{T1}',
            name: 'Forecast',
            worksheet: { name: 'Forecast' },
            header: { values: [headers] },
            // Column ids as Excel numbers them: not positions (a column inserted later gets a new one).
            // The mock cannot load "items/id" of a collection: the adapter's load('items/id') loads
            // the whole items here, which the mock then answers after the sync as Excel would.
            columns: {
              items: headers.map((_, i) => ({ id: columnId(i) })),
              load(this: unknown) {
                return OfficeMockObject.prototype.load.call(this, 'items');
              },
              // A column's data body by id: the code column's values, read when writing back.
              getItem: (id: number) => ({
                getDataBodyRange: () => ({
                  load: () => ({ values: body.map((r) => [r[(id - 11) / 2]]) }),
                }),
              }),
            },
            body: {
              rowCount: ROWS,
              columnCount: headers.length,
              rowIndex: 1,
              columnIndex: 0,
              getCell: vi.fn(recorder),
            },
            getHeaderRowRange() {
              return this.header;
            },
            getDataBodyRange() {
              return this.body;
            },
          },
          getItem(this: { table: unknown }) {
            return this.table;
          },
        },
        notes: {
          getItemOrNullObject: vi.fn((address: string) => ({
            isNullObject: !notes.existing.has(address),
            // An existing note written by the add-in only (it starts with a flag's symbol).
            content: notes.existing.has(address) ? '✕ Rejected: no' : '',
            load() {
              return this;
            },
            delete: () => notes.deleted.push(address),
          })),
          add: vi.fn((address: string, content: string) => notes.added.push([address, content])),
        },
      },
      application: {
        suspendApiCalculationUntilNextSync: vi.fn(),
        suspendScreenUpdatingUntilNextSync: vi.fn(),
      },
    },
    // Excel.run(batch) or Excel.run(existingContext, batch); the contexts passed are recorded.
    run: async function (
      this: { context: unknown },
      a: unknown,
      b?: (context: unknown) => Promise<unknown>,
    ) {
      if (typeof a === 'function')
        return (a as (context: unknown) => Promise<unknown>)(this.context);
      runWith.push(a);
      return b!(this.context);
    },
  };
  const excel = new OfficeMockObject(data) as unknown as {
    context: { sync: () => Promise<void>; workbook: any; application: any };
    run: unknown;
  };
  return { excel, written, notes, runWith };
}
