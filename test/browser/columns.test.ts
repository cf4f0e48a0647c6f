// Columns are bound by identity: inserted and moved columns never send a value to the wrong month,
// and a deleted bound column stops the binding with what is missing (the pane in Chromium on the
// in-memory workbook, against the real service).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { measure, push, world } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('bound columns in Chromium', async () => {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-1');
  await push(w, users.owner.token, ['2027-03', '2027-04'].flatMap((period) => [{ measure: 'M-1', kind: 'target', period, value: 100 }, { measure: 'M-1', kind: 'forecast', period, value: 100 }]));
  const app = createApp({ db: w.db, now: () => w.clock.now }, { dir: 'dist/pane', officeJs: 'local' });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  afterAll(async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  });
  const page = await (await browser.newContext({ viewport: { width: 360, height: 900 } })).newPage();
  const record = async (period: string) => (await w.call(users.viewer.token, 'GET', '/cells?scope=M-1&kinds=forecast')).body.cells.find((c: any) => c.period === period).value;
  const status = () => page.getByRole('status').last().innerText();

  it('binds, then an inserted and a moved column change nothing of what each column means', async () => {
    await page.goto(`${origin}/taskpane.html`);
    await page.waitForFunction(() => !!window.gatecellWorkbook);
    await page.evaluate(() => window.gatecellWorkbook!.addTable('Forecast', 'Forecast', ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'], [['M-1', '', '']]));
    await page.getByLabel('Your token').fill(users.owner.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Bind the selected table' }).click();
    await page.getByLabel('Scope (node code)').fill('ORG');
    await page.getByRole('button', { name: 'Confirm binding' }).click();
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(status).toContain('Pulled');
    // The planner inserts a column and moves April before March: [Measure, Forecast 2027-04, Comment, Forecast 2027-03].
    await page.evaluate(() => {
      window.gatecellWorkbook!.insertColumn('Forecast', 1, 'Comment');
      window.gatecellWorkbook!.moveColumn('Forecast', 3, 1);
      window.gatecellWorkbook!.type('Forecast', 0, 1, 104); // April, where it now stands
    });
    await page.getByRole('button', { name: 'Push' }).click();
    await expect.poll(status).toContain('1 sent, 1 applied');
    expect([await record('2027-03'), await record('2027-04')]).toEqual([100, 104]);
    const sheet = await page.evaluate(() => [0, 1, 2, 3].map((c) => [window.gatecellWorkbook!.value('Forecast', 0, c), window.gatecellWorkbook!.look('Forecast', 0, c)]));
    expect(sheet).toEqual([['M-1', 'plain'], [104, 'applied'], ['', 'plain'], [100, 'plain']]);
  });

  it('a bound column deleted stops the binding, saying what is missing; nothing is sent', async () => {
    await page.evaluate(() => {
      window.gatecellWorkbook!.deleteColumn('Forecast', 3); // Forecast 2027-03
      window.gatecellWorkbook!.type('Forecast', 0, 1, 99);
    });
    await page.getByRole('button', { name: 'Push' }).click();
    await expect.poll(status).toContain('"Forecast 2027-03" was deleted');
    expect(await record('2027-04')).toBe(104);
  });
});
