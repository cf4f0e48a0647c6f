// Open exceptions of a scope; raised by hand; acknowledged (stops nothing), resolved (with a
// comment) or decided (by whom the level waits on, the decision recorded for the decision log).
import { type Context, Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import {
  Decision,
  DecideException,
  ExceptionsQuery,
  RaiseException,
} from '../../../shared/api/schemas.js';
import { raisedStartLevel, WAITS_ON } from '../../../shared/domain/exceptions.js';
import { isFrozen } from '../../../shared/model.js';
import { fromMinor, toMinor } from '../../../shared/money.js';
import {
  mayActOnException,
  mayDecideException,
  mayRaiseException,
} from '../../../shared/domain/access.js';
import { documented } from '../../http/openapi.js';
import {
  ExceptionsAnswer,
  ExceptionActedAnswer,
  ExceptionListed,
} from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { moneyRules, orgSettings, scopePrefixes } from '../hierarchy/store.js';
import { measureOfVisible, visibleMeasure } from '../measures/store.js';
import { presentActed } from './present.js';
import {
  actedException,
  exceptionById,
  exceptionStatus,
  listedException,
  openExceptions,
  raiseByHand,
  recordDecision,
  recordExceptionAct,
} from './store.js';

export const exceptionRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/exceptions',
      documented({
        tag: 'Exceptions',
        summary: 'Open exceptions of a scope, highest level and value first',
        answers: { 200: ExceptionsAnswer },
      }),
      validate('query', ExceptionsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const prefixes = await scopePrefixes(deps.db.read, c.get('actor'), q.scope);
        return c.json({ exceptions: await openExceptions(deps.db.read, prefixes, q.level) }, 200);
      },
    )
    .post(
      '/exceptions',
      documented({
        tag: 'Exceptions',
        summary:
          'Raise an S&OP exception by hand (planner or above): it starts at the level the organization sets for its type, or higher by value, and escalates with age',
        answers: { 201: ExceptionListed },
      }),
      validate('json', RaiseException),
      async (c) => {
        const actor = c.get('actor');
        const body = c.req.valid('json');
        const m = await visibleMeasure(deps.db.client, actor, body.measure);
        if (!mayRaiseException(actor, m.path))
          throw forbidden(
            'Only a planner, controller, sponsor or steering member raises exceptions.',
          );
        if (isFrozen(m.stage))
          throw unprocessable(
            'MEASURE_FROZEN',
            `Measure ${m.code} is ${m.stage}: it takes no new exceptions.`,
          );
        const settings = await orgSettings(deps.db.client, m.org_id);
        const money = moneyRules(settings);
        const value = toMinor(body.valueAtStake, money.digits);
        if (value === null || value < 0)
          throw unprocessable(
            'INVALID_AMOUNT',
            `The value at stake is a non-negative amount with at most ${money.digits} decimals.`,
          );
        const id = `ex_${randomUUID()}`;
        const level = raisedStartLevel(body.type, value, settings.exceptionRules, money.escalation);
        await write(deps, c, async (w) => {
          await raiseByHand(
            w.tx,
            {
              id,
              measureId: m.id,
              type: body.type,
              // Local exceptions are the measure owner's to handle, as the rules' own.
              ownerId: m.owner_id,
              title: body.title,
              decisionNeeded: body.decisionNeeded,
              valueAtStake: value,
              dueDate: body.dueDate,
              level,
              raisedBy: actor.userId,
            },
            w.at,
          );
          await w.revision();
          w.audit({
            action: 'exception.raised',
            nodeId: m.id,
            subject: id,
            after: {
              type: body.type,
              level,
              title: body.title,
              valueAtStake: fromMinor(value, money.digits),
              decisionNeeded: body.decisionNeeded,
              dueDate: body.dueDate,
            },
          });
        });
        return c.json(await listedException(deps.db.client, id), 201);
      },
    )
    .post(
      '/exceptions/:id/decide',
      documented({
        tag: 'Exceptions',
        summary:
          'Decide an exception (whom its level waits on, or above; never who raised it): it is resolved, the decision recorded',
        answers: { 200: ExceptionActedAnswer },
      }),
      validate('json', DecideException),
      async (c) => {
        const actor = c.get('actor');
        const id = c.req.param('id');
        const body = c.req.valid('json');
        await write(deps, c, async (w) => {
          // Read and judged in the write: a level that climbed meanwhile is the one that counts.
          const e = await exceptionById(w.tx, id);
          if (!e) throw notFound(`Exception ${id}`);
          const m = await measureOfVisible(w.tx, actor, e.code, `Exception ${id}`);
          const people = {
            ownerId: m.owner_id,
            sponsorId: m.sponsor_id,
            controllerId: m.controller_id,
          };
          if (
            !mayDecideException(
              actor,
              m.path,
              { level: e.level, ownerId: e.owner_id, raisedBy: e.raised_by },
              people,
            )
          )
            throw forbidden(
              e.raised_by === actor.userId
                ? 'Nobody decides an exception they raised.'
                : `This exception is at level ${e.level}: it is decided by ${WAITS_ON[e.level as 1 | 2 | 3]} or above.`,
            );
          if (e.status !== 'open' && e.status !== 'acknowledged')
            throw conflict('NOT_OPEN', `This exception is already ${e.status}.`);
          await recordDecision(w.tx, id, {
            at: w.at,
            by: actor.userId,
            decision: body.decision,
            comment: body.comment,
          });
          await w.revision();
          w.audit({
            action: 'exception.decided',
            nodeId: e.measure_id,
            subject: id,
            before: { status: e.status, level: e.level },
            after: {
              status: 'resolved',
              decision: body.decision,
              comment: body.comment || undefined,
            },
          });
        });
        return c.json(presentActed(await actedException(deps.db.client, id)), 200);
      },
    )
    .post(
      '/exceptions/:id/acknowledge',
      documented({
        tag: 'Exceptions',
        summary: 'Acknowledge an exception (it keeps escalating until resolved)',
        answers: { 200: ExceptionActedAnswer },
      }),
      validate('json', Decision),
      (c) => act(deps, c, c.req.valid('json').comment, 'acknowledge'),
    )
    .post(
      '/exceptions/:id/resolve',
      documented({
        tag: 'Exceptions',
        summary: 'Resolve an exception with a comment',
        answers: { 200: ExceptionActedAnswer },
      }),
      validate('json', Decision),
      (c) => act(deps, c, c.req.valid('json').comment, 'resolve'),
    );

async function act(
  deps: Deps,
  c: Context<AppEnv>,
  comment: string,
  what: 'acknowledge' | 'resolve',
) {
  const actor = c.get('actor');
  const id = c.req.param('id')!;
  const e = await exceptionById(deps.db.client, id);
  if (!e) throw notFound(`Exception ${id}`);
  const m = await measureOfVisible(deps.db.client, actor, e.code, `Exception ${id}`);
  // Its owner or above: the measure's sponsor and controller, steering, an admin of the subtree.
  if (
    !mayActOnException(actor, m.path, e.owner_id, {
      ownerId: m.owner_id,
      sponsorId: m.sponsor_id,
      controllerId: m.controller_id,
    })
  )
    throw forbidden('Only the owner of the exception or someone above acts on it.');
  const act = what === 'acknowledge' ? 'acknowledged' : 'resolved';
  if (what === 'resolve' && !comment.trim())
    throw unprocessable('COMMENT_REQUIRED', 'Say how the exception was resolved.');
  await write(deps, c, async (w) => {
    const now = await exceptionStatus(w.tx, id);
    if (now !== 'open' && now !== 'acknowledged')
      throw conflict('NOT_OPEN', `This exception is already ${now}.`);
    if (what === 'acknowledge' && now === 'acknowledged')
      throw conflict('ALREADY_ACKNOWLEDGED', 'This exception is already acknowledged.');
    await recordExceptionAct(w.tx, id, act, w.at, actor.userId, comment.trim());
    await w.revision();
    w.audit({
      action: `exception.${act}`,
      nodeId: e.measure_id,
      subject: id,
      before: { status: now },
      after: { status: act, comment: comment.trim() },
    });
  });
  return c.json(presentActed(await actedException(deps.db.client, id)), 200);
}
