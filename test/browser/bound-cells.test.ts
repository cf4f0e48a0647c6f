// Bound cells are found by identity, never by position: inserted and moved columns never send a
// value to the wrong month, a deleted bound column stops the binding with what is missing, and
// rows sorted or inserted while a push is on the wire get their own answers (the pane in Chromium
// on the in-memory workbook, against the real service).
import { describe, expect, it } from 'vitest';
import { forecastMeasures, push, world } from '../helpers.js';
import { paneFixture } from './fixture.js';

/** A world of its own (M-1 and M-2 forecast at 100), with the pane served to Chromium. */
async function cellsWorld() {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  await forecastMeasures(w, ['M-1', 'M-2']);
  const { boundPane, status } = await paneFixture(w);
  const record = async (code: string, period: string) =>
    (
      await w.call(users.viewer.token, 'GET', `/cells?scope=${code}&kinds=forecast`)
    ).body.cells.find((c: any) => c.period === period).value;
  return { w, users, boundPane, status, record };
}

describe('bound cells in Chromium', () => {
  it('an inserted and a moved column change nothing of what each column means', async () => {
    const { users, boundPane, status, record } = await cellsWorld();
    const page = await boundPane(
      users.owner.token,
      ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'],
      [['M-1', '', '']],
    );
    // The planner inserts a column and moves April before March: [Measure, Forecast 2027-04, Comment, Forecast 2027-03].
    await page.evaluate(() => {
      window.gatecellWorkbook!.insertColumn('Forecast', 1, 'Comment');
      window.gatecellWorkbook!.moveColumn('Forecast', 3, 1);
      window.gatecellWorkbook!.type('Forecast', 0, 1, 104); // April, where it now stands
    });
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => status(page)).toContain('1 sent, 1 applied');
    expect([await record('M-1', '2027-03'), await record('M-1', '2027-04')]).toEqual([100, 104]);
    const sheet = await page.evaluate(() =>
      [0, 1, 2, 3].map((c) => [
        window.gatecellWorkbook!.value('Forecast', 0, c),
        window.gatecellWorkbook!.look('Forecast', 0, c),
      ]),
    );
    expect(sheet).toEqual([
      ['M-1', 'plain'],
      [104, 'applied'],
      ['', 'plain'],
      [100, 'plain'],
    ]);

    // A bound column deleted stops the binding, saying what is missing; nothing is sent.
    await page.evaluate(() => {
      window.gatecellWorkbook!.deleteColumn('Forecast', 3); // Forecast 2027-03
      window.gatecellWorkbook!.type('Forecast', 0, 1, 99);
    });
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => status(page)).toContain('"Forecast 2027-03" was deleted');
    expect(await record('M-1', '2027-04')).toBe(104);
  });

  it('rows sorted and inserted while the push is on the wire: every answer lands on its own measure', async () => {
    const { users, boundPane, status, record } = await cellsWorld();
    const page = await boundPane(
      users.owner.token,
      ['Measure', 'Forecast 2027-03'],
      [
        ['M-1', ''],
        ['M-2', ''],
      ],
    );
    await page.evaluate(() => {
      window.gatecellWorkbook!.type('Forecast', 0, 1, 101); // M-1
      window.gatecellWorkbook!.type('Forecast', 1, 1, 102); // M-2
    });
    // The answer is held while a co-author sorts the table and inserts a row above it.
    await page.route('**/api/v1/sync/push', async (route) => {
      await page.evaluate(() => {
        window.gatecellWorkbook!.sort('Forecast', 0, 'desc');
        window.gatecellWorkbook!.insertRow('Forecast', 0, ['M-NEW', 7]);
      });
      await route.continue();
    });
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => status(page)).toContain('2 sent, 2 applied');
    const rows = await page.evaluate(() =>
      [0, 1, 2].map((r) =>
        [0, 1]
          .map((c) => window.gatecellWorkbook!.value('Forecast', r, c))
          .concat(window.gatecellWorkbook!.look('Forecast', r, 1)),
      ),
    );
    expect(rows).toEqual([
      ['M-NEW', 7, 'plain'],
      ['M-2', 102, 'applied'],
      ['M-1', 101, 'applied'],
    ]);
    expect([await record('M-1', '2027-03'), await record('M-2', '2027-03')]).toEqual([101, 102]);
  });

  it('Pull with unpushed edits asks first: keep them (and pull the rest), or discard them', async () => {
    const { w, users, boundPane, status, record } = await cellsWorld();
    const page = await boundPane(
      users.owner.token,
      ['Measure', 'Forecast 2027-04'],
      [
        ['M-1', ''],
        ['M-2', ''],
      ],
    );
    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 103)); // M-1, not pushed
    await push(w, users.planner2.token, [
      { measure: 'M-2', kind: 'forecast', period: '2027-04', value: 108, baseVersion: 1 },
    ]); // a colleague
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    const ask = page.getByRole('group', { name: 'Unpushed edits' });
    await expect(ask.innerText()).resolves.toContain('1 change(s) not pushed yet');
    await ask.getByRole('button', { name: 'Keep my edits, pull the rest' }).click();
    await expect.poll(() => status(page)).toContain('your 1 unpushed edit(s) kept');
    const values = () =>
      page.evaluate(() => [0, 1].map((r) => window.gatecellWorkbook!.value('Forecast', r, 1)));
    expect(await values()).toEqual([103, 108]);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => status(page)).toContain('1 sent, 1 applied');
    expect(await record('M-1', '2027-04')).toBe(103);

    await page.evaluate(() => window.gatecellWorkbook!.type('Forecast', 0, 1, 99));
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await page
      .getByRole('group', { name: 'Unpushed edits' })
      .getByRole('button', { name: 'Discard my edits' })
      .click();
    await expect.poll(() => status(page)).toContain('Pulled');
    expect(await values()).toEqual([103, 108]);
  });

  it("a formula in a bound cell and the planner's own note and fill survive pull and push", async () => {
    const { users, boundPane, status, record } = await cellsWorld();
    const page = await boundPane(users.owner.token, ['Measure', 'Forecast 2027-03'], [['M-2', '']]);
    await page.evaluate(() => {
      const b = window.gatecellWorkbook!;
      b.setFormula('Forecast', 0, 1, '=100*1.03', 103);
      b.setUserNote('Forecast', 0, 1, 'from the volume model');
      b.setUserFill('Forecast', 0, 1, '#FFFF00');
    });
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await expect.poll(() => status(page)).toContain('1 sent, 1 applied');
    expect(await record('M-2', '2027-03')).toBe(103);
    const cellNow = () =>
      page.evaluate(() => {
        const b = window.gatecellWorkbook!;
        return {
          formula: b.formula('Forecast', 0, 1),
          value: b.value('Forecast', 0, 1),
          note: b.note('Forecast', 0, 1),
          fill: b.fill('Forecast', 0, 1),
        };
      });
    expect(await cellNow()).toMatchObject({
      formula: '=100*1.03',
      value: 103,
      note: 'from the volume model',
    });
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    await expect.poll(() => status(page)).toContain('Pulled');
    expect(await cellNow()).toEqual({
      formula: '=100*1.03',
      value: 103,
      note: 'from the volume model',
      fill: '#FFFF00',
    });
  });
});
