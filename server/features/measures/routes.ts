// Measures: create, read, update; milestones, risks, dependencies; hold and resume.
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import {
  CreateDependency,
  CreateMeasure,
  CreateMilestone,
  CreateRisk,
  Decision,
  PatchDependency,
  PatchMeasure,
  PatchMilestone,
  PatchRisk,
} from '../../../shared/api/schemas.js';
import {
  type Actor,
  canSee,
  hasRole,
  mayDescribeMeasure,
  mayEditPlan,
  mayHold,
  mayRequestGate,
  reassignBlock,
  reassigneeBlock,
  rolesAt,
  segregationViolation,
} from '../../../shared/domain/access.js';
import { GATE_ORDER, isFrozen, type Role } from '../../../shared/model.js';
import { windowProblem } from '../../../shared/api/schemas.js';
import type { InValue } from '@libsql/client';
import type { Exec } from '../../db/db.js';
import { documented } from '../../http/openapi.js';
import {
  MeasureAnswer,
  MilestoneAnswer,
  RiskAnswer,
  DependencyAnswer,
} from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { type Write, write } from '../../http/write.js';
import {
  assertCodeFree,
  grantPathsOf,
  nodeByCode,
  orgSettings,
  grantsOfPeople,
  peopleById,
} from '../hierarchy/store.js';
import { insertWindowRequest, withdrawPending } from '../approvals/store.js';
import {
  childRow,
  committedValue,
  insertDependency,
  insertMeasure,
  insertMilestone,
  insertRisk,
  loadStates,
  markMeasureChanged,
  measureOfVisible,
  type MeasureRow,
  pendingRequesters,
  requireMeasure,
  rowWithMeasure,
  setHold,
  updateChildRow,
  updateMeasure,
  visibleMeasure,
} from './store.js';
import { measureView, peopleOfMeasure, presentDependency } from './present.js';
import { dependencyFlags } from '../../../shared/domain/dependencies.js';

export const assertNotFrozen = (m: MeasureRow) => {
  if (isFrozen(m.stage))
    throw unprocessable(
      'MEASURE_FROZEN',
      `Measure ${m.code} is ${m.stage}: it can no longer change.`,
    );
};

const assertPlanEditor = (actor: Actor, m: MeasureRow) => {
  if (
    !mayEditPlan(actor, m.path, {
      ownerId: m.owner_id,
      sponsorId: m.sponsor_id,
      controllerId: m.controller_id,
    })
  )
    throw forbidden(`Only the owner or a planner of ${m.code} changes its plan.`);
};

/**
 * Named people must be able to act on the measure: they hold the role their part needs there. A
 * user who holds no role in the measure's organization is answered exactly as an unknown one:
 * an organization learns nothing of the people of another.
 */
async function assertPeople(
  x: Exec,
  path: string,
  people: {
    ownerId?: string | null | undefined;
    sponsorId?: string | null | undefined;
    controllerId?: string | null | undefined;
  },
) {
  const parts: [string | null | undefined, string, Role[]][] = [
    [people.ownerId, 'owner', ['planner']],
    [people.sponsorId, 'sponsor', ['sponsor', 'steering']],
    [people.controllerId, 'controller', ['controller']],
  ];
  for (const [userId, part, roles] of parts) {
    if (!userId) continue;
    const grants = await memberGrants(x, path, userId);
    const held = rolesAt(
      {
        userId,
        superAdmin: false,
        grants: grants.map((g) => ({ nodePath: g.path, role: g.role })),
      },
      path,
    );
    if (!roles.some((r) => held.has(r)))
      throw unprocessable(
        'ROLE_MISSING',
        `${userId} cannot be the ${part}: they hold no ${roles.join(' or ')} role here.`,
      );
  }
}

/**
 * The grants of a user who holds a role in the organization of `path`; a user who holds none there
 * is answered exactly as one who does not exist.
 */
async function memberGrants(x: Exec, path: string, userId: string) {
  const org = path.slice(0, path.indexOf('/', 1) + 1);
  const grants = await grantPathsOf(x, userId);
  if (!grants.some((g) => g.path.startsWith(org)))
    throw unprocessable('UNKNOWN_USER', `No user ${userId}.`);
  return grants;
}

/** What only the owner changes (PATCH /measures/{code}); sponsor and controller are not among them. */
const DESCRIPTIVE = [
  'title',
  'description',
  'category',
  'impactType',
  'declaredStatus',
  'startPeriod',
  'endPeriod',
  'note',
] as const;

/**
 * A window change that moves committed value, as a request for the controller: it replaces an
 * open one (withdrawn, audited), as a new material change of a cell does.
 */
async function openWindowRequest(
  w: Write,
  m: MeasureRow,
  to: { start: string; end: string },
  before: number,
  after: number,
  note: string | undefined,
) {
  const replaced = await withdrawPending(w.tx, 'window_requests', m.id, {
    at: w.at,
    comment: 'replaced by a newer change',
    revision: await w.revision(),
  });
  for (const requestId of replaced)
    w.audit({
      action: 'window_request.withdrawn',
      nodeId: m.id,
      subject: requestId,
      after: { reason: 'replaced by a newer change' },
    });
  const id = `wr_${randomUUID()}`;
  await insertWindowRequest(w.tx, {
    id,
    measureId: m.id,
    from: { start: m.start_period, end: m.end_period },
    to,
    before,
    after,
    note: note?.trim() || null,
    by: w.actorId,
    at: w.at,
    revision: await w.revision(),
  });
  await bump(w, m);
  w.audit({
    action: 'window_request.opened',
    nodeId: m.id,
    subject: id,
    before: { startPeriod: m.start_period, endPeriod: m.end_period },
    after: { startPeriod: to.start, endPeriod: to.end, note: note?.trim() || undefined },
  });
  return id;
}

async function bump(w: Write, m: MeasureRow) {
  await markMeasureChanged(w.tx, m.id, await w.revision());
}

type Row = Record<string, unknown>;
const CHILDREN = {
  milestones: {
    columns: 'id, title, due, done, done_at AS doneAt',
    flags: ['done'],
    event: 'milestone.updated',
  },
  risks: { columns: 'id, title, severity, open', flags: ['open'], event: 'risk.updated' },
  dependencies: {
    columns:
      'id, title, due, owner_id AS ownerId, done, at_risk AS atRisk, risk_level AS riskLevel',
    flags: ['done', 'atRisk'],
    event: 'dependency.updated',
  },
} as const;

/**
 * The one way a milestone, risk or dependency changes: the columns given (undefined: unchanged),
 * the measure's revision raised, the row before and after in the audit trail — both in the wire's
 * camelCase, flags as booleans, as the answer shows them.
 */
async function updateChild(
  w: Write,
  m: MeasureRow,
  table: keyof typeof CHILDREN,
  id: string,
  fields: (before: Row) => Row,
): Promise<Row> {
  const read = async () => {
    const row = (await childRow(w.tx, table, CHILDREN[table].columns, id))!;
    for (const flag of CHILDREN[table].flags) row[flag] = !!row[flag];
    return row;
  };
  const before = await read();
  const set = Object.entries(fields(before)).filter(([, v]) => v !== undefined);
  if (set.length) await updateChildRow(w.tx, table, id, set as [string, InValue][]);
  await bump(w, m);
  const after = await read();
  w.audit({ action: CHILDREN[table].event, nodeId: m.id, subject: id, before, after });
  return after;
}

async function answerMeasure(deps: Deps, code: string) {
  const x = deps.db.client;
  const m = await requireMeasure(x, code);
  const [state] = await loadStates(x, [m]);
  const [settings, people, grantsOf] = await Promise.all([
    orgSettings(x, m.org_id),
    peopleById(x, peopleOfMeasure(state!)),
    grantsOfPeople(x, [m.sponsor_id, m.controller_id]),
  ]);
  return measureView(state!, settings, deps.now(), people, grantsOf);
}

export const measureRoutes = (deps: Deps) => {
  const owned = async (actor: Actor, code: string) => {
    const m = await visibleMeasure(deps.db.client, actor, code);
    assertNotFrozen(m);
    assertPlanEditor(actor, m);
    return m;
  };
  const child = async (
    actor: Actor,
    table: 'milestones' | 'risks' | 'dependencies',
    id: string,
  ) => {
    const what = `${table === 'dependencies' ? 'Dependency' : table === 'risks' ? 'Risk' : 'Milestone'} ${id}`;
    const row = await rowWithMeasure(deps.db.client, table, id);
    if (!row) throw notFound(what);
    await measureOfVisible(deps.db.client, actor, row.measure_code, what);
    return owned(actor, row.measure_code);
  };

  return new Hono<AppEnv>()
    .post(
      '/measures',
      documented({
        tag: 'Measures',
        summary: 'Create a measure in a package',
        answers: { 201: MeasureAnswer },
      }),
      validate('json', CreateMeasure),
      async (c) => {
        const actor = c.get('actor');
        const body = c.req.valid('json');
        await write(deps, c, async (w) => {
          const pkg = await nodeByCode(w.tx, body.packageCode);
          if (!pkg || !canSee(actor, pkg.path)) throw notFound(`Package ${body.packageCode}`);
          if (!hasRole(actor, pkg.path, 'planner'))
            throw forbidden('Only a planner creates measures.');
          if (pkg.level !== 'package')
            throw unprocessable(
              'INVALID_PARENT',
              `${pkg.code} is a ${pkg.level}: measures belong to a measure package.`,
            );
          await assertCodeFree(w.tx, body.code);
          const sod = segregationViolation({
            ownerId: body.ownerId,
            sponsorId: body.sponsorId ?? null,
            controllerId: body.controllerId ?? null,
          });
          if (sod) throw unprocessable('SEGREGATION_OF_DUTIES', sod);
          await assertPeople(w.tx, pkg.path, body);
          const id = await insertMeasure(w.tx, pkg, body, await w.revision(), w.at);
          w.audit({ action: 'measure.created', nodeId: id, subject: body.code, after: body });
        });
        return c.json(await answerMeasure(deps, body.code), 201);
      },
    )

    .get(
      '/measures/:code',
      documented({
        tag: 'Measures',
        summary: 'A measure: figures, statuses, plan, open requests, and what the caller may do',
        answers: { 200: MeasureAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const m = await visibleMeasure(deps.db.read, actor, c.req.param('code'));
        // What the signed-in user may do here, by the same policies the writes check: the pane offers only those.
        const people = {
          ownerId: m.owner_id,
          sponsorId: m.sponsor_id,
          controllerId: m.controller_id,
        };
        const open = !isFrozen(m.stage);
        const may = {
          requestGate: open && mayRequestGate(actor, people),
          hold: open && mayHold(actor, m.path, people),
          editPlan: open && mayEditPlan(actor, m.path, people),
        };
        return c.json({ ...(await answerMeasure(deps, m.code)), may }, 200);
      },
    )

    .patch(
      '/measures/:code',
      documented({
        tag: 'Measures',
        summary:
          'Change a measure (a window change from Detailed on waits for the controller: 202)',
        answers: { 200: MeasureAnswer, 202: MeasureAnswer },
      }),
      validate('json', PatchMeasure),
      async (c) => {
        const actor = c.get('actor');
        const body = c.req.valid('json');
        const m = await visibleMeasure(deps.db.client, actor, c.req.param('code'));
        assertNotFrozen(m);
        const people = {
          ownerId: m.owner_id,
          sponsorId: m.sponsor_id,
          controllerId: m.controller_id,
        };
        const described = DESCRIPTIVE.some((k) => body[k] !== undefined);
        if (described && !mayDescribeMeasure(actor, people))
          throw forbidden(
            `Only the owner of ${m.code} changes its description, status and window.`,
          );
        const renamed =
          (body.sponsorId !== undefined && body.sponsorId !== m.sponsor_id) ||
          (body.controllerId !== undefined && body.controllerId !== m.controller_id);
        const next = {
          title: body.title ?? m.title,
          description: body.description !== undefined ? body.description : m.description,
          category: body.category !== undefined ? body.category : m.category,
          impactType: body.impactType !== undefined ? body.impactType : m.impact_type,
          sponsorId: body.sponsorId ?? m.sponsor_id,
          controllerId: body.controllerId ?? m.controller_id,
          startPeriod: body.startPeriod !== undefined ? body.startPeriod : m.start_period,
          endPeriod: body.endPeriod !== undefined ? body.endPeriod : m.end_period,
          declaredStatus:
            body.declaredStatus !== undefined ? body.declaredStatus : m.declared_status,
        };
        const window =
          next.startPeriod && next.endPeriod
            ? windowProblem(next.startPeriod, next.endPeriod)
            : null;
        if (window)
          throw new ApiError(400, 'INVALID_REQUEST', `Invalid json: endPeriod: ${window}`, [
            { path: 'endPeriod', message: window },
          ]);
        const sod = segregationViolation({
          ownerId: m.owner_id,
          sponsorId: next.sponsorId,
          controllerId: next.controllerId,
        });
        if (sod) throw unprocessable('SEGREGATION_OF_DUTIES', sod);
        const windowMoves = next.startPeriod !== m.start_period || next.endPeriod !== m.end_period;
        const committedStage = GATE_ORDER.indexOf(m.stage) >= GATE_ORDER.indexOf('detailed');
        const request = await write(deps, c, async (w) => {
          const fresh = await requireMeasure(w.tx, m.code);
          if (fresh.revision !== m.revision)
            throw conflict(
              'MEASURE_CHANGED',
              `Measure ${m.code} changed while this was sent: read it again.`,
            );
          if (renamed) {
            const waiting = await pendingRequesters(w.tx, m.id);
            const block = reassignBlock(actor, m.path, people, waiting);
            if (block) throw forbidden(block);
            for (const id of [body.sponsorId, body.controllerId]) {
              const problem = id ? reassigneeBlock(id, waiting) : null;
              if (problem) throw unprocessable('SEGREGATION_OF_DUTIES', problem);
            }
            await assertPeople(w.tx, m.path, {
              sponsorId: body.sponsorId,
              controllerId: body.controllerId,
            });
          }
          // From Detailed on, a window that would drop or add committed value waits for the controller.
          let windowRequest: string | null = null;
          if (
            windowMoves &&
            committedStage &&
            m.start_period &&
            m.end_period &&
            next.startPeriod &&
            next.endPeriod
          ) {
            const before = await committedValue(w.tx, m.id, m.start_period, m.end_period);
            const after = await committedValue(w.tx, m.id, next.startPeriod, next.endPeriod);
            if (before !== after)
              windowRequest = await openWindowRequest(
                w,
                m,
                { start: next.startPeriod, end: next.endPeriod },
                before,
                after,
                body.note,
              );
          }
          const applied = windowRequest
            ? { ...next, startPeriod: m.start_period, endPeriod: m.end_period }
            : next;
          const before = {
            title: m.title,
            description: m.description,
            category: m.category,
            impactType: m.impact_type,
            sponsorId: m.sponsor_id,
            controllerId: m.controller_id,
            startPeriod: m.start_period,
            endPeriod: m.end_period,
            declaredStatus: m.declared_status,
          };
          const changed = Object.fromEntries(
            Object.entries(applied).filter(([k, v]) => before[k as keyof typeof before] !== v),
          );
          if (!Object.keys(changed).length) return windowRequest;
          await updateMeasure(w.tx, m.id, applied);
          await bump(w, m);
          const was = Object.fromEntries(
            Object.keys(changed).map((k) => [k, before[k as keyof typeof before]]),
          );
          w.audit({
            action: renamed ? 'measure.people_changed' : 'measure.updated',
            nodeId: m.id,
            subject: m.code,
            before: was,
            after: changed,
          });
          return windowRequest;
        });
        const measure = await answerMeasure(deps, m.code);
        return request ? c.json({ ...measure, windowRequest: request }, 202) : c.json(measure, 200);
      },
    )

    .post(
      '/measures/:code/milestones',
      documented({
        tag: 'Measures',
        summary: 'Add a milestone',
        answers: { 201: MilestoneAnswer },
      }),
      validate('json', CreateMilestone),
      async (c) => {
        const m = await owned(c.get('actor'), c.req.param('code'));
        const body = c.req.valid('json');
        const id = `ms_${randomUUID()}`;
        await write(deps, c, async (w) => {
          await insertMilestone(w.tx, { id, measureId: m.id, ...body }, w.at);
          await bump(w, m);
          w.audit({ action: 'milestone.added', nodeId: m.id, subject: id, after: body });
        });
        return c.json({ id, measure: m.code, ...body, done: false }, 201);
      },
    )

    .patch(
      '/milestones/:id',
      documented({
        tag: 'Measures',
        summary: 'Tick, retitle or move a milestone',
        answers: { 200: MilestoneAnswer },
      }),
      validate('json', PatchMilestone),
      async (c) => {
        const id = c.req.param('id');
        const m = await child(c.get('actor'), 'milestones', id);
        const body = c.req.valid('json');
        const done = body.done === undefined ? undefined : Number(body.done);
        const row = await write(deps, c, (w) =>
          updateChild(w, m, 'milestones', id, (before) => ({
            title: body.title,
            due: body.due,
            done,
            // When it was done: set as it becomes done, cleared as it is reopened.
            done_at: done === undefined || !!done === before.done ? undefined : done ? w.at : null,
          })),
        );
        return c.json({ ...row, measure: m.code }, 200);
      },
    )

    .post(
      '/measures/:code/risks',
      documented({ tag: 'Measures', summary: 'Add a risk', answers: { 201: RiskAnswer } }),
      validate('json', CreateRisk),
      async (c) => {
        const m = await owned(c.get('actor'), c.req.param('code'));
        const body = c.req.valid('json');
        const id = `rk_${randomUUID()}`;
        await write(deps, c, async (w) => {
          await insertRisk(w.tx, { id, measureId: m.id, ...body }, w.at);
          await bump(w, m);
          w.audit({ action: 'risk.added', nodeId: m.id, subject: id, after: body });
        });
        return c.json({ id, measure: m.code, ...body, open: true }, 201);
      },
    )

    .patch(
      '/risks/:id',
      documented({
        tag: 'Measures',
        summary: 'Close or regrade a risk',
        answers: { 200: RiskAnswer },
      }),
      validate('json', PatchRisk),
      async (c) => {
        const id = c.req.param('id');
        const m = await child(c.get('actor'), 'risks', id);
        const body = c.req.valid('json');
        const row = await write(deps, c, (w) =>
          updateChild(w, m, 'risks', id, () => ({
            open: body.open === undefined ? undefined : Number(body.open),
            severity: body.severity,
          })),
        );
        return c.json({ ...row, measure: m.code }, 200);
      },
    )

    .post(
      '/measures/:code/dependencies',
      documented({
        tag: 'Measures',
        summary: 'Add a dependency',
        answers: { 201: DependencyAnswer },
      }),
      validate('json', CreateDependency),
      async (c) => {
        const m = await owned(c.get('actor'), c.req.param('code'));
        const body = c.req.valid('json');
        const id = `dp_${randomUUID()}`;
        await write(deps, c, async (w) => {
          if (body.ownerId) await memberGrants(w.tx, m.path, body.ownerId);
          await insertDependency(
            w.tx,
            {
              id,
              measureId: m.id,
              title: body.title,
              due: body.due,
              ownerId: body.ownerId ?? null,
              riskLevel: body.riskLevel,
              status: body.status,
            },
            w.at,
          );
          await bump(w, m);
          w.audit({ action: 'dependency.added', nodeId: m.id, subject: id, after: body });
        });
        return c.json(
          { id, measure: m.code, ...body, done: dependencyFlags(body.status).done },
          201,
        );
      },
    )

    .patch(
      '/dependencies/:id',
      documented({
        tag: 'Measures',
        summary:
          'Say how a dependency stands (its owner too), or move it, change its risk level or owner',
        answers: { 200: DependencyAnswer },
      }),
      validate('json', PatchDependency),
      async (c) => {
        const id = c.req.param('id');
        const actor = c.get('actor');
        const body = c.req.valid('json');
        const status =
          body.status ?? (body.done === undefined ? undefined : body.done ? 'done' : 'open');
        // Its owner (perhaps in another function) says how it stands; the plan's editors move it.
        const found = await rowWithMeasure<{ owner_id: string | null }>(
          deps.db.client,
          'dependencies',
          id,
        );
        const onlyStatus =
          body.due === undefined && body.riskLevel === undefined && body.ownerId === undefined;
        const m =
          found && onlyStatus && found.owner_id === actor.userId
            ? await measureOfVisible(deps.db.client, actor, found.measure_code, `Dependency ${id}`)
            : await child(actor, 'dependencies', id);
        assertNotFrozen(m);
        const flags = status === undefined ? undefined : dependencyFlags(status);
        const row = await write(deps, c, async (w) => {
          if (body.ownerId) await memberGrants(w.tx, m.path, body.ownerId);
          return updateChild(w, m, 'dependencies', id, () => ({
            done: flags && Number(flags.done),
            at_risk: flags && Number(flags.atRisk),
            due: body.due,
            risk_level: body.riskLevel,
            owner_id: body.ownerId,
          }));
        });
        return c.json(presentDependency(row, m.code), 200);
      },
    )

    .post(
      '/measures/:code/hold',
      documented({
        tag: 'Measures',
        summary: 'Put a measure on hold (its sponsor)',
        answers: { 200: MeasureAnswer },
      }),
      validate('json', Decision),
      (c) => holdOrResume(deps, c, c.req.valid('json').comment, true),
    )
    .post(
      '/measures/:code/resume',
      documented({
        tag: 'Measures',
        summary: 'Resume a measure on hold (its sponsor)',
        answers: { 200: MeasureAnswer },
      }),
      validate('json', Decision),
      (c) => holdOrResume(deps, c, c.req.valid('json').comment, false),
    );
};

// Hold and resume: the named sponsor or a steering member, with a reason.
async function holdOrResume(deps: Deps, c: Context<AppEnv>, comment: string, hold: boolean) {
  const actor = c.get('actor');
  const m = await visibleMeasure(deps.db.client, actor, c.req.param('code')!);
  if (
    !mayHold(actor, m.path, {
      ownerId: m.owner_id,
      sponsorId: m.sponsor_id,
      controllerId: m.controller_id,
    })
  )
    throw forbidden('Only the sponsor or a steering member puts a measure on hold or resumes it.');
  assertNotFrozen(m);
  if (!comment.trim())
    throw unprocessable(
      'REASON_REQUIRED',
      `Say why the measure is ${hold ? 'put on hold' : 'resumed'}.`,
    );
  if (!!m.on_hold === hold)
    throw conflict(
      hold ? 'ALREADY_ON_HOLD' : 'NOT_ON_HOLD',
      `Measure ${m.code} is ${hold ? 'already' : 'not'} on hold.`,
    );
  await write(deps, c, async (w) => {
    await setHold(w.tx, m.id, hold ? comment.trim() : null, await w.revision());
    w.audit({
      action: hold ? 'measure.held' : 'measure.resumed',
      nodeId: m.id,
      subject: m.code,
      before: { onHold: !!m.on_hold },
      after: { onHold: hold, reason: comment.trim() },
    });
  });
  return c.json(await answerMeasure(deps, m.code), 200);
}
