import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinor, minorDigits, minorText, toMinor } from '../../shared/money.js';
import { addMonths, periodsBetween } from '../../shared/periods.js';

describe('amounts printed from minor units', () => {
  it('print exactly as the JSON number would', () => {
    for (const [minor, digits] of [
      [0, 2],
      [-0, 2],
      [5, 2],
      [-5, 2],
      [10, 2],
      [100, 2],
      [105025, 2],
      [-105020, 2],
      [1, 3],
      [1000, 3],
      [123, 0],
      [-7, 1],
    ] as const)
      expect(minorText(minor, digits)).toBe(String(fromMinor(minor, digits)));
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 4 }), (minor, digits) => {
        expect(minorText(minor, digits)).toBe(String(fromMinor(minor, digits)));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(
        fc.maxSafeInteger().map((n) => n % 1e15),
        fc.integer({ min: 0, max: 4 }),
        (minor, digits) => {
          expect(minorText(minor, digits)).toBe(String(fromMinor(minor, digits)));
        },
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -1e7, max: 1e7 }),
        fc.integer({ min: 0, max: 3 }),
        (minor, digits) => {
          expect(minorText(minor, digits)).toBe(String(fromMinor(minor, digits)));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('money is exact minor units', () => {
  it('parses numbers and decimal strings with at most the currency digits', () => {
    expect(toMinor(12500, 2)).toBe(1_250_000);
    expect(toMinor('12500.5', 2)).toBe(1_250_050);
    expect(toMinor('-0.01', 2)).toBe(-1);
    expect(toMinor(0.1, 2)).toBe(10);
    expect(toMinor('1.50', 2)).toBe(150);
    expect(toMinor(1234, 0)).toBe(1234);
  });
  it('refuses more decimals than the currency has, and anything not a number', () => {
    for (const bad of [
      0.001,
      '1.234',
      'abc',
      '',
      '1e5',
      '#N/A',
      null,
      undefined,
      true,
      {},
      [],
      NaN,
      Infinity,
      '1,5',
      ' ',
      1e-7,
    ])
      expect(toMinor(bad, 2)).toBeNull();
    expect(toMinor('1.5', 0)).toBeNull();
  });
  it('round-trips every amount with two decimals exactly (no binary float drift)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (minor) => {
        expect(toMinor(fromMinor(minor, 2), 2)).toBe(minor);
        expect(toMinor((minor / 100).toFixed(2), 2)).toBe(minor);
      }),
    );
  });
  it('a JSON number is judged exactly as its decimal text would be', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 3 }),
        (v, digits) => {
          const text = String(v);
          if (/e/i.test(text)) return;
          expect(toMinor(v, digits)).toBe(toMinor(text, digits));
        },
      ),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (minor) => {
        expect(toMinor(minor / 100, 2)).toBe(minor);
      }),
    );
  });
  it('knows the currency minor digits', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(minorDigits('not a currency')).toBe(2);
    // Remembered answers are the same answers.
    expect(['JPY', 'KWD', 'EUR', 'not a currency'].map(minorDigits)).toEqual([0, 3, 2, 2]);
  });
});

describe('periods', () => {
  it('adds months across years and lists a window', () => {
    expect(addMonths('2027-11', 3)).toBe('2028-02');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(periodsBetween('2026-11', '2027-02')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
  });
});
