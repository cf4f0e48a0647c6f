// The in-memory workbook behaves as Excel does in every way the add-in depends on: each call of
// its surface, as the document describing it says.
import { describe, expect, it } from 'vitest';
import { MemoryWorkbook } from '../../addin/workbook/memory.js';
import { type CellLook, LOOK_FILL } from '../../addin/workbook/port.js';

/** The cell of `row`, `column` as the add-in addresses it: by measure code and column id. */
const at = async (b: MemoryWorkbook, row: number, column: number) => {
  const t = await b.readTable('Forecast');
  return { measure: String(t.rows[row]![0]), columnId: t.columnIds[column]! };
};
const paint = async (
  b: MemoryWorkbook,
  row: number,
  column: number,
  p: { value?: number; look: CellLook; note?: string | null },
) => {
  const t = await b.readTable('Forecast');
  await b.paint('Forecast', t.columnIds[0]!, [{ ...(await at(b, row, column)), ...p }]);
};

const book = () => {
  const b = new MemoryWorkbook('Plan.xlsx');
  b.addTable(
    'Forecast',
    'Sheet1',
    ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'],
    [
      ['M-2', 20],
      ['m-1', 10, 11],
      ['M-3', '', 'x'],
    ],
  );
  return b;
};

describe('the in-memory workbook', () => {
  it('pads short rows; a table has an id that survives renames, sorts, inserts and deletes', () => {
    const b = book();
    const id = b.table('Forecast').id;
    expect(b.value('Forecast', 0, 2)).toBe('');
    b.renameTable('Forecast', 'FC');
    b.sort('FC', 0);
    b.insertRow('FC', 0, ['M-9']);
    b.deleteRow('FC', 1);
    b.renameSheet('Sheet1', 'Plan');
    expect(b.table('FC')).toMatchObject({ id, name: 'FC', sheet: 'Plan', rowCount: 3 });
    expect(b.tables()).toEqual(['FC']);
  });

  it('typing over a formula replaces it; formula() says null for a constant', () => {
    const b = book();
    b.setFormula('Forecast', 0, 1, '=B3*2', 40);
    expect([b.formula('Forecast', 0, 1), b.value('Forecast', 0, 1)]).toEqual(['=B3*2', 40]);
    b.type('Forecast', 0, 1, 41);
    expect([b.formula('Forecast', 0, 1), b.value('Forecast', 0, 1)]).toEqual([null, 41]);
  });

  it("reports who edited which cells (the user, a co-author) by measure and column id; the add-in's own writes not at all", async () => {
    const b = book();
    const t = await b.readTable('Forecast');
    const seen: unknown[] = [];
    await b.onEdited([{ table: t.id, codeColumnId: t.columnIds[0]! }], (e) => seen.push(e));
    b.type('Forecast', 0, 1, 1);
    b.remoteType('Forecast', 1, 2, 2);
    await paint(b, 2, 1, { value: 3, look: 'applied' });
    b.sort('Forecast', 0);
    expect(seen).toEqual([
      { table: t.id, source: 'local', cells: [{ measure: 'M-2', columnId: t.columnIds[1] }] },
      { table: t.id, source: 'remote', cells: [{ measure: 'm-1', columnId: t.columnIds[2] }] },
      { table: t.id, source: 'local', cells: [] },
    ]);
  });

  it("refuses a request over Excel on the web's 5 MB, as Excel does; desktop has no such limit", async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [`M-${i}`, 1234.56]);
    const web = new MemoryWorkbook('Plan.xlsx');
    web.addTable('Forecast', 'S', ['Measure', 'Forecast 2027-03']);
    await expect(web.appendRows('Forecast', rows)).rejects.toMatchObject({
      code: 'RequestPayloadSizeLimitExceeded',
    });
    expect(web.table('Forecast').rowCount).toBe(0);
    const desktop = new MemoryWorkbook('Plan.xlsx', { requestLimit: Infinity });
    desktop.addTable('Forecast', 'S', ['Measure', 'Forecast 2027-03']);
    await desktop.appendRows('Forecast', rows);
    expect(desktop.table('Forecast').rowCount).toBe(300_000);
  });

  it("a cell has one fill and one note, as in Excel: a flag over the user's fill reports it, to be put back; the user's words stay above the reason", async () => {
    const b = book();
    b.setUserNote('Forecast', 0, 1, 'check with Anna');
    b.setUserFill('Forecast', 0, 1, '#FFFF00');
    const t = await b.readTable('Forecast');
    const cell = await at(b, 0, 1);
    expect(
      await b.paint('Forecast', t.columnIds[0]!, [
        { ...cell, look: 'rejected', note: '✕ Rejected: needs a note' },
      ]),
    ).toEqual([{ ...cell, fill: '#FFFF00' }]);
    expect(b.note('Forecast', 0, 1)).toBe('check with Anna\n\n✕ Rejected: needs a note');
    expect([b.fill('Forecast', 0, 1), b.look('Forecast', 0, 1)]).toEqual([
      LOOK_FILL.rejected,
      'rejected',
    ]);
    // The add-in's part is replaced, never the user's; a flag going puts the user's fill back.
    await paint(b, 0, 1, { look: 'pending', note: '◔ Pending approval' });
    expect(b.note('Forecast', 0, 1)).toBe('check with Anna\n\n◔ Pending approval');
    await b.paint('Forecast', t.columnIds[0]!, [
      { ...cell, look: 'plain', note: null, userFill: '#FFFF00' },
    ]);
    expect([b.note('Forecast', 0, 1), b.fill('Forecast', 0, 1)]).toEqual([
      'check with Anna',
      '#FFFF00',
    ]);
    // A plain paint never clears a fill of the user's own that no flag covered.
    b.setUserFill('Forecast', 1, 1, '#00B050');
    await paint(b, 1, 1, { look: 'plain' });
    expect(b.fill('Forecast', 1, 1)).toBe('#00B050');
  });

  it('writing a value over a formula replaces it, as Range.values does', async () => {
    const b = book();
    b.setFormula('Forecast', 0, 1, '=1+1', 2);
    await paint(b, 0, 1, { value: 5, look: 'applied' });
    expect(b.formula('Forecast', 0, 1)).toBeNull();
  });

  it('sorts as Excel: numbers before text (reversed when descending), text ignoring case, blanks last; rows keep their flags and notes', async () => {
    const b = book();
    await paint(b, 1, 1, { look: 'pending', note: 'waits' }); // m-1's forecast
    b.sort('Forecast', 0);
    expect([0, 1, 2].map((r) => b.value('Forecast', r, 0))).toEqual(['m-1', 'M-2', 'M-3']);
    expect([b.look('Forecast', 0, 1), b.note('Forecast', 0, 1)]).toEqual(['pending', 'waits']);
    b.sort('Forecast', 2, 'desc');
    expect([0, 1, 2].map((r) => b.value('Forecast', r, 2))).toEqual(['x', 11, '']);
    b.sort('Forecast', 2, 'asc');
    expect([0, 1, 2].map((r) => b.value('Forecast', r, 2))).toEqual([11, 'x', '']);
  });

  it('inserted and deleted columns move cells with their headers; a moved column keeps its cells', () => {
    const b = book();
    b.insertColumn('Forecast', 1, 'Comment');
    expect(b.table('Forecast').headers).toEqual([
      'Measure',
      'Comment',
      'Forecast 2027-03',
      'Forecast 2027-04',
    ]);
    expect([b.value('Forecast', 0, 1), b.value('Forecast', 0, 2)]).toEqual(['', 20]);
    b.moveColumn('Forecast', 3, 1);
    expect(b.table('Forecast').headers).toEqual([
      'Measure',
      'Forecast 2027-04',
      'Comment',
      'Forecast 2027-03',
    ]);
    expect(b.value('Forecast', 1, 1)).toBe(11);
    b.deleteColumn('Forecast', 0);
    expect(b.table('Forecast').headers).toEqual([
      'Forecast 2027-04',
      'Comment',
      'Forecast 2027-03',
    ]);
  });

  it('a filter hides rows whose shown value is not listed; hidden rows keep their indexes', () => {
    const b = book();
    b.filter('Forecast', 0, ['M-2', 'M-3']);
    expect([0, 1, 2].map((r) => b.hidden('Forecast', r))).toEqual([false, true, false]);
    expect(b.value('Forecast', 1, 0)).toBe('m-1');
    b.clearFilter('Forecast');
    expect(b.hidden('Forecast', 1)).toBe(false);
  });

  it('keeps the bindings and their state in the workbook: parts() lists them; a snapshot restored elsewhere has them and every cell', async () => {
    const b = book();
    await b.saveBindings([
      {
        id: 'b1',
        name: 'fc',
        table: 'Forecast',
        mapping: { codeColumn: 0, cells: [] } as never,
        scope: 'ORG',
      },
    ]);
    await b.saveState('b1', '{"v":1,"text":"<&>"}');
    b.setFormula('Forecast', 0, 2, '=B2+1', 21);
    b.setUserNote('Forecast', 0, 1, 'mine');
    expect(b.parts()).toEqual([
      { kind: 'setting', id: 'gatecell.bindings', bytes: expect.any(Number) },
      {
        kind: 'customXmlPart',
        id: expect.stringMatching(/^urn:gatecell:state:b1#/),
        bytes: expect.any(Number),
      },
    ]);
    const copy = new MemoryWorkbook('Other.xlsx');
    copy.restore(JSON.parse(JSON.stringify(b.snapshot())));
    expect(await copy.loadBindings()).toEqual(await b.loadBindings());
    expect(await copy.loadState('b1')).toBe('{"v":1,"text":"<&>"}');
    await copy.saveState('b1', null);
    expect([await copy.loadState('b1'), copy.parts().length]).toEqual([null, 1]);
    expect([
      copy.formula('Forecast', 0, 2),
      copy.note('Forecast', 0, 1),
      copy.table('Forecast').id,
    ]).toEqual(['=B2+1', 'mine', b.table('Forecast').id]);
  });

  it('writes each cell where its measure and column are at the time of writing', async () => {
    const b = book();
    const cell = await at(b, 1, 1); // m-1, Forecast 2027-03
    b.sort('Forecast', 0, 'desc'); // a co-author sorts while the push is on the wire…
    b.insertColumn('Forecast', 1, 'Comment'); // …and inserts a column
    await b.paint('Forecast', (await b.readTable('Forecast')).columnIds[0]!, [
      { ...cell, value: 12, look: 'applied' },
    ]);
    const row = [0, 1, 2].find((r) => b.value('Forecast', r, 0) === 'm-1')!;
    expect([
      b.value('Forecast', row, 2),
      b.look('Forecast', row, 2),
      b.look('Forecast', row, 1),
    ]).toEqual([12, 'applied', 'plain']);
    // A measure now on two rows (or none) is not written at all.
    b.type('Forecast', row === 0 ? 1 : 0, 0, 'm-1');
    await b.paint('Forecast', (await b.readTable('Forecast')).columnIds[0]!, [
      { ...cell, value: 13, look: 'applied' },
    ]);
    expect(b.value('Forecast', row, 2)).toBe(12);
  });

  it('refuses what Excel would: a second table of the same name, a cell outside the table', () => {
    const b = book();
    expect(() => b.addTable('Forecast', 'S', ['A'])).toThrow(/already exists/);
    expect(() => b.value('Forecast', 9, 0)).toThrow(/No row 9/);
    expect(() => b.select({ table: 'Forecast', row: 0, column: 7 })).toThrow(/No column 7/);
  });

  it("a protected sheet refuses edits, sorts and the add-in's writes but lets rows be filtered; sheets are renamed, unprotected and deleted as in Excel", async () => {
    const b = book();
    const report = {
      sheet: 'Report',
      heading: ['Title'],
      tables: [
        {
          name: 'R_Summary',
          row: 2,
          column: 0,
          headers: ['Figure', 'Value'],
          rows: [
            ['b', 2],
            ['a', 1],
          ],
          formats: ['@', '#,##0'],
        },
      ],
      charts: [],
    };
    expect(await b.writeReport(report)).toMatchObject({ written: true, sheet: 'Report' });
    expect(b.sheets()).toEqual(['Sheet1', 'Report']);
    expect(() => b.type('R_Summary', 0, 1, 5)).toThrow(/protected/);
    expect(() => b.insertRow('R_Summary', 0)).toThrow(/protected/);
    const code = (await b.readTable('R_Summary')).columnIds[0]!;
    await expect(
      b.paint('R_Summary', code, [{ measure: 'a', columnId: code, value: 1, look: 'applied' }]),
    ).rejects.toThrow(/protected/);
    // Sorting needs unlocked cells on a protected sheet; filtering is allowed.
    expect(() => b.sort('R_Summary', 0)).toThrow(/protected/);
    b.filter('R_Summary', 0, ['a']);
    expect(b.hidden('R_Summary', 0)).toBe(true);
    b.clearFilter('R_Summary');
    // Its place on the sheet, below the heading.
    expect((await b.readTable('R_Summary')).firstCell).toEqual({ row: 3, column: 0 });
    expect(() => b.renameSheet('Report', 'sheet1')).toThrow(/already exists/);
    b.renameSheet('Report', 'REPORT');
    b.unprotectSheet('REPORT');
    b.type('R_Summary', 0, 1, 5);
    expect(b.value('R_Summary', 0, 1)).toBe(5);
    // A table over another is refused, as Excel refuses it.
    await expect(
      b.writeReport(
        { ...report, tables: [...report.tables, { ...report.tables[0]!, name: 'R_Other' }] },
        { replaceUnprotected: true },
      ),
    ).rejects.toThrow(/overlap/);
    b.deleteSheet('REPORT');
    expect(b.tables()).toEqual(['Forecast']);
    expect(b.sheets()).toEqual(['Sheet1']);
    // A request over the host's limit is refused, and nothing is written.
    const small = new MemoryWorkbook('Web.xlsx', { requestLimit: 40 });
    await expect(small.writeReport(report)).rejects.toThrow(/payload size/);
    expect(small.sheets()).toEqual([]);
  });
});
