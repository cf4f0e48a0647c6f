// Every Excel API the adapter calls, recorded as "Class.member" while each port method runs on a
// typed stand-in of Excel's object model, held to the requirement sets: what runs on every host
// needs no more than the manifest declares; what needs more (cell notes) runs only where
// isSetSupported says the host has it.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExcelWorkbook } from '../../addin/workbook/excel.js';
import { API_SETS, OPTIONAL, REQUIRED } from '../../addin/workbook/requirements.js';

const CLASS = Symbol('class');
type Obj = Record<string | symbol, unknown>;
const of = <T extends object>(cls: string, o: T): T => Object.assign(o, { [CLASS]: cls });

/** Excel's object model for a two-row table, each object tagged with its class. */
function objectModel() {
  const handlers: ((e: unknown) => Promise<void>)[] = [];
  const events = () =>
    of('EventHandlers', {
      add: (h: (e: unknown) => Promise<void>) => (
        handlers.push(h),
        of('EventHandlerResult', { remove() {}, context: {} })
      ),
    });
  const result = <T>(value: T) => of('ClientResult', { value });
  const range = (values: unknown[][], rowIndex = 1): Obj =>
    of('Range', {
      values,
      formulas: values,
      rowIndex,
      columnIndex: 0,
      rowCount: values.length,
      columnCount: values[0]?.length ?? 0,
      isNullObject: false,
      load() {
        return this;
      },
      select() {},
      getCell: () => range([[values[0]?.[0] ?? '']]),
      getResizedRange: () => range(values),
      getSurroundingRegion: () => range(values, 0),
      getIntersectionOrNullObject: () => range(values.slice(0, 1)),
      getTables: () =>
        of('TableScopedCollection', { getCount: () => result(1), getFirst: () => table }),
      format: of('RangeFormat', {
        fill: of('RangeFill', {
          color: '#FFFFFF',
          clear() {},
          load() {
            return this;
          },
        }),
        font: of('RangeFont', { bold: false, size: 11 }),
        autofitColumns() {},
      }),
      numberFormat: [['General']],
      clear() {},
      conditionalFormats: of('ConditionalFormatCollection', {
        add: () =>
          of('ConditionalFormat', {
            textComparison: of('TextConditionalFormat', {
              format: of('ConditionalRangeFormat', {
                fill: of('ConditionalRangeFill', { color: '' }),
              }),
              rule: {},
            }),
          }),
        clearAll() {},
      }),
      get worksheet() {
        return sheet;
      },
    });
  const body = [
    ['M-1', 1],
    ['M-2', 2],
  ];
  const column = (id: number, i: number) =>
    of('TableColumn', { id, getDataBodyRange: () => range(body.map((r) => [r[i]])) });
  const chart = of('Chart', {
    name: '',
    title: of('ChartTitle', { text: '' }),
    setPosition() {},
    delete() {},
    series: of('ChartSeriesCollection', {
      getItemAt: () =>
        of('ChartSeries', {
          format: of('ChartSeriesFormat', { fill: of('ChartFill', { clear() {} }) }),
        }),
    }),
  });
  const sheet: Obj = of('Worksheet', {
    id: 'ws1',
    name: 'Forecast',
    load() {
      return this;
    },
    getRange: () => range(body),
    getRangeByIndexes: () => range(body),
    activate() {},
    protection: of('WorksheetProtection', {
      protected: true,
      load() {
        return this;
      },
      protect() {},
      unprotect() {},
    }),
    charts: of('ChartCollection', {
      items: [chart],
      load() {
        return this;
      },
      add: () => chart,
    }),
    get tables() {
      return tables;
    },
  });
  const table: Obj = of('Table', {
    id: '{T1}',
    name: 'Forecast',
    isNullObject: false,
    load() {
      return this;
    },
    delete() {},
    worksheet: sheet,
    columns: of('TableColumnCollection', {
      items: [column(11, 0), column(13, 1)],
      load() {
        return this;
      },
      getItem: (id: number) => column(id, id === 11 ? 0 : 1),
    }),
    rows: of('TableRowCollection', { add() {} }),
    getHeaderRowRange: () => range([['Measure', 'Forecast 2027-03']], 0),
    getDataBodyRange: () => range(body),
  });
  const tables: Obj = of('TableCollection', {
    items: [table],
    load() {
      return this;
    },
    getItem: () => table,
    // A report not yet in the workbook: its first table is not found.
    getItemOrNullObject: (name: string) =>
      name.startsWith('New') ? of('Table', { ...table, isNullObject: true }) : table,
    add: () => table,
  });
  const part = of('CustomXmlPart', {
    getXml: () =>
      result('<state xmlns="urn:gatecell:state:b1" save="1" part="0" of="1">{}</state>'),
    delete() {},
  });
  const workbook = of('Workbook', {
    name: 'Plan.xlsx',
    load() {
      return this;
    },
    tables,
    worksheets: of('WorksheetCollection', {
      onChanged: events(),
      getItem: () => sheet,
      items: [sheet],
      load() {
        return this;
      },
      add: () => sheet,
    }),
    notes: of('NoteCollection', {
      getItemOrNullObject: () =>
        of('Note', {
          isNullObject: false,
          content: 'mine',
          load() {
            return this;
          },
          delete() {},
        }),
      add() {},
    }),
    customXmlParts: of('CustomXmlPartCollection', {
      getByNamespace: () =>
        of('CustomXmlPartScopedCollection', {
          items: [part],
          load() {
            return this;
          },
        }),
      add() {},
    }),
    getSelectedRange: () => range([['M-1']]),
    onSelectionChanged: events(),
  });
  const context = of('RequestContext', {
    workbook,
    application: of('Application', {
      suspendApiCalculationUntilNextSync() {},
      suspendScreenUpdatingUntilNextSync() {},
    }),
    async sync() {},
  });
  return { context, handlers };
}

/** The same objects, recording every member read, called or set, as "Class.member". */
function recording<T extends object>(root: T, seen: Set<string>): T {
  const wrap = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(wrap);
    if (!v || typeof v !== 'object' || !(CLASS in v)) return v;
    return new Proxy(v as Obj, {
      get(target, prop) {
        // `then` is how await looks for a promise, not an Excel call.
        if (typeof prop === 'symbol' || prop === 'then') return Reflect.get(target, prop);
        seen.add(`${String(target[CLASS])}.${prop}`);
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function'
          ? (...args: unknown[]) =>
              wrap((value as (...a: unknown[]) => unknown).apply(target, args))
          : wrap(value);
      },
      set(target, prop, value) {
        seen.add(`${String(target[CLASS])}.${String(prop)}`);
        return Reflect.set(target, prop, value);
      },
    });
  };
  return wrap(root) as T;
}

const minor = (version: string) => Number(version.split('.')[1]);

describe('requirement sets', () => {
  let seen: Set<string>;
  let handlers: ((e: unknown) => Promise<void>)[];
  beforeEach(() => {
    seen = new Set();
    const model = objectModel();
    handlers = model.handlers;
    const context = recording(model.context, seen);
    (globalThis as any).Excel = {
      run: (a: unknown, b?: (c: unknown) => Promise<unknown>) =>
        typeof a === 'function' ? (a as (c: unknown) => Promise<unknown>)(context) : b!(context),
      createWorkbook: async () => void seen.add('Global.createWorkbook'),
    };
    const settings = new Map<string, unknown>();
    (globalThis as any).Office = {
      AsyncResultStatus: { Succeeded: 'succeeded' },
      context: {
        requirements: { isSetSupported: () => true },
        document: {
          settings: {
            refreshAsync: (cb: () => void) => cb(),
            get: (k: string) => settings.get(k) ?? null,
            set: (k: string, v: unknown) => settings.set(k, v),
            remove: (k: string) => settings.delete(k),
            saveAsync: (cb: (r: unknown) => void) => cb({ status: 'succeeded' }),
          },
        },
      },
    };
  });
  afterEach(() => {
    delete (globalThis as any).Excel;
    delete (globalThis as any).Office;
  });

  /** Every port method, and the two event handlers once each. */
  async function everything(excel: ExcelWorkbook) {
    await excel.workbookName();
    await excel.openWorkbook('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==');
    await excel.tableAtSelection();
    await excel.readTable('{T1}');
    await excel.paint('{T1}', 11, [
      { measure: 'M-1', columnId: 13, value: 5, look: 'pending', note: 'Pending approval' },
      { measure: 'M-2', columnId: 13, look: 'plain', note: null },
    ]);
    await excel.appendRows('{T1}', [['M-3', '']]);
    await excel.loadState('b1');
    await excel.saveState('b1', '{}');
    await excel.showCell('{T1}', 11, 'M-1', 13);
    await excel.cellValue('{T1}', 11, 1);
    // The report, first inserted, then refreshed in place.
    for (const first of ['New_Summary', 'GatecellReport_ORG_Summary'])
      await excel.writeReport({
        sheet: 'Report ORG',
        heading: ['Report'],
        tables: [
          {
            name: first,
            row: 2,
            column: 0,
            headers: ['Stage', 'Target'],
            rows: [['Defined', 1]],
            formats: ['General', '#,##0'],
            highlights: [{ column: 0, startsWith: '▼', fill: '#FDE7E9' }],
          },
        ],
        charts: [
          {
            name: 'Chart',
            type: 'stacked',
            title: 'Pipeline',
            table: first,
            series: 1,
            hiddenSeries: [0],
            at: { row: 2, column: 4, rows: 10, columns: 6 },
          },
        ],
      });
    await excel.saveBindings([]);
    await excel.loadBindings();
    const stopEdits = await excel.onEdited([{ table: '{T1}', codeColumnId: 11 }], () => undefined);
    const stopSelection = await excel.onSelection(() => undefined);
    for (const h of handlers) await h({ source: 'Local', worksheetId: 'ws1', address: 'B2' });
    await stopEdits();
    await stopSelection();
  }

  it("every API called on every host is within the manifest's ExcelApi set; each one is listed with its set", async () => {
    await everything(new ExcelWorkbook({ notes: false }));
    const unlisted = [...seen].filter((m) => !(m in API_SETS));
    expect(unlisted, 'look up the requirement set of these and add them to API_SETS').toEqual([]);
    const above = [...seen].filter((m) => minor(API_SETS[m]!) > minor(REQUIRED.version));
    expect(above).toEqual([]);
    // The newest set the adapter relies on everywhere, and why the manifest asks for it.
    expect([...seen].filter((m) => API_SETS[m] === REQUIRED.version).sort()).toEqual([
      'Application.suspendScreenUpdatingUntilNextSync',
      'Range.getTables',
      'TableScopedCollection.getCount',
      'TableScopedCollection.getFirst',
      'WorksheetCollection.onChanged',
    ]);
  });

  it('cell notes (ExcelApi 1.18) are touched only where the host has them', async () => {
    await everything(new ExcelWorkbook({ notes: true }));
    const above = [...seen]
      .filter((m) => minor(API_SETS[m] ?? '1.99') > minor(REQUIRED.version))
      .sort();
    expect(above).toEqual([
      'Note.content',
      'Note.isNullObject',
      'Note.load',
      'NoteCollection.getItemOrNullObject',
      'Workbook.notes',
    ]);
    for (const m of above) expect(API_SETS[m]).toBe(OPTIONAL.notes.version);
    (globalThis as any).Office.context.requirements.isSetSupported = (
      set: string,
      version: string,
    ) => !(set === 'ExcelApi' && minor(version) >= 18);
    expect(new ExcelWorkbook().notes).toBe(false);
  });

  it('the manifest declares exactly the set the adapter needs', () => {
    const manifest = readFileSync('manifest.xml', 'utf8');
    expect(manifest).toContain(`<Set Name="${REQUIRED.set}" MinVersion="${REQUIRED.version}"/>`);
  });
});
