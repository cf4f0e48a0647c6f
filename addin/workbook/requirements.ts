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
 * The ExcelApi set of each Excel class member the adapter touches (from the Office.js reference),
 * as "Class.member". A member not listed here fails test/addin/requirements.test.ts: look its set
 * up before calling it.
 */
export const API_SETS: Record<string, string> = {
  // Excel.createWorkbook: a function of the Excel namespace, not of an object.
  'Global.createWorkbook': '1.8',
  'RequestContext.workbook': '1.1',
  'RequestContext.application': '1.1',
  'RequestContext.sync': '1.1',
  'Application.suspendApiCalculationUntilNextSync': '1.6',
  'Application.suspendScreenUpdatingUntilNextSync': '1.9',
  'Workbook.name': '1.7',
  'Workbook.load': '1.1',
  'Workbook.tables': '1.1',
  'Workbook.worksheets': '1.1',
  'Workbook.notes': '1.18',
  'Workbook.customXmlParts': '1.5',
  'Workbook.getSelectedRange': '1.1',
  'Workbook.onSelectionChanged': '1.2',
  'WorksheetCollection.onChanged': '1.9',
  'WorksheetCollection.getItem': '1.1',
  'Worksheet.id': '1.1',
  'Worksheet.name': '1.1',
  'Worksheet.load': '1.1',
  'Worksheet.tables': '1.1',
  'Worksheet.getRange': '1.1',
  'TableCollection.getItem': '1.1',
  'TableCollection.getItemOrNullObject': '1.4',
  'TableCollection.add': '1.1',
  'Table.id': '1.1',
  'Table.name': '1.1',
  'Table.load': '1.1',
  'Table.isNullObject': '1.4',
  'Table.worksheet': '1.2',
  'Table.columns': '1.1',
  'Table.rows': '1.1',
  'Table.getHeaderRowRange': '1.1',
  'Table.getDataBodyRange': '1.1',
  'TableColumnCollection.load': '1.1',
  'TableColumnCollection.items': '1.1',
  'TableColumnCollection.getItem': '1.1',
  'TableColumn.id': '1.1',
  'TableColumn.getDataBodyRange': '1.1',
  'TableRowCollection.add': '1.1',
  'TableScopedCollection.getCount': '1.9',
  'TableScopedCollection.getFirst': '1.9',
  'Range.load': '1.1',
  'Range.values': '1.1',
  'Range.formulas': '1.1',
  'Range.rowIndex': '1.1',
  'Range.columnIndex': '1.1',
  'Range.rowCount': '1.1',
  'Range.columnCount': '1.1',
  'Range.isNullObject': '1.4',
  'Range.getCell': '1.1',
  'Range.getResizedRange': '1.2',
  'Range.getTables': '1.9',
  'Range.getSurroundingRegion': '1.7',
  'Range.getIntersectionOrNullObject': '1.4',
  'Range.select': '1.1',
  'Range.format': '1.1',
  'Range.worksheet': '1.1',
  'RangeFormat.fill': '1.1',
  'RangeFill.color': '1.1',
  'RangeFill.clear': '1.1',
  'RangeFill.load': '1.1',
  'NoteCollection.getItemOrNullObject': '1.18',
  'NoteCollection.add': '1.18',
  'Note.load': '1.18',
  'Note.isNullObject': '1.18',
  'Note.content': '1.18',
  'Note.delete': '1.18',
  'CustomXmlPartCollection.getByNamespace': '1.5',
  'CustomXmlPartCollection.add': '1.5',
  'CustomXmlPartScopedCollection.load': '1.5',
  'CustomXmlPartScopedCollection.items': '1.5',
  'CustomXmlPart.getXml': '1.5',
  'CustomXmlPart.delete': '1.5',
  // The executive report (writeReport).
  'WorksheetCollection.load': '1.1',
  'WorksheetCollection.items': '1.1',
  'WorksheetCollection.add': '1.1',
  'Worksheet.getRangeByIndexes': '1.7',
  'Worksheet.activate': '1.1',
  'Worksheet.charts': '1.1',
  'Worksheet.protection': '1.2',
  'WorksheetProtection.load': '1.2',
  'WorksheetProtection.protected': '1.2',
  // Both without a password (a password needs 1.7; the report sets none).
  'WorksheetProtection.protect': '1.2',
  'WorksheetProtection.unprotect': '1.2',
  'TableCollection.load': '1.1',
  'TableCollection.items': '1.1',
  'Table.delete': '1.1',
  'ChartCollection.load': '1.1',
  'ChartCollection.items': '1.1',
  'ChartCollection.add': '1.1',
  'Chart.name': '1.1',
  'Chart.title': '1.1',
  'Chart.setPosition': '1.1',
  'Chart.series': '1.1',
  'Chart.delete': '1.1',
  'ChartTitle.text': '1.1',
  'ChartSeriesCollection.getItemAt': '1.1',
  'ChartSeries.format': '1.1',
  'ChartSeriesFormat.fill': '1.1',
  'ChartFill.clear': '1.1',
  'Range.numberFormat': '1.1',
  'Range.clear': '1.1',
  'Range.conditionalFormats': '1.6',
  'RangeFormat.font': '1.1',
  'RangeFormat.autofitColumns': '1.2',
  'RangeFont.bold': '1.1',
  'RangeFont.size': '1.1',
  'ConditionalFormatCollection.add': '1.6',
  'ConditionalFormatCollection.clearAll': '1.6',
  'ConditionalFormat.textComparison': '1.6',
  'TextConditionalFormat.format': '1.6',
  'TextConditionalFormat.rule': '1.6',
  'ConditionalRangeFormat.fill': '1.6',
  'ConditionalRangeFill.color': '1.6',
  'ClientResult.value': '1.1',
  'EventHandlers.add': '1.1',
  'EventHandlerResult.remove': '1.1',
  'EventHandlerResult.context': '1.1',
};

/** Whether this host has a requirement set (true outside Office, where the in-memory workbook stands in). */
export function hostHas(req: { set: string; version: string }): boolean {
  try {
    return Office.context.requirements.isSetSupported(req.set, req.version);
  } catch {
    return false;
  }
}
