// The only module that calls the Excel API. One Excel.run per user action, everything queued
// and synced in a fixed number of round trips (Microsoft's "correlated objects" pattern), values
// written as whole arrays, calculation and screen updating suspended while writing. Office errors
// are never swallowed: they reach the pane as WorkbookError with Office's code and debug info.
import {
  type Binding,
  type CellEdit,
  type CellPaint,
  type FoundFill,
  freeSheetName,
  isUserFill,
  joinNote,
  LOOK_FILL,
  placeCells,
  type ReportChart,
  type ReportSheet,
  type ReportWritten,
  reportRequests,
  splitNote,
  type Selection,
  stateFromParts,
  stateNamespace,
  stateParts,
  type TableData,
  type WatchedTable,
  type WorkbookPort,
} from './port.js';
import { BINDINGS_SETTING } from '../../shared/sync/mapping.js';
import { hostHas, OPTIONAL } from './requirements.js';

/** The document setting that opens the pane with the workbook (the manifest's TaskpaneId says the same). */
const AUTO_SHOW = 'Office.AutoShowTaskpaneWithDocument';
/** Cells per read request (values and formulas of each): Excel on the web refuses requests or responses over 5 MB. */
export const READ_CHUNK_CELLS = 100_000;

export class WorkbookError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly debugInfo?: unknown,
  ) {
    super(message);
  }
}

async function run<T>(
  what: string,
  batch: (context: Excel.RequestContext) => Promise<T>,
  within?: OfficeExtension.ClientRequestContext,
): Promise<T> {
  try {
    return await (within ? Excel.run(within, batch) : Excel.run(batch));
  } catch (e) {
    const err = e as OfficeExtension.Error;
    throw new WorkbookError(
      `${what}: ${err.message ?? String(e)}`,
      err.code ?? 'OfficeError',
      err.debugInfo,
    );
  }
}

/** Registers an Office event handler; the answer removes it again. */
async function listen(
  what: string,
  add: (context: Excel.RequestContext) => OfficeExtension.EventHandlerResult<unknown>,
) {
  const registered = await run(`Listening to ${what}`, async (context) => {
    const result = add(context);
    await context.sync();
    return result;
  });
  // A handler is removed in the context that added it.
  return () =>
    run(
      `Stopping the ${what} listener`,
      async (context) => {
        registered.remove();
        await context.sync();
      },
      registered.context,
    );
}

/** Contiguous runs of rows in one column that share a key: one range operation per run. */
function runsOf<T extends { row: number; column: number }>(
  cells: readonly T[],
  key: (c: T) => string,
) {
  const sorted = [...cells].sort((a, b) => a.column - b.column || a.row - b.row);
  const runs: T[][] = [];
  for (const c of sorted) {
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (prev && prev.column === c.column && prev.row === c.row - 1 && key(prev) === key(c))
      last!.push(c);
    else runs.push([c]);
  }
  return runs;
}

export class ExcelWorkbook implements WorkbookPort {
  /** Cell notes need ExcelApi 1.18; without them the reasons are in the pane only. */
  readonly notes: boolean;

  constructor(options: { notes?: boolean } = {}) {
    this.notes = options.notes ?? hostHas(OPTIONAL.notes);
  }

  async openWorkbook(xlsxBase64: string) {
    try {
      await Excel.createWorkbook(xlsxBase64);
    } catch (e) {
      const err = e as OfficeExtension.Error;
      throw new WorkbookError(
        `Opening the new workbook: ${err.message ?? String(e)}`,
        err.code ?? 'OfficeError',
        err.debugInfo,
      );
    }
  }

  workbookName() {
    return run('Reading the workbook name', async (context) => {
      const wb = context.workbook.load('name');
      await context.sync();
      return wb.name;
    });
  }

  tableAtSelection() {
    return run('Finding the table at the selection', async (context) => {
      const range = context.workbook.getSelectedRange();
      const tables = range.getTables(false);
      const count = tables.getCount();
      await context.sync();
      // A ClientResult is filled by the sync; it has no load (the rule takes it for a proxy object).
      // eslint-disable-next-line office-addins/load-object-before-read
      if (count.value > 0) {
        const table = tables.getFirst().load('name');
        await context.sync();
        return table.name;
      }
      // A plain range with a header row becomes a table around the selection.
      const created = range.worksheet.tables.add(range.getSurroundingRegion(), true).load('name');
      await context.sync();
      return created.name;
    });
  }

  readTable(key: string): Promise<TableData> {
    return run(`Reading table ${key}`, async (context) => {
      const table = context.workbook.tables.getItem(key).load('id, name');
      const header = table.getHeaderRowRange().load('values');
      const body = table.getDataBodyRange().load('rowCount, columnCount, rowIndex, columnIndex');
      const sheet = table.worksheet.load('name');
      // Column ids (ExcelApi 1.1) survive inserts and moves: the binding holds on to them.
      const columns = table.columns.load('items/id');
      await context.sync();
      // Values and formulas (a formula's value may be pushed; the formula itself is never written
      // over) in row chunks, one sync each: Excel on the web refuses a response over 5 MB.
      const rowsPerChunk = Math.max(
        1,
        Math.floor(READ_CHUNK_CELLS / Math.max(1, body.columnCount)),
      );
      const chunks: Excel.Range[] = [];
      for (let r = 0; r < body.rowCount; r += rowsPerChunk) {
        const count = Math.min(rowsPerChunk, body.rowCount - r);
        chunks.push(
          body
            .getCell(r, 0)
            .getResizedRange(count - 1, body.columnCount - 1)
            .load('values, formulas'),
        );
        // One sync per chunk on purpose: Excel on the web refuses a response over 5 MB.
        // eslint-disable-next-line office-addins/no-context-sync-in-loop
        await context.sync();
      }
      if (!chunks.length) await context.sync();
      return {
        id: table.id,
        name: table.name,
        sheet: sheet.name,
        headers: (header.values[0] ?? []).map((h) => String(h)),
        columnIds: columns.items.map((c) => Number(c.id)),
        rows: chunks.flatMap((c) => c.values),
        formulaCells: formulaCellsOf(
          chunks.flatMap((c) => c.formulas ?? []),
          body.columnCount,
        ),
        firstCell: { row: body.rowIndex, column: body.columnIndex },
      };
    });
  }

  paint(key: string, codeColumnId: number, addressed: readonly CellPaint[]): Promise<FoundFill[]> {
    if (!addressed.length) return Promise.resolve([]);
    return run(`Writing to table ${key}`, async (context) => {
      const table = context.workbook.tables.getItem(key);
      const body = table.getDataBodyRange().load('rowIndex, columnIndex');
      const sheet = table.worksheet.load('name');
      // Rows and columns as they are now, in this run: the table may have been sorted, or a
      // column moved, while the push that these cells answer was on the wire.
      const columns = table.columns.load('items/id');
      const codes = table.columns.getItem(codeColumnId).getDataBodyRange().load('values');
      await context.sync(); // 1: where the table and its cells are
      const cells = placeCells(
        addressed,
        codes.values.map((r) => r[0]),
        columns.items.map((c) => Number(c.id)),
      );
      const at = (row: number, column: number, rows = 1) =>
        body.getCell(row, column).getResizedRange(rows - 1, 0);
      const address = (c: { row: number; column: number }) =>
        `'${sheet.name.replace(/'/g, "''")}'!${columnName(body.columnIndex + c.column)}${body.rowIndex + c.row + 1}`;

      // 2: the fills and notes there now. A Excel cell has one fill and one note: the user's own
      // fill is kept (reported, to be put back when the flag goes) and their words stay above the
      // add-in's reason. A run of cells reads as one colour, or null where its cells differ.
      const restore = cells.filter((c) => c.look === 'plain' && c.userFill !== undefined);
      const runs = runsOf(
        cells.filter((c) => !(c.look === 'plain' && c.userFill !== undefined)),
        (c) => c.look,
      );
      const runFills = runs.map((r) =>
        at(r[0]!.row, r[0]!.column, r.length).format.fill.load('color'),
      );
      const noted = this.notes ? cells.filter((c) => c.note !== undefined) : [];
      const existing = noted.map((c) =>
        context.workbook.notes.getItemOrNullObject(address(c)).load('content'),
      );
      await context.sync();
      const mixed = runs.map((r, i) =>
        runFills[i]!.color ? null : r.map((c) => at(c.row, c.column).format.fill.load('color')),
      );
      if (mixed.some(Boolean)) await context.sync(); // only where a run's cells differ in fill
      const fillOf = (i: number, j: number) =>
        mixed[i] ? mixed[i]![j]!.color : runFills[i]!.color;

      context.application.suspendApiCalculationUntilNextSync();
      context.application.suspendScreenUpdatingUntilNextSync();
      for (const run of runsOf(
        cells.filter((c) => c.value !== undefined),
        () => 'v',
      ))
        at(run[0]!.row, run[0]!.column, run.length).values = run.map((c) => [c.value ?? '']);
      const found: FoundFill[] = [];
      runs.forEach((run, i) => {
        const look = run[0]!.look;
        if (look !== 'plain') {
          run.forEach((c, j) => {
            const fill = fillOf(i, j);
            if (isUserFill(fill)) found.push({ measure: c.measure, columnId: c.columnId, fill });
          });
          at(run[0]!.row, run[0]!.column, run.length).format.fill.color = LOOK_FILL[look];
        } else if (!mixed[i]) {
          if (!isUserFill(runFills[i]!.color))
            at(run[0]!.row, run[0]!.column, run.length).format.fill.clear();
        } else
          run.forEach(
            (c, j) => !isUserFill(fillOf(i, j)) && at(c.row, c.column).format.fill.clear(),
          );
      });
      for (const c of restore) {
        const fill = at(c.row, c.column).format.fill;
        if (c.userFill) fill.color = c.userFill;
        else fill.clear();
      }
      noted.forEach((c, i) => {
        const note = existing[i]!;
        const text = joinNote(
          splitNote(note.isNullObject ? null : note.content).user,
          c.note ?? null,
        );
        if (note.isNullObject) {
          if (text) context.workbook.notes.add(address(c), text);
        } else if (text) note.content = text;
        else note.delete();
      });
      await context.sync(); // 3: values, fills and notes written
      return found;
    });
  }

  appendRows(key: string, rows: readonly unknown[][]) {
    if (!rows.length) return Promise.resolve();
    return run(`Adding rows to table ${key}`, async (context) => {
      context.workbook.tables
        .getItem(key)
        .rows.add(undefined, rows as (string | number | boolean)[][]);
      await context.sync();
    });
  }

  loadState(bindingId: string) {
    return run('Reading the Gatecell state of this workbook', async (context) => {
      const parts = context.workbook.customXmlParts
        .getByNamespace(stateNamespace(bindingId))
        .load('items/id');
      await context.sync();
      if (!parts.items.length) return null;
      const xmls = parts.items.map((p) => p.getXml());
      await context.sync();
      return stateFromParts(xmls.map((x) => x.value));
    });
  }

  saveState(bindingId: string, text: string | null) {
    return run('Saving the Gatecell state in this workbook', async (context) => {
      const old = context.workbook.customXmlParts
        .getByNamespace(stateNamespace(bindingId))
        .load('items/id');
      await context.sync();
      // The new parts first, one request each (each under Excel on the web's 5 MB); the old ones
      // deleted only then: a failure part-way leaves the old save whole beside a partial new one,
      // and stateFromParts reads the newest complete save.
      for (const xml of text === null ? [] : stateParts(bindingId, text)) {
        context.workbook.customXmlParts.add(xml);
        // One request per part on purpose: each stays under Excel on the web's 5 MB.
        // eslint-disable-next-line office-addins/no-context-sync-in-loop
        await context.sync();
      }
      for (const p of old.items) p.delete();
      await context.sync();
    });
  }

  async loadBindings(): Promise<Binding[]> {
    // A co-author may have bound a table since this pane read the settings: read them afresh, so
    // that saving merges into theirs rather than over them.
    await new Promise<void>((resolve) =>
      Office.context.document.settings.refreshAsync(() => resolve()),
    );
    const saved = Office.context.document.settings.get(BINDINGS_SETTING) as Binding[] | null;
    return Array.isArray(saved) ? saved : [];
  }

  saveBindings(bindings: readonly Binding[]) {
    Office.context.document.settings.set(BINDINGS_SETTING, bindings);
    // A bound workbook opens the pane with it; one with no binding left does not.
    if (bindings.length) Office.context.document.settings.set(AUTO_SHOW, true);
    else Office.context.document.settings.remove(AUTO_SHOW);
    return new Promise<void>((resolve, reject) =>
      Office.context.document.settings.saveAsync((r) =>
        r.status === Office.AsyncResultStatus.Succeeded
          ? resolve()
          : reject(
              new WorkbookError(`Saving the bindings: ${r.error.message}`, String(r.error.code)),
            ),
      ),
    );
  }

  onEdited(watch: readonly WatchedTable[], handler: (edit: CellEdit) => void) {
    return listen('edits', (context) =>
      context.workbook.worksheets.onChanged.add(async (event) => {
        // The add-in's own writes are not anyone's edits (triggerSource: ExcelApi 1.14). Where the
        // host does not say, they are reported as the user's own: harmless, since a cell the
        // add-in wrote equals what it remembers and so is never a change to send.
        if (event.triggerSource === 'ThisLocalAddin') return;
        const source = event.source === 'Remote' ? 'remote' : 'local';
        for (const edit of await this.#editedCells(watch, event.worksheetId, event.address, source))
          handler(edit);
      }),
    );
  }

  /** The watched cells inside an edited range, by measure code and column id as they are now. */
  #editedCells(
    watch: readonly WatchedTable[],
    worksheetId: string,
    address: string,
    source: CellEdit['source'],
  ) {
    return run('Reading what was edited', async (context) => {
      const tables = watch.map((w) => ({
        w,
        table: context.workbook.tables.getItemOrNullObject(w.table).load('id'),
      }));
      const sheets = tables.map((t) => t.table.worksheet.load('id'));
      await context.sync();
      const edited = context.workbook.worksheets.getItem(worksheetId).getRange(address);
      const hits = tables.flatMap(({ w, table }, i) => {
        if (table.isNullObject || sheets[i]!.id !== worksheetId) return [];
        const body = table.getDataBodyRange().load('rowIndex, columnIndex');
        const hit = body
          .getIntersectionOrNullObject(edited)
          .load('rowIndex, columnIndex, rowCount, columnCount');
        const codes = table.columns.getItem(w.codeColumnId).getDataBodyRange().load('values');
        const columns = table.columns.load('items/id');
        return [{ table, body, hit, codes, columns }];
      });
      await context.sync();
      return hits
        .filter((h) => !h.hit.isNullObject)
        .map(({ table, body, hit, codes, columns }): CellEdit => {
          const cells: CellEdit['cells'] = [];
          for (let r = 0; r < hit.rowCount; r++) {
            const measure = String(
              codes.values[hit.rowIndex - body.rowIndex + r]?.[0] ?? '',
            ).trim();
            if (!measure) continue;
            for (let c = 0; c < hit.columnCount; c++)
              cells.push({
                measure,
                columnId: Number(columns.items[hit.columnIndex - body.columnIndex + c]!.id),
              });
          }
          return { table: table.id, source, cells };
        });
    });
  }

  writeReport(
    report: ReportSheet,
    options: { replaceUnprotected?: boolean } = {},
  ): Promise<ReportWritten> {
    return run(`Writing the report ${report.sheet}`, async (context) => {
      const wb = context.workbook;
      const anchor = wb.tables.getItemOrNullObject(report.tables[0]!.name).load('name');
      const names = wb.worksheets.load('items/name');
      await context.sync(); // 1: is the report in this workbook already; which names are taken
      let sheet: Excel.Worksheet;
      const refreshed = !anchor.isNullObject;
      if (refreshed) {
        sheet = anchor.worksheet.load('name');
        const protection = sheet.protection.load('protected');
        const charts = sheet.charts.load('items/name');
        const tables = sheet.tables.load('items/name');
        await context.sync(); // 2: what the report's sheet holds now
        if (!protection.protected && !options.replaceUnprotected)
          return { written: false, sheet: sheet.name, reason: 'unprotected' };
        if (protection.protected) protection.unprotect();
        for (const chart of charts.items) chart.delete();
        for (const table of tables.items) table.delete();
        const everything = sheet.getRange();
        everything.conditionalFormats.clearAll();
        everything.clear();
      } else
        sheet = wb.worksheets.add(
          freeSheetName(
            report.sheet,
            names.items.map((w) => w.name),
          ),
        );
      context.application.suspendApiCalculationUntilNextSync();
      context.application.suspendScreenUpdatingUntilNextSync();
      const cells = (row: number, column: number, rows: number, columns: number) =>
        sheet.getRangeByIndexes(row, column, rows, columns);
      report.heading.forEach((line, i) => (cells(i, 0, 1, 1).values = [[line]]));
      const title = cells(0, 0, 1, 1).format.font;
      title.bold = true;
      title.size = 14;
      // The cells, in as many requests as Excel on the web's 5 MB asks for (one, but for a scope
      // of tens of thousands of measures); each column's format before its values, so that a
      // month such as 2027-01 stays text instead of becoming a date.
      const requests = reportRequests(report);
      for (const [i, slices] of requests.entries()) {
        for (const { table, from, to } of slices) {
          const t = report.tables[table]!;
          if (from === 0) cells(t.row, t.column, 1, t.headers.length).values = [t.headers];
          if (to === from) continue;
          t.formats.forEach((format, c) => {
            if (format !== 'General')
              cells(t.row + 1 + from, t.column + c, to - from, 1).numberFormat = t.rows
                .slice(from, to)
                .map(() => [format]);
          });
          cells(t.row + 1 + from, t.column, to - from, t.headers.length).values = t.rows.slice(
            from,
            to,
          );
        }
        // One request per part on purpose: each stays under Excel on the web's 5 MB.
        // eslint-disable-next-line office-addins/no-context-sync-in-loop
        if (i < requests.length - 1) await context.sync();
      }
      for (const t of report.tables) {
        const range = cells(t.row, t.column, t.rows.length + 1, t.headers.length);
        const table = sheet.tables.add(range, true);
        table.name = t.name;
        for (const h of t.highlights ?? []) {
          const rule = cells(
            t.row + 1,
            t.column + h.column,
            t.rows.length,
            1,
          ).conditionalFormats.add('ContainsText').textComparison;
          rule.format.fill.color = h.fill;
          rule.rule = { operator: 'BeginsWith', text: h.startsWith };
        }
        range.format.autofitColumns();
      }
      for (const c of report.charts) addChart(sheet, report, c);
      // Protected, so that nothing is typed where the next refresh writes. Filtering and column
      // widths stay allowed; sorting does not (Excel sorts no locked cells on a protected sheet,
      // and unlocking them would let them be typed on).
      sheet.protection.protect({ allowAutoFilter: true, allowFormatColumns: true });
      sheet.activate();
      sheet.load('name');
      await context.sync(); // last: tables, charts and protection
      return { written: true, sheet: sheet.name, refreshed };
    });
  }

  cellValue(key: string, columnId: number, row: number) {
    return run('Reading a cell', async (context) => {
      const body = context.workbook.tables
        .getItem(key)
        .columns.getItem(columnId)
        .getDataBodyRange()
        .load('rowCount');
      await context.sync();
      if (row < 0 || row >= body.rowCount) return undefined;
      const cell = body.getCell(row, 0).load('values');
      await context.sync();
      return cell.values[0]?.[0];
    });
  }

  showCell(key: string, codeColumnId: number, measure: string, columnId: number) {
    return run('Going to the cell', async (context) => {
      const table = context.workbook.tables.getItem(key);
      const body = table.getDataBodyRange();
      const columns = table.columns.load('items/id');
      const codes = table.columns.getItem(codeColumnId).getDataBodyRange().load('values');
      await context.sync();
      const [placed] = placeCells(
        [{ measure, columnId }],
        codes.values.map((r) => r[0]),
        columns.items.map((c) => Number(c.id)),
      );
      if (!placed) return false;
      body.getCell(placed.row, placed.column).select();
      await context.sync();
      return true;
    });
  }

  onSelection(handler: (selection: Selection | null) => void) {
    return listen('the selection', (context) =>
      context.workbook.onSelectionChanged.add(async () => {
        try {
          handler(await this.#selection());
        } catch {
          handler(null);
        }
      }),
    );
  }

  #selection() {
    return run('Reading the selection', async (context) => {
      const range = context.workbook.getSelectedRange().load('rowIndex, columnIndex');
      const tables = range.getTables(false);
      const count = tables.getCount();
      await context.sync();
      // eslint-disable-next-line office-addins/load-object-before-read -- a ClientResult, filled by the sync
      if (!count.value) return null;
      const table = tables.getFirst().load('id');
      const body = table.getDataBodyRange().load('rowIndex, columnIndex');
      await context.sync();
      const row = range.rowIndex - body.rowIndex;
      return row < 0
        ? null
        : { table: table.id, row, column: range.columnIndex - body.columnIndex };
    });
  }
}

const CHART_TYPES = {
  columns: 'ColumnClustered',
  stacked: 'ColumnStacked',
  lines: 'LineMarkers',
} as const satisfies Record<ReportChart['type'], string>;

/** A report's chart, queued: its table's category column and series, placed and titled. */
function addChart(sheet: Excel.Worksheet, report: ReportSheet, c: ReportChart) {
  const t = report.tables.find((table) => table.name === c.table)!;
  const source = sheet.getRangeByIndexes(t.row, t.column, t.rows.length + 1, c.series + 1);
  const chart = sheet.charts.add(CHART_TYPES[c.type], source, 'Columns');
  chart.name = c.name;
  chart.title.text = c.title;
  chart.setPosition(
    sheet.getRangeByIndexes(c.at.row, c.at.column, 1, 1),
    sheet.getRangeByIndexes(c.at.row + c.at.rows - 1, c.at.column + c.at.columns - 1, 1, 1),
  );
  for (const i of c.hiddenSeries ?? []) chart.series.getItemAt(i).format.fill.clear();
}

/** Which cells hold a formula (Range.formulas gives "=…" for those, the constant for others). */
function formulaCellsOf(formulas: readonly unknown[][], width: number): Set<number> {
  const cells = new Set<number>();
  formulas.forEach((row, r) =>
    row.forEach((f, c) => {
      if (typeof f === 'string' && f.startsWith('=')) cells.add(r * width + c);
    }),
  );
  return cells;
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
