// Stage gates: the owner requests the next stage, the approver of the model decides.
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { Decision, GateRequest, GateRequestsQuery } from '../../../shared/api/schemas.js';
import { mayRequestGate } from '../../../shared/domain/access.js';
import {
  type ApproverRule,
  approverRule,
  closureShortfallError,
  gateStepError,
  type GateFacts,
  mayDecideGate,
  missingForGate,
  pinnedFigures,
  pinsHold,
} from '../../../shared/domain/gates.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { isFrozen, type Stage } from '../../../shared/model.js';
import { documented } from '../../http/openapi.js';
import { GateRequestsAnswer, GateRequestDecidedAnswer } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { moneyRules, orgSettings, scopePrefixes, settingsByOrg } from '../hierarchy/store.js';
import { markMeasureChanged, measureOfVisible, visibleMeasure } from '../measures/store.js';
import {
  gateRequestById,
  gateRequestsUnder,
  hasPendingGate,
  insertGateRequest,
  recordGateDecision,
} from './store.js';
import { withdrawPending } from '../approvals/store.js';
import {
  type GateRequestRow,
  type MeasureRow,
  loadStates,
  type MeasureState,
  measuresByCodes,
  periodValues,
  requireMeasure,
  rowWithMeasure,
} from '../measures/store.js';
import { gateRequestView } from './present.js';
import { grantsOfPeople, peopleById } from '../hierarchy/store.js';
import type { Exec } from '../../db/db.js';

function gateFacts(state: MeasureState, settings: OrgSettings): GateFacts {
  const m = state.measure;
  const byPeriod = periodValues(state);
  const withValue = (kind: 'baseline' | 'target' | 'actual') =>
    new Set([...byPeriod].filter(([, v]) => v[kind] !== null).map(([p]) => p));
  const valuesOf = (kind: 'baseline' | 'target' | 'actual') =>
    Object.fromEntries(
      [...byPeriod].filter(([, v]) => v[kind] !== null).map(([p, v]) => [p, v[kind]!]),
    );
  const total = (kind: 'target' | 'actual') =>
    [...byPeriod.values()].reduce((s, v) => s + (v[kind] ?? 0), 0);
  return {
    stage: m.stage,
    onHold: !!m.on_hold,
    sponsorId: m.sponsor_id,
    controllerId: m.controller_id,
    category: m.category,
    impactType: m.impact_type,
    startPeriod: m.start_period,
    endPeriod: m.end_period,
    periodsWith: {
      baseline: withValue('baseline'),
      target: withValue('target'),
      actual: withValue('actual'),
    },
    targetTotal: total('target'),
    actualTotal: total('actual'),
    values: {
      baseline: valuesOf('baseline'),
      target: valuesOf('target'),
      actual: valuesOf('actual'),
    },
    milestones: state.milestones.map((ms) => ({ done: !!ms.done })),
    closedThrough: settings.closedThrough,
    steeringThreshold: moneyRules(settings).steeringThreshold,
  };
}

async function factsOf(x: Exec, m: MeasureRow) {
  const [state] = await loadStates(x, [m]);
  return gateFacts(state!, await orgSettings(x, m.org_id));
}

const criteriaError = (to: Stage, missing: string[]) =>
  unprocessable('GATE_CRITERIA_NOT_MET', `Cannot enter ${to} yet: ${missing.join('; ')}.`, {
    missing,
  });

async function answer(
  deps: Deps,
  id: string,
  m: MeasureRow,
  status: 200 | 201,
  c: Context<AppEnv>,
) {
  const g = (await gateRequestById(deps.db.client, id))!;
  const people = await peopleById(deps.db.client, [
    g.requested_by,
    g.decided_by,
    m.sponsor_id,
    m.controller_id,
  ]);
  const { digits } = moneyRules(await orgSettings(deps.db.client, m.org_id));
  return c.json(
    {
      ...gateRequestView(
        g,
        m,
        people,
        digits,
        await grantsOfPeople(deps.db.client, [m.sponsor_id, m.controller_id]),
      ),
      stage: (await requireMeasure(deps.db.client, m.code)).stage,
    },
    status,
  );
}

export const gateRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/gate-requests',
      documented({
        tag: 'Gates',
        summary: 'Gate requests of a scope',
        answers: { 200: GateRequestsAnswer },
      }),
      validate('query', GateRequestsQuery),
      async (c) => {
        const actor = c.get('actor');
        const q = c.req.valid('query');
        const prefixes = await scopePrefixes(deps.db.read, actor, q.scope);
        const found = prefixes.length
          ? await gateRequestsUnder(deps.db.read, prefixes, q.status)
          : [];
        const measures = new Map(
          (
            await measuresByCodes(
              deps.db.read,
              found.map((g) => g.code),
            )
          ).map((m) => [m.id, m]),
        );
        const named = [...measures.values()].flatMap((m) => [m.sponsor_id, m.controller_id]);
        const [people, grantsOf] = await Promise.all([
          peopleById(deps.db.read, [
            ...found.flatMap((g) => [g.requested_by, g.decided_by]),
            ...named,
          ]),
          grantsOfPeople(deps.db.read, named),
        ]);
        const settings = await settingsByOrg(
          deps.db.read,
          [...measures.values()].map((m) => m.org_id),
        );
        return c.json(
          {
            gateRequests: found.map((g) => {
              const m = measures.get(g.measure_id)!;
              return {
                ...gateRequestView(
                  g,
                  m,
                  people,
                  moneyRules(settings.get(m.org_id)!).digits,
                  grantsOf,
                ),
                title: m.title,
                mayDecide:
                  g.status === 'pending' &&
                  mayDecideGate(
                    actor,
                    { requestedBy: g.requested_by, approver: g.approver as ApproverRule },
                    { path: m.path, sponsorId: m.sponsor_id, controllerId: m.controller_id },
                  ),
              };
            }),
          },
          200,
        );
      },
    )
    .post(
      '/measures/:code/gate',
      documented({
        tag: 'Gates',
        summary: 'Request the next gate (or cancellation)',
        answers: { 201: GateRequestDecidedAnswer },
      }),
      validate('json', GateRequest),
      async (c) => {
        const actor = c.get('actor');
        const { to, comment } = c.req.valid('json');
        const m = await visibleMeasure(deps.db.client, actor, c.req.param('code'));
        if (
          !mayRequestGate(actor, {
            ownerId: m.owner_id,
            sponsorId: m.sponsor_id,
            controllerId: m.controller_id,
          })
        )
          throw forbidden('Only the owner of the measure requests a gate.');
        const stepError = gateStepError(m.stage, to);
        if (stepError) throw unprocessable('INVALID_GATE', stepError);
        const id = `gr_${randomUUID()}`;
        await write(deps, c, async (w) => {
          const fresh = await requireMeasure(w.tx, m.code);
          if (await hasPendingGate(w.tx, m.id))
            throw conflict(
              'GATE_REQUEST_OPEN',
              `Measure ${m.code} already has an open gate request.`,
            );
          const facts = await factsOf(w.tx, fresh);
          const missing = missingForGate(to, facts, comment);
          if (missing.length) throw criteriaError(to, missing);
          const approver = approverRule(to, facts);
          const pinned = pinnedFigures(to, facts);
          await insertGateRequest(w.tx, {
            id,
            measureId: m.id,
            from: fresh.stage,
            to,
            approver,
            comment: comment.trim(),
            by: actor.userId,
            at: w.at,
            pinned,
          });
          await markMeasureChanged(w.tx, m.id, await w.revision());
          w.audit({
            action: 'gate.requested',
            nodeId: m.id,
            subject: id,
            before: { stage: fresh.stage },
            after: { to, approver, comment: comment.trim() },
          });
        });
        return answer(deps, id, m, 201, c);
      },
    )
    .post(
      '/gate-requests/:id/approve',
      documented({
        tag: 'Gates',
        summary: 'Approve a gate request (whom the gate waits on, never its requester)',
        answers: { 200: GateRequestDecidedAnswer },
      }),
      validate('json', Decision),
      (c) => decide(deps, c, c.req.valid('json').comment, true),
    )
    .post(
      '/gate-requests/:id/reject',
      documented({
        tag: 'Gates',
        summary: 'Reject a gate request with a comment',
        answers: { 200: GateRequestDecidedAnswer },
      }),
      validate('json', Decision),
      (c) => decide(deps, c, c.req.valid('json').comment, false),
    );

async function decide(deps: Deps, c: Context<AppEnv>, comment: string, approve: boolean) {
  const actor = c.get('actor');
  const id = c.req.param('id')!;
  const found = await rowWithMeasure<GateRequestRow>(deps.db.client, 'gate_requests', id);
  if (!found) throw notFound(`Gate request ${id}`);
  const code = found.measure_code;
  const m = await measureOfVisible(deps.db.client, actor, code, `Gate request ${id}`);
  if (actor.userId === found.requested_by) throw forbidden('Nobody approves their own request.');
  const refusal = (rule: ApproverRule) =>
    forbidden(
      rule === 'controller'
        ? "Only the measure's controller decides this gate."
        : rule === 'steering'
          ? 'Only a steering member decides this gate (the cumulative target is at or above the steering threshold).'
          : "Only the measure's sponsor or a steering member decides this gate.",
    );
  if (
    !mayDecideGate(
      actor,
      { requestedBy: found.requested_by, approver: found.approver as ApproverRule },
      { path: m.path, sponsorId: m.sponsor_id, controllerId: m.controller_id },
    )
  )
    throw refusal(found.approver as ApproverRule);
  if (!approve && !comment.trim())
    throw unprocessable('COMMENT_REQUIRED', 'Say why the gate is refused.');
  const stale = await write(deps, c, async (w) => {
    const g = (await gateRequestById(w.tx, id))!;
    if (g.status !== 'pending')
      throw conflict('NOT_PENDING', `This gate request is already ${g.status}.`);
    const fresh = await requireMeasure(w.tx, code);
    const facts = await factsOf(w.tx, fresh);
    // Who decides is judged now, on the figures as they are now (the steering threshold too).
    const rule = approverRule(g.to_stage, facts);
    if (
      !mayDecideGate(
        actor,
        { requestedBy: g.requested_by, approver: rule },
        { path: fresh.path, sponsorId: fresh.sponsor_id, controllerId: fresh.controller_id },
      )
    )
      throw refusal(rule);
    if (approve) {
      if (fresh.stage !== g.from_stage)
        throw conflict('STAGE_MOVED', `The measure moved to ${fresh.stage} since the request.`);
      if (!pinsHold(g.pinned ? JSON.parse(g.pinned) : null, pinnedFigures(g.to_stage, facts))) {
        // The approver would validate figures other than those requested: withdrawn, and said so.
        await recordGateDecision(w.tx, id, {
          status: 'withdrawn',
          by: actor.userId,
          at: w.at,
          comment: 'withdrawn: the figures it validates changed since the request',
        });
        await markMeasureChanged(w.tx, fresh.id, await w.revision());
        w.audit({
          action: 'gate.withdrawn',
          nodeId: fresh.id,
          subject: id,
          after: { reason: 'the figures it validates changed since the request' },
        });
        return true;
      }
      const missing = missingForGate(g.to_stage, facts, g.comment ?? comment);
      if (missing.length) throw criteriaError(g.to_stage, missing);
      if (g.to_stage === 'closed') {
        const shortfall = closureShortfallError(facts, comment);
        if (shortfall) throw unprocessable('EXPLANATION_REQUIRED', shortfall);
      }
    }
    const rev = await w.revision();
    await recordGateDecision(w.tx, id, {
      status: approve ? 'approved' : 'rejected',
      by: actor.userId,
      at: w.at,
      comment: comment.trim(),
      approver: rule,
    });
    await markMeasureChanged(w.tx, fresh.id, rev, approve ? g.to_stage : undefined);
    if (approve) {
      if (isFrozen(g.to_stage)) {
        // Frozen: nothing may change its values again, so waiting requests can never be applied.
        for (const [table, action] of [
          ['change_requests', 'change_request.withdrawn'],
          ['window_requests', 'window_request.withdrawn'],
        ] as const) {
          const withdrawn = await withdrawPending(w.tx, table, fresh.id, {
            at: w.at,
            comment: `withdrawn: the measure is ${g.to_stage}`,
            revision: rev,
          });
          for (const requestId of withdrawn)
            w.audit({
              action,
              nodeId: fresh.id,
              subject: requestId,
              after: { reason: `the measure is ${g.to_stage}` },
            });
        }
      }
    }
    w.audit({
      action: approve ? 'gate.approved' : 'gate.rejected',
      nodeId: fresh.id,
      subject: id,
      before: { stage: fresh.stage },
      after: { stage: approve ? g.to_stage : fresh.stage, comment: comment.trim() },
    });
    return false;
  });
  if (stale)
    throw conflict(
      'STALE_REQUEST',
      'The request was withdrawn: the figures it validates changed since it was made. Request the gate again.',
    );
  return answer(deps, id, m, 200, c);
}
