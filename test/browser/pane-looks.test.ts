// How the pane looks and reads, in Chromium: every tab at 320, 360 and 450 px in light and dark
// (screenshots in test-results/, looked at), valid ARIA and contrast by axe-core on each, and the
// two panes a user sees when the pane cannot run: offline, and an Excel too old for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { forecastMeasures, push, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

const SHOTS = 'test-results';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (WCAG 2.1 A and AA). */
async function violations(page: Page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            o: unknown,
          ) => Promise<{
            violations: { id: string; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    // Fluent's focus manager (tabster) puts aria-hidden sentinel elements at the edges of focus
    // groups that pass focus on at once: not content, and known to trip aria-hidden-focus.
    const r = await axe.run(
      { exclude: [['[data-tabster-dummy]']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
    );
    return r.violations.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
  });
}

describe('the pane at task-pane widths, light and dark', async () => {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  await forecastMeasures(w, ['M-1', 'M-2']);
  await w.call(users.owner.token, 'POST', '/measures/M-1/milestones', {
    title: 'Tender issued',
    due: '2027-05-31',
  });
  // Something waits on the controller.
  await push(w, users.owner.token, [
    {
      measure: 'M-2',
      kind: 'forecast',
      period: '2027-04',
      value: 60,
      baseVersion: 1,
      note: 'Volume loss at the key account',
      cell: 'C3',
    },
  ]);
  const { browser, origin, boundPane } = await paneFixture(w);
  const headers = ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'];
  const rows = [
    ['M-1', '', ''],
    ['M-2', '', ''],
  ];

  for (const colorScheme of ['light', 'dark'] as const)
    it(`every tab at 320, 360 and 450 px, ${colorScheme}: laid out, and no accessibility violation`, async () => {
      const owner = await boundPane(users.owner.token, headers, rows, { colorScheme });
      // A pane with something in each list: an edit waiting, a cell that cannot be sent, an outcome.
      await owner.evaluate(() => {
        window.gatecellWorkbook!.type('Forecast', 0, 1, 102);
        window.gatecellWorkbook!.type('Forecast', 1, 1, 'n/a');
      });
      await owner.getByRole('button', { name: 'Push', exact: true }).click();
      await owner.getByRole('region', { name: 'Last push' }).waitFor();
      await owner.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 2, 103));
      await owner.getByRole('region', { name: 'Not pushed yet' }).waitFor();
      const controller = await boundPane(users.controller.token, headers, rows, { colorScheme });
      await controller.getByRole('tab', { name: 'Approvals' }).click();
      await controller.getByLabel('Request M-2 forecast 2027-04').waitFor();
      const found: string[] = [];
      for (const width of [320, 360, 450]) {
        for (const page of [owner, controller]) await page.setViewportSize({ width, height: 900 });
        await owner.getByRole('tab', { name: 'Sheet' }).click();
        await owner.screenshot({
          path: `${SHOTS}/sheet-${width}-${colorScheme}.png`,
          fullPage: true,
        });
        found.push(...(await violations(owner)).map((v) => `sheet: ${v}`));
        await owner.getByRole('tab', { name: 'Measure' }).click();
        await owner.evaluate(() =>
          window.gatecellWorkbook!.select({ table: 'Forecast', row: 0, column: 1 }),
        );
        await expect
          .poll(() => owner.getByRole('region', { name: 'Measure', exact: true }).innerText())
          .toContain('Tender issued');
        await owner.screenshot({
          path: `${SHOTS}/measure-${width}-${colorScheme}.png`,
          fullPage: true,
        });
        found.push(...(await violations(owner)).map((v) => `measure: ${v}`));
        await controller.screenshot({
          path: `${SHOTS}/approvals-${width}-${colorScheme}.png`,
          fullPage: true,
        });
        found.push(...(await violations(controller)).map((v) => `approvals: ${v}`));
        await owner.getByRole('tab', { name: 'Dashboard' }).click();
        await owner.getByText('Target, forecast and actual by month').waitFor();
        await owner.screenshot({
          path: `${SHOTS}/dashboard-${width}-${colorScheme}.png`,
          fullPage: true,
        });
        found.push(...(await violations(owner)).map((v) => `dashboard: ${v}`));
        // Nothing wider than the pane: no sideways scrolling at any width.
        for (const page of [owner, controller])
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth),
          ).toBeLessThanOrEqual(width);
      }
      // The report's question when its sheet was unprotected, at the narrowest width.
      await owner.setViewportSize({ width: 320, height: 900 });
      const insert = owner.getByRole('button', { name: 'Insert report in the workbook' });
      await insert.click();
      await owner.locator('[data-notice="success"]').waitFor();
      await owner.evaluate(() => {
        const book = window.gatecellWorkbook!;
        book.unprotectSheet(book.sheets().at(-1)!);
      });
      await insert.click();
      await owner.getByRole('alert').filter({ hasText: 'was unprotected' }).waitFor();
      await owner.screenshot({ path: `${SHOTS}/report-question-320-${colorScheme}.png` });
      found.push(...(await violations(owner)).map((v) => `report question: ${v}`));
      expect([...new Set(found)]).toEqual([]);
      if (colorScheme === 'dark')
        expect(
          await owner.evaluate(
            () => getComputedStyle(document.querySelector('.fui-FluentProvider')!).backgroundColor,
          ),
        ).not.toBe('rgb(255, 255, 255)');
    }, 120_000);

  it('the keyboard reaches every action in reading order', async () => {
    const page = await boundPane(users.owner.token, headers, rows);
    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 101));
    await page.getByRole('region', { name: 'Not pushed yet' }).waitFor();
    await page.locator('body').focus();
    const order: string[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return (el?.getAttribute('aria-label') || el?.textContent || '').trim();
        }),
      );
    }
    // From the top of the pane (focus wraps round): Sign out comes first.
    const top = order.slice(order.indexOf('Sign out'));
    const at = (name: string) => top.findIndex((n) => n === name);
    for (const name of ['Sign out', 'Sheet', 'Push', 'Pull', 'Refresh', 'Go to cell', 'Revert'])
      expect(at(name), `${name} in ${top.join(' | ')}`).toBeGreaterThanOrEqual(0);
    expect(
      at('Sign out') < at('Sheet') &&
        at('Sheet') < at('Push') &&
        at('Push') < at('Pull') &&
        at('Pull') < at('Refresh') &&
        at('Refresh') < at('Go to cell'),
    ).toBe(true);
  });

  it('offline (office.js cannot be loaded), the pane says so instead of staying blank', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.route('**/office-js/office.js', (r) => r.abort('internetdisconnected'));
    await page.goto(`${origin}/taskpane.html`);
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .innerText()
          .catch(() => ''),
      )
      .toContain('Gatecell cannot start');
  });

  it('an Excel without the requirement set the add-in needs gets a clear message, and nothing is touched', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.route('**/office-js/office.js', (r) =>
      r.fulfill({
        contentType: 'text/javascript',
        body: `window.Office = { HostType: { Excel: 'Excel' }, onReady: (cb) => Promise.resolve(cb({ host: 'Excel' })),
        context: { requirements: { isSetSupported: (set, v) => set === 'ExcelApi' && Number(v.split('.')[1]) <= 7 } } };`,
      }),
    );
    await page.goto(`${origin}/taskpane.html`);
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .innerText()
          .catch(() => ''),
      )
      .toContain('This Excel is too old for Gatecell');
    await expect(page.getByRole('alert').innerText()).resolves.toContain('ExcelApi 1.9');
  });
});
