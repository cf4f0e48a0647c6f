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
  upsertRow,
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

  it("the upsert row's worked example", () => {
    expect(
      upsertRow(42, 'forecast', '2027-03', {
        value: 125000,
        version: 3,
        refMonth: 24323,
        refValue: 120000,
      }),
    ).toBe(`"22027-03${'0000000000000003'}${'0000000000000042'}024323+0000000000120000125000"`);
  });
});
