// The starter workbook: a real .xlsx of the scope's measures with the record's values, checked
// cell by cell with exceljs; its binding where Office keeps the add-in's document settings; and
// opened by the add-in on the in-memory workbook, pushed and pulled with no mapping step.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { MemoryWorkbook } from '../../addin/workbook/memory.js';
import type { Binding } from '../../shared/sync/mapping.js';
import { measure, push, world, type World } from '../helpers.js';
import { paneOn } from '../addin/pane.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function download(w: World, query: string, token = w.users.viewer.token) {
  const res = await w.app.request(`/api/v1/workbooks/starter?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** What the workbook holds: its one table (exceljs), and the add-in's settings (its web extension part). */
async function opened(bytes: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(new Uint8Array(bytes).buffer);
  const sheet = book.worksheets[0]!;
  // exceljs types a sheet's tables oddly; each is a Table whose `table` is its model.
  const [found] = sheet.getTables() as unknown as { table: ExcelJS.TableProperties }[];
  const table = found!.table;
  const width = table.columns.length;
  const rows: unknown[][] = [];
  for (let r = 2; r <= sheet.rowCount; r++)
    rows.push(Array.from({ length: width }, (_, c) => sheet.getCell(r, c + 1).value ?? null));
  const zip = await JSZip.loadAsync(bytes);
  const part = await zip.file('xl/webextensions/webextension1.xml')!.async('string');
  const unxml = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const settings = Object.fromEntries(
    [...part.matchAll(/<we:property name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [
      unxml(m[1]!),
      JSON.parse(unxml(m[2]!)) as unknown,
    ]),
  );
  return {
    sheet: sheet.name,
    table: table.name,
    headers: table.columns.map((c) => c.name),
    rows,
    settings,
    part,
    parts: Object.keys(zip.files),
    types: await zip.file('[Content_Types].xml')!.async('string'),
  };
}

/** The workbook as Excel opens the file: its table (with these headers and rows) and its document settings. */
function asExcelOpensIt(
  file: Awaited<ReturnType<typeof opened>>,
  headers: string[],
  rows: unknown[][],
) {
  const book = new MemoryWorkbook('Gatecell.xlsx');
  book.addTable(file.table, file.sheet, headers, rows);
  book.restore({
    ...book.snapshot(),
    settings: Object.fromEntries(
      Object.entries(file.settings).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
  });
  return book;
}

describe('the starter workbook', () => {
  it('is a real workbook: one table of the scope’s measures, a column per kind and month, the record’s values', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    await measure(w, 'M-SW2');
    await measure(w, 'M-SW1');
    await push(w, w.users.owner.token, [
      { measure: 'M-SW1', kind: 'target', period: '2027-01', value: 1000.5 },
      { measure: 'M-SW1', kind: 'forecast', period: '2027-02', value: 990 },
      { measure: 'M-SW2', kind: 'target', period: '2027-02', value: 250 },
    ]);
    const { res, bytes } = await download(
      w,
      'scope=ORG-PKG&kinds=forecast,target&from=2027-01&to=2027-02',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="Gatecell ORG-PKG.xlsx"',
    );
    const book = await opened(bytes);
    expect(book.table).toBe('Gatecell_ORG_PKG');
    expect(book.headers).toEqual([
      'Measure',
      'Title',
      'Forecast 2027-01',
      'Forecast 2027-02',
      'Target 2027-01',
      'Target 2027-02',
    ]);
    expect(book.rows).toEqual([
      ['M-SW1', 'Measure M-SW1', null, 990, 1000.5, null],
      ['M-SW2', 'Measure M-SW2', null, null, null, 250],
    ]);
    // The add-in is named, opens with the workbook, and finds its binding in its settings.
    const manifestId = /<Id>([^<]+)<\/Id>/.exec(readFileSync('manifest.xml', 'utf8'))![1];
    expect(book.part).toContain(
      `<we:reference id="${manifestId}" version="0.1.0.0" store="EXCatalog" storeType="EXCatalog"/>`,
    );
    expect(book.parts).toEqual(
      expect.arrayContaining([
        'xl/webextensions/taskpanes.xml',
        'xl/webextensions/_rels/taskpanes.xml.rels',
      ]),
    );
    expect(book.types).toContain('application/vnd.ms-office.webextension+xml');
    expect(book.settings['Office.AutoShowTaskpaneWithDocument']).toBe(true);
    const [binding] = book.settings['gatecell.bindings'] as Binding[];
    expect(binding).toMatchObject({
      table: 'Gatecell_ORG_PKG',
      scope: 'ORG-PKG',
      mapping: { codeColumn: 0 },
    });
    expect(binding!.mapping.columns.map((c) => [c.column, c.kind, c.period])).toEqual([
      [2, 'forecast', '2027-01'],
      [3, 'forecast', '2027-02'],
      [4, 'target', '2027-01'],
      [5, 'target', '2027-02'],
    ]);
  });

  it('is opened by the add-in already bound: an edit pushed and the record pulled, no mapping step', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    await measure(w, 'M-SB');
    await push(w, w.users.owner.token, [
      { measure: 'M-SB', kind: 'target', period: '2027-03', value: 100 },
      { measure: 'M-SB', kind: 'forecast', period: '2027-03', value: 100 },
    ]);
    const { bytes } = await download(
      w,
      'scope=ORG-PKG&kinds=forecast&from=2027-03&to=2027-04',
      w.users.owner.token,
    );
    const file = await opened(bytes);
    // The workbook as Excel opens it: its table and its document settings.
    const book = asExcelOpensIt(
      file,
      file.headers,
      file.rows.map((r) => r.map((v) => v ?? '')),
    );
    const session = paneOn(w, book);
    // As the pane opens it: its columns get their ids, and the planner's edits are watched.
    const [binding] = await session.identifyBindings();
    expect(binding!.name).toBe('ORG-PKG plan');
    expect(binding!.mapping.codeColumnId).toBeDefined();
    expect(binding!.mapping.columns.every((c) => c.columnId !== undefined)).toBe(true);
    expect((await book.loadBindings())[0]).toEqual(binding);
    // Identified once: opening again rewrites nothing.
    const saves = vi.spyOn(book, 'saveBindings');
    await session.identifyBindings();
    expect(saves).not.toHaveBeenCalled();
    const stop = session.subscribe(() => undefined);
    await session.pull(binding!);
    expect(book.value(file.table, 0, 2)).toBe(100);
    book.type(file.table, 0, 3, 95);
    expect(await session.push(binding!)).toMatchObject({ sent: 1, applied: 1 });
    stop();
    const cells = (await w.call(w.users.viewer.token, 'GET', '/cells?scope=M-SB&kinds=forecast'))
      .body.cells;
    expect(cells.find((c: { period: string }) => c.period === '2027-04').value).toBe(95);
  });

  it('a binding whose table no longer fits is left as it is, and nothing is rewritten', async () => {
    const w = await world();
    await measure(w, 'M-SZ');
    const file = await opened(
      (await download(w, 'scope=ORG-PKG&from=2027-01&to=2027-01', w.users.owner.token)).bytes,
    );
    // Someone retitled the month column before the pane first opened it.
    const book = asExcelOpensIt(file, ['Measure', 'Title', 'Notes'], [['M-SZ', '', '']]);
    const session = paneOn(w, book);
    const saves = vi.spyOn(book, 'saveBindings');
    const [binding] = await session.identifyBindings();
    expect(binding!.mapping.codeColumnId).toBeUndefined();
    expect(saves).not.toHaveBeenCalled();
    await expect(session.pull(binding!)).rejects.toThrow('no longer fits its table');
  });

  it('refuses what it cannot make, and shows nobody what they may not see', async () => {
    const w = await world();
    await measure(w, 'M-SX');
    expect((await download(w, 'scope=ORG&from=2027-01&to=2032-12')).res.status).toBe(422);
    expect((await download(w, 'scope=ORG&kinds=forecast,bogus')).res.status).toBe(400);
    expect((await download(w, 'scope=ORG&from=2027-05&to=2027-01')).res.status).toBe(400);
    expect((await download(w, 'scope=ORG', w.users.outsider.token)).res.status).toBe(404);
    // Without from and to: the measures' windows (2027-01…2027-06 in this world).
    const book = await opened((await download(w, 'scope=ORG')).bytes);
    expect(book.headers.slice(2)).toEqual([
      'Forecast 2027-01',
      'Forecast 2027-02',
      'Forecast 2027-03',
      'Forecast 2027-04',
      'Forecast 2027-05',
      'Forecast 2027-06',
    ]);
    // An empty scope still gets a table to fill (one blank row).
    const empty = await opened(
      (await download(w, 'scope=OTHER-PKG', w.users.outsider.token)).bytes,
    );
    expect(empty.rows).toEqual([empty.headers.map(() => null)]);
  });
});
