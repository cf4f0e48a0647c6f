// Reads at the size of a real program (issue 10): for 1,000, 10,000 and 25,000 measures × 24
// months × 4 kinds, the reads executives, controllers and auditors make, through the service's
// HTTP path in its own process, each beside the plain SQL of the same rows read in the same run
// from the same file. Then, at 10,000, 50 planners pushing while 5 readers roll up, and the
// record checked for lost updates at the end.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createApp } from '../server/app.js';
import { Db } from '../server/db/db.js';
import { migrate } from '../server/db/migrate.js';
import { addMonths } from '../shared/periods.js';
import { insertMeasures } from '../test/bulk-measures.js';
import { mb, median, quantile } from './figures.js';
import { BENCH_ADMIN, type RunningService, withService } from './service.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,25000').split(',').map(Number);
const SOAK_AT = Number(process.env.BENCH_SOAK_AT ?? 10_000);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const PORT = Number(process.env.BENCH_PORT ?? 3918);
const MONTHS = 24;
const START = '2025-01';
const PACKAGE_SIZE = 100;
const PLANNERS = 50;
const READERS = 5;
const REPEAT = 5;
/** Between two pushes of one planner: people push when they have edited, not in a tight loop. */
const THINK_MS = 500;

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

interface Built {
  file: string;
  planner: string;
  measures: number;
  events: number;
}

/** An organization of `n` measures in packages of 100, every month of 4 kinds pushed. */
async function build(dir: string, n: number): Promise<Built> {
  const file = join(dir, `reads-${n}.db`);
  const db = new Db({ url: `file:${file}` });
  await migrate(db);
  const app = createApp({ db, now: () => new Date(), adminToken: BENCH_ADMIN });
  const call = async (token: string, method: string, path: string, body: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.json() as Promise<any>;
  };
  const admin = (method: string, path: string, body: unknown) =>
    call(BENCH_ADMIN, method, path, body);
  await admin('POST', '/nodes', { parentCode: null, level: 'organization', code: 'R', name: 'R' });
  for (const [parent, level, code] of [
    ['R', 'portfolio', 'R-PF'],
    ['R-PF', 'program', 'R-PG'],
    ['R-PG', 'project', 'R-PRJ'],
  ])
    await admin('POST', '/nodes', { parentCode: parent, level, code, name: code });
  const planner = await admin('POST', '/users', { name: 'Planner', email: 'p@reads.example' });
  const controller = await admin('POST', '/users', { name: 'Ctl', email: 'c@reads.example' });
  await admin('POST', '/nodes/R/roles', { userId: planner.id, role: 'planner' });
  await admin('POST', '/nodes/R/roles', { userId: controller.id, role: 'controller' });
  const packages = Math.ceil(n / PACKAGE_SIZE);
  for (let p = 0; p < packages; p++) {
    const code = `R-PKG-${p}`;
    await admin('POST', '/nodes', { parentCode: 'R-PRJ', level: 'package', code, name: code });
    await insertMeasures(db, {
      packageCode: code,
      ownerId: planner.id,
      codes: Array.from(
        { length: Math.min(PACKAGE_SIZE, n - p * PACKAGE_SIZE) },
        (_, i) => `R-${p * PACKAGE_SIZE + i}`,
      ),
      startPeriod: START,
      endPeriod: addMonths(START, MONTHS - 1),
    });
  }
  // Forecast before target (a first forecast against no target is never material); every tenth
  // measure forecasts 70 % of its target, so that it raises value-slipping exceptions.
  let key = 0;
  let events = 0;
  for (const kind of ['baseline', 'forecast', 'target', 'actual'] as const)
    for (let from = 0; from < n; from += 4000) {
      const changes = [];
      for (let m = from; m < Math.min(n, from + 4000); m++)
        for (let k = 0; k < MONTHS; k++)
          changes.push({
            measure: `R-${m}`,
            kind,
            period: addMonths(START, k),
            value:
              kind === 'forecast' && m % 10 === 0
                ? 700
                : kind === 'actual'
                  ? 900 + (m % 7)
                  : kind === 'baseline'
                    ? 1200
                    : 1000,
          });
      const answer = await call(
        kind === 'actual' ? controller.token : planner.token,
        'POST',
        '/sync/push',
        {
          idempotencyKey: `build-${key++}`,
          changes,
        },
      );
      const applied = answer.results.filter((r: any) => r.outcome === 'applied').length;
      if (applied !== changes.length)
        throw new Error(`build: ${changes.length - applied} ${kind} changes not applied`);
      events += changes.length;
    }
  db.close();
  return { file, planner: planner.token, measures: n, events };
}

/** Median of REPEAT timed runs of `fn` (after one untimed run that warms it). */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface Figure {
  read: string;
  ms: number;
  baselineMs: number;
  target: string;
  /** The service's peak resident memory while this read ran. */
  peak: number;
}

async function measureReads(
  built: Built,
  svc: RunningService,
): Promise<{ figures: Figure[]; peak: number }> {
  const sql = createClient({ url: `file:${built.file}`, intMode: 'number' });
  const get =
    (path: string, token = BENCH_ADMIN) =>
    async () => {
      const res = await fetch(`${svc.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return res.json();
    };
  const plain =
    (query: string, args: (string | number)[] = []) =>
    async () =>
      (await sql.execute({ sql: query, args })).rows;
  const one = built.measures >> 1;
  const pkg = `R-PKG-${Math.floor(one / PACKAGE_SIZE)}`;
  const measureId = Number(
    (await sql.execute({ sql: 'SELECT id FROM nodes WHERE code = ?', args: [`R-${one}`] })).rows[0]!
      .id,
  );
  const figures: Figure[] = [];
  const figure = async (
    read: string,
    target: string,
    service: () => Promise<unknown>,
    baseline: () => Promise<unknown>,
  ) => {
    // Each read's own high-water mark: the service's resident memory is the largest of them.
    svc.resetPeak();
    const ms = await timed(service);
    const peak = svc.peak();
    figures.push({ read, target, ms, baselineMs: await timed(baseline), peak });
  };

  await figure(
    'rollup of the organization',
    '≤ 200 ms',
    get('/reports/rollup?scope=R'),
    plain(`SELECT c.kind, SUM(c.value) FROM cells c GROUP BY c.kind`),
  );
  await figure(
    `rollup of one package (${PACKAGE_SIZE} measures)`,
    '≤ 20 ms',
    get(`/reports/rollup?scope=${pkg}`),
    plain(
      `SELECT c.kind, SUM(c.value) FROM cells c JOIN nodes n ON n.id = c.measure_id JOIN nodes p ON p.id = n.parent_id
       WHERE p.code = ? GROUP BY c.kind`,
      [pkg],
    ),
  );
  // The executive report: the four reads the pane makes at once (the dashboard is the rollup).
  const today = new Date().toISOString().slice(0, 10);
  await figure(
    'executive report of the organization (4 reads at once)',
    '≤ 500 ms',
    () =>
      Promise.all(
        [
          '/reports/rollup?scope=R',
          '/reports/variances?scope=R',
          '/exceptions?scope=R',
          `/decisions?scope=R&from=2000-01-01&to=${today}`,
        ].map((path) => get(path)()),
      ),
    () =>
      Promise.all([
        plain(`SELECT c.kind, SUM(c.value) FROM cells c GROUP BY c.kind`)(),
        plain(
          `SELECT n.code, m.title, m.owner_id, m.stage, t.target, t.forecast, t.actual, t.expected
           FROM measure_totals t JOIN measures m ON m.node_id = t.measure_id JOIN nodes n ON n.id = t.measure_id
           ORDER BY n.code`,
        )(),
        plain(
          `SELECT e.*, n.code FROM exceptions e JOIN nodes n ON n.id = e.measure_id
           WHERE e.status IN ('open', 'acknowledged') ORDER BY e.level DESC, e.value_at_stake DESC`,
        )(),
      ]),
  );
  await figure(
    'open exceptions of the organization',
    '≤ 100 ms',
    get('/exceptions?scope=R'),
    plain(
      `SELECT e.*, n.code FROM exceptions e JOIN nodes n ON n.id = e.measure_id
       WHERE e.status IN ('open', 'acknowledged') ORDER BY e.level DESC, e.value_at_stake DESC`,
    ),
  );
  await figure(
    `pull of ${(built.measures * MONTHS).toLocaleString('en')} forecast cells`,
    '≤ 1.5× baseline',
    get('/cells?scope=R&kinds=forecast', built.planner),
    async () =>
      JSON.stringify(
        (
          await sql.execute(
            `SELECT n.code AS measure, c.kind, c.period, c.value, c.version FROM cells c JOIN nodes n ON n.id = c.measure_id
             WHERE c.kind = 'forecast' ORDER BY n.code, c.period`,
          )
        ).rows,
      ),
  );
  await figure('audit of one measure', '≤ 10 ms', get(`/audit?scope=R-${one}`), async () =>
    (
      await sql.execute({
        sql: 'SELECT events FROM audit_segments WHERE node_id = ? ORDER BY batch_id, ord',
        args: [measureId],
      })
    ).rows.map((r) => JSON.parse(String(r.events))),
  );
  await figure(
    `audit verification (${built.events.toLocaleString('en')} cell events)`,
    '≤ 2× baseline',
    async () => {
      const v = (await get('/audit/verify')()) as { ok: boolean };
      if (!v.ok) throw new Error('the trail did not verify');
    },
    // The same stored events and cells read, hashed once, nothing checked.
    async () => {
      const h = createHash('sha256');
      for (const r of (
        await sql.execute('SELECT events FROM audit_segments ORDER BY batch_id, ord')
      ).rows)
        h.update(String(r.events));
      JSON.parse(
        String(
          (
            await sql.execute(
              'SELECT json_group_array(json_array(measure_id, kind, period, value, version)) AS j FROM cells',
            )
          ).rows[0]!.j,
        ),
      );
      h.digest();
    },
  );
  sql.close();
  return { figures, peak: Math.max(...figures.map((f) => f.peak)) };
}

/**
 * PLANNERS clients each pushing small batches (5 forecast changes) on measures of their own, about
 * every THINK_MS after the answer, while READERS clients roll up a package each, back to back; then every applied change
 * is checked in the record, each cell's version against the count of its applied changes, and the
 * trail verified.
 */
async function soak(built: Built, svc: RunningService) {
  const until = Date.now() + SOAK_SECONDS * 1000;
  const latencies: number[] = [];
  const readLatencies: number[] = [];
  const cells = new Map<string, { value: number; version: number; applied: number }>();
  const failures: string[] = [];
  const headers = { authorization: `Bearer ${built.planner}`, 'content-type': 'application/json' };
  const perPlanner = Math.floor(built.measures / PLANNERS);
  svc.resetPeak();
  const planner = async (p: number) => {
    for (let round = 0; Date.now() < until; round++) {
      const changes: {
        measure: string;
        kind: 'forecast';
        period: string;
        value: number;
        baseVersion: number;
      }[] = [];
      for (let i = 0; i < 5; i++) {
        const m = p * perPlanner + ((round * 5 + i) % perPlanner);
        const measure = `R-${m}`;
        const period = addMonths(START, (round + i) % MONTHS);
        const key = `${measure}|${period}`;
        const known = cells.get(key);
        // A cent or so off the built forecast: never material, so every change applies at once.
        const value = (m % 10 === 0 ? 700 : 1000) + ((round % 10) + 1) / 100;
        changes.push({
          measure,
          kind: 'forecast',
          period,
          value,
          baseVersion: known?.version ?? 1,
        });
      }
      const t0 = performance.now();
      const res = await fetch(`${svc.url}/sync/push`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ idempotencyKey: `soak-${p}-${round}`, changes }),
      });
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, THINK_MS * (0.5 + Math.random())));
      if (res.status !== 200) {
        failures.push(`push ${res.status}`);
        continue;
      }
      const answer = (await res.json()) as {
        results: { outcome: string; value: number; version: number }[];
      };
      answer.results.forEach((r, i) => {
        const c = changes[i]!;
        const key = `${c.measure}|${c.period}`;
        const known = cells.get(key) ?? { value: 0, version: 1, applied: 0 };
        if (r.outcome !== 'applied') failures.push(`${key}: ${r.outcome}`);
        else
          cells.set(key, {
            value: r.value,
            version: r.version,
            applied: known.applied + (r.version > known.version ? 1 : 0),
          });
      });
    }
  };
  const reader = async (r: number) => {
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${svc.url}/reports/rollup?scope=R-PKG-${r}`, {
        headers: { authorization: `Bearer ${BENCH_ADMIN}` },
      });
      await res.text();
      readLatencies.push(performance.now() - t0);
    }
  };
  await Promise.all([
    ...Array.from({ length: PLANNERS }, (_, p) => planner(p)),
    ...Array.from({ length: READERS }, (_, r) => reader(r)),
  ]);
  const peak = svc.peak();
  // Every applied change is the record; each cell's version is 1 + its applied changes.
  const record = (await (
    await fetch(`${svc.url}/cells?scope=R&kinds=forecast`, { headers })
  ).json()) as { cells: { measure: string; period: string; value: number; version: number }[] };
  const byKey = new Map(record.cells.map((c) => [`${c.measure}|${c.period}`, c]));
  let lost = 0;
  let gaps = 0;
  for (const [key, mine] of cells) {
    const there = byKey.get(key);
    if (!there || there.value !== mine.value || there.version !== mine.version) lost++;
    if (there && there.version !== 1 + mine.applied) gaps++;
  }
  const verify = (await (
    await fetch(`${svc.url}/audit/verify`, { headers: { authorization: `Bearer ${BENCH_ADMIN}` } })
  ).json()) as { ok: boolean };
  return {
    pushes: latencies.length,
    perSecond: latencies.length / SOAK_SECONDS,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    reads: readLatencies.length,
    readP50: quantile(readLatencies, 0.5),
    cells: cells.size,
    applied: [...cells.values()].reduce((s, c) => s + c.applied, 0),
    lost,
    gaps,
    failures: failures.length,
    verified: verify.ok,
    peak,
  };
}

export async function runReadsBench() {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-reads-'));
  try {
    const results: ({ n: number; buildMs: number; figures: Figure[]; peak: number } & {
      soak: Awaited<ReturnType<typeof soak>> | null;
    })[] = [];
    for (const n of SIZES) {
      const t0 = performance.now();
      const built = await build(dir, n);
      const buildMs = performance.now() - t0;
      const measured = await withService(built.file, PORT, async (svc) => ({
        ...(await measureReads(built, svc)),
        soak: n === SOAK_AT && SOAK_SECONDS > 0 ? await soak(built, svc) : null,
      }));
      results.push({ n, buildMs, ...measured });
      rmSync(built.file, { force: true });
    }
    console.log(
      `\nReads at scale: measures × ${MONTHS} months × 4 kinds, service over HTTP in its own process; median of ${REPEAT}, plain SQL of the same rows beside it`,
    );
    const reads = results[0]!.figures.map((f) =>
      f.read.replace(/[\d,]+ (forecast cells|cell events)/, '… $1'),
    );
    const header = [
      'read',
      ...results.map((r) => `${r.n.toLocaleString('en')}: service · SQL · ratio · service peak`),
      'target',
    ];
    console.log(`  ${header.join(' | ')}`);
    reads.forEach((read, i) =>
      console.log(
        `  ${[
          read,
          ...results.map((r) => {
            const f = r.figures[i]!;
            return `${ms(f.ms)} · ${ms(f.baselineMs)} · ${(f.ms / f.baselineMs).toFixed(2)}× · ${mb(f.peak)}`;
          }),
          results[0]!.figures[i]!.target,
        ].join(' | ')}`,
      ),
    );
    console.log(
      `  service peak memory (VmHWM) over the reads | ${results.map((r) => mb(r.peak)).join(' | ')} | ≤ 500 MB at 25,000`,
    );
    console.log(
      `  building each (in process, every cell pushed) | ${results.map((r) => ms(r.buildMs)).join(' | ')}`,
    );
    for (const r of results)
      if (r.soak) {
        const s = r.soak;
        console.log(
          `\n${PLANNERS} planners pushing 5 forecast changes about every ${THINK_MS} ms, ${READERS} readers rolling up a package each back to back, ${SOAK_SECONDS} s at ${r.n.toLocaleString('en')} measures:`,
        );
        console.log(
          `  pushes ${s.pushes.toLocaleString('en')} (${s.perSecond.toFixed(0)}/s), p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (target ≤ 250 ms); rollups ${s.reads.toLocaleString('en')}, p50 ${ms(s.readP50)}`,
        );
        console.log(
          `  record checked: ${s.cells.toLocaleString('en')} cells, ${s.applied.toLocaleString('en')} applied changes; lost ${s.lost}, version gaps ${s.gaps}, failed ${s.failures}; verification ${s.verified ? 'ok' : 'FAILED'}; peak ${mb(s.peak)}`,
        );
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
