// Open exceptions of a scope; acknowledge (stops nothing) or resolve (with a comment).
import { type Context, Hono } from 'hono';
import { Decision, ExceptionsQuery } from '../../../shared/api/schemas.js';
import { mayActOnException } from '../../../shared/domain/access.js';
import { documented } from '../../http/openapi.js';
import { ExceptionsAnswer, ExceptionActedAnswer } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { scopePrefixes } from '../hierarchy/store.js';
import { measureOfVisible } from '../measures/store.js';
import { presentActed } from './present.js';
import {
  actedException,
  exceptionById,
  exceptionStatus,
  openExceptions,
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
