import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORY } from '../story.js';
import { createApp } from '../../server/app.js';
import { Db } from '../../server/db/db.js';
import { migrate } from '../../server/db/migrate.js';

describe('migrations', STORY, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-migrate-'));
  const db = new Db({ url: `file:${join(dir, 'old.db')}` });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const app = createApp({
    db,
    now: () => new Date('2027-01-15T09:00:00Z'),
    adminToken: 'migration-admin-token-0123',
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: {
        authorization: 'Bearer migration-admin-token-0123',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as any;
  };

  it('are applied once, in order', async () => {
    expect(await migrate(db, '001_init.sql')).toEqual(['001_init.sql']);
    expect(await migrate(db, '001_init.sql')).toEqual([]);
  });

  it('002 rebuilds the audit segments as an ordinary table, keeping every event, the chain and the guards', async () => {
    await call('POST', '/nodes', {
      parentCode: null,
      level: 'organization',
      code: 'OLD',
      name: 'Old',
    });
    await call('POST', '/nodes', {
      parentCode: 'OLD',
      level: 'portfolio',
      code: 'OLD-PF',
      name: 'Portfolio',
    });
    await call('POST', '/users', { name: 'Pia', email: 'pia@example.com' });
    // Before migration 005 the trail is not keyed yet: verification says so, and nothing else.
    const before = await call('GET', '/audit/verify');
    expect(before).toMatchObject({
      events: 3,
      problems: [expect.objectContaining({ type: 'keying' })],
    });
    const events = await call('GET', '/audit');

    expect(await migrate(db, '002_audit_segments_rowid.sql')).toContain(
      '002_audit_segments_rowid.sql',
    );
    const table = await db.client.execute(
      "SELECT sql FROM sqlite_master WHERE name = 'audit_segments'",
    );
    expect(String(table.rows[0]!.sql)).not.toMatch(/WITHOUT ROWID/i);
    expect(await call('GET', '/audit/verify')).toEqual(before);
    expect(await call('GET', '/audit')).toEqual(events);
    await expect(db.client.execute("UPDATE audit_segments SET events = '[]'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.client.execute('DELETE FROM audit_segments')).rejects.toThrow(/append-only/);
    const index = await db.client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_segments'",
    );
    expect(index.rows.map((r) => r.name)).toContain('audit_segments_node');
  });

  it('003 rewrites stored texts that are not UTF-8 (which crashed the driver on read), audited; everything reads again', async () => {
    // SQLite's JSON functions turn an escaped lone surrogate into bytes that are not UTF-8: the
    // way such texts got in. Reading this row before the repair would abort the process.
    await db.client.execute(
      `UPDATE nodes SET name = json_extract('"Portfolio \\ud83d"', '$') WHERE code = 'OLD-PF'`,
    );
    expect(
      (await db.client.execute("SELECT hex(name) AS h FROM nodes WHERE code = 'OLD-PF'")).rows[0]!
        .h,
    ).toMatch(/EDA0BD$/);
    expect(await migrate(db, '003_repair_text.sql')).toEqual(['003_repair_text.sql']);
    const read = await db.client.execute("SELECT name FROM nodes WHERE code = 'OLD-PF'");
    expect(read.rows[0]!.name).toBe('Portfolio \uFFFD\uFFFD\uFFFD');
    const events = (await call('GET', '/audit')).events;
    expect(events.at(-1)).toMatchObject({
      action: 'text.repaired',
      actor: 'system',
      subject: 'nodes.name',
    });
    expect((await call('GET', '/audit/verify')).problems.map((p: any) => p.type)).toEqual([
      'keying',
    ]);
  });

  it('005 keys the chain from the next batch, audits that point, and the whole trail verifies', async () => {
    const before = (await call('GET', '/audit')).events.length;
    expect(await migrate(db, '005_audit_key.sql')).toEqual([
      '004_integrity.sql',
      '005_audit_key.sql',
    ]);
    const events = (await call('GET', '/audit')).events;
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      action: 'audit.keyed',
      actor: 'system',
      after: { fromBatch: expect.any(Number) },
    });
    expect(await call('GET', '/audit/verify')).toMatchObject({ ok: true, problems: [] });
    // Batches before the point keep their SHA-256; from it on, only the key makes a valid hash.
    const [pre, keyed] = (
      await db.client.execute('SELECT id, hash FROM audit_batches ORDER BY id')
    ).rows.slice(-2);
    expect(pre!.hash).not.toBe(keyed!.hash);
  });

  it('006 keeps the totals, statuses and exceptions of the measures already in the record', async () => {
    // A measure written before 006, the way its data lay then: no kept totals.
    await db.client.executeMultiple(`
      INSERT INTO users (id, name, email, token_hash, created_at) VALUES ('u_old', 'Olga', 'olga@example.com', 'x', '2026-01-01');
      INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at)
        SELECT 'OLD-M', 'measure', id, org_id, '', 'Old measure', '2026-01-01' FROM nodes WHERE code = 'OLD-PF';
      UPDATE nodes SET path = (SELECT path FROM nodes WHERE code = 'OLD-PF') || id || '/' WHERE code = 'OLD-M';
      INSERT INTO measures (node_id, title, owner_id, start_period, end_period, stage, revision, created_at)
        SELECT id, 'Old measure', 'u_old', '2026-01', '2026-02', 'defined', 1, '2026-01-01' FROM nodes WHERE code = 'OLD-M';
      INSERT INTO milestones (id, measure_id, title, due, created_at)
        SELECT 'ms_old', id, 'Long past', '2026-01-10', '2026-01-01' FROM nodes WHERE code = 'OLD-M';
      INSERT INTO cells (measure_id, kind, period, value, version, revision)
        SELECT n.id, 'target', p.value, 50000, 1, 1 FROM nodes n, json_each('["2026-01","2026-02","2026-03"]') p WHERE n.code = 'OLD-M';
    `);
    expect(await migrate(db, '006_kept_totals.sql')).toEqual(['006_kept_totals.sql']);
    const kept = (
      await db.client.execute(
        "SELECT t.target, t.expected, t.implementation, t.potential FROM measure_totals t JOIN nodes n ON n.id = t.measure_id WHERE n.code = 'OLD-M'",
      )
    ).rows[0];
    // Two months of the window count (March is outside it); nothing else is planned yet.
    expect({ ...kept }).toEqual({
      target: 100000,
      expected: 100000,
      implementation: 'delayed',
      potential: 'on_track',
    });
    expect((await call('GET', '/reports/rollup?scope=OLD')).totals.target).toBe(1000);
    expect((await call('GET', '/exceptions?scope=OLD')).exceptions.map((e: any) => e.type)).toEqual(
      ['milestone_overdue'],
    );
    expect((await db.client.execute('SELECT COUNT(*) AS n FROM measures_changed')).rows[0]!.n).toBe(
      0,
    );
    // Raised by the migration, as the service itself (the cells above were written around the
    // trail, which verification would report; that is not this test's point).
    expect((await call('GET', '/audit')).events.at(-1)).toMatchObject({
      action: 'exception.raised',
      actor: 'system',
    });
  });

  it("007 keeps every token working, counted from its user's creation; a grant made since says when and by whom", async () => {
    const pia = (await db.client.execute("SELECT id FROM users WHERE email = 'pia@example.com'"))
      .rows[0]!.id;
    const made = await call('POST', '/users', { name: 'Max', email: 'max@example.com' });
    expect(await migrate(db, '007_access.sql')).toEqual(['007_access.sql']);
    const me = await app.request('/api/v1/me', {
      headers: { authorization: `Bearer ${made.token}` },
    });
    expect(me.status).toBe(200);
    const users = (
      await db.client.execute('SELECT id, active, token_rotated_at FROM users ORDER BY id')
    ).rows.map((r) => ({ ...r }));
    expect(users).toContainEqual({ id: pia, active: 1, token_rotated_at: null });
    // A grant made now says when and by whom.
    await call('POST', '/nodes/OLD/roles', { userId: made.id, role: 'viewer' });
    const grant = (
      await db.client.execute({
        sql: 'SELECT granted_at, granted_by FROM grants WHERE user_id = ?',
        args: [made.id],
      })
    ).rows[0];
    expect({ ...grant }).toEqual({ granted_at: '2027-01-15T09:00:00.000Z', granted_by: 'admin' });
  });

  it('008 adds the failed-authentication counts, empty: nobody starts throttled', async () => {
    expect(await migrate(db, '008_auth_failures.sql')).toEqual(['008_auth_failures.sql']);
    expect((await db.client.execute('SELECT COUNT(*) AS n FROM auth_failures')).rows[0]!.n).toBe(0);
  });

  it('009 lists every exception as raised by the rules, and every dependency as low risk, as before', async () => {
    const before = (await call('GET', '/exceptions?scope=OLD')).exceptions;
    expect(await migrate(db, '009_decisions.sql')).toEqual(['009_decisions.sql']);
    const after = (await call('GET', '/exceptions?scope=OLD')).exceptions;
    expect(after).toEqual(before);
    expect(after.every((e: { raisedBy: unknown }) => e.raisedBy === null)).toBe(true);
  });

  it('010 keeps the money by month of the measures already in the record, as their cells say', async () => {
    expect((await call('GET', '/reports/rollup?scope=OLD')).byMonth).toEqual([]);
    expect(await migrate(db, '010_kept_months.sql')).toEqual(['010_kept_months.sql']);
    // OLD-M's window is 2026-01…2026-02 (March lies outside it); a target of 500.00 a month.
    expect((await call('GET', '/reports/rollup?scope=OLD')).byMonth).toEqual([
      { period: '2026-01', target: 500, forecast: 0, actual: 0, expected: 500 },
      { period: '2026-02', target: 500, forecast: 0, actual: 0, expected: 500 },
    ]);
    expect((await db.client.execute('SELECT COUNT(*) AS n FROM measures_changed')).rows[0]!.n).toBe(
      0,
    );
  });

  it('011 adds webhooks, none yet; every write before it went on without notifying anyone', async () => {
    expect(await migrate(db, '011_webhooks.sql')).toEqual(['011_webhooks.sql']);
    expect((await call('GET', '/nodes/OLD/webhooks')).webhooks).toEqual([]);
  });

  it('012 lets webhooks be removed; none is', async () => {
    expect(await migrate(db)).toEqual(['012_webhook_removal.sql']);
    expect((await call('GET', '/nodes/OLD/webhooks')).webhooks).toEqual([]);
  });
});
