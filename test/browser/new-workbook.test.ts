// "New workbook for this scope" in the pane (real Chromium, real service): the service's starter
// workbook — already bound, filled from the record — is opened beside the current workbook
// through the adapter (Excel.createWorkbook; here the in-memory workbook keeps what it opened).
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { measure, push, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

describe('a new workbook for the scope', () => {
  it('opens the starter workbook of the bound scope beside this one, and says so', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    await measure(w, 'M-NW');
    await push(w, w.users.owner.token, [
      { measure: 'M-NW', kind: 'forecast', period: '2027-03', value: 120 },
    ]);
    const fixture = await paneFixture(w);
    const page = await fixture.boundPane(
      w.users.owner.token,
      ['Measure', 'Forecast 2027-03'],
      [['M-NW', '']],
    );
    await page.getByRole('button', { name: 'New workbook for this scope' }).click();
    await page.locator('[data-notice]').filter({ hasText: 'opened beside this one' }).waitFor();
    const opened = await page.evaluate(() => window.gatecellWorkbook!.opened);
    expect(opened).toHaveLength(1);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(Buffer.from(opened[0]!, 'base64')).buffer);
    const sheet = book.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.slice(0, 2)).toEqual(['Measure', 'Title']);
    expect(row[0]).toBe('M-NW');
    expect(row[headers.indexOf('Forecast 2027-03')]).toBe(120);
  });
});
