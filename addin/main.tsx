// The task pane's entry: rendered inside Office.onReady, wrapped in FluentProvider. Inside Excel
// it works on the workbook; opened elsewhere (a browser, a test) on an in-memory workbook.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.js';
import { ExcelWorkbook } from './workbook/excel.js';
import { MemoryWorkbook } from './workbook/memory.js';
import type { WorkbookPort } from './workbook/port.js';

declare global {
  interface Window {
    /** The in-memory workbook when the pane runs outside Excel: browser tests drive it. */
    gatecellWorkbook?: MemoryWorkbook;
  }
}

void Office.onReady((info) => {
  const inExcel = info.host === Office.HostType.Excel;
  let port: WorkbookPort;
  if (inExcel) port = new ExcelWorkbook();
  else port = window.gatecellWorkbook ??= new MemoryWorkbook('Sample.xlsx');
  createRoot(document.getElementById('root')!).render(
    <FluentProvider theme={webLightTheme}>
      <App port={port} hostNote={inExcel ? undefined : 'Opened outside Excel: the pane works on an in-memory sample workbook.'} />
    </FluentProvider>,
  );
});
