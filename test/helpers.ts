// A real service over a real libSQL file per test file, called in process through app.request.
import { mkdtempSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { createApp } from '../server/app.js';
import { Db } from '../server/db/db.js';
import { migrate } from '../server/db/migrate.js';
import { keptDrift, sweep } from '../server/features/reporting/keep.js';
import { OPENAPI_PATH } from '../server/http/openapi.js';
import { conformanceOf } from './conformance.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Harness {
  db: Db;
  app: ReturnType<typeof createApp>;
  clock: { now: Date };
  dir: string;
  /** The service's periodic sweep (what time alone changes), run now at the test clock's time. */
  sweep: () => Promise<number>;
  call: <T = any>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T }>;
}

export interface HarnessOptions {
  /** The file's tests change the record around the service on purpose (an insider's edits). */
  writesAroundTheService?: boolean;
  /**
   * Days a token is accepted (GATECELL_TOKEN_DAYS). Tests move the clock by months to make
   * plans fall due, so their tokens last ten years unless a test is about expiry.
   */
  tokenDays?: number;
}

export async function harness(
  start = new Date('2027-01-15T09:00:00Z'),
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-'));
  const db = new Db({ url: `file:${join(dir, 'test.db')}` });
  await migrate(db);
  const clock = { now: start };
  const deps = {
    db,
    now: () => clock.now,
    adminToken: ADMIN_TOKEN,
    tokenDays: options.tokenDays ?? 3650,
  };
  const app = createApp(deps);
  holdToDocument(app);
  afterAll(async () => {
    // Whatever this file's tests wrote, every measure's kept totals and statuses still say what
    // its cells and plan say (a write path that forgot to mark its measure would show here).
    try {
      if (!options.writesAroundTheService) expect(await keptDrift(deps)).toEqual([]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { db, app, clock, dir, call, sweep: () => sweep(deps) };
}

export interface World extends Harness {
  users: Record<
    | 'admin'
    | 'owner'
    | 'planner2'
    | 'controller'
    | 'controller2'
    | 'sponsor'
    | 'steering'
    | 'viewer'
    | 'outsider',
    { id: string; token: string }
  >;
}

/**
 * ORG > PF > PG > PRJ > PKG, and a second organization OTHER > … that most users cannot see.
 * Roles are granted on ORG. Window of measures: 2027-01 … 2027-06.
 */
export async function world(start?: Date, options?: HarnessOptions): Promise<World> {
  const h = await harness(start, options);
  const a = ADMIN_TOKEN;
  const ok = async (method: string, path: string, body?: unknown, token = a) => {
    const r = await h.call(token, method, path, body);
    if (r.status >= 300)
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  for (const org of ['ORG', 'OTHER']) {
    await ok('POST', '/nodes', { parentCode: null, level: 'organization', code: org, name: org });
    await ok('POST', '/nodes', {
      parentCode: org,
      level: 'portfolio',
      code: `${org}-PF`,
      name: 'Portfolio',
    });
    await ok('POST', '/nodes', {
      parentCode: `${org}-PF`,
      level: 'program',
      code: `${org}-PG`,
      name: 'Program',
    });
    await ok('POST', '/nodes', {
      parentCode: `${org}-PG`,
      level: 'project',
      code: `${org}-PRJ`,
      name: 'Project',
    });
    await ok('POST', '/nodes', {
      parentCode: `${org}-PRJ`,
      level: 'package',
      code: `${org}-PKG`,
      name: 'Package',
    });
  }
  const roles = {
    admin: 'admin',
    owner: 'planner',
    planner2: 'planner',
    controller: 'controller',
    controller2: 'controller',
    sponsor: 'sponsor',
    steering: 'steering',
    viewer: 'viewer',
  } as const;
  const users = {} as World['users'];
  for (const [name, role] of Object.entries(roles)) {
    const u = await ok('POST', '/users', { name, email: `${name}@example.com` });
    await ok('POST', '/nodes/ORG/roles', { userId: u.id, role });
    users[name as keyof typeof roles] = { id: u.id, token: u.token };
  }
  const outsider = await ok('POST', '/users', { name: 'outsider', email: 'outsider@example.com' });
  await ok('POST', '/nodes/OTHER/roles', { userId: outsider.id, role: 'planner' });
  users.outsider = { id: outsider.id, token: outsider.token };
  return { ...h, users };
}

/** A measure of ORG-PKG owned by `owner`, with sponsor and controller, window 2027-01…2027-06. */
export async function measure(w: World, code: string, extra: Record<string, unknown> = {}) {
  const r = await w.call(w.users.owner.token, 'POST', '/measures', {
    packageCode: 'ORG-PKG',
    code,
    title: `Measure ${code}`,
    category: 'Procurement',
    impactType: 'cost_reduction',
    ownerId: w.users.owner.id,
    sponsorId: w.users.sponsor.id,
    controllerId: w.users.controller.id,
    startPeriod: '2027-01',
    endPeriod: '2027-06',
    ...extra,
  });
  if (r.status !== 201) throw new Error(`measure ${code}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Measures of ORG-PKG (see `measure`) with a target and a forecast of `value` in each of `months`. */
export async function forecastMeasures(
  w: World,
  codes: readonly string[],
  months: readonly string[] = ['2027-03', '2027-04'],
  value = 100,
) {
  for (const code of codes) {
    await measure(w, code);
    await push(
      w,
      w.users.owner.token,
      months.flatMap((period) => [
        { measure: code, kind: 'target', period, value },
        { measure: code, kind: 'forecast', period, value },
      ]),
    );
  }
}

export const PERIODS = ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06'];
let keys = 0;
export const key = () => `k-${process.pid}-${++keys}`;

/** Push and return the results (asserting the batch was understood). */
export async function push(w: Harness, token: string, changes: unknown[], idempotencyKey = key()) {
  const r = await w.call(token, 'POST', '/sync/push', {
    idempotencyKey,
    source: { workbook: 'Plan.xlsx', sheet: 'Forecast' },
    changes,
  });
  if (r.status !== 200) throw new Error(`push: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { revision: number; results: any[] };
}

export const plan = (code: string, kind: string, value: number) =>
  PERIODS.map((period) => ({ measure: code, kind, period, value }));

/**
 * Takes a measure made by `measure` through its gates as its people would, up to `to`
 * (identified or detailed): targets and baselines of 1,000 a month, one milestone.
 */
export async function advance(w: World, code: string, to: 'identified' | 'detailed') {
  const { users } = w;
  const pass = async (stage: string, approver: string) => {
    const r = await w.call(users.owner.token, 'POST', `/measures/${code}/gate`, {
      to: stage,
      comment: 'ready',
    });
    if (r.status !== 201) throw new Error(`gate ${stage}: ${r.status} ${JSON.stringify(r.body)}`);
    const d = await w.call(approver, 'POST', `/gate-requests/${r.body.id}/approve`, {
      comment: 'ok',
    });
    if (d.status !== 200)
      throw new Error(`approve ${stage}: ${d.status} ${JSON.stringify(d.body)}`);
  };
  await push(w, users.owner.token, [
    ...plan(code, 'target', 1000),
    ...plan(code, 'baseline', 1000),
  ]);
  await pass('identified', users.sponsor.token);
  if (to === 'identified') return;
  await w.call(users.owner.token, 'POST', `/measures/${code}/milestones`, {
    title: 'Tender',
    due: '2027-12-31',
  });
  await pass('detailed', users.controller.token);
}

/**
 * Every request the tests send through `app.request` is checked against the service's OpenAPI
 * document (test/conformance.ts): an answer the document does not describe fails the test.
 */
function holdToDocument(app: ReturnType<typeof createApp>) {
  const request = app.request;
  let check: Promise<ReturnType<typeof conformanceOf>> | undefined;
  app.request = (async (input, init, ...rest) => {
    const res = await request(input, init, ...rest);
    const url = new URL(input instanceof Request ? input.url : input, 'http://localhost');
    if (!url.pathname.startsWith('/api/v1/') || url.pathname === OPENAPI_PATH) return res;
    check ??= Promise.resolve(request(OPENAPI_PATH)).then(async (r) =>
      conformanceOf(await r.json()),
    );
    const conforms = await check;
    const problems = conforms({
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      path: url.pathname.slice('/api/v1'.length),
      requestBody:
        typeof init?.body === 'string' &&
        /^application\/json/.test(new Headers(init.headers).get('content-type') ?? '')
          ? init.body
          : null,
      status: res.status,
      contentType: res.headers.get('content-type'),
      answer: await res.clone().text(),
    });
    if (problems.length) throw new Error(`Not as documented (OpenAPI):\n${problems.join('\n')}`);
    return res;
  }) as typeof app.request;
}

/** A second app on the world's database, logging into memory (logSink). */
export function loggedApp(w: Harness) {
  const logged = logSink();
  const app = createApp({
    db: w.db,
    now: () => w.clock.now,
    adminToken: ADMIN_TOKEN,
    log: logged.log,
  });
  return { app, ...logged };
}

/** A pino logger writing into memory: what the service logged, as text and as parsed lines. */
export function logSink() {
  let text = '';
  const sink = new Writable({
    write(chunk, _, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    log: pino({}, sink),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
