// Audit verification at a million events: the keyed chain recomputed and the record replayed
// against it (GET /audit/verify's work), beside the plain SQL read of the same stored events.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.js';
import { Db } from '../server/db/db.js';
import { migrate } from '../server/db/migrate.js';
import { verifyAudit } from '../server/features/audit/trail.js';
import { addMonths } from '../shared/periods.js';

const MEASURES = Number(process.env.BENCH_VERIFY_MEASURES ?? 10_000);
const ADMIN = 'bench-admin-token-0123456789';

export async function runVerifyBench() {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-verify-'));
  const db = new Db({ url: `file:${join(dir, 'verify.db')}` });
  await migrate(db);
  const app = createApp({ db, now: () => new Date('2030-01-15T00:00:00Z'), adminToken: ADMIN });
  const call = async (method: string, path: string, body: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.json() as Promise<any>;
  };
  await call('POST', '/nodes', {
    parentCode: null,
    level: 'organization',
    code: 'V',
    name: 'Verify',
  });
  for (const [parent, level, code] of [
    ['V', 'portfolio', 'V-PF'],
    ['V-PF', 'program', 'V-PG'],
    ['V-PG', 'project', 'V-PRJ'],
    ['V-PRJ', 'package', 'V-PKG'],
  ])
    await call('POST', '/nodes', { parentCode: parent, level, code, name: code });
  const planner = await call('POST', '/users', { name: 'Planner', email: 'p@verify.example' });
  await call('POST', '/nodes/V/roles', { userId: planner.id, role: 'planner' });
  await db.write(async (tx) => {
    const at = new Date().toISOString();
    const pkg = (await tx.execute("SELECT id, path, org_id FROM nodes WHERE code = 'V-PKG'"))
      .rows[0] as unknown as { id: number; path: string; org_id: number };
    await tx.execute({
      sql: `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) SELECT value, 'measure', ?, ?, '', value, ? FROM json_each(?)`,
      args: [
        pkg.id,
        pkg.org_id,
        at,
        JSON.stringify(Array.from({ length: MEASURES }, (_, i) => `V-${i}`)),
      ],
    });
    await tx.execute({
      sql: `UPDATE nodes SET path = ? || id || '/' WHERE level = 'measure'`,
      args: [pkg.path],
    });
    await tx.execute({
      sql: `INSERT INTO measures (node_id, title, owner_id, start_period, end_period, stage, revision, created_at) SELECT id, code, ?, '2027-01', '2028-12', 'defined', 0, ? FROM nodes WHERE level = 'measure'`,
      args: [planner.id, at],
    });
  });
  // Baseline, target and forecast of every month, and more forecasts, by pushes of 96,000 cells.
  let events = 0;
  let n = 0;
  for (const kind of ['baseline', 'target', 'forecast', 'forecast+1'])
    for (let half = 0; half < 2; half++)
      for (let part = 0; part < Math.ceil(MEASURES / 8000); part++) {
        const changes = [];
        for (let m = part * 8000; m < Math.min(MEASURES, (part + 1) * 8000); m++)
          for (let k = half * 12; k < half * 12 + 12; k++)
            changes.push({
              measure: `V-${m}`,
              kind: kind.replace('+1', ''),
              period: addMonths('2027-01', k),
              value: 1000 + m + (kind.endsWith('+1') ? 1 : 0),
              ...(kind.endsWith('+1') ? { baseVersion: 1 } : {}),
            });
        const res = await app.request('/api/v1/sync/push', {
          method: 'POST',
          headers: { authorization: `Bearer ${planner.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ idempotencyKey: `v-${n++}`, changes }),
        });
        if (res.status !== 200) throw new Error(`push: ${res.status}`);
        events += changes.length;
      }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const times: number[] = [];
  let result = { ok: false, events: 0 };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    result = await verifyAudit(db.client, { key: db.auditKey });
    times.push(performance.now() - t0);
  }
  // Plain SQL: the same stored events and cells read, hashed once, nothing checked.
  const base: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const h = createHash('sha256');
    for (const r of (
      await db.client.execute('SELECT events FROM audit_segments ORDER BY batch_id, ord')
    ).rows)
      h.update(String(r.events));
    // The cells as one JSON text, the cheapest way the driver reads them (as the replay does).
    JSON.parse(
      String(
        (
          await db.client.execute(
            'SELECT json_group_array(json_array(measure_id, kind, period, value, version)) AS j FROM cells',
          )
        ).rows[0]!.j,
      ),
    );
    h.digest();
    base.push(performance.now() - t0);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  if (!result.ok) throw new Error('the benchmark trail did not verify');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `\nAudit verification: ${result.events.toLocaleString('en')} events (${events.toLocaleString('en')} cell changes over ${MEASURES.toLocaleString('en')} measures)`,
  );
  console.log(
    `  verify with replay            ${s(median(times))}   median of ${times.map(s).join(', ')}`,
  );
  console.log(
    `  plain SQL read + one hash     ${s(median(base))}   ratio ${(median(times) / median(base)).toFixed(2)}×`,
  );
}
