// The task pane in real headless Chromium (Debian's /usr/bin/chromium) against the real service,
// with the workbook supplied by the in-memory port (window.gatecellWorkbook).
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { measure, push, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

const SHOTS = 'test-results';

/**
 * A world of its own for one test: M-1 and M-2 with a target and a forecast of 100 in 2027-03, a
 * service and Chromium serving the pane, and panes opened on a table listing M-2 then M-1.
 */
async function paneWorld() {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  for (const code of ['M-1', 'M-2']) {
    await measure(w, code);
    await push(w, users.owner.token, [
      { measure: code, kind: 'target', period: '2027-03', value: 100 },
      { measure: code, kind: 'forecast', period: '2027-03', value: 100 },
    ]);
  }
  const fixture = await paneFixture(w);
  const headers = ['Measure', 'Title', 'Target 2027-03', 'Forecast 2027-03'];
  const rows = [
    ['M-2', 'Energy', '', ''],
    ['M-1', 'Freight', '', ''],
  ];
  return {
    users,
    status: fixture.status,
    openPane: (token: string, width = 360) => fixture.openPane(token, headers, rows, { width }),
    /** Bound to the table (scope ORG) and pulled. */
    boundPane: (token: string, width = 360) => fixture.boundPane(token, headers, rows, { width }),
  };
}

const cell = (page: Page, row: number, column: number) =>
  page.evaluate(
    ([r, c]) => ({
      value: window.gatecellWorkbook!.value('Forecast', r!, c!),
      look: window.gatecellWorkbook!.look('Forecast', r!, c!),
      note: window.gatecellWorkbook!.note('Forecast', r!, c!),
    }),
    [row, column],
  );

/** The owner asks, through the pane, for M-2's March forecast to become 50 (material), with a note. */
async function requestMaterialChange(owner: Page, status: (p: Page) => Promise<string>) {
  await owner.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 3, 50));
  await owner.getByRole('button', { name: 'Push', exact: true }).click();
  await expect.poll(() => status(owner)).toContain('1 rejected');
  const results = owner.getByRole('region', { name: 'Last push' });
  await results.getByLabel('Note for D2').fill('Key account lost in February');
  await results.getByRole('button', { name: 'Send 1 with notes' }).click();
  await expect.poll(() => status(owner)).toContain('1 sent, 0 applied, 1 pending approval');
}

describe('task pane in Chromium', () => {
  mkdirSync(SHOTS, { recursive: true });

  it('connects, binds the selected table and pulls the record', async () => {
    const { users, status, openPane } = await paneWorld();
    const owner = await openPane(users.owner.token);
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
    const { users, status, boundPane } = await paneWorld();
    const owner = await boundPane(users.owner.token);
    await owner.evaluate(() => {
      window.gatecellWorkbook!.type('Forecast', 1, 3, 104); // M-1: within tolerance
      window.gatecellWorkbook!.type('Forecast', 0, 3, 50); // M-2: material
    });
    // Before Push: each change listed, with where it is and what it replaces.
    const waiting = owner.getByRole('region', { name: 'Not pushed yet' });
    await expect.poll(() => waiting.innerText().catch(() => '')).toContain('2 change(s) to send');
    await expect(waiting.getByLabel('D2 M-2 forecast 2027-03').innerText()).resolves.toContain(
      '100 → 50',
    );
    await owner.getByRole('button', { name: 'Push', exact: true }).click();
    await expect
      .poll(() => status(owner))
      .toContain('2 sent, 1 applied, 0 pending approval, 1 rejected');
    expect(await cell(owner, 1, 3)).toMatchObject({ value: 104, look: 'applied' });
    expect(await cell(owner, 0, 3)).toMatchObject({
      value: 50,
      look: 'rejected',
      note: expect.stringMatching(/^✕ Needs a note/),
    });
    // After Push: every outcome listed; the material change takes its own note.
    const results = owner.getByRole('region', { name: 'Last push' });
    await expect(results.getByLabel('D3 applied').innerText()).resolves.toContain('M-1');
    await results.getByLabel('Note for D2').fill('Key account lost in February');
    await owner.screenshot({ path: `${SHOTS}/pane-note-360.png`, fullPage: true });
    await results.getByRole('button', { name: 'Send 1 with notes' }).click();
    await expect.poll(() => status(owner)).toContain('1 sent, 0 applied, 1 pending approval');
    expect(await cell(owner, 0, 3)).toMatchObject({
      value: 100,
      look: 'pending',
      note: expect.stringMatching(/^◔ Pending approval: 50 requested/),
    });
    // Go to cell selects it in the sheet.
    await owner
      .getByRole('region', { name: 'Last push' })
      .getByRole('button', { name: 'Go to cell' })
      .first()
      .click();
    await expect
      .poll(() => owner.evaluate(() => window.gatecellWorkbook!.selected))
      .toEqual({ table: 'Forecast', row: 0, column: 3 });
  });

  it('the controller approves in the pane; the owner sees the value on refresh', async () => {
    const { users, status, openPane, boundPane } = await paneWorld();
    const owner = await boundPane(users.owner.token);
    await requestMaterialChange(owner, status);
    const controller = await openPane(users.controller.token, 320);
    await controller.getByRole('tab', { name: 'Approvals' }).click();
    const request = controller.getByLabel('Request M-2 forecast 2027-03');
    // What it changes, by how much of the month's target, why it waits, and where it came from.
    await expect(request.innerText()).resolves.toMatch(
      /Key account lost in February[\s\S]*100 → 50 \(-50\.0 % of target\)|100 → 50 \(-50\.0 % of target\)[\s\S]*Key account lost in February/,
    );
    await expect(request.innerText()).resolves.toContain(
      "Material: it moves the value by more than the organization's threshold.",
    );
    await controller.screenshot({ path: `${SHOTS}/pane-approvals-320.png`, fullPage: true });
    await request.getByRole('checkbox', { name: 'Select M-2 forecast 2027-03' }).check();
    await controller.getByLabel('Comment for the 1 selected').fill('Agreed in the S&OP review');
    await controller.getByRole('button', { name: 'Approve 1' }).click();
    await expect.poll(() => status(controller)).toContain('1 request(s) approved');
    await expect.poll(() => controller.getByText('Nothing waits on you.').isVisible()).toBe(true);

    await owner.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => status(owner)).toContain('1 cell(s) changed by others');
    // The decision reaches the cell: the approved value, with who approved it and why.
    expect(await cell(owner, 0, 3)).toMatchObject({
      value: 50,
      look: 'applied',
      note: '✓ Approved by controller: "Agreed in the S&OP review".',
    });
  });

  it('the owner requests the next gate from the measure; the sponsor approves it in the pane', async () => {
    const { users, status, openPane, boundPane } = await paneWorld();
    const owner = await boundPane(users.owner.token);
    await owner.getByRole('tab', { name: 'Measure' }).click();
    await owner.evaluate(() =>
      window.gatecellWorkbook!.select({ table: 'Forecast', row: 1, column: 3 }),
    );
    await owner.getByRole('button', { name: 'Request gate to identified' }).click();
    await expect
      .poll(() => owner.getByRole('region', { name: 'Measure', exact: true }).innerText())
      .toContain('Gate to identified waits on sponsor');
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
    const { users, boundPane } = await paneWorld();
    const owner = await boundPane(users.owner.token);
    for (const width of [320, 450]) {
      await owner.setViewportSize({ width, height: 900 });
      await owner.getByRole('tab', { name: 'Measure' }).click();
      await owner.evaluate(() =>
        window.gatecellWorkbook!.select({ table: 'Forecast', row: 0, column: 3 }),
      );
      await expect
        .poll(() => owner.getByRole('region', { name: 'Measure', exact: true }).innerText())
        .toContain('M-2 · Measure M-2');
      await expect(owner.getByLabel('Dual status').innerText()).resolves.toMatch(
        /Implementation.*Potential/s,
      );
      await owner.screenshot({ path: `${SHOTS}/pane-measure-${width}.png`, fullPage: true });
      await owner.getByRole('tab', { name: 'Sheet' }).click();
    }
  });
});
