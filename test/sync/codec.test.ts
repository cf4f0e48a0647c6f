// The packed cell formats (server/features/sync/store.ts): the JavaScript and the SQL agree, and
// the worked examples of the comments hold.
import { createClient } from '@libsql/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CELL_KEY_SQL,
  cellKey,
  keyKind,
  keyPeriod,
  PackedCells,
  upsertCells,
} from '../../server/features/sync/store.js';
import { CELL_KINDS } from '../../shared/model.js';

const period = fc
  .tuple(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }))
  .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);

describe('cell key codec', () => {
  it('the worked example: forecast of 2027-03 is 264,326', () => {
    expect(cellKey('forecast', '2027-03')).toBe(264_326);
    expect(keyKind(264_326)).toBe('forecast');
    expect(keyPeriod(264_326)).toBe('2027-03');
    expect(cellKey('forecast', '2027-3')).toBe(-1);
  });

  it('keyKind and keyPeriod invert cellKey for every kind and month', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CELL_KINDS), period, (kind, p) => {
        const key = cellKey(kind, p);
        expect([keyKind(key), keyPeriod(key)]).toEqual([kind, p]);
      }),
    );
  });

  it('CELL_KEY_SQL computes in SQLite what cellKey computes', async () => {
    const db = createClient({ url: ':memory:', intMode: 'number' });
    const samples = fc.sample(fc.tuple(fc.constantFrom(...CELL_KINDS), period), 200);
    const r = await db.execute({
      sql: `SELECT ${CELL_KEY_SQL} AS key FROM (SELECT value->>0 AS kind, value->>1 AS period FROM json_each(?))`,
      args: [JSON.stringify(samples)],
    });
    expect(r.rows.map((row) => row.key)).toEqual(samples.map(([k, p]) => cellKey(k, p)));
    db.close();
  });

  it("the packed cells' worked example", () => {
    const cells = new PackedCells(1);
    cells.add(42, 'forecast', '2027-03', {
      value: 125000,
      version: 3,
      refMonth: 24323,
      refValue: 120000,
    });
    expect(Buffer.from(cells.bytes()).toString('latin1')).toBe(
      `22027-03${'0000000000000003'}${'0000000000000042'}024323+0000000000120000+0000000000125000`,
    );
  });

  it('SQLite reads back every packed cell as it was added, typed as the stored ones', async () => {
    const db = createClient({ url: ':memory:', intMode: 'number' });
    await db.execute(`CREATE TABLE cells (measure_id INTEGER NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL,
      value INTEGER, version INTEGER NOT NULL, revision INTEGER NOT NULL, ref_month INTEGER, ref_value INTEGER,
      PRIMARY KEY (measure_id, kind, period)) WITHOUT ROWID`);
    const amount = fc.option(
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    );
    const cell = fc.record({
      measureId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      kind: fc.constantFrom(...CELL_KINDS),
      period,
      value: amount,
      version: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      refMonth: fc.option(fc.integer({ min: 1, max: 999_999 })),
      refValue: amount,
    });
    const samples = fc.sample(cell, 300);
    // One row already stored as plain text and numbers: the packed one must update it, not sit beside it.
    const first = samples[0]!;
    await db.execute({
      sql: 'INSERT INTO cells VALUES (?, ?, ?, 1, 1, 1, NULL, NULL)',
      args: [first.measureId, first.kind, first.period],
    });
    const cells = new PackedCells(samples.length);
    for (const c of samples) cells.add(c.measureId, c.kind, c.period, c);
    await upsertCells(db, 7, cells);
    const last = new Map(samples.map((c) => [`${c.measureId} ${c.kind} ${c.period}`, c]));
    const stored = await db.execute(
      `SELECT measure_id, kind, typeof(kind) AS kt, period, typeof(period) AS pt, value, version, revision, ref_month, ref_value
       FROM cells ORDER BY measure_id, kind, period`,
    );
    expect(stored.rows.map((r) => ({ ...r }))).toEqual(
      [...last.values()]
        .sort(
          (a, b) =>
            a.measureId - b.measureId ||
            (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
            (a.period < b.period ? -1 : 1),
        )
        .map((c) => ({
          measure_id: c.measureId,
          kind: c.kind,
          kt: 'text',
          period: c.period,
          pt: 'text',
          value: c.value,
          version: c.version,
          revision: 7,
          ref_month: c.refMonth,
          ref_value: c.refValue,
        })),
    );
    db.close();
  });
});
