import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, measure, plan, push, world } from '../helpers.js';

describe('audit trail', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-AU');
  const r = await push(w, users.owner.token, [{ measure: 'M-AU', kind: 'target', period: '2027-02', value: 123.45, cell: 'D9' }]);

  it('one event per changed cell: who, when, before, after, and where it came from', async () => {
    const events = (await w.call(users.viewer.token, 'GET', '/audit?scope=M-AU')).body.events;
    const cell = events.find((e: any) => e.action === 'cell.changed');
    expect(cell).toMatchObject({
      actor: users.owner.id, node: 'M-AU', subject: 'target 2027-02', at: w.clock.now.toISOString(),
      before: { value: null, version: 0 }, after: { value: 123.45, version: 1 },
      source: { workbook: 'Plan.xlsx', sheet: 'Forecast', cell: 'D9' }, requestId: expect.any(String),
    });
    expect(r.results[0].outcome).toBe('applied');
    const since = (await w.call(users.viewer.token, 'GET', `/audit?scope=M-AU&since=${cell.seq}`)).body.events;
    expect(since.every((e: any) => e.seq > cell.seq)).toBe(true);
  });

  it('verification recomputes the chain', async () => {
    await push(w, users.owner.token, plan('M-AU', 'baseline', 10));
    const v = await w.call(ADMIN_TOKEN, 'GET', '/audit/verify');
    expect(v.body).toMatchObject({ ok: true, events: expect.any(Number), head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await w.call(users.viewer.token, 'GET', '/audit/verify')).status).toBe(403);
  });

  it('the service itself refuses to edit or delete events', async () => {
    await expect(w.db.client.execute("UPDATE audit_events SET actor = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(w.db.client.execute('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it('detects a row edited in the database file behind the service\'s back', async () => {
    const seq = (await w.db.client.execute("SELECT seq FROM audit_events WHERE action = 'cell.changed' AND subject = 'target 2027-02'")).rows[0]!.seq;
    await w.db.client.execute('DROP TRIGGER audit_events_no_update');
    await w.db.client.execute({ sql: `UPDATE audit_events SET after = '{"value":999,"version":1}' WHERE seq = ?`, args: [Number(seq)] });
    const v = (await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body;
    expect(v).toMatchObject({ ok: false, problem: expect.stringMatching(/altered/) });
    await w.db.client.execute({ sql: `UPDATE audit_events SET after = '{"value":123.45,"version":1}' WHERE seq = ?`, args: [Number(seq)] });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(true);
  });

  it('detects a deleted event and an inserted one', async () => {
    await w.db.client.execute('DROP TRIGGER audit_events_no_delete');
    const last = (await w.db.client.execute('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1')).rows[0]!;
    await w.db.client.execute({ sql: 'DELETE FROM audit_events WHERE seq = ?', args: [Number(last.seq)] });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body).toMatchObject({ ok: false, problem: expect.stringMatching(/missing/) });
    await w.db.client.execute({ sql: 'INSERT INTO audit_events SELECT * FROM (SELECT ? , batch_id, at, actor, action, node_id, subject, before, after, source, request_id FROM audit_events WHERE seq = 1)', args: [Number(last.seq)] });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(false);
    await w.db.client.execute({ sql: 'INSERT INTO audit_events (seq, batch_id, at, actor, action) VALUES (?, 1, ?, ?, ?)', args: [Number(last.seq) + 1000, 'x', 'x', 'x'] });
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(false);
  });
});
