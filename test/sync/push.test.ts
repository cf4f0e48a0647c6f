import { describe, expect, it } from 'vitest';
import { cellKey, type Snapshot } from '../../shared/sync/cells.js';
import type { CellChange } from '../../shared/sync/diff.js';
import { applyResults, BATCH_SIZE, planPush, varianceFlags } from '../../shared/sync/push.js';

const change = (i: number, over: Partial<CellChange> = {}): CellChange => ({
  measure: `M-${i}`,
  kind: 'forecast',
  period: '2027-03',
  value: i,
  baseVersion: 1,
  row: i,
  column: 2,
  ...over,
});

describe('push batches', () => {
  it('carries base versions, the note where the planner gave one, and the cell address', () => {
    let n = 0;
    const plan = planPush([change(1), change(2, { baseVersion: undefined })], {
      source: { workbook: 'Plan.xlsx', sheet: 'Forecast', binding: 'eu' },
      notes: new Map([[cellKey('M-1', 'forecast', '2027-03'), 'lost customer']]),
      newKey: () => `k${++n}`,
      cellAddress: (c) => `C${c.row + 2}`,
    });
    expect(plan.batches).toEqual([
      {
        idempotencyKey: 'k1',
        source: { workbook: 'Plan.xlsx', sheet: 'Forecast', binding: 'eu' },
        changes: [
          {
            measure: 'M-1',
            kind: 'forecast',
            period: '2027-03',
            value: 1,
            baseVersion: 1,
            note: 'lost customer',
            cell: 'C3',
          },
          { measure: 'M-2', kind: 'forecast', period: '2027-03', value: 2, cell: 'C4' },
        ],
      },
    ]);
  });
  it('splits large pushes into atomic batches the pane can show progress on', () => {
    const many = Array.from({ length: BATCH_SIZE * 2 + 5 }, (_, i) => change(i));
    const plan = planPush(many, {
      source: undefined,
      notes: new Map(),
      newKey: () => 'k',
      cellAddress: () => 'A1',
    });
    expect(plan.batches.map((b) => b.changes.length)).toEqual([BATCH_SIZE, BATCH_SIZE, 5]);
    expect(plan.sent.flat()).toHaveLength(many.length);
  });
});

describe('results into the sheet', () => {
  it('writes back the record value of every cell, flags all but applied, and updates the snapshot', () => {
    const snapshot: Snapshot = new Map();
    const sent = [change(1), change(2), change(3), change(4)];
    const writes = applyResults(
      sent,
      [
        { index: 0, outcome: 'applied', value: 1, version: 2 },
        {
          index: 1,
          outcome: 'pending',
          value: 100,
          version: 1,
          changeRequestId: 'cr_1',
          reason: { code: 'MATERIAL_CHANGE', message: 'Waits for the controller.' },
        },
        {
          index: 2,
          outcome: 'rejected',
          value: 300,
          version: 1,
          reason: { code: 'PERIOD_LOCKED', message: '2027-03 is closed.' },
        },
        {
          index: 3,
          outcome: 'conflict',
          value: 444,
          version: 5,
          reason: { code: 'STALE_VERSION', message: 'Someone changed this cell.' },
        },
      ],
      snapshot,
    );
    expect(writes.map((w) => [w.row, w.value, w.flag])).toEqual([
      [1, 1, 'applied'],
      [2, 100, 'pending'],
      [3, 300, 'rejected'],
      [4, 444, 'conflict'],
    ]);
    expect(writes[0]!.note).toBeNull();
    expect(writes[1]!.note).toBe('Pending approval: 2 requested. Waits for the controller.');
    expect(writes[2]!.note).toBe('Rejected (PERIOD_LOCKED): 2027-03 is closed. 3 was typed.');
    expect(writes[3]!.note).toMatch(
      /^Conflict: Someone changed this cell\. The current value 444 is back; 4 was typed\.$/,
    );
    expect(snapshot.get(cellKey('M-4', 'forecast', '2027-03'))).toEqual({ value: 444, version: 5 });
  });
  it('a change refused only for its missing note keeps the typed value, to be sent again with one', () => {
    const writes = applyResults(
      [change(7)],
      [
        {
          index: 0,
          outcome: 'rejected',
          value: 100,
          version: 3,
          reason: { code: 'NOTE_REQUIRED', message: 'This change is material.' },
        },
      ],
      new Map(),
    );
    expect(writes[0]).toMatchObject({
      value: undefined,
      flag: 'rejected',
      note: expect.stringMatching(/^Needs a note: This change is material\. 7 was typed/),
    });
  });
  it('flags forecast cells whose variance to target passes the tolerance, and only those', () => {
    const flags = varianceFlags(
      [
        { measure: 'M-1', kind: 'target', period: '2027-03', value: 100 },
        { measure: 'M-1', kind: 'forecast', period: '2027-03', value: 89 },
        { measure: 'M-2', kind: 'target', period: '2027-03', value: 100 },
        { measure: 'M-2', kind: 'forecast', period: '2027-03', value: 90 },
        { measure: 'M-3', kind: 'forecast', period: '2027-03', value: 5 },
      ],
      10,
    );
    expect([...flags]).toEqual([cellKey('M-1', 'forecast', '2027-03')]);
  });
});
