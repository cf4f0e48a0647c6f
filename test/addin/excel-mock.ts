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

/**
 * A workbook for the report writer: its sheets, and a log of what the adapter did to them
 * ("values R3C0 2x8", "table Name R3C0 8x2 headers true", "chart at R8C6-R23C13", …).
 * `existing`: the report is already on a sheet (its first table found), protected or not.
 */
export function reportMock(
  options: { existing?: { sheet: string; protected: boolean }; sheets?: string[] } = {},
) {
  const log: string[] = [];
  /** The size of each values write, as JSON. */
  const valueBytes: number[] = [];
  const at = (r: number, c: number, rows: number, columns: number) =>
    `R${r}C${c} ${rows}x${columns}`;
  const range = (r: number, c: number, rows: number, columns: number) => ({
    where: at(r, c, rows, columns),
    row: r,
    column: c,
    set values(v: unknown[][]) {
      log.push(`values ${at(r, c, rows, columns)}`);
      valueBytes.push(JSON.stringify(v).length);
      if (v.length !== rows || v.some((line) => line.length !== columns))
        throw new Error(`values of the wrong shape for ${at(r, c, rows, columns)}`);
    },
    set numberFormat(v: unknown[][]) {
      log.push(`format ${at(r, c, rows, columns)} ${String(v[0]?.[0])}`);
      if (v.length !== rows) throw new Error('a format per row');
    },
    format: {
      font: {
        set bold(b: boolean) {
          log.push(`bold ${at(r, c, rows, columns)} ${b}`);
        },
        set size(n: number) {
          log.push(`size ${at(r, c, rows, columns)} ${n}`);
        },
      },
      autofitColumns: () => log.push(`autofit ${at(r, c, rows, columns)}`),
    },
    conditionalFormats: {
      add(type: string) {
        const rule = {
          format: { fill: { color: '' } },
          rule: { operator: '', text: '' },
        };
        log.push(`conditional ${type} ${at(r, c, rows, columns)}`);
        return {
          get textComparison() {
            return {
              format: {
                fill: {
                  set color(v: string) {
                    rule.format.fill.color = v;
                    log.push(`conditional fill ${v}`);
                  },
                },
              },
              set rule(v: { operator: string; text: string }) {
                log.push(`conditional rule ${v.operator} ${v.text}`);
              },
            };
          },
        };
      },
      clearAll: () => log.push('conditional formats cleared'),
    },
    clear: () => log.push('sheet cleared'),
  });
  type MockRange = ReturnType<typeof range>;
  /** A sheet's charts or tables: those of the report already there (when there is one), loaded. */
  const onExistingSheet = (what: string, names: string[]) => ({
    items: options.existing
      ? names.map((n) => ({ name: n, delete: () => log.push(`delete ${what} ${n}`) }))
      : [],
    load() {
      return this;
    },
  });
  const sheetOf = (name: string, isProtected: boolean) => ({
    name,
    protection: {
      protected: isProtected,
      load() {
        return this;
      },
      protect(o: object) {
        log.push(`protect ${JSON.stringify(o)}`);
      },
      unprotect() {
        log.push('unprotect');
      },
    },
    charts: {
      ...onExistingSheet('chart', ['PipelineChart', 'BridgeChart']),
      add(type: string, source: MockRange, by: string) {
        const chart = {
          set name(n: string) {
            log.push(`chart ${type} ${n} ${source.where} by ${by}`);
          },
          title: {
            set text(t: string) {
              log.push(`chart title ${t}`);
            },
          },
          setPosition(from: MockRange, to: MockRange) {
            log.push(`chart at R${from.row}C${from.column}-R${to.row}C${to.column}`);
          },
          series: {
            getItemAt: (i: number) => ({
              format: { fill: { clear: () => log.push(`chart series ${i} unfilled`) } },
            }),
          },
        };
        return chart;
      },
    },
    tables: {
      ...onExistingSheet('table', ['Summary', 'Variances']),
      add(source: MockRange, headers: boolean) {
        return {
          set name(n: string) {
            log.push(`table ${n} ${source.where} headers ${headers}`);
          },
        };
      },
    },
    getRangeByIndexes: range,
    getRange: () => range(0, 0, 1048576, 16384),
    activate: () => log.push(`activate ${name}`),
    load() {
      return this;
    },
  });
  const existing = options.existing
    ? sheetOf(options.existing.sheet, options.existing.protected)
    : null;
  const data = {
    context: {
      workbook: {
        tables: {
          getItemOrNullObject: (name: string) => ({
            name,
            isNullObject: !existing,
            worksheet: existing,
            load() {
              return this;
            },
          }),
        },
        worksheets: {
          items: (options.sheets ?? ['Forecast']).map((name) => ({ name })),
          // As the table mock's columns: the mock answers "items" once they are loaded.
          load(this: unknown) {
            return OfficeMockObject.prototype.load.call(this, 'items');
          },
          add(name: string) {
            log.push(`add sheet ${name}`);
            return sheetOf(name, false);
          },
        },
      },
      application: {
        suspendApiCalculationUntilNextSync: vi.fn(),
        suspendScreenUpdatingUntilNextSync: vi.fn(),
      },
    },
    run: async function (this: { context: unknown }, batch: (context: unknown) => unknown) {
      return batch(this.context);
    },
  };
  const excel = new OfficeMockObject(data) as unknown as {
    context: { sync: () => Promise<void> };
    run: unknown;
  };
  return { excel, log, valueBytes };
}
