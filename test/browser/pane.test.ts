// The task pane in real headless Chromium (Debian's /usr/bin/chromium) against the real service,
// with the workbook supplied by the in-memory port (window.gatecellWorkbook).
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { measure, push, world } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-results';

describe('task pane in Chromium', async () => {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  for (const code of ['M-1', 'M-2']) {
    await measure(w, code);
    await push(w, users.owner.token, [{ measure: code, kind: 'target', period: '2027-03', value: 100 }, { measure: code, kind: 'forecast', period: '2027-03', value: 100 }]);
  }
  const app = createApp({ db: w.db, now: () => w.clock.now }, { dir: 'dist/pane', officeJs: 'local' });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
  afterAll(async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  });

  async function openPane(token: string, width = 360): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/taskpane.html`);
    await page.waitForFunction(() => !!window.gatecellWorkbook);
    await page.evaluate(() => window.gatecellWorkbook!.addTable('Forecast', 'Forecast', ['Measure', 'Title', 'Target 2027-03', 'Forecast 2027-03'], [['M-2', 'Energy', '', ''], ['M-1', 'Freight', '', '']]));
    await page.getByLabel('Your token').fill(token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByLabel('Signed in as').waitFor();
    expect(errors).toEqual([]);
    return page;
  }
  const cell = (page: Page, row: number, column: number) => page.evaluate(([r, c]) => ({
    value: window.gatecellWorkbook!.value('Forecast', r!, c!), look: window.gatecellWorkbook!.look('Forecast', r!, c!), note: window.gatecellWorkbook!.note('Forecast', r!, c!),
  }), [row, column]);
  const status = (page: Page) => page.getByRole('status').last().innerText();

  let owner: Page;

  it('connects, binds the selected table and pulls the record', async () => {
    owner = await openPane(users.owner.token);
    await expect(owner.getByLabel('Signed in as').innerText()).resolves.toContain('owner');
    await owner.getByRole('button', { name: 'Bind the selected table' }).click();
    expect(await owner.getByLabel('Month of Forecast 2027-03').inputValue()).toBe('2027-03');
    expect(await owner.getByLabel('Kind of Target 2027-03').inputValue()).toBe('target');
    expect(await owner.getByRole('checkbox', { name: 'Title' }).isChecked()).toBe(false);
    await owner.screenshot({ path: `${SHOTS}/pane-bind-360.png`, fullPage: true });
    await owner.getByLabel('Scope (node code)').fill('ORG');
    await owner.getByRole('button', { name: 'Confirm binding' }).click();
    await owner.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(() => status(owner)).toContain('Pulled');
    expect(await cell(owner, 1, 3)).toMatchObject({ value: 100, look: 'plain' });
    await owner.screenshot({ path: `${SHOTS}/pane-pulled-360.png`, fullPage: true });
  });

  it('pushes an edit, asks a note for a material one, and flags each outcome', async () => {
    await owner.evaluate(() => {
      window.gatecellWorkbook!.type('Forecast', 1, 3, 104); // M-1: within tolerance
      window.gatecellWorkbook!.type('Forecast', 0, 3, 50); // M-2: material
    });
    await expect.poll(() => owner.getByLabel('Not pushed yet').innerText().catch(() => '')).toBe('2 change(s) not pushed yet');
    await owner.getByRole('button', { name: 'Push' }).click();
    await expect.poll(() => status(owner)).toContain('2 sent, 1 applied, 0 pending approval, 1 rejected');
    expect(await cell(owner, 1, 3)).toMatchObject({ value: 104, look: 'applied' });
    expect(await cell(owner, 0, 3)).toMatchObject({ value: 50, look: 'rejected', note: expect.stringMatching(/^Needs a note/) });
    await owner.getByLabel(/material change\(s\) need a note/).fill('Key account lost in February');
    await owner.screenshot({ path: `${SHOTS}/pane-note-360.png`, fullPage: true });
    await owner.getByRole('button', { name: 'Push' }).click();
    await expect.poll(() => status(owner)).toContain('1 sent, 0 applied, 1 pending approval');
    expect(await cell(owner, 0, 3)).toMatchObject({ value: 100, look: 'pending', note: expect.stringMatching(/^Pending approval: you asked 50/) });
  });

  it('the controller approves in the pane; the owner sees the value on refresh', async () => {
    const controller = await openPane(users.controller.token, 320);
    await controller.getByRole('tab', { name: 'Approvals' }).click();
    const request = controller.getByLabel('Request M-2 forecast 2027-03');
    await expect(request.innerText()).resolves.toContain('Key account lost in February');
    await controller.screenshot({ path: `${SHOTS}/pane-approvals-320.png`, fullPage: true });
    await request.getByLabel('Comment').fill('Agreed in the S&OP review');
    await request.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => status(controller)).toContain('M-2 forecast 2027-03 is now 50');
    await expect.poll(() => controller.getByText('Nothing waits on you.').isVisible()).toBe(true);

    await owner.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => status(owner)).toContain('1 cell(s) changed by others');
    // The decision reaches the cell: the approved value, with who approved it and why.
    expect(await cell(owner, 0, 3)).toMatchObject({ value: 50, look: 'applied', note: 'Approved by controller: "Agreed in the S&OP review".' });
  });

  it('the owner requests the next gate from the measure; the sponsor approves it in the pane', async () => {
    await owner.getByRole('tab', { name: 'Measure' }).click();
    await owner.evaluate(() => window.gatecellWorkbook!.select({ table: 'Forecast', row: 1, column: 3 }));
    await owner.getByRole('button', { name: 'Request gate to identified' }).click();
    await expect.poll(() => owner.getByRole('region', { name: 'Measure', exact: true }).innerText()).toContain('Gate to identified waits on sponsor');
    const sponsor = await openPane(users.sponsor.token, 320);
    await sponsor.getByRole('tab', { name: 'Approvals' }).click();
    const gate = sponsor.getByLabel('Gate M-1 to identified');
    await gate.getByLabel('Comment').fill('Sized and sponsored');
    await sponsor.screenshot({ path: `${SHOTS}/pane-gate-320.png`, fullPage: true });
    await gate.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => status(sponsor)).toContain('M-1 is now identified');
    await owner.getByRole('tab', { name: 'Sheet' }).click();
  });

  it('shows the measure behind the selected cell at task-pane widths', async () => {
    for (const width of [320, 450]) {
      await owner.setViewportSize({ width, height: 900 });
      await owner.getByRole('tab', { name: 'Measure' }).click();
      await owner.evaluate(() => window.gatecellWorkbook!.select({ table: 'Forecast', row: 0, column: 3 }));
      await expect.poll(() => owner.getByRole('region', { name: 'Measure', exact: true }).innerText()).toContain('M-2 · Measure M-2');
      await expect(owner.getByLabel('Dual status').innerText()).resolves.toMatch(/Implementation.*Potential/s);
      await owner.screenshot({ path: `${SHOTS}/pane-measure-${width}.png`, fullPage: true });
      await owner.getByRole('tab', { name: 'Sheet' }).click();
    }
  });
});
