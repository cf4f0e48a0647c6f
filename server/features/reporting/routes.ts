// Portfolio rollup for executive reporting: all money rolls up from measures, read from the totals
// kept as the record changes (a range of periods reads the scope's cells instead).
import { Hono } from 'hono';
import { RollupQuery } from '../../../shared/api/schemas.js';
import { visiblePrefixes } from '../../../shared/domain/access.js';
import { rollUp, type StageSlot } from '../../../shared/domain/rollup.js';
import { fromMinor } from '../../../shared/money.js';
import { documented } from '../../http/openapi.js';
import { RollupAnswer } from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { validate } from '../../http/validate.js';
import { exceptionsByLevel } from '../exceptions/store.js';
import { moneyRules, orgSettings, visibleNode } from '../hierarchy/store.js';
import { decisionsWaiting, entriesUnder, presentTotals } from './scope.js';

export const reportingRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get(
    '/reports/rollup',
    documented({
      tag: 'Reporting',
      summary:
        'A scope’s portfolio rollup: totals, pipeline by stage, statuses, exceptions, decisions waiting',
      answers: { 200: RollupAnswer },
    }),
    validate('query', RollupQuery),
    async (c) => {
      const actor = c.get('actor');
      const q = c.req.valid('query');
      const x = deps.db.read;
      const node = await visibleNode(x, actor, q.scope);
      const prefixes = visiblePrefixes(actor, node.path);
      const settings = await orgSettings(x, node.org_id);
      const { digits } = moneyRules(settings);
      const [entries, waiting, byLevel] = await Promise.all([
        entriesUnder(x, prefixes, settings.closedThrough, q, deps.now()),
        decisionsWaiting(x, prefixes),
        exceptionsByLevel(x, prefixes),
      ]);
      const r = rollUp(entries);
      const slot = (b: StageSlot) => ({
        count: b.count,
        target: fromMinor(b.target, digits),
        forecast: fromMinor(b.forecast, digits),
      });
      return c.json(
        {
          scope: node.code,
          currency: settings.currency,
          from: q.from ?? null,
          to: q.to ?? null,
          totals: presentTotals(r.totals, settings),
          byStage: {
            ...Object.fromEntries(Object.entries(r.byStage).map(([k, v]) => [k, slot(v)])),
            onHold: slot(r.onHold),
          },
          implementationStatus: r.implementationStatus,
          potentialStatus: r.potentialStatus,
          exceptionsByLevel: byLevel,
          decisionsWaiting: waiting,
        },
        200,
      );
    },
  );
