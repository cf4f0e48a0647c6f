// The audit trail against an insider who has the database file but not the audit key
// (api-v1.md, "Audit that holds against an insider"). Each tamper is made as such an insider
// would: triggers dropped, rows rewritten, and every hash after it recomputed with SHA-256.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_AUDIT_KEY } from '../../server/db/db.js';
import { ADMIN_TOKEN, measure, plan, push, world, type World } from '../helpers.js';

const GUARDS = [
  'audit_batches_no_update',
  'audit_batches_no_delete',
  'audit_segments_no_update',
  'audit_segments_no_delete',
];

/**
 * What an insider without the key can do: recompute the chain from `from` on with SHA-256. With
 * `key`, what only a holder of the audit key (or a bug in the service) could do.
 */
async function rehash(w: World, from: number, key?: string) {
  const batches = (await w.db.client.execute('SELECT * FROM audit_batches ORDER BY id'))
    .rows as any[];
  let prev = from > 1 ? String(batches.find((b) => b.id === from - 1).hash) : 'gatecell:genesis';
  for (const b of batches.filter((x) => x.id >= from)) {
    const h = (key ? createHmac('sha256', key) : createHash('sha256'))
      .update(prev)
      .update('\n')
      .update(
        JSON.stringify([b.id, b.first_seq, b.last_seq, b.at, b.actor, b.request_id, b.source]),
      );
    for (const s of (
      await w.db.client.execute({
        sql: 'SELECT * FROM audit_segments WHERE batch_id = ? ORDER BY ord',
        args: [b.id],
      })
    ).rows as any[])
      h.update('\n')
        .update(JSON.stringify([s.ord, s.node_id, s.last_seq]))
        .update(String(s.events));
    const hash = h.digest('hex');
    await w.db.client.execute({
      sql: 'UPDATE audit_batches SET prev_hash = ?, hash = ? WHERE id = ?',
      args: [prev, hash, b.id],
    });
    prev = hash;
  }
}

async function tamperable() {
  const w = await world(undefined, { writesAroundTheService: true });
  for (const t of GUARDS) await w.db.client.execute(`DROP TRIGGER ${t}`);
  await measure(w, 'M-IN');
  await push(w, w.users.owner.token, [
    ...plan('M-IN', 'target', 1000),
    ...plan('M-IN', 'forecast', 1000),
  ]);
  await push(w, w.users.owner.token, [
    { measure: 'M-IN', kind: 'forecast', period: '2027-02', value: 980, baseVersion: 1 },
  ]);
  return w;
}
const verify = async (w: World, query = '') =>
  (await w.call(ADMIN_TOKEN, 'GET', `/audit/verify${query}`)).body;
const lastBatch = async (w: World) =>
  Number((await w.db.client.execute('SELECT MAX(id) AS id FROM audit_batches')).rows[0]!.id);

describe('verification holds against an insider with the database file', () => {
  it('an event rewritten and every later hash recomputed is detected', async () => {
    const w = await tamperable();
    const where = "events LIKE '%forecast 2027-02%980%'";
    const seg = (
      await w.db.client.execute(`SELECT batch_id, events FROM audit_segments WHERE ${where}`)
    ).rows[0]!;
    await w.db.client.execute({
      sql: `UPDATE audit_segments SET events = ? WHERE ${where}`,
      args: [String(seg.events).replace('980', '1980')],
    });
    await w.db.client.execute(
      "UPDATE cells SET value = 198000 WHERE kind = 'forecast' AND period = '2027-02'",
    );
    await rehash(w, Number(seg.batch_id));
    const v = await verify(w);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(
      expect.objectContaining({ type: 'altered', batch: Number(seg.batch_id) }),
    );
  });

  it('a batch that lost or doubled an event is reported, even rehashed with the key itself', async () => {
    for (const edit of ['lose', 'double'] as const) {
      const w = await tamperable();
      // The first push: one segment of 12 cell events.
      const seg = (
        await w.db.client.execute(
          "SELECT batch_id, ord, events FROM audit_segments WHERE events LIKE '%cell.changed%' ORDER BY batch_id LIMIT 1",
        )
      ).rows[0]!;
      const events = JSON.parse(String(seg.events)) as unknown[][];
      expect(events.length).toBeGreaterThan(2);
      const changed = edit === 'lose' ? events.slice(0, -1) : [...events, events[0]!];
      await w.db.client.execute({
        sql: 'UPDATE audit_segments SET events = ? WHERE batch_id = ? AND ord = ?',
        args: [JSON.stringify(changed), Number(seg.batch_id), Number(seg.ord)],
      });
      await rehash(w, Number(seg.batch_id), DEVELOPMENT_AUDIT_KEY);
      const v = await verify(w);
      expect(v.problems.map((p: any) => p.type)).not.toContain('altered');
      expect(v.problems).toContainEqual(
        expect.objectContaining({ type: 'events', batch: Number(seg.batch_id) }),
      );
    }
  });

  it('two events swapped and the chain rehashed is detected', async () => {
    const w = await tamperable();
    const last = await lastBatch(w);
    const [a, b] = (
      await w.db.client.execute({
        sql: 'SELECT id, actor FROM audit_batches WHERE id IN (?, ?) ORDER BY id',
        args: [last - 1, last],
      })
    ).rows;
    await w.db.client.execute({
      sql: 'UPDATE audit_batches SET actor = ? WHERE id = ?',
      args: [String(b!.actor) + '#', Number(a!.id)],
    });
    await w.db.client.execute({
      sql: 'UPDATE audit_batches SET actor = ? WHERE id = ?',
      args: [String(a!.actor), Number(b!.id)],
    });
    await rehash(w, last - 1);
    expect((await verify(w)).problems.map((p: any) => p.type)).toContain('altered');
  });

  it('a forged approval appended with a correct SHA-256 hash is detected', async () => {
    const w = await tamperable();
    const last = (await w.db.client.execute('SELECT * FROM audit_batches ORDER BY id DESC LIMIT 1'))
      .rows[0] as any;
    const id = Number(last.id) + 1;
    const seq = Number(last.last_seq) + 1;
    await w.db.client.execute({
      sql: "INSERT INTO audit_batches (id, first_seq, last_seq, at, actor, request_id, source, prev_hash, hash) VALUES (?, ?, ?, '2027-01-15T10:00:00.000Z', ?, NULL, NULL, ?, 'x')",
      args: [id, seq, seq, w.users.controller.id, String(last.hash)],
    });
    await w.db.client.execute({
      sql: 'INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events) VALUES (?, 0, NULL, ?, ?)',
      args: [
        id,
        seq,
        JSON.stringify([
          [seq, 'change_request.approved', 'cr_forged', null, { comment: 'ok' }, null],
        ]),
      ],
    });
    await rehash(w, id);
    const v = await verify(w);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ type: 'altered', batch: id })]);
  });

  it('deleting the newest batches is detected against a checkpoint; the checkpoint is signed', async () => {
    const w = await tamperable();
    const cp = (await w.call(ADMIN_TOKEN, 'GET', '/audit/checkpoint')).body;
    expect(cp).toMatchObject({
      seq: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      at: expect.any(String),
      signature: expect.any(String),
    });
    const q = `?checkpoint=${encodeURIComponent(JSON.stringify(cp))}`;
    expect(await verify(w, q)).toMatchObject({ ok: true, problems: [] });
    const last = await lastBatch(w);
    await w.db.client.execute({
      sql: 'DELETE FROM audit_segments WHERE batch_id = ?',
      args: [last],
    });
    await w.db.client.execute({ sql: 'DELETE FROM audit_batches WHERE id = ?', args: [last] });
    expect((await verify(w)).problems.filter((p: any) => p.type !== 'replay')).toEqual([]); // without the checkpoint the shorter chain is whole
    expect((await verify(w, q)).problems).toContainEqual(
      expect.objectContaining({ type: 'checkpoint' }),
    );
    // A checkpoint nobody signed is refused, not trusted.
    const forged = encodeURIComponent(JSON.stringify({ ...cp, seq: cp.seq - 1 }));
    expect((await w.call(ADMIN_TOKEN, 'GET', `/audit/verify?checkpoint=${forged}`)).status).toBe(
      422,
    );
    expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify?checkpoint=%7Bnot')).status).toBe(400);
  });

  it('a cell changed in the file with no event is found by the replay, naming measure, kind and period', async () => {
    const w = await tamperable();
    await w.db.client.execute(
      "UPDATE cells SET value = 5 WHERE kind = 'target' AND period = '2027-04'",
    );
    const v = await verify(w);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.objectContaining({
        type: 'replay',
        measure: 'M-IN',
        kind: 'target',
        period: '2027-04',
      }),
    ]);
    await w.db.client.execute(
      "INSERT INTO cells (measure_id, kind, period, value, version, revision) SELECT measure_id, 'actual', '2027-01', 7, 1, 1 FROM cells LIMIT 1",
    );
    expect((await verify(w)).problems).toContainEqual(
      expect.objectContaining({ type: 'replay', kind: 'actual', period: '2027-01' }),
    );
  });

  it('a cell missing from the file, and rows or events naming a cell no measure can hold, are found by the replay', async () => {
    const w = await tamperable();
    await w.db.client.execute("DELETE FROM cells WHERE kind = 'forecast' AND period = '2027-03'");
    for (const [kind, period] of [
      ['forecast', '2027-13'],
      ['bogus', '2027-01'],
    ] as const)
      await w.db.client.execute({
        sql: 'INSERT INTO cells (measure_id, kind, period, value, version, revision) SELECT measure_id, ?, ?, 7, 1, 1 FROM cells LIMIT 1',
        args: [kind, period],
      });
    // An event renamed to a month that does not exist, rehashed with the key itself: only the
    // replay can tell.
    const seg = (
      await w.db.client.execute(
        'SELECT batch_id, ord, events FROM audit_segments WHERE events LIKE \'%"target 2027-05"%\'',
      )
    ).rows[0]!;
    await w.db.client.execute({
      sql: 'UPDATE audit_segments SET events = ? WHERE batch_id = ? AND ord = ?',
      args: [
        String(seg.events).replace('"target 2027-05"', '"target 2027-00"'),
        Number(seg.batch_id),
        Number(seg.ord),
      ],
    });
    await rehash(w, Number(seg.batch_id), DEVELOPMENT_AUDIT_KEY);
    const v = await verify(w);
    const found = v.problems.map((p: any) => [p.type, p.measure, p.kind, p.period]);
    expect(found).toHaveLength(5);
    expect(found).toEqual(
      expect.arrayContaining([
        ['replay', 'M-IN', 'forecast', '2027-03'],
        ['replay', 'M-IN', 'forecast', '2027-13'],
        ['replay', 'M-IN', 'bogus', '2027-01'],
        ['replay', 'M-IN', 'target', '2027-00'],
        ['replay', 'M-IN', 'target', '2027-05'],
      ]),
    );
    const said = (period: string) => v.problems.find((p: any) => p.period === period).message;
    expect(said('2027-03')).toMatch(/written by audit events but is not in the record/);
    expect(said('2027-00')).toMatch(/written by audit events but is not in the record/);
    expect(said('2027-13')).toMatch(/no audit event ever wrote it/);
    expect(said('2027-05')).toMatch(/no audit event ever wrote it/);
  });

  it('a cell is held to its latest event, not an earlier one', async () => {
    const w = await tamperable();
    // forecast 2027-02 was written twice, in two batches: 1000 (version 1), then 980 (version 2).
    expect((await verify(w)).ok).toBe(true);
    await w.db.client.execute(
      "UPDATE cells SET value = 100000, version = 1 WHERE kind = 'forecast' AND period = '2027-02'",
    );
    expect((await verify(w)).problems).toEqual([
      expect.objectContaining({
        type: 'replay',
        kind: 'forecast',
        period: '2027-02',
        message: expect.stringMatching(/leads? to 980 at version 2/),
      }),
    ]);
  });

  it('moving the keying point or removing it is detected', async () => {
    const w = await tamperable();
    await w.db.client.execute('DROP TRIGGER audit_keying_no_update');
    await w.db.client.execute('UPDATE audit_keying SET from_batch = from_batch + 1000');
    expect((await verify(w)).problems).toContainEqual(expect.objectContaining({ type: 'keying' }));
  });
});

describe("an organization admin's verification covers their organization", async () => {
  const w = await world(undefined, { writesAroundTheService: true });
  await measure(w, 'M-ORG');
  await push(w, w.users.owner.token, plan('M-ORG', 'target', 1000));
  const other = (
    await w.call(ADMIN_TOKEN, 'POST', '/users', {
      name: 'Other admin',
      email: 'otheradmin@example.com',
    })
  ).body;
  await w.call(ADMIN_TOKEN, 'POST', '/nodes/OTHER/roles', { userId: other.id, role: 'admin' });

  it('counts only its events and replays only its cells', async () => {
    const all = (await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body;
    const org = (await w.call(w.users.admin.token, 'GET', '/audit/verify')).body;
    const otherOrg = (await w.call(other.token, 'GET', '/audit/verify')).body;
    expect([all.ok, org.ok, otherOrg.ok]).toEqual([true, true, true]);
    expect(org.events).toBeLessThan(all.events);
    expect(otherOrg.events).toBeLessThan(org.events);
    // A cell of ORG changed behind the service's back is ORG's problem, not OTHER's to read about.
    await w.db.client.execute(
      "UPDATE cells SET value = 1 WHERE kind = 'target' AND period = '2027-03'",
    );
    expect((await w.call(w.users.admin.token, 'GET', '/audit/verify')).body.problems).toEqual([
      expect.objectContaining({ type: 'replay', measure: 'M-ORG' }),
    ]);
    expect((await w.call(other.token, 'GET', '/audit/verify')).body).toMatchObject({
      ok: true,
      problems: [],
    });
  });
});
