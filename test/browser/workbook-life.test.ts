// The workbook's life outside the happy path, in Chromium against the real service: closed and
// reopened on another computer, a rejection reaching the sheet, two co-authors on one workbook,
// a host without cell notes, a renamed table, and a 10,000 × 24 table within Excel on the web's
// 5 MB per request.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { insertMeasures } from '../bulk-measures.js';
import { forecastMeasures, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

/** A world of its own (M-1 and M-2 forecast at 100), its pane in Chromium, and ways to reopen a workbook. */
async function lifeWorld() {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  await forecastMeasures(w, ['M-1', 'M-2']);
  const { browser, origin, boundPane, status } = await paneFixture(w);
  const record = async (code: string, period: string) =>
    (
      await w.call(users.viewer.token, 'GET', `/cells?scope=${code}&kinds=forecast`)
    ).body.cells.find((c: any) => c.period === period).value;
  const headers = ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'];
  const rows = [
    ['M-1', '', ''],
    ['M-2', '', ''],
  ];
  /** A fresh page (nothing in its storage), the workbook restored from `snapshot` before connecting. */
  const reopen = async (snapshot: unknown, token = users.owner.token): Promise<Page> => {
    const page = await (
      await browser.newContext({ viewport: { width: 360, height: 900 } })
    ).newPage();
    await page.goto(`${origin}/taskpane.html`);
    await page.waitForFunction(() => !!window.gatecellWorkbook);
    await page.evaluate((s) => window.gatecellWorkbook!.restore(s as never), snapshot);
    await page.getByLabel('Your token').fill(token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page
      .getByRole('region', { name: 'Sheet' })
      .getByRole('button', { name: 'Push', exact: true })
      .waitFor();
    return page;
  };
  const push$ = (page: Page) => page.getByRole('button', { name: 'Push', exact: true }).click();
  return { w, users, browser, origin, boundPane, status, record, headers, rows, reopen, push$ };
}

describe('the workbook outside the happy path', () => {
  it('closed, mailed and reopened in a fresh browser: the state came with the file, the push is judged on its versions', async () => {
    const { users, boundPane, status, record, headers, rows, reopen, push$ } = await lifeWorld();
    const page = await boundPane(users.owner.token, headers, rows);
    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 101));
    await push$(page);
    await expect.poll(() => status(page)).toContain('1 sent, 1 applied');
    // The browser keeps only the connection; the rest is in the workbook.
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['gatecell.connection']);
    expect(await page.evaluate(() => window.gatecellWorkbook!.parts().map((p) => p.kind))).toEqual([
      'setting',
      'customXmlPart',
    ]);
    const snapshot = await page.evaluate(() => window.gatecellWorkbook!.snapshot());

    const elsewhere = await reopen(snapshot);
    await elsewhere.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 102));
    await expect
      .poll(() =>
        elsewhere
          .getByRole('region', { name: 'Not pushed yet' })
          .innerText()
          .catch(() => ''),
      )
      .toContain('1 change(s) to send');
    await push$(elsewhere);
    await expect
      .poll(() => status(elsewhere))
      .toContain('1 sent, 1 applied, 0 pending approval, 0 rejected, 0 in conflict');
    expect(await record('M-1', '2027-03')).toBe(102);

    // The old copy (M-1 at 101, version 2) edited and pushed later: a conflict, never an overwrite.
    const old = await reopen(snapshot);
    await old.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 103));
    await push$(old);
    await expect.poll(() => status(old)).toContain('1 in conflict');
    expect(await record('M-1', '2027-03')).toBe(102);
    // Keep mine: sent again on the record's current version.
    await old
      .getByRole('region', { name: 'Last push' })
      .getByRole('button', { name: 'Keep mine' })
      .click();
    await expect.poll(() => status(old)).toContain('1 sent, 1 applied');
    expect(await record('M-1', '2027-03')).toBe(103);
  });

  it("a rejection reaches the cell with the controller's comment, and the approved value back", async () => {
    const { w, users, boundPane, status, headers, rows, push$ } = await lifeWorld();
    const page = await boundPane(users.owner.token, headers, rows);
    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 1, 2, 40)); // M-2 April: material
    await push$(page);
    const results = page.getByRole('region', { name: 'Last push' });
    await results.getByLabel('Note for C3').fill('Plant closure');
    await results.getByRole('button', { name: 'Send 1 with notes' }).click();
    await expect.poll(() => status(page)).toContain('1 pending approval');
    const [request] = (await w.call(users.controller.token, 'GET', '/change-requests?scope=M-2'))
      .body.changeRequests;
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${request.id}/reject`, {
          comment: 'Closure not confirmed',
        })
      ).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() =>
        page.evaluate(() => [
          window.gatecellWorkbook!.value('Forecast', 1, 2),
          window.gatecellWorkbook!.look('Forecast', 1, 2),
          window.gatecellWorkbook!.note('Forecast', 1, 2),
        ]),
      )
      .toEqual([
        100,
        'rejected',
        '✕ Rejected by controller: "Closure not confirmed". The approved value 100 stays the record.',
      ]);
  });

  it('two panes on one workbook (co-authoring): each sends only its own edits', async () => {
    const { w, users, boundPane, status, headers, rows, reopen, push$ } = await lifeWorld();
    const a = await boundPane(users.owner.token, headers, rows);
    const snapshot = await a.evaluate(() => window.gatecellWorkbook!.snapshot());
    const b = await reopen(snapshot, users.planner2.token);
    // Owner types M-1 March; planner2 types M-2 March; each edit reaches the other pane as a co-author's.
    await a.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 104));
    await b.evaluate(() => window.gatecellWorkbook!.remoteType('Forecast', 0, 1, 104));
    await b.evaluate(() => window.gatecellWorkbook!.type('Forecast', 1, 1, 105));
    await a.evaluate(() => window.gatecellWorkbook!.remoteType('Forecast', 1, 1, 105));
    await expect
      .poll(() =>
        a
          .getByRole('group', { name: "A co-author's edits" })
          .innerText()
          .catch(() => ''),
      )
      .toContain('M-2');
    await push$(a);
    await expect.poll(() => status(a)).toContain('1 sent, 1 applied');
    await expect(status(a)).resolves.toContain('1 co-author edit(s) left for them');
    await push$(b);
    await expect.poll(() => status(b)).toContain('1 sent, 1 applied');
    const audit = (
      await w.call(users.viewer.token, 'GET', '/audit?scope=ORG&order=newest&limit=10')
    ).body.events.filter(
      (e: any) => e.action === 'cell.changed' && e.subject === 'forecast 2027-03',
    );
    expect(
      audit
        .slice(0, 2)
        .map((e: any) => [e.node, e.actorName])
        .sort(),
    ).toEqual([
      ['M-1', 'owner'],
      ['M-2', 'planner2'],
    ]);
  });

  it('a host without cell notes lists every reason in the pane, with go to cell', async () => {
    const { users, boundPane, headers, rows, push$ } = await lifeWorld();
    const page = await boundPane(users.owner.token, headers, rows, { notes: false });
    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 1, 2, 'n/a'));
    await push$(page);
    const flagged = page.getByRole('region', { name: 'Flagged cells' });
    await expect
      .poll(() => flagged.innerText())
      .toContain('✕ Not sent: "n/a" is text, not an amount');
    expect(
      await page.evaluate(() => window.gatecellWorkbook!.note('Forecast', 1, 2)),
    ).toBeUndefined();
    await flagged.getByRole('button', { name: 'Go to cell' }).click();
    await expect
      .poll(() => page.evaluate(() => window.gatecellWorkbook!.selected))
      .toEqual({ table: 'Forecast', row: 1, column: 2 });
  });

  it('the Measure tab: the owner ticks a milestone; the sponsor puts the measure on hold and resumes it', async () => {
    const { w, users, boundPane, headers, rows } = await lifeWorld();
    await w.call(users.owner.token, 'POST', '/measures/M-1/milestones', {
      title: 'Tender issued',
      due: '2027-05-31',
    });
    const owner = await boundPane(users.owner.token, headers, rows);
    await owner.getByRole('tab', { name: 'Measure' }).click();
    await owner.evaluate(() =>
      window.gatecellWorkbook!.select({ table: 'Forecast', row: 0, column: 1 }),
    );
    await owner.getByRole('checkbox', { name: 'Tender issued · due 2027-05-31' }).click();
    await expect
      .poll(
        async () =>
          (await w.call(users.viewer.token, 'GET', '/measures/M-1')).body.milestones[0].done,
      )
      .toBe(true);
    // The owner may not hold their own measure: the pane does not offer it.
    expect(await owner.getByRole('button', { name: 'Put on hold' }).count()).toBe(0);

    const sponsor = await boundPane(users.sponsor.token, headers, rows);
    await sponsor.getByRole('tab', { name: 'Measure' }).click();
    await sponsor.evaluate(() =>
      window.gatecellWorkbook!.select({ table: 'Forecast', row: 0, column: 1 }),
    );
    const tab = sponsor.getByRole('region', { name: 'Measure', exact: true });
    await tab.getByLabel('Comment').fill('Supplier audit first');
    await tab.getByRole('button', { name: 'Put on hold' }).click();
    await expect.poll(() => tab.innerText()).toContain('on hold: Supplier audit first');
    await tab.getByLabel('Comment').fill('Audit passed');
    await tab.getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(async () => (await w.call(users.viewer.token, 'GET', '/measures/M-1')).body.onHold)
      .toBe(false);
  });

  it('a renamed table keeps its binding', async () => {
    const { users, boundPane, status, record, headers, rows, push$ } = await lifeWorld();
    const page = await boundPane(users.owner.token, headers, rows);
    await page.evaluate(() => {
      window.gatecellWorkbook!.renameTable('Forecast', 'Forecast_EU');
      window.gatecellWorkbook!.type('Forecast_EU', 1, 2, 101);
    });
    await push$(page);
    await expect.poll(() => status(page)).toContain('1 sent, 1 applied');
    expect(await record('M-2', '2027-04')).toBe(101);
  });

  it("a 10,000 × 24 table is pulled and pushed in requests within Excel on the web's 5 MB", async () => {
    const { w, users, boundPane, status, push$ } = await lifeWorld();
    const months = Array.from(
      { length: 24 },
      (_, i) => `${2027 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
    );
    const codes = Array.from({ length: 10_000 }, (_, i) => `B-${String(i).padStart(5, '0')}`);
    await insertMeasures(w.db, {
      packageCode: 'ORG-PKG',
      ownerId: users.owner.id,
      codes,
      startPeriod: '2027-01',
      endPeriod: '2028-12',
    });
    const page = await boundPane(
      users.owner.token,
      ['Measure', ...months.map((m) => `Forecast ${m}`)],
      codes.map((c) => [c, ...months.map(() => '')]),
    );
    // The planner fills every month of every row (as a paste would), then pushes.
    await page.evaluate((n) => {
      const b = window.gatecellWorkbook!;
      for (let r = 0; r < n; r++)
        for (let c = 1; c <= 24; c++) b.type('Forecast', r, c, 1000 + r + c / 100);
    }, codes.length);
    await push$(page);
    await expect
      .poll(() => status(page), { timeout: 120_000, interval: 500 })
      .toContain('240000 sent, 240000 applied');
    const largest = await page.evaluate(() => window.gatecellWorkbook!.largestRequestBytes);
    expect(largest).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(
      await page.evaluate(() => [
        window.gatecellWorkbook!.look('Forecast', 9_999, 24),
        window.gatecellWorkbook!.parts().find((p) => p.kind === 'customXmlPart')!.bytes,
      ]),
    ).toEqual(['applied', expect.any(Number)]);
    expect(
      (
        await w.call(users.viewer.token, 'GET', '/cells?scope=B-09999&kinds=forecast')
      ).body.cells.find((c: any) => c.period === '2028-12').value,
    ).toBe(10999.24);
    // And pulled back.
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect
      .poll(() => status(page), { timeout: 60_000, interval: 500 })
      .toContain('240000 cells from the record');
  }, 240_000);
});
