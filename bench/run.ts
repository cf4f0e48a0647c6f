// `npm run bench`: the governed push against raw libSQL inserts of the same rows, the pull, and
// peak memory; then the add-in side. Prints ratios: targets are ratios, not wall-clock asserts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createApp } from '../server/app.js';
import { Db } from '../server/db/db.js';
import { migrate } from '../server/db/migrate.js';
import { addMonths } from '../shared/periods.js';

const MEASURES = Number(process.env.BENCH_MEASURES ?? 8000);
const MONTHS = 12;
const ADMIN = 'bench-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'gatecell-bench-'));
const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => `${(x / 1000).toFixed(3)} s`;


async function governedPush() {
  const db = new Db({ url: `file:${join(dir, 'service.db')}` });
  await migrate(db);
  const app = createApp({ db, now: () => new Date('2027-01-15T00:00:00Z'), adminToken: ADMIN });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  await call(ADMIN, 'POST', '/nodes', { parentCode: null, level: 'organization', code: 'B', name: 'Bench' });
  for (const [parent, level, code] of [['B', 'portfolio', 'B-PF'], ['B-PF', 'program', 'B-PG'], ['B-PG', 'project', 'B-PRJ'], ['B-PRJ', 'package', 'B-PKG']])
    await call(ADMIN, 'POST', '/nodes', { parentCode: parent, level, code, name: code });
  const planner = await call(ADMIN, 'POST', '/users', { name: 'Planner', email: 'p@bench.example' });
  await call(ADMIN, 'POST', '/nodes/B/roles', { userId: planner.id, role: 'planner' });
  // Measures are set up directly: the benchmark is about the push, not about 8,000 POSTs.
  const now = new Date().toISOString();
  await db.write(async (tx) => {
    const pkg = (await tx.execute("SELECT id, path, org_id FROM nodes WHERE code = 'B-PKG'")).rows[0] as unknown as { id: number; path: string; org_id: number };
    const rows = Array.from({ length: MEASURES }, (_, i) => [`M-${i}`]);
    await tx.execute({ sql: `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) SELECT value->>0, 'measure', ?, ?, '', value->>0, ? FROM json_each(?)`, args: [pkg.id, pkg.org_id, now, JSON.stringify(rows)] });
    await tx.execute({ sql: `UPDATE nodes SET path = ? || id || '/' WHERE level = 'measure'`, args: [pkg.path] });
    await tx.execute({ sql: `INSERT INTO measures (node_id, title, owner_id, start_period, end_period, stage, revision, created_at) SELECT id, code, ?, '2027-01', '2027-12', 'defined', 0, ? FROM nodes WHERE level = 'measure'`, args: [planner.id, now] });
  });
  // Warm up as a running service is warm (JIT, statement caches): a small push of baselines.
  const warm = Array.from({ length: 2000 }, (_, i) => ({ measure: `M-${i % MEASURES}`, kind: 'baseline', period: addMonths('2027-01', i % MONTHS), value: 500 }));
  await call(planner.token, 'POST', '/sync/push', { idempotencyKey: 'warm-up', changes: warm });
  const changes = [];
  for (let m = 0; m < MEASURES; m++)
    for (let k = 0; k < MONTHS; k++) changes.push({ measure: `M-${m}`, kind: 'forecast', period: addMonths('2027-01', k), value: 1000 + m + k / 100, cell: `C${m + 2}` });
  const body = JSON.stringify({ idempotencyKey: 'bench-1', source: { workbook: 'Bench.xlsx', sheet: 'Forecast' }, changes });
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const res = await app.request('/api/v1/sync/push', { method: 'POST', headers: { authorization: `Bearer ${planner.token}`, 'content-type': 'application/json' }, body });
  const answer = (await res.json()) as any;
  const pushMs = ms(t0);
  const appliedCount = answer.results.filter((r: any) => r.outcome === 'applied').length;
  if (appliedCount !== changes.length) throw new Error(`expected every change applied, got ${appliedCount}`);
  const t1 = performance.now();
  const pulled = (await (await app.request('/api/v1/cells?scope=B&kinds=forecast', { headers: { authorization: `Bearer ${planner.token}` } })).json()) as any;
  const pullMs = ms(t1);
  if (pulled.cells.length !== changes.length) throw new Error(`pull returned ${pulled.cells.length}`);
  const t2 = performance.now();
  const retry = await app.request('/api/v1/sync/push', { method: 'POST', headers: { authorization: `Bearer ${planner.token}`, 'content-type': 'application/json' }, body });
  await retry.json();
  const retryMs = ms(t2);
  db.close();
  return { pushMs, pullMs, retryMs, bodyMb: body.length / 1e6, rssBefore };
}

async function rawInserts() {
  const rows = [];
  for (let m = 0; m < MEASURES; m++) for (let k = 0; k < MONTHS; k++) rows.push([m + 1, 'forecast', addMonths('2027-01', k), 100000 + m * 100 + k, 1, 1]);
  const ddl = 'CREATE TABLE cells (measure_id INTEGER, kind TEXT, period TEXT, value INTEGER, version INTEGER, revision INTEGER, PRIMARY KEY (measure_id, kind, period)) WITHOUT ROWID';
  const rowByRow = createClient({ url: `file:${join(dir, 'row.db')}` });
  await rowByRow.execute(ddl);
  const t0 = performance.now();
  const tx = await rowByRow.transaction('write');
  for (const r of rows) await tx.execute({ sql: 'INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?)', args: r });
  await tx.commit();
  const rowMs = ms(t0);
  rowByRow.close();
  const bulk = createClient({ url: `file:${join(dir, 'bulk.db')}` });
  await bulk.execute(ddl);
  const t1 = performance.now();
  await bulk.execute({ sql: 'INSERT INTO cells SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?)', args: [JSON.stringify(rows)] });
  const bulkMs = ms(t1);
  bulk.close();
  return { rowMs, bulkMs };
}

const cells = MEASURES * MONTHS;
console.log(`Gatecell benchmark: ${cells.toLocaleString('en')} cells (${MEASURES} measures × ${MONTHS} months)\n`);
const svc = await governedPush();
// The OS high-water mark: a sampler could not run while a push holds the event loop.
const peakRss = process.resourceUsage().maxRSS * 1024;
const raw = await rawInserts();
console.log('Service (full HTTP path: parse, zod, permissions, finance rules, versions, audit chain, idempotency)');
console.log(`  governed push             ${fmt(svc.pushMs)}   (${svc.bodyMb.toFixed(1)} MB body)`);
console.log(`  raw row-by-row insert     ${fmt(raw.rowMs)}`);
console.log(`  raw bulk json_each insert ${fmt(raw.bulkMs)}`);
console.log(`  push ÷ row-by-row         ${(svc.pushMs / raw.rowMs).toFixed(2)}×   target < 1`);
console.log(`  push ÷ bulk               ${(svc.pushMs / raw.bulkMs).toFixed(2)}×   target ≤ 4`);
console.log(`  pull of the same cells    ${fmt(svc.pullMs)}   target < 0.5 s`);
console.log(`  idempotent retry          ${fmt(svc.retryMs)}`);
console.log(`  peak memory (RSS)         ${(peakRss / 1024 / 1024).toFixed(0)} MB   target < 300 MB`);

rmSync(dir, { recursive: true, force: true });
