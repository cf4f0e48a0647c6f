import { describe, expect, it } from 'vitest';
import { AuditBuffer, readEvent, type StoredEvent } from '../../server/features/audit/trail.js';
import { JsonBytes } from '../../server/json-bytes.js';

/** A push's answer as the route writes it, read back as text. */
const answerOf = (o: { writeResults(out: JsonBytes): void }) => {
  const out = new JsonBytes(8);
  o.writeResults(out);
  return out.bytes().toString('utf8');
};

describe('audit buffer', () => {
  it('a cell change, stored compactly, reads back exactly as the general form', () => {
    const fast = new AuditBuffer(100);
    const general = new AuditBuffer(100);
    const cases: [number | null, number, number, number, string | undefined, string | undefined][] =
      [
        [null, 0, 1050.25, 1, undefined, 'F12'],
        [12.5, 3, -7, 4, 'supplier "X" \\ delay', undefined],
        [0, 1, 0, 2, '', 'Sheet1!A1'],
      ];
    for (const [v0, n0, v1, n1, note, cell] of cases) {
      fast.addCellChange(
        7,
        { kind: 'forecast', period: '2027-03', note, cell },
        v0 === null ? null : Math.round(v0 * 100),
        n0,
        Math.round(v1 * 100),
        n1,
        2,
      );
      general.add({
        action: 'cell.changed',
        nodeId: 7,
        subject: 'forecast 2027-03',
        before: { value: v0, version: n0 },
        after: note ? { value: v1, version: n1, note } : { value: v1, version: n1 },
        source: cell === undefined ? undefined : { cell },
      });
    }
    const read = (b: AuditBuffer) =>
      [...b.segments()].map((s) => ({
        ...s,
        events: (JSON.parse(s.events) as StoredEvent[]).map(readEvent),
      }));
    expect(read(fast)).toEqual(read(general));
    expect(read(fast)[0]!.events[1]).toEqual({
      seq: 101,
      action: 'cell.changed',
      subject: 'forecast 2027-03',
      before: { value: 12.5, version: 3 },
      after: { value: -7, version: 4, note: 'supplier "X" \\ delay' },
      source: null,
    });
    expect(read(fast)[0]!.events[0]!.source).toEqual({ cell: 'F12' });
    // What the trail stores: the same text, written as bytes.
    for (const b of [fast, general]) {
      const out = new JsonBytes(1);
      const written = [...b.segmentsInto(out)];
      expect(written.map((s) => out.bytes().subarray(s.start, s.end).toString('utf8'))).toEqual(
        [...b.segments()].map((s) => s.events),
      );
    }
    expect([...fast.segments()][0]!.events.length).toBeLessThan(
      [...general.segments()][0]!.events.length * 0.7,
    );
  });
});

describe('audit buffer, events of both kinds interleaved', () => {
  it('keeps each event at its own sequence number, grouped by node', () => {
    const b = new AuditBuffer(50);
    b.add({ action: 'change_request.opened', nodeId: 7, subject: 'cr_1', after: { value: 9 } });
    b.addCellChange(8, { kind: 'target', period: '2027-01', cell: 'B2' }, null, 0, 500, 1, 2);
    b.add({ action: 'change_request.withdrawn', nodeId: 8, subject: 'cr_0' });
    b.addCellChange(7, { kind: 'forecast', period: '2027-02', note: 'why' }, 1, 1, 2005, 2, 3);
    const read = [...b.segments()].map((s) => ({
      nodeId: s.nodeId,
      lastSeq: s.lastSeq,
      events: (JSON.parse(s.events) as StoredEvent[]).map(readEvent),
    }));
    expect(
      read.map((s) => [s.nodeId, s.lastSeq, s.events.map((e) => [e.seq, e.action, e.subject])]),
    ).toEqual([
      [
        7,
        53,
        [
          [50, 'change_request.opened', 'cr_1'],
          [53, 'cell.changed', 'forecast 2027-02'],
        ],
      ],
      [
        8,
        52,
        [
          [51, 'cell.changed', 'target 2027-01'],
          [52, 'change_request.withdrawn', 'cr_0'],
        ],
      ],
    ]);
    expect(read[0]!.events[1]).toMatchObject({
      before: { value: 0.001, version: 1 },
      after: { value: 2.005, version: 2, note: 'why' },
      source: null,
    });
    expect(read[1]!.events[0]).toMatchObject({
      before: { value: null, version: 0 },
      after: { value: 5, version: 1 },
      source: { cell: 'B2' },
    });
    expect(b.size).toBe(4);
  });
});

describe('push answer', () => {
  it('the JSON written without objects equals JSON.stringify of the results', async () => {
    const { CellRecord, Outcomes } = await import('../../server/features/sync/engine.js');
    const o = new Outcomes(4);
    o.set(0, { outcome: 'applied', value: 105025, unchanged: false }, 7, 11, 2);
    o.set(
      1,
      {
        outcome: 'pending',
        value: 1,
        reason: 'MATERIAL_CHANGE',
        message: 'Waits "for" the controller.',
      },
      7,
      12,
      2,
    );
    o.requestIds.set(1, 'cr_1');
    o.set(
      2,
      { outcome: 'rejected', reason: 'UNKNOWN_MEASURE', message: 'No measure X.' },
      -1,
      -1,
      2,
    );
    o.set(3, { outcome: 'conflict', reason: 'STALE_VERSION', message: 'Changed.' }, 8, 11, 0);
    const record = new CellRecord();
    record.set(7, 11, { value: 105025, version: 2 });
    record.set(7, 12, { value: null, version: 0 });
    record.set(8, 11, { value: -7, version: 9 });
    o.finish(record);
    expect(answerOf(o)).toBe(JSON.stringify(o.results()));
    expect(o.results()[0]).toEqual({ index: 0, outcome: 'applied', value: 1050.25, version: 2 });
  });
});

describe('push answer of many changes', () => {
  it('is written as bytes and still equals JSON.stringify of the results', async () => {
    const { CellRecord, Outcomes } = await import('../../server/features/sync/engine.js');
    for (const n of [0, 1, 2000, 2001, 4000, 5003]) {
      const o = new Outcomes(n);
      const record = new CellRecord();
      for (let i = 0; i < n; i++) {
        if (i % 7 === 3)
          o.set(
            i,
            {
              outcome: 'rejected',
              reason: 'OUT_OF_WINDOW',
              message: `Change ${i} is outside — “é” 😀 \\ "q"`,
            },
            -1,
            -1,
            2,
          );
        else o.set(i, { outcome: 'applied', value: i, unchanged: false }, 1, i, 2);
        record.set(1, i, { value: i * 25, version: 1 });
      }
      o.finish(record);
      expect(answerOf(o)).toBe(JSON.stringify(o.results()));
    }
  });
});

describe('appending a batch larger than one statement', () => {
  it('stores every segment byte for byte as its text, verifies, and catches an edit', async () => {
    const { harness } = await import('../helpers.js');
    const { appendAudit, auditHead, verifyAudit } =
      await import('../../server/features/audit/trail.js');
    const h = await harness();
    // ≈ 13 MB of UTF-8 in 300 segments (so several statements), one segment alone over 4 MB,
    // notes with 2-, 3- and 4-byte characters and an escaped lone surrogate.
    const note = (n: number) => `Zürich € 😀 \uD83D ${'€'.repeat(n)}`;
    const expected = new Map<number, string>();
    await h.db.write(async (tx) => {
      const head = await auditHead(tx, h.db.auditKey);
      const b = new AuditBuffer(head.lastSeq + 1);
      for (let node = 1; node <= 300; node++)
        for (let i = 0; i < (node === 150 ? 400 : 3); i++)
          b.addCellChange(
            node,
            {
              kind: 'forecast',
              period: '2027-01',
              note: note(node === 150 ? 4000 : 4000 + i),
              cell: `C${node}`,
            },
            i,
            i,
            i + 1,
            i + 1,
            2,
          );
      for (const s of b.segments()) expected.set(s.ord, s.events);
      await appendAudit(
        tx,
        {
          at: '2027-01-15T09:00:00.000Z',
          actor: 'test',
          requestId: null,
          source: { workbook: 'W.xlsx' },
        },
        b,
        head,
      );
    });
    const stored = (
      await h.db.client.execute(
        'SELECT ord, events, typeof(events) AS type FROM audit_segments WHERE batch_id = 2 ORDER BY ord',
      )
    ).rows as unknown as { ord: number; events: string; type: string }[];
    expect(stored).toHaveLength(300);
    expect(Math.max(...stored.map((s) => Buffer.byteLength(s.events)))).toBeGreaterThan(
      4 * 1024 * 1024,
    );
    for (const s of stored) {
      expect(s.type).toBe('text');
      expect(s.events).toBe(expected.get(s.ord));
    }
    expect((JSON.parse(stored[0]!.events) as StoredEvent[]).map(readEvent)[0]!.after).toEqual({
      value: 0.01,
      version: 1,
      note: note(4000),
    });
    // (These events name no real measures: the replay of the record has problems with them, the chain none.)
    const chain = async () =>
      (await verifyAudit(h.db.client, { key: h.db.auditKey })).problems.filter(
        (p) => p.type !== 'replay',
      );
    expect(await chain()).toEqual([]);
    expect((await verifyAudit(h.db.client, { key: h.db.auditKey })).events).toBe(299 * 3 + 400 + 1); // and the keying event of migration 005
    await h.db.client.execute('DROP TRIGGER audit_segments_no_update'); // an edit behind the service's back
    await h.db.client.execute(
      "UPDATE audit_segments SET events = replace(events, 'Zürich', 'Zurich') WHERE ord = 7",
    );
    expect(await chain()).toEqual([expect.objectContaining({ type: 'altered', batch: 2 })]);
  });
});
