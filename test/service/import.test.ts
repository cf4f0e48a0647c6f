import { describe, expect, it } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

describe('actuals import (CSV)', async () => {
  const w = await world(new Date('2027-07-15T09:00:00Z'));
  const { users } = w;
  /** A measure of its own for one test, with a target of 100 a month. */
  let made = 0;
  const fresh = async () => {
    const code = `M-I${++made}`;
    await measure(w, code);
    await push(w, users.owner.token, plan(code, 'target', 100));
    return code;
  };
  await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
    closedThrough: '2027-02',
  });
  const upload = async (csv: string, token = users.controller.token) => {
    const r = await w.app.request('/api/v1/import/actuals', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('one outcome per row; a bad row is reported with its line and changes nothing else', async () => {
    const code = await fresh();
    const r = await upload(
      `measure,period,amount\n${code},2027-01,95.5\n${code},2027-02,abc\nM-NOPE,2027-01,1\n${code},2027-13,1\n${code},2027-03,101\n`,
    );
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { row: 2, outcome: 'applied', value: 95.5, version: 1 },
      expect.objectContaining({
        row: 3,
        outcome: 'rejected',
        reason: expect.objectContaining({ code: 'INVALID_VALUE' }),
      }),
      expect.objectContaining({
        row: 4,
        outcome: 'rejected',
        reason: expect.objectContaining({ code: 'UNKNOWN_MEASURE' }),
      }),
      expect.objectContaining({
        row: 5,
        outcome: 'rejected',
        reason: expect.objectContaining({ code: 'INVALID_VALUE' }),
      }),
      { row: 6, outcome: 'applied', value: 101, version: 1 },
    ]);
  });

  it('semicolon and tab files, headers in any case, extra columns ignored, amounts as ledgers write them', async () => {
    await measure(w, 'M-J');
    const semi = await upload(
      'Measure;Period;Amount;Account\nM-J;2027-01;9,800.50;4711\nM-J;2027-02;(1,200.00);4711\nM-J;2027-03;€9800;4711\n',
    );
    expect(semi.body.results.map((r: any) => [r.outcome, r.value])).toEqual([
      ['applied', 9800.5],
      ['applied', -1200],
      ['applied', 9800],
    ]);
    const tab = await upload('MEASURE\tPERIOD\tAMOUNT\nM-J\t2027-04\tEUR 1,000.25\n');
    expect(tab.body.results[0]).toMatchObject({ outcome: 'applied', value: 1000.25 });
    const wrong = await upload('measure,period,amount\nM-J,2027-05,USD 10\n');
    expect(wrong.body.results[0]).toMatchObject({
      outcome: 'rejected',
      reason: {
        code: 'INVALID_VALUE',
        message: expect.stringMatching(/in USD; this organization books EUR/),
      },
    });
  });

  it('?decimal=comma reads 9.800,50; without it the reason says so', async () => {
    const code = await fresh();
    const comma = await w.app.request('/api/v1/import/actuals?decimal=comma', {
      method: 'POST',
      headers: { authorization: `Bearer ${users.controller.token}`, 'content-type': 'text/csv' },
      body: `measure;period;amount\n${code};2027-05;9.800,50\n`,
    });
    expect(((await comma.json()) as any).results[0]).toMatchObject({
      outcome: 'applied',
      value: 9800.5,
    });
    const point = await upload(`measure;period;amount\n${code};2027-06;9.800,50\n`);
    expect(point.body.results[0].reason.message).toMatch(/decimal=comma/);
  });

  it('journal lines of one measure and month add up to its actual, no note needed; each names the line it was added to', async () => {
    await measure(w, 'M-K');
    const r = await upload(
      'measure,period,amount\nM-K,2027-04,100\nM-K,2027-05,7\nM-K,2027-04,250.5\n',
    );
    expect(r.body.results).toEqual([
      { row: 2, outcome: 'applied', value: 350.5, version: 1 },
      { row: 3, outcome: 'applied', value: 7, version: 1 },
      { row: 4, outcome: 'applied', value: 350.5, version: 1, addedTo: 2 },
    ]);
    // In a closed month too: two journal lines are one first actual, not a change needing a note.
    const closed = await upload('measure,period,amount\nM-K,2027-01,40\nM-K,2027-01,2\n');
    expect(closed.body.results.map((x: any) => [x.outcome, x.value])).toEqual([
      ['applied', 42],
      ['applied', 42],
    ]);
    const audit = (await w.call(users.admin.token, 'GET', '/audit?scope=M-K')).body.events.filter(
      (e: any) => e.action === 'cell.changed' && e.subject !== 'actual 2027-01',
    );
    expect(audit.map((e: any) => [e.subject, e.after.value, e.source.cell])).toEqual([
      ['actual 2027-04', 350.5, 'lines 2, 4'],
      ['actual 2027-05', 7, 'line 3'],
    ]);
  });

  it('a file over 100,000 rows is 413 and changes nothing', async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `M-K,2027-0${(i % 5) + 1},1`).join('\n');
    const before = (await w.call(users.viewer.token, 'GET', '/cells?scope=M-K')).body;
    const r = await upload(`measure,period,amount\n${rows}\n`);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('TOO_MANY_ROWS');
    expect((await w.call(users.viewer.token, 'GET', '/cells?scope=M-K')).body).toEqual(before);
  });

  it('a change to a booked actual in a closed period needs a note', async () => {
    const code = await fresh();
    // A first actual of a closed month is booked without a note; changing it needs one.
    expect(
      (await upload(`measure,period,amount\n${code},2027-01,95.5\n`)).body.results[0],
    ).toMatchObject({ outcome: 'applied', version: 1 });
    const noNote = await upload(`measure,period,amount\n${code},2027-01,96\n`);
    expect(noNote.body.results[0]).toMatchObject({
      outcome: 'rejected',
      value: 95.5,
      reason: { code: 'NOTE_REQUIRED' },
    });
    const withNote = await upload(
      `measure,period,amount,note\n${code},2027-01,96,"ledger correction, Feb close"\n`,
    );
    expect(withNote.body.results[0]).toEqual({ row: 2, outcome: 'applied', value: 96, version: 2 });
  });

  it('controllers only; an unreadable CSV or a wrong header is a 400', async () => {
    const code = await fresh();
    expect(
      (await upload(`measure,period,amount\n${code},2027-01,1\n`, users.owner.token)).status,
    ).toBe(403);
    const header = await upload(`code,month,value\n${code},2027-01,1\n`);
    expect(header.status).toBe(400);
    expect(header.body.error).toMatchObject({
      code: 'INVALID_CSV',
      message: expect.stringContaining('measure, period, amount'),
    });
    const broken = await upload(`measure,period,amount\n"${code},2027-01,1\n`);
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_CSV');
  });
});
