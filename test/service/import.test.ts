import { describe, expect, it } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

describe('actuals import (CSV)', async () => {
  const w = await world(new Date('2027-07-15T09:00:00Z'));
  const { users } = w;
  await measure(w, 'M-I');
  await push(w, users.owner.token, plan('M-I', 'target', 100));
  await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: '2027-02' });
  const upload = async (csv: string, token = users.controller.token) => {
    const r = await w.app.request('/api/v1/import/actuals', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('one outcome per row; a bad row is reported with its line and changes nothing else', async () => {
    const r = await upload('measure,period,amount\nM-I,2027-01,95.5\nM-I,2027-02,abc\nM-NOPE,2027-01,1\nM-I,2027-13,1\nM-I,2027-02,101\n');
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { row: 2, outcome: 'applied', value: 95.5, version: 1 },
      expect.objectContaining({ row: 3, outcome: 'rejected', reason: expect.objectContaining({ code: 'INVALID_VALUE' }) }),
      expect.objectContaining({ row: 4, outcome: 'rejected', reason: expect.objectContaining({ code: 'UNKNOWN_MEASURE' }) }),
      expect.objectContaining({ row: 5, outcome: 'rejected', reason: expect.objectContaining({ code: 'INVALID_VALUE' }) }),
      { row: 6, outcome: 'applied', value: 101, version: 1 },
    ]);
  });

  it('a change to a booked actual in a closed period needs a note', async () => {
    const noNote = await upload('measure,period,amount\nM-I,2027-01,96\n');
    expect(noNote.body.results[0]).toMatchObject({ outcome: 'rejected', value: 95.5, reason: { code: 'NOTE_REQUIRED' } });
    const withNote = await upload('measure,period,amount,note\nM-I,2027-01,96,"ledger correction, Feb close"\n');
    expect(withNote.body.results[0]).toEqual({ row: 2, outcome: 'applied', value: 96, version: 2 });
  });

  it('controllers only; an unreadable CSV or a wrong header is a 400', async () => {
    expect((await upload('measure,period,amount\nM-I,2027-01,1\n', users.owner.token)).status).toBe(403);
    const header = await upload('code,month,value\nM-I,2027-01,1\n');
    expect(header.status).toBe(400);
    expect(header.body.error).toMatchObject({ code: 'INVALID_CSV', message: expect.stringContaining('measure, period, amount') });
    const broken = await upload('measure,period,amount\n"M-I,2027-01,1\n');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_CSV');
  });
});
