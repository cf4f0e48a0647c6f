// The starter workbook as the wire carries it: a real .xlsx (exceljs) with one Excel table of the
// scope's measures — code, title, a column per kind and month holding the record's values — and
// the binding the add-in reads, stored where Office keeps an add-in's document settings (a web
// extension part), so that opening it with the add-in needs no mapping step; the same part opens
// the pane with the workbook.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { Binding } from '../../../shared/sync/mapping.js';
import { BINDINGS_SETTING } from '../../../shared/sync/mapping.js';
import type { CellKind } from '../../../shared/model.js';

/** Where Office finds the add-in a workbook names: its catalog (api docs: GATECELL_ADDIN_STORE). */
export interface AddinReference {
  id: string;
  version: string;
  store: string;
  storeType: string;
}

export interface StarterContent {
  scope: string;
  kinds: readonly CellKind[];
  periods: readonly string[];
  measures: readonly { code: string; title: string }[];
  /** Major units by `${code}|${kind}|${period}`. */
  values: ReadonlyMap<string, number | null>;
  digits: number;
}

const KIND_TITLES: Record<CellKind, string> = {
  baseline: 'Baseline',
  target: 'Target',
  forecast: 'Forecast',
  actual: 'Actual',
};

/** A table name Excel accepts: letters, digits and underscores, starting with a letter. */
export const starterTableName = (scope: string) =>
  `Gatecell_${scope.replace(/[^A-Za-z0-9_]/g, '_')}`;

export async function starterWorkbook(c: StarterContent, addin: AddinReference): Promise<Buffer> {
  const columns = c.kinds.flatMap((kind) =>
    c.periods.map((period) => ({ kind, period, header: `${KIND_TITLES[kind]} ${period}` })),
  );
  const headers = ['Measure', 'Title', ...columns.map((col) => col.header)];
  const rows = c.measures.map((m) => [
    m.code,
    m.title,
    ...columns.map((col) => c.values.get(`${m.code}|${col.kind}|${col.period}`) ?? null),
  ]);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Gatecell';
  const sheet = workbook.addWorksheet(c.scope.slice(0, 31).replace(/[\\/?*[\]:]/g, '_'));
  const table = starterTableName(c.scope);
  sheet.addTable({
    name: table,
    ref: 'A1',
    headerRow: true,
    style: { theme: 'TableStyleMedium2', showRowStripes: true },
    columns: headers.map((name) => ({ name, filterButton: true })),
    // An Excel table holds at least one row: an empty scope gets one blank row to fill.
    rows: rows.length ? rows : [headers.map(() => null)],
  });
  sheet.getColumn(1).width = 16;
  sheet.getColumn(2).width = 36;
  const money = c.digits ? `#,##0.${'0'.repeat(c.digits)}` : '#,##0';
  for (let i = 0; i < columns.length; i++) {
    const column = sheet.getColumn(i + 3);
    column.width = 16;
    column.numFmt = money;
  }
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 1 }];
  const binding: Binding = {
    id: `b_starter_${table}`,
    name: `${c.scope} plan`,
    table,
    mapping: {
      codeColumn: 0,
      codeHeader: 'Measure',
      columns: columns.map((col, i) => ({
        column: i + 2,
        kind: col.kind,
        period: col.period,
        header: col.header,
      })),
    },
    scope: c.scope,
  };
  return withAddin(Buffer.from(await workbook.xlsx.writeBuffer()), addin, {
    [BINDINGS_SETTING]: [binding],
    'Office.AutoShowTaskpaneWithDocument': true,
  });
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The workbook with the add-in in it (the Office Open XML of "a task pane that opens with the
 * document"): a web extension part naming the add-in and holding its document settings (each
 * value as JSON, as Office.context.document.settings keeps them), and a task pane part showing it.
 */
async function withAddin(
  xlsx: Buffer,
  addin: AddinReference,
  settings: Record<string, unknown>,
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const properties = Object.entries(settings)
    .map(
      ([name, value]) => `<we:property name="${xml(name)}" value="${xml(JSON.stringify(value))}"/>`,
    )
    .join('');
  zip.file(
    'xl/webextensions/webextension1.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" id="{7F1C4E2A-5B3D-4A6E-9C8B-1D2E3F4A5B6C}"><we:reference id="${xml(addin.id)}" version="${xml(addin.version)}" store="${xml(addin.store)}" storeType="${xml(addin.storeType)}"/><we:alternateReferences/><we:properties>${properties}</we:properties><we:bindings/><we:snapshot xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></we:webextension>`,
  );
  zip.file(
    'xl/webextensions/taskpanes.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"><wetp:taskpane dockstate="right" visibility="0" width="350" row="0"><wetp:webextensionref xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></wetp:taskpane></wetp:taskpanes>`,
  );
  zip.file(
    'xl/webextensions/_rels/taskpanes.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/webextension" Target="webextension1.xml"/></Relationships>`,
  );
  const rels = await zip.file('_rels/.rels')!.async('string');
  zip.file(
    '_rels/.rels',
    rels.replace(
      '</Relationships>',
      '<Relationship Id="rIdGatecellPane" Type="http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes" Target="xl/webextensions/taskpanes.xml"/></Relationships>',
    ),
  );
  const types = await zip.file('[Content_Types].xml')!.async('string');
  zip.file(
    '[Content_Types].xml',
    types.replace(
      '</Types>',
      '<Override PartName="/xl/webextensions/taskpanes.xml" ContentType="application/vnd.ms-office.webextensiontaskpanes+xml"/>' +
        '<Override PartName="/xl/webextensions/webextension1.xml" ContentType="application/vnd.ms-office.webextension+xml"/></Types>',
    ),
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
