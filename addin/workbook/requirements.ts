// Which Office requirement sets the add-in needs, and which it uses only where the host has them.
// The manifest declares REQUIRED; the adapter checks each OPTIONAL one with isSetSupported and
// falls back. test/addin/requirements.test.ts holds every Excel API the adapter calls to this.

/** Excel 2019, Microsoft 365, Excel on the web and Mac: Range.getTables, onChanged with its source, suspendScreenUpdatingUntilNextSync. */
export const REQUIRED = { set: 'ExcelApi', version: '1.9' } as const;

/** Used only when present. */
export const OPTIONAL = {
  /** Cell notes (not in Office 2021/2024 perpetual): without them the reasons are listed in the pane. */
  notes: { set: 'ExcelApi', version: '1.18' },
  /** The change event's triggerSource: without it the add-in's own writes are told apart by the diff. */
  triggerSource: { set: 'ExcelApi', version: '1.14' },
} as const;

/**
 * The requirement set of each Excel API member the adapter calls (from the Office.js reference),
 * by member name. A call not listed here fails the requirements test: look up its set first.
 */
export const API_SETS: Record<string, string> = {
  run: '1.1', sync: '1.1', load: '1.1', getItem: '1.1', getItemOrNullObject: '1.4', tables: '1.1', worksheets: '1.1', worksheet: '1.1',
  getHeaderRowRange: '1.1', getDataBodyRange: '1.1', columns: '1.1', rows: '1.1', add: '1.1', getCell: '1.1', getResizedRange: '1.2',
  values: '1.1', formulas: '1.1', format: '1.1', fill: '1.1', color: '1.1', clear: '1.1', select: '1.1', getRange: '1.1',
  getSelectedRange: '1.1', getSurroundingRegion: '1.7', getTables: '1.9', getCount: '1.4', getFirst: '1.9',
  getIntersectionOrNullObject: '1.4', application: '1.1', suspendApiCalculationUntilNextSync: '1.6', suspendScreenUpdatingUntilNextSync: '1.9',
  onChanged: '1.9', onSelectionChanged: '1.2', customXmlParts: '1.5', getByNamespace: '1.5', getXml: '1.5', delete: '1.1',
  notes: '1.18', remove: '1.1', context: '1.1',
};

/** Whether this host has a requirement set (true outside Office, where the in-memory workbook stands in). */
export function hostHas(req: { set: string; version: string }): boolean {
  try {
    return Office.context.requirements.isSetSupported(req.set, req.version);
  } catch {
    return false;
  }
}
