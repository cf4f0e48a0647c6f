// The add-in's state in the workbook: the packed codec against its plain reference, and the cut
// into custom XML parts (each well-formed, each under the request limit, none lost unnoticed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BindingState,
  fromPlainState,
  packState,
  plainState,
  unpackState,
} from '../../addin/sync/state.js';
import { STATE_PART_CHARS, stateFromParts, stateParts } from '../../addin/workbook/port.js';
import { cellKey } from '../../shared/sync/cells.js';

const key = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('baseline', 'target', 'forecast', 'actual'),
    fc.constantFrom('2027-01', '2027-02', '2031-12'),
  )
  .map(([m, k, p]) => cellKey(m, k, p));
const state: fc.Arbitrary<BindingState> = fc.record({
  snapshot: fc
    .array(
      fc.tuple(
        key,
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
        fc.nat(),
      ),
    )
    .map(
      (rows) =>
        new Map(
          rows.map(([k, value, version]) => [
            k,
            { value: Object.is(value, -0) ? 0 : value, version },
          ]),
        ),
    ),
  revision: fc.nat(),
  noted: fc.array(key).map((k) => new Set(k)),
  pending: fc.array(key).map((k) => new Set(k)),
  unconfirmed: fc.array(key).map((k) => new Set(k)),
  fills: fc.array(fc.tuple(key, fc.constantFrom('#FFFF00', '#00B050'))).map((f) => new Map(f)),
});

describe('the state kept in the workbook', () => {
  it('the worked example of the packed form is what packState writes', () => {
    const s: BindingState = {
      snapshot: new Map([
        [cellKey('M-1', 'forecast', '2027-03'), { value: 104, version: 3 }],
        [cellKey('M-2', 'forecast', '2027-03'), { value: null, version: 0 }],
        [cellKey('M-2', 'target', '2027-04'), { value: 90, version: 1 }],
      ]),
      revision: 42,
      noted: new Set([cellKey('M-1', 'forecast', '2027-03')]),
      pending: new Set(),
      unconfirmed: new Set([cellKey('M-2', 'target', '2027-04')]),
      fills: new Map([[cellKey('M-1', 'forecast', '2027-03'), '#FFFF00']]),
    };
    expect(JSON.stringify(packState(s))).toBe(
      '{"v":1,"revision":42,"measures":["M-1","M-2"],"slots":[["forecast","2027-03"],["target","2027-04"]],"cells":[0,0,104,3,1,0,null,0,1,1,90,1],"noted":[0,0],"pending":[],"unconfirmed":[1,1],"fills":[0,0,"#FFFF00"]}',
    );
  });

  it('packed and unpacked through JSON is the plain reference, for any state', () => {
    fc.assert(
      fc.property(state, (s) => {
        const back = unpackState(JSON.parse(JSON.stringify(packState(s))));
        expect(plainState(back)).toEqual(
          plainState(fromPlainState(JSON.parse(JSON.stringify(plainState(s))))),
        );
      }),
    );
  });

  it('a newer version is refused by name, not misread', () => {
    expect(() =>
      unpackState({
        ...packState({
          snapshot: new Map(),
          revision: 0,
          noted: new Set(),
          pending: new Set(),
          unconfirmed: new Set(),
          fills: new Map(),
        }),
        v: 2 as 1,
      }),
    ).toThrow(/newer version \(2\)/);
  });

  it('is cut into parts of at most the part size, never inside a surrogate pair, and read back whole in any order', () => {
    const text = `${'x'.repeat(STATE_PART_CHARS - 1)}😀<&>${'y'.repeat(STATE_PART_CHARS)}`;
    const parts = stateParts('b1', text);
    expect(parts).toHaveLength(3);
    for (const p of parts)
      expect(p).not.toMatch(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
    expect(stateFromParts([...parts].reverse())).toBe(text);
    // A part missing (a file cut short): no state, rather than a wrong one.
    expect(stateFromParts([parts[0]!, parts[2]!])).toBeNull();
    // A later save interrupted part-way: the earlier save, whole, is still the state.
    const earlier = stateParts('b1', 'before', 1);
    const interrupted = stateParts('b1', text, 2).slice(0, 2);
    expect(stateFromParts([...earlier, ...interrupted])).toBe('before');
    expect(stateFromParts([...earlier, ...stateParts('b1', 'after', 3)])).toBe('after');
    expect(stateFromParts(stateParts('b1', ''))).toBe('');
  });
});
