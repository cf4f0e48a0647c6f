// JsonBytes (server/json-bytes.ts) writes exactly the UTF-8 of the text the straightforward code
// builds: minorText for amounts, String for integers, JSON.stringify for strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../server/json-bytes.js';
import { minorText } from '../../shared/money.js';

const textOf = (write: (out: JsonBytes) => void) => {
  const out = new JsonBytes(1); // the smallest buffer: every write grows it
  write(out);
  return out.bytes().toString('utf8');
};

describe('JSON written as bytes', () => {
  it('amounts as minorText prints them', () => {
    for (const [minor, digits] of [
      [0, 2],
      [-0, 2],
      [-5, 2],
      [105025, 2],
      [-105020, 2],
      [1, 3],
      [123, 0],
      [1e15, 2],
      [-Number.MAX_SAFE_INTEGER, 4],
    ] as const)
      expect(textOf((o) => o.minor(minor, digits))).toBe(minorText(minor, digits));
    fc.assert(
      fc.property(
        fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1e7, max: 1e7 })),
        fc.integer({ min: 0, max: 4 }),
        (minor, digits) => {
          expect(textOf((o) => o.minor(minor, digits))).toBe(minorText(minor, digits));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('integers as String prints them, strings as JSON.stringify, one after another', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.maxSafeInteger(), fc.string({ unit: 'binary' }), fc.double())),
        (values) => {
          const expected = values
            .map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)))
            .join(',');
          expect(
            textOf((o) =>
              values.forEach((v, i) => {
                if (i) o.raw(',');
                if (typeof v === 'string') o.string(v);
                else o.integer(v);
              }),
            ),
          ).toBe(expected);
        },
      ),
    );
  });
});
