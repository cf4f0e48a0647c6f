// The pane's dashboard in real Chromium against the real service: the scope's figures as the
// rollup answers them — expected against target, the pipeline by stage, money by month, both
// statuses, exceptions by level, decisions waiting, the widest variances — drawn and written out.
import { describe, expect, it } from 'vitest';
import { advance, measure, push, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

describe('the dashboard', () => {
  it('shows the scope as the record has it, and another scope on request', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    const { users } = w;
    await measure(w, 'M-D1');
    await advance(w, 'M-D1', 'identified'); // targets of 1,000 a month, 2027-01…06
    await measure(w, 'M-D2');
    await push(w, users.owner.token, [
      { measure: 'M-D2', kind: 'target', period: '2027-03', value: 500 },
      { measure: 'M-D2', kind: 'forecast', period: '2027-03', value: 480 },
    ]);
    await push(w, users.owner.token, [
      {
        measure: 'M-D2',
        kind: 'forecast',
        period: '2027-03',
        value: 200,
        baseVersion: 1,
        note: 'lost',
      },
    ]);
    await w.call(users.planner2.token, 'POST', '/exceptions', {
      measure: 'M-D2',
      type: 'customer_commitment',
      title: 'Key account asks for more',
      decisionNeeded: 'Commit or decline.',
      valueAtStake: 100,
      dueDate: '2027-03-01',
    });
    const fixture = await paneFixture(w);
    const page = await fixture.openPane(users.viewer.token, ['Measure'], [['M-D1']], {
      width: 320,
    });
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    const card = (name: string) => page.getByLabel(name, { exact: true });
    await expect.poll(() => card('Expected against target').innerText()).toContain('ORG');
    const headline = await card('Expected against target').innerText();
    expect(headline).toContain('6,500'); // target: 6 × 1,000 + 500
    expect(await card('Pipeline by stage').innerText()).toMatch(
      /Defined \(1\)[\s\S]*Identified \(1\)/,
    );
    // Money by month: a bar per kind and month, drawn.
    expect(await card('By month').locator('svg rect').count()).toBeGreaterThan(6);
    expect(await card('Status').innerText()).toContain('Potential');
    expect(await card('Open exceptions').innerText()).toContain('Level 1 (local): 1');
    expect(await card('Decisions waiting').innerText()).toContain('controller: 1 change(s)');
    expect(await card('Furthest from target').innerText()).toContain('M-D2 (owner): -20');
    // Nothing wider than the pane.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      320,
    );
    // Another scope: one measure's.
    await page.getByLabel('Scope').fill('M-D1');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => card('Expected against target').innerText()).toContain('M-D1');
    expect(await card('Pipeline by stage').innerText()).toContain('Identified (1)');
  });

  it('inserts the executive report into the workbook, refreshes it in place, and asks before replacing a sheet someone unprotected', async () => {
    const w = await world(new Date('2027-02-10T09:00:00Z'));
    const { users } = w;
    await measure(w, 'M-R1');
    await advance(w, 'M-R1', 'identified');
    const fixture = await paneFixture(w);
    const page = await fixture.openPane(users.viewer.token, ['Measure'], [['M-R1']], {
      width: 320,
    });
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    const insert = page.getByRole('button', { name: 'Insert report in the workbook' });
    await insert.click();
    await expect
      .poll(() => page.locator('[data-notice="success"]').innerText())
      .toContain('Report inserted');
    const sheet = () =>
      page.evaluate(() => {
        const book = (window as any).gatecellWorkbook;
        const s = book.sheet('Report ORG');
        return {
          sheets: book.sheets(),
          tables: s.tables.length,
          charts: s.charts.length,
          protected: s.protected,
        };
      });
    expect(await sheet()).toEqual({
      sheets: ['Forecast', 'Report ORG'],
      tables: 7,
      charts: 3,
      protected: true,
    });
    await insert.click();
    await expect
      .poll(() => page.locator('[data-notice="success"]').innerText())
      .toContain('refreshed in place');
    expect((await sheet()).sheets).toEqual(['Forecast', 'Report ORG']);
    // Someone unprotects the sheet: the pane asks before replacing it.
    await page.evaluate(() => (window as any).gatecellWorkbook.unprotectSheet('Report ORG'));
    await insert.click();
    const warning = page.getByRole('alert').filter({ hasText: 'was unprotected' });
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect((await sheet()).protected).toBe(false);
    await warning.getByRole('button', { name: 'Replace it' }).click();
    await expect.poll(async () => (await sheet()).protected).toBe(true);
    expect(await warning.count()).toBe(0);
  });
});
