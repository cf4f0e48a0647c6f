// The push checks 100,000 changes through ajv's compilation of the zod schema and asks zod only
// about what ajv refuses: ajv must never accept what zod would refuse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PushChange } from '../../shared/api/schemas.js';
import { CELL_KINDS } from '../../shared/model.js';
import { fastAccept } from '../../server/http/validate.js';

const accepts = fastAccept(PushChange);
const zodAccepts = (x: unknown) => PushChange.safeParse(x).success;
/** Text of `n` code points (lengths count code points), half of them outside the BMP. */
const emoji = (n: number) => '😀a'.repeat(Math.floor(n / 2)) + (n % 2 ? '😀' : '');
/** Text of about `n` code points mixing letters, surrogate pairs and lone surrogates. */
const mixed = (n: number) =>
  fc
    .array(fc.constantFrom('a', '😀', '\uD83D', '\uDE00'), { minLength: n - 4, maxLength: n + 4 })
    .map((units) => units.join(''));

describe('push change validation: the fast check and zod', () => {
  it('accepts the changes a workbook sends, without asking zod', () => {
    for (const change of [
      { measure: 'M-1', kind: 'forecast', period: '2027-03', value: 1050.25, cell: 'F12' },
      {
        measure: 'PRC.7_a',
        kind: 'actual',
        period: '2026-12',
        value: '-12.5',
        baseVersion: 3,
        note: 'late invoice',
      },
      {
        measure: 'M-1',
        kind: 'target',
        period: '2027-01',
        value: null,
        baseVersion: 0,
        note: emoji(2000),
        cell: emoji(300),
      },
      { measure: 'M-1', kind: 'baseline', period: '2027-01', value: 'n/a', extra: true }, // a bad amount is one rejected change, not a bad batch
    ]) {
      expect(zodAccepts(change)).toBe(true);
      expect(accepts(change)).toBe(true);
    }
  });

  it('refuses, like zod, what crosses a bound by one', () => {
    const base = { measure: 'M-1', kind: 'forecast', period: '2027-03', value: 1 };
    for (const bad of [
      { ...base, note: emoji(2001) },
      { ...base, cell: emoji(301) },
      { ...base, measure: 'x'.repeat(65) },
      { ...base, measure: emoji(65) },
      { ...base, measure: '' },
      { ...base, kind: 'Forecast' },
      { ...base, period: '2027-13' },
      { ...base, period: '2027-3' },
      { ...base, baseVersion: -1 },
      { ...base, baseVersion: 1.5 },
      { ...base, baseVersion: 2 ** 53 },
      { ...base, baseVersion: '3' },
      { ...base, note: null },
      [base],
      null,
      'M-1',
    ]) {
      expect(zodAccepts(bad)).toBe(false);
      expect(accepts(bad)).toBe(false);
    }
  });

  it('never accepts what zod refuses, for arbitrary JSON shaped like a change', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.integer({ min: 0, max: 4 }).map((d) => emoji(3998 + d)),
      mixed(2000),
      mixed(300),
      mixed(64),
      fc.integer({ min: 0, max: 3 }).map((d) => 'm'.repeat(63 + d)),
    );
    const anyJson = fc.oneof(fc.jsonValue(), text);
    const change = fc.record(
      {
        measure: fc.oneof(text, anyJson),
        kind: fc.oneof(fc.constantFrom(...CELL_KINDS, 'Forecast', 'forecast ', ''), anyJson),
        period: fc.oneof(
          fc.constantFrom(
            '2027-01',
            '2027-12',
            '2027-13',
            '2027-00',
            '2027-1',
            '27-01',
            '2027-01 ',
            '２０２７-01',
          ),
          text,
          anyJson,
        ),
        value: anyJson,
        baseVersion: fc.oneof(
          fc.integer({ min: -3, max: 5 }),
          fc.constantFrom(2 ** 53 - 1, 2 ** 53, 0.5, -0),
          anyJson,
        ),
        note: fc.oneof(text, anyJson),
        cell: fc.oneof(text, anyJson),
        other: anyJson,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(change, fc.jsonValue()), (generated) => {
        const x = JSON.parse(JSON.stringify(generated) ?? 'null') as unknown; // what a request body can hold
        if (accepts(x)) expect(zodAccepts(x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
