import { Hono } from 'hono';
import { AuditQuery, VerifyQuery } from '../../../shared/api/schemas.js';
import { isAdmin } from '../../../shared/domain/access.js';
import { documented } from '../../http/openapi.js';
import { AuditAnswer, CheckpointAnswer, VerificationAnswer } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { orgsAdministeredBy, peopleById, scopePrefixes } from '../hierarchy/store.js';
import { checkpointSigned, signCheckpoint } from './keys.js';
import { lastBatch, segmentsUnder } from './store.js';
import { eventsOfSegments, presentEvent } from './present.js';
import { verifyAudit } from './trail.js';

export const auditRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/audit',
      documented({
        tag: 'Audit',
        summary: 'Audit events of a scope, in order or newest first',
        answers: { 200: AuditAnswer },
      }),
      validate('query', AuditQuery),
      async (c) => {
        const actor = c.get('actor');
        const q = c.req.valid('query');
        const prefixes = await scopePrefixes(deps.db.read, actor, q.scope);
        if (!prefixes.length) return c.json({ events: [] }, 200);
        // Segments of the visible nodes (and, for the service admin without a scope, events about
        // no node such as users); each segment holds at least one event, so `limit` segments suffice.
        const segments = await segmentsUnder(deps.db.read, {
          prefixes,
          since: q.since,
          limit: q.limit,
          newest: q.order === 'newest',
          withoutNode: actor.superAdmin && !q.scope,
        });
        const page = eventsOfSegments(segments, q.since, q.order === 'newest').slice(0, q.limit);
        const people = await peopleById(
          deps.db.read,
          page.map((e) => e.actor),
        );
        return c.json({ events: page.map((e) => presentEvent(e, people)) }, 200);
      },
    )
    .get(
      '/audit/checkpoint',
      documented({
        tag: 'Audit',
        summary: 'A signed statement of the trail’s head, for auditors to keep (admin)',
        answers: { 200: CheckpointAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        if (!isAdmin(actor))
          throw forbidden('Only an admin takes a checkpoint of the audit trail.');
        const head = await lastBatch(deps.db.read);
        if (!head) throw notFound('An audit event');
        return c.json(
          signCheckpoint(deps.db.auditKey, {
            seq: head.last_seq,
            hash: head.hash,
            at: deps.now().toISOString(),
          }),
          200,
        );
      },
    )
    .get(
      '/audit/verify',
      documented({
        tag: 'Audit',
        summary: 'Verify the chain and replay the record against it (admin)',
        answers: { 200: VerificationAnswer },
      }),
      validate('query', VerifyQuery),
      async (c) => {
        const actor = c.get('actor');
        if (!isAdmin(actor)) throw forbidden('Only an admin verifies the audit trail.');
        const { checkpoint } = c.req.valid('query');
        if (checkpoint && !checkpointSigned(deps.db.auditKey, checkpoint))
          throw unprocessable(
            'INVALID_CHECKPOINT',
            'The checkpoint is not one this service signed (or it was altered).',
          );
        // An organization admin verifies their organizations: the chain is checked whole (it is
        // one), but only their events are counted and only their cells replayed.
        const orgIds = actor.superAdmin
          ? undefined
          : new Set(await orgsAdministeredBy(deps.db.read, actor.userId));
        return c.json(
          await verifyAudit(deps.db.read, { key: deps.db.auditKey, orgIds, checkpoint }),
          200,
        );
      },
    );
