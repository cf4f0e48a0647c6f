import { describe, expect, it } from 'vitest';
import { segmentsUnder } from '../../server/features/audit/store.js';
import { ADMIN_TOKEN, measure, plan, push, world } from '../helpers.js';

/** A world with M-AU, whose February target of 123.45 was pushed from cell D9. */
async function audited() {
  const w = await world();
  await measure(w, 'M-AU');
  const r = await push(w, w.users.owner.token, [
    { measure: 'M-AU', kind: 'target', period: '2027-02', value: 123.45, cell: 'D9' },
  ]);
  return { w, users: w.users, r };
}

describe('audit trail', async () => {
  const { w, users, r } = await audited();

  it("a scope's audit is found through the node index, not by reading the trail", async () => {
    const calls: string[] = [];
    const spy = {
      execute: (stmt: { sql: string; args: unknown[] }) => {
        calls.push(stmt.sql);
        return w.db.client.execute({
          sql: `EXPLAIN QUERY PLAN ${stmt.sql}`,
          args: stmt.args as never,
        });
      },
    } as unknown as Parameters<typeof segmentsUnder>[0];
    for (const withoutNode of [false, true]) {
      const plan = await segmentsUnder(spy, {
        prefixes: ['/1/'],
        since: 0,
        limit: 10,
        newest: false,
        withoutNode,
      });
      const detail = plan.map((r: any) => String(r.detail)).join('\n');
      expect(detail).toMatch(/SEARCH s USING INDEX audit_segments_node/);
      expect(detail).not.toMatch(/SCAN s\b/);
    }
    expect(calls).toHaveLength(2);
  });

  it('one event per changed cell: who, when, before, after, and where it came from', async () => {
    const events = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU')).body.events;
    const cell = events.find((e: any) => e.action === 'cell.changed');
    expect(cell).toMatchObject({
      actor: users.owner.id,
      actorName: 'owner',
      node: 'M-AU',
      subject: 'target 2027-02',
      at: w.clock.now.toISOString(),
      before: { value: null, version: 0 },
      after: { value: 123.45, version: 1 },
      source: { workbook: 'Plan.xlsx', sheet: 'Forecast', cell: 'D9' },
      requestId: expect.any(String),
    });
    expect(r.results[0].outcome).toBe('applied');
    const since = (await w.call(users.viewer.token, 'GET', `/audit?scope=M-AU&since=${cell.seq}`))
      .body.events;
    expect(since.every((e: any) => e.seq > cell.seq)).toBe(true);
  });

  it("order=newest answers the latest events, newest first (a measure's recent history)", async () => {
    for (let i = 1; i <= 5; i++)
      await push(w, users.owner.token, [
        { measure: 'M-AU', kind: 'target', period: '2027-04', value: i },
      ]);
    const all = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU')).body.events.map(
      (e: any) => e.seq,
    );
    const newest = (
      await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU&order=newest&limit=3')
    ).body.events.map((e: any) => e.seq);
    expect(newest).toEqual(all.slice(-3).reverse());
    expect(
      (await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU&order=sideways')).status,
    ).toBe(400);
  });

  it("keeps only the contract's fields of a push's source: unknown keys are not recorded", async () => {
    const sent = await w.call(users.owner.token, 'POST', '/sync/push', {
      idempotencyKey: 'strip-1',
      extra: 'ignored',
      source: { workbook: 'Plan.xlsx', sheet: 'S', secret: 'x' },
      changes: [{ measure: 'M-AU', kind: 'target', period: '2027-03', value: 5, cell: 'E9' }],
    });
    expect(sent.body.results).toEqual([{ index: 0, outcome: 'applied', value: 5, version: 1 }]);
    const events = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU')).body.events;
    expect(events.find((e: any) => e.subject === 'target 2027-03').source).toEqual({
      workbook: 'Plan.xlsx',
      sheet: 'S',
      cell: 'E9',
    });
  });

  it('verification recomputes the chain', async () => {
    await push(w, users.owner.token, plan('M-AU', 'baseline', 10));
    const v = await w.call(ADMIN_TOKEN, 'GET', '/audit/verify');
    expect(v.body).toMatchObject({
      ok: true,
      events: expect.any(Number),
      head: expect.stringMatching(/^[0-9a-f]{64}$/),
      problems: [],
    });
    expect((await w.call(users.viewer.token, 'GET', '/audit/verify')).status).toBe(403);
  });

  it('the service itself refuses to edit or delete events', async () => {
    await expect(w.db.client.execute("UPDATE audit_segments SET events = '[]'")).rejects.toThrow(
      /append-only/,
    );
    await expect(w.db.client.execute('DELETE FROM audit_segments')).rejects.toThrow(/append-only/);
    await expect(w.db.client.execute("UPDATE audit_batches SET actor = 'x'")).rejects.toThrow(
      /append-only/,
    );
  });

  // The insider's edits below drop the trail's guards: each on a world of its own.
  it("detects an event edited in the database file behind the service's back", async () => {
    const { w } = await audited();
    const where = "events LIKE '%target 2027-02%'";
    const original = String(
      (await w.db.client.execute(`SELECT events FROM audit_segments WHERE ${where}`)).rows[0]!
        .events,
    );
    expect(original).toContain('123.45');
    await w.db.client.execute('DROP TRIGGER audit_segments_no_update');
    await w.db.client.execute({
      sql: `UPDATE audit_segments SET events = ? WHERE ${where}`,
      args: [original.replace('123.45', '999')],
    });
    const v = (await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body;
    expect(v).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([
        expect.objectContaining({ type: 'altered', message: expect.stringMatching(/altered/) }),
      ]),
    });
    // The record no longer matches what the edited event says, either.
    expect(v.problems).toContainEqual(
      expect.objectContaining({
        type: 'replay',
        measure: 'M-AU',
        kind: 'target',
        period: '2027-02',
      }),
    );
    await w.db.client.execute({
      sql: `UPDATE audit_segments SET events = ? WHERE ${where}`,
      args: [original],
    });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(true);
  });

  it('detects a deleted event, an added one, and a replaced batch', async () => {
    const { w } = await audited();
    await w.db.client.execute('DROP TRIGGER audit_segments_no_delete');
    const seg = (
      await w.db.client.execute(
        'SELECT * FROM audit_segments ORDER BY batch_id DESC, ord DESC LIMIT 1',
      )
    ).rows[0]!;
    const args: (number | string | null)[] = [
      Number(seg.batch_id),
      Number(seg.ord),
      seg.node_id === null ? null : Number(seg.node_id),
      Number(seg.last_seq),
      String(seg.events),
    ];
    await w.db.client.execute({
      sql: 'DELETE FROM audit_segments WHERE batch_id = ? AND ord = ?',
      args: [args[0]!, args[1]!],
    });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(false);
    await w.db.client.execute({
      sql: 'INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events) VALUES (?, ?, ?, ?, ?)',
      args,
    });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.problems).toEqual([]);
    // An event slipped into an existing batch.
    await w.db.client.execute({
      sql: 'INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events) VALUES (?, 999, NULL, 1, ?)',
      args: [args[0]!, '[[1,"cell.changed",null,null,null,null]]'],
    });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(false);
    await w.db.client.execute({
      sql: 'DELETE FROM audit_segments WHERE batch_id = ? AND ord = 999',
      args: [args[0]!],
    });
    // A whole batch rewritten with a self-consistent hash still breaks the chain after it.
    await w.db.client.execute('DROP TRIGGER audit_batches_no_update');
    await w.db.client.execute("UPDATE audit_batches SET hash = 'f00d' WHERE id = 2");
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([expect.objectContaining({ batch: 2 })]),
    });
  });
});
