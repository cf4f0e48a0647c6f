// The demo organization: a realistic S&OP and EBITDA cost program, seeded through the service's
// own routes (so every rule and the audit trail hold), on a clock set a few weeks back so that
// some requests are overdue and milestones are late.
import { addMonths, periodOf, periodsBetween } from '../../shared/periods.js';
import { createApp } from '../app.js';
import type { Db } from '../db/db.js';
import { anyNode } from '../features/hierarchy/store.js';

export interface DemoUser {
  id: string;
  name: string;
  email: string;
  role: string;
  token: string;
}

const DAY = 86_400_000;

/** Deterministic pseudo-random numbers, so the demo is the same on every machine. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const isEmpty = async (db: Db) => !(await anyNode(db.client));

export async function seedDemo(
  db: Db,
  options: { now?: Date; measures?: number } = {},
): Promise<DemoUser[]> {
  const realNow = options.now ?? new Date();
  let clock = new Date(realNow.getTime() - 30 * DAY);
  const adminToken = `seed-${crypto.randomUUID()}`;
  const app = createApp({ db, now: () => clock, adminToken });
  const rnd = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the seed reads its own answers loosely
  async function call<T = any>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`seed: ${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  }

  // People
  const people: Omit<DemoUser, 'id' | 'token'>[] = [
    { name: 'Ada Admin', email: 'ada.admin@acme.example', role: 'admin' },
    { name: 'Pia Planner', email: 'pia.planner@acme.example', role: 'planner' },
    { name: 'Paul Planner', email: 'paul.planner@acme.example', role: 'planner' },
    { name: 'Priya Planner', email: 'priya.planner@acme.example', role: 'planner' },
    { name: 'Carl Controller', email: 'carl.controller@acme.example', role: 'controller' },
    { name: 'Chloe Controller', email: 'chloe.controller@acme.example', role: 'controller' },
    { name: 'Sam Sponsor', email: 'sam.sponsor@acme.example', role: 'sponsor' },
    { name: 'Sofia Sponsor', email: 'sofia.sponsor@acme.example', role: 'sponsor' },
    { name: 'Stella Steering', email: 'stella.steering@acme.example', role: 'steering' },
    { name: 'Victor Viewer', email: 'victor.viewer@acme.example', role: 'viewer' },
  ];
  const users: DemoUser[] = [];
  for (const p of people) {
    const u = await call(adminToken, 'POST', '/users', { name: p.name, email: p.email });
    users.push({ ...p, id: u.id, token: u.token });
  }
  const byRole = (role: string) => users.filter((u) => u.role === role);
  const [planners, controllers, sponsors] = [
    byRole('planner'),
    byRole('controller'),
    byRole('sponsor'),
  ];
  const token = (id: string) => users.find((u) => u.id === id)!.token;

  // Hierarchy
  await call(adminToken, 'POST', '/nodes', {
    parentCode: null,
    level: 'organization',
    code: 'ACME',
    name: 'ACME Industries',
  });
  for (const u of users)
    await call(adminToken, 'POST', '/nodes/ACME/roles', { userId: u.id, role: u.role });
  const current = periodOf(realNow);
  await call(adminToken, 'PATCH', '/nodes/ACME/settings', {
    currency: 'EUR',
    materialityPct: 10,
    materialityAbs: 250_000,
    steeringThreshold: 2_000_000,
    approvalSlaDays: 5,
    escalationValueLevel2: 1_000_000,
    escalationValueLevel3: 5_000_000,
  });
  const tree = {
    'PF-SOP': [
      'Sales & Operations Planning',
      { 'PG-DEMAND': 'Demand planning', 'PG-SUPPLY': 'Supply & inventory' },
    ],
    'PF-COST': [
      'EBITDA cost program',
      { 'PG-PROC': 'Procurement savings', 'PG-OPEX': 'Operating expense' },
    ],
  } as const;
  const packages: string[] = [];
  for (const [pf, [pfName, programs]] of Object.entries(tree)) {
    await call(adminToken, 'POST', '/nodes', {
      parentCode: 'ACME',
      level: 'portfolio',
      code: pf,
      name: pfName,
    });
    for (const [pg, pgName] of Object.entries(programs)) {
      await call(adminToken, 'POST', '/nodes', {
        parentCode: pf,
        level: 'program',
        code: pg,
        name: pgName,
      });
      for (const region of ['EU', 'NA']) {
        const prj = `PRJ-${pg.slice(3)}-${region}`;
        await call(adminToken, 'POST', '/nodes', {
          parentCode: pg,
          level: 'project',
          code: prj,
          name: `${pgName} ${region}`,
        });
        for (const wave of [1, 2]) {
          const pkg = `PKG-${pg.slice(3)}-${region}-${wave}`;
          await call(adminToken, 'POST', '/nodes', {
            parentCode: prj,
            level: 'package',
            code: pkg,
            name: `${pgName} ${region}, wave ${wave}`,
          });
          packages.push(pkg);
        }
      }
    }
  }

  // Measures: stage mix of a living program.
  const total = options.measures ?? 200;
  const mix: [string, number][] = [
    ['defined', 0.1],
    ['identified', 0.15],
    ['detailed', 0.2],
    ['decided', 0.22],
    ['implemented', 0.18],
    ['closed', 0.1],
    ['cancelled', 0.05],
  ];
  const titles = [
    'Renegotiate freight contracts',
    'Consolidate packaging suppliers',
    'Reduce safety stock',
    'Energy efficiency retrofit',
    'Price increase pass-through',
    'Demand sensing pilot',
    'SKU rationalization',
    'Nearshore assembly',
    'Indirect spend tail cut',
    'Warehouse automation',
    'Promotion effectiveness',
    'Payment terms extension',
    'Scrap reduction',
    'Logistics network redesign',
  ];
  const categories = ['Procurement', 'Logistics', 'Manufacturing', 'Commercial', 'Overheads'];
  const impactTypes = ['cost_reduction', 'revenue_increase', 'working_capital', 'cost_avoidance'];
  const closedThrough = addMonths(current, -1);
  interface Plan {
    code: string;
    stage: string;
    owner: string;
    sponsor: string;
    controller: string;
    start: string;
    end: string;
    monthly: number;
  }
  const plans: Plan[] = [];
  let n = 0;
  for (const [stage, share] of mix)
    for (let i = 0; i < Math.round(total * share) && plans.length < total; i++) {
      n += 1;
      const owner = pick(planners).id;
      const start =
        stage === 'closed'
          ? addMonths(current, -25 - Math.floor(rnd() * 3))
          : addMonths(current, -12 + Math.floor(rnd() * 6));
      plans.push({
        code: `M-${1000 + n}`,
        stage,
        owner,
        sponsor: pick(sponsors).id,
        controller: pick(controllers).id,
        start,
        end: addMonths(start, 23),
        monthly: Math.round(5 + rnd() * 60) * 1000,
      });
    }
  for (const p of plans) {
    await call(token(p.owner), 'POST', '/measures', {
      packageCode: pick(packages),
      code: p.code,
      title: pick(titles),
      category: pick(categories),
      impactType: pick(impactTypes),
      ownerId: p.owner,
      sponsorId: p.sponsor,
      controllerId: p.controller,
      startPeriod: p.start,
      endPeriod: p.end,
    });
  }
  const rank = (s: string) =>
    ['defined', 'identified', 'detailed', 'decided', 'implemented', 'closed'].indexOf(s);
  const reaches = (p: Plan, s: string) =>
    p.stage === 'cancelled' ? rank(s) <= 2 : rank(p.stage) >= rank(s);

  // Baseline and target (the plan), by each owner in one batch.
  let key = 0;
  const pushAs = async (user: string, changes: unknown[], source = 'FY plan.xlsx') => {
    for (let i = 0; i < changes.length; i += 20_000)
      await call(token(user), 'POST', '/sync/push', {
        idempotencyKey: `seed-${++key}`,
        source: { workbook: source, sheet: 'Plan' },
        changes: changes.slice(i, i + 20_000),
      });
  };
  for (const owner of planners) {
    const changes = plans
      .filter((p) => p.owner === owner.id && reaches(p, 'identified'))
      .flatMap((p) =>
        periodsBetween(p.start, p.end).flatMap((period, i) => {
          const ramp = Math.min(1, (i + 1) / 6);
          const target = Math.round(p.monthly * ramp);
          return [
            { measure: p.code, kind: 'target', period, value: target },
            ...(reaches(p, 'detailed')
              ? [{ measure: p.code, kind: 'baseline', period, value: Math.round(p.monthly * 4) }]
              : []),
          ];
        }),
      );
    await pushAs(owner.id, changes);
  }

  // Milestones
  const milestones = new Map<string, { id: string; due: string }[]>();
  for (const p of plans.filter((x) => reaches(x, 'detailed'))) {
    const list: { id: string; due: string }[] = [];
    for (const [title, offset] of [
      ['Business case signed', -60],
      ['Supplier agreement', 20],
      ['Go-live', 75],
    ] as const) {
      const due = new Date(realNow.getTime() + (offset + Math.floor(rnd() * 40) - 20) * DAY)
        .toISOString()
        .slice(0, 10);
      const ms = await call(token(p.owner), 'POST', `/measures/${p.code}/milestones`, {
        title,
        due,
      });
      list.push({ id: ms.id, due });
      // Most signed business cases are ticked off; the rest are the late ones a steering meeting chases.
      if (offset < 0 && rnd() < 0.8)
        await call(token(p.owner), 'PATCH', `/milestones/${ms.id}`, { done: true });
    }
    milestones.set(p.code, list);
    if (rnd() < 0.15)
      await call(token(p.owner), 'POST', `/measures/${p.code}/risks`, {
        title: 'Supplier capacity',
        severity: rnd() < 0.5 ? 'high' : 'medium',
      });
  }

  const gate = async (p: Plan, to: string, comment = '') => {
    const req = await call(token(p.owner), 'POST', `/measures/${p.code}/gate`, {
      to,
      comment: comment || `Ready for ${to}`,
    });
    const approver =
      req.waitingOn.role === 'controller'
        ? p.controller
        : req.waitingOn.role === 'steering'
          ? byRole('steering')[0]!.id
          : p.sponsor;
    await call(token(approver), 'POST', `/gate-requests/${req.id}/approve`, {
      comment: comment || 'Approved',
    });
  };
  for (const p of plans) {
    for (const to of ['identified', 'detailed', 'decided'])
      if (reaches(p, to) && !(p.stage === 'cancelled' && to === 'decided')) await gate(p, to);
  }

  // Forecasts: most on plan, some slipping (with the planner's note, so they need the controller).
  const slipping = new Set(
    plans
      .filter((p) => reaches(p, 'decided') && p.stage !== 'closed' && rnd() < 0.25)
      .map((p) => p.code),
  );
  for (const owner of planners) {
    const changes = plans
      .filter((p) => p.owner === owner.id && reaches(p, 'decided') && p.stage !== 'cancelled')
      .flatMap((p) =>
        periodsBetween(p.start, p.end).map((period, i) => {
          const target = Math.round(p.monthly * Math.min(1, (i + 1) / 6));
          const factor = slipping.has(p.code) && period >= current ? 0.6 : 1 + (rnd() - 0.5) * 0.1;
          return {
            measure: p.code,
            kind: 'forecast',
            period,
            value: Math.round(target * factor),
            note: slipping.has(p.code) ? 'Volume shortfall at key customer' : undefined,
          };
        }),
      );
    await pushAs(owner.id, changes, 'S&OP forecast.xlsx');
  }
  // Controllers approve most slipping requests; the rest stay pending, some past their SLA.
  const pending = await call(users[0]!.token, 'GET', '/change-requests?status=pending&scope=ACME');
  const requests = pending.changeRequests as {
    id: string;
    measure: string;
    waitingOn: { user: { id: string } };
  }[];
  const keepPending = new Set([...slipping].slice(0, 3));
  for (const r of requests)
    if (!keepPending.has(r.measure))
      await call(token(r.waitingOn.user.id), 'POST', `/change-requests/${r.id}/approve`, {
        comment: 'Agreed in S&OP review',
      });

  // Month-end: close the books through last month and book actuals from the ledger.
  clock = new Date(realNow.getTime() - 3 * DAY);
  await call(token(controllers[0]!.id), 'PATCH', '/nodes/ACME/settings', { closedThrough });
  for (const ctl of controllers) {
    const changes = plans
      .filter((p) => p.controller === ctl.id && reaches(p, 'decided') && p.stage !== 'cancelled')
      .flatMap((p) =>
        periodsBetween(p.start, p.end < closedThrough ? p.end : closedThrough).map((period, i) => {
          const target = Math.round(p.monthly * Math.min(1, (i + 1) / 6));
          return {
            measure: p.code,
            kind: 'actual',
            period,
            value: Math.round(target * (slipping.has(p.code) ? 0.7 : 0.92 + rnd() * 0.12)),
          };
        }),
      );
    await pushAs(ctl.id, changes, 'Ledger export.csv');
  }

  // Implementation and closure.
  for (const p of plans.filter((x) => reaches(x, 'implemented'))) {
    for (const ms of milestones.get(p.code) ?? [])
      await call(token(p.owner), 'PATCH', `/milestones/${ms.id}`, { done: true });
    await gate(p, 'implemented');
  }
  for (const p of plans.filter((x) => x.stage === 'closed'))
    await gate(
      p,
      'closed',
      'Realized value confirmed against the ledger; shortfall explained in the close pack.',
    );
  for (const p of plans.filter((x) => x.stage === 'cancelled'))
    await gate(p, 'cancelled', 'Business case no longer holds after the supplier exit.');
  for (const p of plans.filter((x) => x.stage === 'decided').slice(0, 4))
    await call(token(p.sponsor), 'POST', `/measures/${p.code}/hold`, {
      comment: 'Paused pending the plant consolidation decision',
    });

  // Waiting decisions: a few gate requests, some filed over a week ago.
  clock = new Date(realNow.getTime() - 9 * DAY);
  for (const p of plans.filter((x) => x.stage === 'identified').slice(0, 3))
    await call(token(p.owner), 'POST', `/measures/${p.code}/gate`, {
      to: 'detailed',
      comment: 'Value logic ready for validation',
    }).catch(() => undefined);
  clock = realNow;
  for (const p of plans.filter((x) => x.stage === 'defined').slice(0, 2)) {
    const first = periodsBetween(p.start, addMonths(p.start, 2)).map((period) => ({
      measure: p.code,
      kind: 'target',
      period,
      value: 20_000,
    }));
    await pushAs(p.owner, first);
    await call(token(p.owner), 'POST', `/measures/${p.code}/gate`, {
      to: 'identified',
      comment: 'Rough sizing done',
    });
  }
  // Raise the exceptions the demo now holds.
  await call(adminToken, 'GET', '/exceptions?scope=ACME');
  return users;
}
