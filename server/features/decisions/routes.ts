// The decision log (api-v1.md, "Decisions, exceptions raised by people, dependencies"): every
// decision taken on a scope's measures in a span of time — change requests, window changes, gates
// and exceptions — with who, when, the value effect and the comment. What a steering committee
// works from, instead of a slide.
import { Hono } from 'hono';
import { DecisionsAnswer } from '../../../shared/api/answers.js';
import { DecisionsQuery } from '../../../shared/api/schemas.js';
import { documented } from '../../http/openapi.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { validate } from '../../http/validate.js';
import { moneyRules, orgSettings, peopleById, visibleScope } from '../hierarchy/store.js';
import { presentDecision } from './present.js';
import { decisionsUnder } from './store.js';

/** At most this many decisions an answer; `more` says there were others (narrow the span). */
export const MAX_DECISIONS = 5000;
const DAY = 86_400_000;

export const decisionRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get(
    '/decisions',
    documented({
      tag: 'Decisions',
      summary:
        'The decision log of a scope: every change-request, window, gate and exception decision from `from` through `to`, oldest first',
      answers: { 200: DecisionsAnswer },
    }),
    validate('query', DecisionsQuery),
    async (c) => {
      const actor = c.get('actor');
      const q = c.req.valid('query');
      const x = deps.db.read;
      const { node, prefixes } = await visibleScope(x, actor, q.scope);
      const digits = moneyRules(await orgSettings(x, node.org_id)).digits;
      // Days are UTC: `to` is taken whole.
      const until = q.to
        ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY).toISOString()
        : '9999-12-31T00:00:00.000Z';
      const found = await decisionsUnder(
        x,
        prefixes,
        q.from ? `${q.from}T00:00:00.000Z` : '',
        until,
        MAX_DECISIONS + 1,
      );
      const shown = found.slice(0, MAX_DECISIONS);
      const people = await peopleById(
        x,
        shown.map((d) => d.decided_by),
      );
      return c.json(
        {
          scope: node.code,
          from: q.from ?? null,
          to: q.to ?? null,
          decisions: shown.map((d) => presentDecision(d, digits, people)),
          more: found.length > MAX_DECISIONS,
        },
        200,
      );
    },
  );
