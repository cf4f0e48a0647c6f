import { describe, expect, it } from 'vitest';
import { type Snapshot, cellKey } from '../../shared/sync/cells.js';
import { cellAmount, diffTable } from '../../shared/sync/diff.js';
import type { Mapping } from '../../shared/sync/mapping.js';

const mapping: Mapping = {
  codeColumn: 0,
  columns: [
    { column: 2, kind: 'forecast', period: '2027-03' },
    { column: 3, kind: 'forecast', period: '2027-04' },
  ],
};
const snapshot = (): Snapshot =>
  new Map([
    [cellKey('M-1', 'forecast', '2027-03'), { value: 100, version: 3 }],
    [cellKey('M-1', 'forecast', '2027-04'), { value: 110, version: 1 }],
    [cellKey('M-2', 'forecast', '2027-03'), { value: 200, version: 2 }],
    [cellKey('M-2', 'forecast', '2027-04'), { value: 210, version: 2 }],
  ]);
const table = [
  ['M-1', 'Freight', 100, 110],
  ['M-2', 'Energy', 200, 210],
];

describe('diffing the table against the snapshot', () => {
  it('sends only the cells changed since the last pull or push, with their base versions', () => {
    const d = diffTable(
      [
        ['M-1', 'Freight', 105, 110],
        ['M-2', 'Energy', 200, 210],
      ],
      mapping,
      snapshot(),
      2,
    );
    expect(d).toEqual({
      changes: [
        {
          measure: 'M-1',
          kind: 'forecast',
          period: '2027-03',
          value: 105,
          baseVersion: 3,
          row: 0,
          column: 2,
        },
      ],
      errors: [],
      duplicates: [],
    });
    expect(diffTable(table, mapping, snapshot(), 2).changes).toEqual([]);
  });
  it('finds rows by measure code: sorted, moved, inserted or deleted rows send nothing wrong', () => {
    const sorted = [
      ['M-2', 'Energy', 200, 215],
      ['NEW', 'typed by hand', null, null],
      ['M-1', 'Freight', 100, 110],
    ];
    expect(diffTable(sorted, mapping, snapshot(), 2).changes).toEqual([
      {
        measure: 'M-2',
        kind: 'forecast',
        period: '2027-04',
        value: 215,
        baseVersion: 2,
        row: 0,
        column: 3,
      },
    ]);
    const deleted = [['M-2', 'Energy', 200, 210]];
    expect(diffTable(deleted, mapping, snapshot(), 2).changes).toEqual([]);
  });
  it('a cell the add-in never saw goes without a base version (a first fill)', () => {
    const d = diffTable([['M-3', 'New', 50, null]], mapping, snapshot(), 2);
    expect(d.changes).toEqual([
      { measure: 'M-3', kind: 'forecast', period: '2027-03', value: 50, row: 0, column: 2 },
    ]);
  });
  it('text and #N/A typed into number cells are a clear local error, and nothing of them is sent', () => {
    const d = diffTable(
      [
        ['M-1', 'Freight', 'about 120', '#N/A'],
        ['M-2', 'Energy', 201, 210],
      ],
      mapping,
      snapshot(),
      2,
    );
    expect(d.changes.map((c) => c.measure)).toEqual(['M-2']);
    expect(d.errors).toEqual([
      expect.objectContaining({
        measure: 'M-1',
        period: '2027-03',
        row: 0,
        column: 2,
        message: expect.stringMatching(/text, not an amount/),
      }),
      expect.objectContaining({
        measure: 'M-1',
        period: '2027-04',
        message: expect.stringMatching(/#N\/A is an Excel error/),
      }),
    ]);
  });
  it('a cleared governed cell is an error, not a silent zero', () => {
    const d = diffTable([['M-1', 'Freight', '', 110]], mapping, snapshot(), 2);
    expect(d.changes).toEqual([]);
    expect(d.errors[0]!.message).toMatch(/cannot be cleared/);
  });
  it('a code on two rows is ambiguous: neither row is sent', () => {
    const d = diffTable(
      [
        ['M-1', 'a', 1, 2],
        ['M-1', 'b', 3, 4],
        ['M-2', 'Energy', 201, 210],
      ],
      mapping,
      snapshot(),
      2,
    );
    expect(d.duplicates).toEqual(['M-1']);
    expect(d.changes.map((c) => c.measure)).toEqual(['M-2']);
  });
});

describe('typed amounts', () => {
  it('rounds formula noise away but refuses a real extra decimal', () => {
    expect(cellAmount(1155.0000000000002, 2)).toEqual({ value: 1155 });
    expect(cellAmount(0.1 + 0.2, 2)).toEqual({ value: 0.3 });
    expect(cellAmount(10.005, 2)).toEqual({ error: '10.005 has more than 2 decimals.' });
    // A third decimal is never rounded away, however large the amount.
    for (const v of [5000.001, 123456.789, 98765432.101])
      expect(cellAmount(v, 2)).toHaveProperty('error');
    expect(cellAmount(98765432.1 * 3, 2)).toEqual({ value: 296296296.3 }); // noise of a product
    expect(cellAmount(1234567.89, 2)).toEqual({ value: 1234567.89 });
    expect(cellAmount(true, 2)).toHaveProperty('error');
    expect(cellAmount('#DIV/0!', 2)).toHaveProperty('error');
    expect(cellAmount(null, 2)).toBeNull();
  });
});
