// Portfolio rollup for executive reporting: all money rolls up from measures, read from the totals
// kept as the record changes (a range of periods reads the scope's cells instead).
import { Hono } from 'hono';
import { RollupQuery, VariancesQuery } from '../../../shared/api/schemas.js';
import { rollUp } from '../../../shared/domain/rollup.js';
import { documented } from '../../http/openapi.js';
import { RollupAnswer, VariancesAnswer } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { validate } from '../../http/validate.js';
import { exceptionsByLevel } from '../exceptions/store.js';
import { nodesAtLevel, orgSettings, peopleById, visibleScope } from '../hierarchy/store.js';
import { furthestFromTarget, monthsUnder, varianceRowsUnder } from './store.js';
import { presentRollup, presentVariances } from './present.js';
import { decisionsWaiting, entriesUnder } from './scope.js';

/** How many measures the rollup names as furthest from target. */
const TOP_VARIANCES = 10;

export const reportingRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/reports/rollup',
      documented({
        tag: 'Reporting',
        summary:
          'A scope’s portfolio rollup: totals, pipeline by stage, statuses, exceptions, decisions waiting, money by month, the measures furthest from target',
        answers: { 200: RollupAnswer },
      }),
      validate('query', RollupQuery),
      async (c) => {
        const actor = c.get('actor');
        const q = c.req.valid('query');
        const x = deps.db.read;
        const { node, prefixes } = await visibleScope(x, actor, q.scope);
        const settings = await orgSettings(x, node.org_id);
        const [entries, waiting, byLevel, byMonth, furthest] = await Promise.all([
          entriesUnder(x, prefixes, settings.closedThrough, q, deps.now()),
          decisionsWaiting(x, prefixes),
          exceptionsByLevel(x, prefixes),
          monthsUnder(x, prefixes, q),
          furthestFromTarget(x, prefixes, TOP_VARIANCES),
        ]);
        const people = await peopleById(
          x,
          furthest.map((f) => f.owner_id),
        );
        return c.json(
          presentRollup(
            node.code,
            q,
            rollUp(entries),
            settings,
            byLevel,
            waiting,
            byMonth,
            furthest,
            people,
          ),
          200,
        );
      },
    )
    .get(
      '/reports/variances',
      documented({
        tag: 'Reporting',
        summary:
          'Every measure of a scope beside its target, with its program and owner, flagged by the organization’s materiality (the variance register and bridge of the executive report)',
        answers: { 200: VariancesAnswer },
      }),
      validate('query', VariancesQuery),
      async (c) => {
        const q = c.req.valid('query');
        const x = deps.db.read;
        const { node, prefixes } = await visibleScope(x, c.get('actor'), q.scope);
        const [settings, measures, programs] = await Promise.all([
          orgSettings(x, node.org_id),
          varianceRowsUnder(x, prefixes),
          nodesAtLevel(x, node.org_id, 'program'),
        ]);
        const people = await peopleById(
          x,
          measures.map((m) => m.ownerId),
        );
        return c.json(presentVariances(node, settings, measures, programs, people), 200);
      },
    );
