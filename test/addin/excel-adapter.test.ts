// The Excel adapter against office-addin-mock: what it reads and writes, and in how many syncs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExcelWorkbook, WorkbookError } from '../../addin/workbook/excel.js';
import { LOOK_FILL } from '../../addin/workbook/port.js';
import { body, columnId, excelMock, headers, ROWS } from './excel-mock.js';

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
