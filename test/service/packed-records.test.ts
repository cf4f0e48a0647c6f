// Packed records (server/db/packed.ts) and the kept totals' layout (PackedTotals): what the writer
// packs, SQLite reads back field for field, and the worked example of the layout's comment holds.
import { createClient } from '@libsql/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedRecords, packedSql } from '../../server/db/packed.js';
import {
  type KeptTotals,
  PackedTotals,
  saveTotals,
} from '../../server/features/reporting/store.js';
import { IMPLEMENTATION_STATUSES, POTENTIAL_STATUSES } from '../../shared/model.js';

const safe = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

describe('packed records', () => {
  it('SQLite reads every field as it was written', async () => {
    const db = createClient({ url: ':memory:', intMode: 'number' });
    const record = fc.record({
      digits: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      signed: fc.option(safe),
      text: fc.option(
        fc
          .stringMatching(/^[ -~]{0,12}$/)
          .filter((t) => t !== 'n' && t.trimEnd() === t && t !== ''),
      ),
      index: fc.integer({ min: 0, max: 3 }),
    });
    const samples = fc.sample(record, 300);
    const packed = new PackedRecords(16 + 17 + 12 + 1, samples.length);
    for (const s of samples) {
      const at = packed.next();
      packed.digits(at, 16, s.digits);
      packed.signed(at + 16, s.signed);
      packed.text(at + 33, 12, s.text);
      packed.index(at + 45, s.index);
    }
    const f = packedSql('?1', 46);
    const read = await db.execute({
      sql: `SELECT ${f.integer(0, 16)} AS digits, ${f.signed(16)} AS signed, ${f.text(33, 12)} AS text,
              ${f.oneOf(45, ['a', 'b', 'c', 'd'])} AS letter FROM ${f.from}`,
      args: [packed.bytes()],
    });
    expect(read.rows.map((r) => ({ ...r }))).toEqual(
      samples.map((s) => ({
        digits: s.digits,
        signed: s.signed,
        text: s.text,
        letter: 'abcd'[s.index],
      })),
    );
    db.close();
  });

  it('refuses a text or a number longer than its field, and an index of more than one digit', () => {
    const packed = new PackedRecords(4, 1);
    expect(() => packed.text(packed.next(), 4, 'abcde')).toThrow(/longer than its 4-byte field/);
    expect(() => packed.digits(0, 2, 123)).toThrow(/123 has more than 2 digits/);
    expect(() => packedSql('?1', 4).oneOf(0, 'abcdefghijk'.split(''))).toThrow(/one digit/);
  });
});

const kept = (over: Partial<KeptTotals> = {}): KeptTotals => ({
  measureId: 7,
  money: {
    baseline: 0,
    target: 100,
    forecast: 90,
    actual: 0,
    forecastVariance: -10,
    actualVariance: 0,
    expected: 90,
  },
  implementation: 'on_track',
  potential: 'at_risk',
  statusUntil: null,
  months: '[24324,100,90,null,90]',
  ...over,
});

describe('kept totals, packed', () => {
  it("the layout's worked example", () => {
    const packed = new PackedTotals(1);
    packed.add(kept());
    const zero = '+0000000000000000';
    expect(Buffer.from(packed.bytes()).toString('latin1')).toBe(
      `0000000000000007${zero}+0000000000000100+0000000000000090${zero}-0000000000000010${zero}` +
        `+0000000000000090` +
        `01n         ${zero}00000022`,
    );
    expect(packed.monthsBytes().toString('latin1')).toBe('[24324,100,90,null,90]');
  });

  it('saveTotals stores every row as given; a row without months keeps the stored ones', async () => {
    const db = createClient({ url: ':memory:', intMode: 'number' });
    await db.execute(`CREATE TABLE measure_totals (measure_id INTEGER PRIMARY KEY, baseline INTEGER NOT NULL,
      target INTEGER NOT NULL, forecast INTEGER NOT NULL, actual INTEGER NOT NULL, forecast_variance INTEGER NOT NULL,
      actual_variance INTEGER NOT NULL, expected INTEGER NOT NULL, implementation TEXT NOT NULL, potential TEXT NOT NULL,
      status_until TEXT, months TEXT)`);
    const row = fc.record({
      measureId: fc.integer({ min: 1, max: 1_000_000 }),
      money: fc.record({
        baseline: safe,
        target: safe,
        forecast: safe,
        actual: safe,
        forecastVariance: safe,
        actualVariance: safe,
        expected: safe,
      }),
      implementation: fc.constantFrom(...IMPLEMENTATION_STATUSES),
      potential: fc.constantFrom(...POTENTIAL_STATUSES),
      statusUntil: fc.option(
        fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
      ),
      months: fc.option(
        fc.array(fc.option(safe), { maxLength: 60 }).map((n) => JSON.stringify(n)),
        {
          nil: undefined,
        },
      ),
    });
    const rows = [...new Map(fc.sample(row, 300).map((r) => [r.measureId, r] as const)).values()];
    // Every row stored once with months of its own, then saved again as generated.
    await saveTotals(
      db,
      rows.map((r) => ({ ...r, months: `[${r.measureId}]` })),
    );
    await saveTotals(db, rows);
    const stored = await db.execute('SELECT * FROM measure_totals ORDER BY measure_id');
    expect(stored.rows.map((r) => ({ ...r }))).toEqual(
      rows
        .sort((a, b) => a.measureId - b.measureId)
        .map((r) => ({
          measure_id: r.measureId,
          baseline: r.money.baseline,
          target: r.money.target,
          forecast: r.money.forecast,
          actual: r.money.actual,
          forecast_variance: r.money.forecastVariance,
          actual_variance: r.money.actualVariance,
          expected: r.money.expected,
          implementation: r.implementation,
          potential: r.potential,
          status_until: r.statusUntil,
          months: r.months ?? `[${r.measureId}]`,
        })),
    );
    db.close();
  });
});
