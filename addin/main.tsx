// The task pane's entry: rendered inside Office.onReady, in the theme Office shows. Inside Excel
// it works on the workbook — if this Excel has what the add-in needs, else it says what is
// missing; opened elsewhere (a browser, a test) on an in-memory workbook.
import { Body1, FluentProvider, Title3 } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.js';
import { NoticesProvider } from './ui/notices.js';
import { paneTheme } from './ui/theme.js';
import { ExcelWorkbook } from './workbook/excel.js';
import { MemoryWorkbook } from './workbook/memory.js';
import type { WorkbookPort } from './workbook/port.js';
import { hostHas, REQUIRED } from './workbook/requirements.js';

declare global {
  interface Window {
    /** The in-memory workbook when the pane runs outside Excel: browser tests drive it. */
    gatecellWorkbook?: MemoryWorkbook;
    /** Set before the pane loads (tests): the in-memory host without cell notes, as Office 2021/2024 perpetual. */
    gatecellHost?: { notes?: boolean };
  }
}

declare function gatecellOffline(): void;

const root = typeof Office === 'undefined' ? null : createRoot(document.getElementById('root')!);

if (!root) gatecellOffline();
else
  void Office.onReady((info) => {
    const inExcel = info.host === Office.HostType.Excel;
    const theme = paneTheme();
    if (inExcel && !hostHas(REQUIRED)) {
      root.render(
        <FluentProvider theme={theme}>
          <main style={{ padding: 16 }} role="alert">
            <Title3 as="h1">This Excel is too old for Gatecell</Title3>
            <Body1 as="p">
              Gatecell needs Excel 2019 or later, Microsoft 365, Excel on the web or Excel for Mac (
              {REQUIRED.set} {REQUIRED.version}). Nothing in this workbook was changed.
            </Body1>
          </main>
        </FluentProvider>,
      );
      return;
    }
    let port: WorkbookPort;
    if (inExcel) port = new ExcelWorkbook();
    else
      port = window.gatecellWorkbook ??= new MemoryWorkbook('Sample.xlsx', {
        notes: window.gatecellHost?.notes ?? true,
      });
    root.render(
      <FluentProvider theme={theme} style={{ minHeight: '100vh' }}>
        <NoticesProvider
          initial={
            inExcel
              ? null
              : {
                  intent: 'info',
                  title: 'Not inside Excel',
                  text: 'Opened outside Excel: the pane works on an in-memory sample workbook.',
                }
          }
        >
          <App port={port} />
        </NoticesProvider>
      </FluentProvider>,
    );
  });
