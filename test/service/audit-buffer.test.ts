import { describe, expect, it } from 'vitest';
import { AuditBuffer } from '../../server/features/audit/trail.js';

describe('audit buffer', () => {
  it('writes a cell change exactly as the general form would', () => {
    const fast = new AuditBuffer();
    const general = new AuditBuffer();
    const cases: [number | null, number, number, number, string | undefined, string | undefined][] = [
      [null, 0, 1050.25, 1, undefined, 'F12'], [12.5, 3, -7, 4, 'supplier "X" \\ delay', undefined], [0, 1, 0, 2, '', 'Sheet1!A1'],
    ];
    for (const [v0, n0, v1, n1, note, cell] of cases) {
      fast.addCellChange(7, 'forecast 2027-03', [v0, n0], [v1, n1], note || undefined, cell);
      general.add({ action: 'cell.changed', nodeId: 7, subject: 'forecast 2027-03', before: { value: v0, version: n0 },
        after: note ? { value: v1, version: n1, note } : { value: v1, version: n1 }, source: cell === undefined ? undefined : { cell } });
    }
    expect(fast.segments(100)).toEqual(general.segments(100));
    expect(JSON.parse(fast.segments(100)[0]!.events)[1]).toEqual([101, 'cell.changed', 'forecast 2027-03', { value: 12.5, version: 3 }, { value: -7, version: 4, note: 'supplier "X" \\ delay' }, null]);
  });
});
