// Change requests: material or post-Detailed plan changes wait for the measure's controller.
import { type Context, Hono } from 'hono';
import { ChangeRequestsQuery, Decision } from '../../../shared/api/schemas.js';
import { type Actor, mayDecideChange } from '../../../shared/domain/access.js';
import { isFrozen } from '../../../shared/model.js';
import { fromMinorOrNull } from '../../../shared/money.js';
import { documented } from '../../http/openapi.js';
import { ChangeRequestsAnswer, AnyChangeRequest } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { moneyRules, scopePrefixes, settingsByOrg } from '../hierarchy/store.js';
import {
  type ChangeRequestRow,
  type MeasureRow,
  measuresUnder,
  periodTargets,
  requireMeasure,
  type WindowRequestRow,
} from '../measures/store.js';
import { closeRequest, type Decided, moveWindow, requestById, requestsUnder } from './store.js';
import { monthIndex } from '../../../shared/sync/decide.js';
import { cellAt, putCell } from '../sync/store.js';
import { changeRequestView, windowRequestView } from './present.js';
import { grantsOfPeople, peopleById } from '../hierarchy/store.js';
import { committedValue, markMeasureChanged, measureOfVisible } from '../measures/store.js';

export const approvalRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/change-requests',
      documented({
        tag: 'Approvals',
        summary: 'Change requests of a scope (cell and window changes)',
        answers: { 200: ChangeRequestsAnswer },
      }),
      validate('query', ChangeRequestsQuery),
      async (c) => {
        const actor = c.get('actor');
        const q = c.req.valid('query');
        const prefixes = await scopePrefixes(deps.db.read, actor, q.scope);
        const measures = new Map(
          (await measuresUnder(deps.db.read, prefixes)).map((m) => [m.id, m]),
        );
        const [found, windows] = prefixes.length
          ? await Promise.all([
              requestsUnder<ChangeRequestRow>(deps.db.read, 'change_requests', prefixes, q.status),
              requestsUnder<WindowRequestRow>(deps.db.read, 'window_requests', prefixes, q.status),
            ])
          : [[], []];
        const settings = await settingsByOrg(
          deps.db.read,
          [...measures.values()].map((m) => m.org_id),
        );
        const [people, grantsOf] = await Promise.all([
          peopleById(deps.db.read, [
            ...[...found, ...windows].flatMap((r) => [r.requested_by, r.decided_by]),
            ...[...measures.values()].map((m) => m.controller_id),
          ]),
          grantsOfPeople(
            deps.db.read,
            [...measures.values()].map((m) => m.controller_id),
          ),
        ]);
        const mayDecide = (r: { status: string; requested_by: string }, m: MeasureRow) =>
          r.status === 'pending' &&
          mayDecideChange(
            actor,
            { requestedBy: r.requested_by },
            { path: m.path, controllerId: m.controller_id },
          );
        const digitsOf = (m: MeasureRow) => moneyRules(settings.get(m.org_id)!).digits;
        const targets = await periodTargets(
          deps.db.read,
          found.map((r) => ({ measureId: r.measure_id, period: r.period })),
        );
        return c.json(
          {
            changeRequests: [
              ...found.map((r) => {
                const m = measures.get(r.measure_id)!;
                return {
                  ...changeRequestView(
                    r,
                    m,
                    digitsOf(m),
                    people,
                    grantsOf,
                    targets.get(`${r.measure_id}\u0001${r.period}`) ?? null,
                  ),
                  mayDecide: mayDecide(r, m),
                };
              }),
              ...windows.map((r) => {
                const m = measures.get(r.measure_id)!;
                return {
                  ...windowRequestView(r, m, digitsOf(m), people, grantsOf),
                  mayDecide: mayDecide(r, m),
                };
              }),
            ],
          },
          200,
        );
      },
    )
    .post(
      '/change-requests/:id/approve',
      documented({
        tag: 'Approvals',
        summary: 'Approve a change request (its controller, never its requester)',
        answers: { 200: AnyChangeRequest },
      }),
      validate('json', Decision),
      (c) => decide(deps, c, c.req.valid('json').comment, true),
    )
    .post(
      '/change-requests/:id/reject',
      documented({
        tag: 'Approvals',
        summary: 'Reject a change request with a comment',
        answers: { 200: AnyChangeRequest },
      }),
      validate('json', Decision),
      (c) => decide(deps, c, c.req.valid('json').comment, false),
    );

/** A change request (a cell's or a window's) is decided by the measure's controller, never its requester; a rejection says why. */
function assertDecider(
  actor: Actor,
  requestedBy: string,
  m: MeasureRow,
  approve: boolean,
  comment: string,
) {
  if (actor.userId === requestedBy) throw forbidden('Nobody approves their own request.');
  if (!mayDecideChange(actor, { requestedBy }, { path: m.path, controllerId: m.controller_id }))
    throw forbidden(
      `Only the measure's controller, while they hold the controller role on it, decides this request.`,
    );
  if (!approve && !comment.trim())
    throw unprocessable(
      'COMMENT_REQUIRED',
      'Say why the change is rejected: the planner sees it on the cell.',
    );
}

async function decide(deps: Deps, c: Context<AppEnv>, comment: string, approve: boolean) {
  const id = c.req.param('id')!;
  if (id.startsWith('wr_')) return decideWindow(deps, c, id, comment, approve);
  const actor = c.get('actor');
  const userId = actor.userId;
  const found = await requestById<ChangeRequestRow>(deps.db.client, 'change_requests', id);
  if (!found) throw notFound(`Change request ${id}`);
  const code = found.code;
  const m = await measureOfVisible(deps.db.client, actor, code, `Change request ${id}`);
  assertDecider(actor, found.requested_by, m, approve, comment);
  const digits = moneyRules(
    (await settingsByOrg(deps.db.client, [m.org_id])).get(m.org_id)!,
  ).digits;
  const outcome = await write(deps, c, async (w) => {
    const cr = (await requestById<ChangeRequestRow>(w.tx, 'change_requests', id))!;
    if (cr.status !== 'pending')
      throw conflict('NOT_PENDING', `This request is already ${cr.status}.`);
    const measure = await requireMeasure(w.tx, code);
    const rev = await w.revision();
    const close = (status: Decided, note: string) =>
      closeRequest(w.tx, 'change_requests', id, {
        status,
        by: userId,
        at: w.at,
        note,
        revision: rev,
      });
    const cell = await cellAt(w.tx, cr.measure_id, cr.kind, cr.period);
    const version = cell?.version ?? 0;
    if (approve && (isFrozen(measure.stage) || version !== cr.base_version)) {
      // The cell moved on (or the measure froze) since the request: approving it would overwrite
      // a newer record, so it is withdrawn instead, and that is what the caller learns.
      const why = isFrozen(measure.stage)
        ? `the measure is ${measure.stage}`
        : `the cell changed since the request (version ${cr.base_version} → ${version})`;
      await close('withdrawn', `withdrawn: ${why}`);
      w.audit({
        action: 'change_request.withdrawn',
        nodeId: cr.measure_id,
        subject: id,
        after: { reason: why },
      });
      return { withdrawn: why };
    }
    if (approve) {
      // An approved forecast is what further changes this month are measured from (materiality).
      const forecast = cr.kind === 'forecast';
      await putCell(w.tx, {
        measureId: cr.measure_id,
        kind: cr.kind,
        period: cr.period,
        value: cr.new_value,
        version: version + 1,
        revision: rev,
        refMonth: forecast ? monthIndex(w.now) : null,
        refValue: forecast ? cr.new_value : null,
      });
      w.audit({
        action: 'cell.changed',
        nodeId: cr.measure_id,
        subject: `${cr.kind} ${cr.period}`,
        before: { value: fromMinorOrNull(cell?.value, digits), version },
        after: {
          value: fromMinorOrNull(cr.new_value, digits),
          version: version + 1,
          note: cr.note ?? undefined,
          changeRequest: id,
        },
        source: cr.source ? JSON.parse(cr.source) : null,
      });
    }
    await close(approve ? 'approved' : 'rejected', comment.trim());
    await markMeasureChanged(w.tx, cr.measure_id, rev);
    w.audit({
      action: approve ? 'change_request.approved' : 'change_request.rejected',
      nodeId: cr.measure_id,
      subject: id,
      after: { comment: comment.trim() },
    });
    return null;
  });
  if (outcome?.withdrawn)
    throw conflict('STALE_REQUEST', `The request was withdrawn: ${outcome.withdrawn}.`);
  const after = (await requestById<ChangeRequestRow>(deps.db.client, 'change_requests', id))!;
  return c.json(
    changeRequestView(
      after,
      m,
      digits,
      await peopleById(deps.db.client, [after.requested_by, after.decided_by, m.controller_id]),
      await grantsOfPeople(deps.db.client, [m.controller_id]),
    ),
    200,
  );
}

/**
 * A window change from Detailed on: the controller approves it as they would a target change.
 * Stale (withdrawn, 409) when the window or the committed value moved since it was requested.
 */
async function decideWindow(
  deps: Deps,
  c: Context<AppEnv>,
  id: string,
  comment: string,
  approve: boolean,
) {
  const actor = c.get('actor');
  const found = await requestById<WindowRequestRow>(deps.db.client, 'window_requests', id);
  if (!found) throw notFound(`Change request ${id}`);
  const m = await measureOfVisible(deps.db.client, actor, found.code, `Change request ${id}`);
  assertDecider(actor, found.requested_by, m, approve, comment);
  const stale = await write(deps, c, async (w) => {
    const r = (await requestById<WindowRequestRow>(w.tx, 'window_requests', id))!;
    if (r.status !== 'pending')
      throw conflict('NOT_PENDING', `This request is already ${r.status}.`);
    const fresh = await requireMeasure(w.tx, found.code);
    const rev = await w.revision();
    const close = (status: Decided, note: string) =>
      closeRequest(w.tx, 'window_requests', id, {
        status,
        by: actor.userId,
        at: w.at,
        note,
        revision: rev,
      });
    if (approve) {
      const moved = isFrozen(fresh.stage)
        ? `the measure is ${fresh.stage}`
        : fresh.start_period !== r.old_start || fresh.end_period !== r.old_end
          ? 'the window changed since the request'
          : (await committedValue(w.tx, r.measure_id, r.old_start, r.old_end)) !== r.old_value ||
              (await committedValue(w.tx, r.measure_id, r.new_start, r.new_end)) !== r.new_value
            ? 'the target changed since the request'
            : null;
      if (moved) {
        await close('withdrawn', `withdrawn: ${moved}`);
        w.audit({
          action: 'window_request.withdrawn',
          nodeId: r.measure_id,
          subject: id,
          after: { reason: moved },
        });
        return moved;
      }
      await moveWindow(w.tx, r.measure_id, { start: r.new_start, end: r.new_end }, rev);
      w.audit({
        action: 'measure.updated',
        nodeId: r.measure_id,
        subject: found.code,
        before: { startPeriod: r.old_start, endPeriod: r.old_end },
        after: { startPeriod: r.new_start, endPeriod: r.new_end, windowRequest: id },
      });
    } else await markMeasureChanged(w.tx, r.measure_id, rev);
    await close(approve ? 'approved' : 'rejected', comment.trim());
    w.audit({
      action: approve ? 'window_request.approved' : 'window_request.rejected',
      nodeId: r.measure_id,
      subject: id,
      after: { comment: comment.trim() },
    });
    return null;
  });
  if (stale) throw conflict('STALE_REQUEST', `The request was withdrawn: ${stale}.`);
  const after = (await requestById<WindowRequestRow>(deps.db.client, 'window_requests', id))!;
  const digits = moneyRules(
    (await settingsByOrg(deps.db.client, [m.org_id])).get(m.org_id)!,
  ).digits;
  return c.json(
    windowRequestView(
      after,
      m,
      digits,
      await peopleById(deps.db.client, [after.requested_by, after.decided_by, m.controller_id]),
      await grantsOfPeople(deps.db.client, [m.controller_id]),
    ),
    200,
  );
}
