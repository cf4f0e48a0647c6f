// Portfolio rollup for executive reporting: all money rolls up from measures.
import { Hono } from 'hono';
import { RollupQuery } from '../../../shared/api/schemas.js';
import { visiblePrefixes } from '../../../shared/domain/access.js';
import { DECLARABLE_STATUSES, POTENTIAL_STATUSES, STAGES } from '../../../shared/model.js';
import { changeApprover } from '../../../shared/domain/access.js';
import { type ApproverRule, gateApprover } from '../../../shared/domain/gates.js';
import { peopleById } from '../measures/view.js';
import { fromMinor } from '../../../shared/money.js';
import { type Exec, rows } from '../../db/db.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { validate } from '../../http/validate.js';
import { moneyRules, orgSettings, underPrefixes, visibleNode } from '../hierarchy/store.js';
import { reconcileExceptions } from '../exceptions/reconcile.js';
import { openExceptions } from '../exceptions/store.js';
import { deriveStatus } from '../measures/state.js';

interface Range {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Baseline, target, forecast and actual of the measures under the prefixes (cancelled ones left
 * out), inside each measure's window and the range; actualVariance covers periods with actuals.
 */
export async function rollupTotals(
  x: Exec,
  prefixes: readonly string[],
  orgId: number,
  range: Range,
) {
  const settings = await orgSettings(x, orgId);
  const digits = moneyRules(settings).digits;
  // Per measure and period first: variances count only the periods that have a forecast (or an
  // actual), and `expected` takes, per period, the actual where the period is closed and has one,
  // else the forecast, else the target (the rule of potential status).
  const [sums] = prefixes.length
    ? await rows<Record<string, number | null>>(
        x,
        `WITH p AS (
       SELECT c.period,
              MAX(CASE WHEN c.kind = 'baseline' THEN c.value END) AS b, MAX(CASE WHEN c.kind = 'target' THEN c.value END) AS t,
              MAX(CASE WHEN c.kind = 'forecast' THEN c.value END) AS f, MAX(CASE WHEN c.kind = 'actual' THEN c.value END) AS a
       FROM cells c JOIN nodes n ON n.id = c.measure_id JOIN measures m ON m.node_id = c.measure_id
       WHERE m.stage <> 'cancelled' AND c.period BETWEEN m.start_period AND m.end_period
         AND c.period >= ?2 AND c.period <= ?3 AND ${underPrefixes('n.id', '?1')}
       GROUP BY c.measure_id, c.period)
     SELECT SUM(b) AS baseline, SUM(t) AS target, SUM(f) AS forecast, SUM(a) AS actual,
            SUM(CASE WHEN f IS NOT NULL THEN f - COALESCE(t, 0) END) AS forecastVariance,
            SUM(CASE WHEN a IS NOT NULL THEN a - COALESCE(t, 0) END) AS actualVariance,
            SUM(CASE WHEN a IS NOT NULL AND period <= ?4 THEN a ELSE COALESCE(f, t, 0) END) AS expected
     FROM p`,
        [
          JSON.stringify(prefixes),
          range.from ?? '0000-00',
          range.to ?? '9999-99',
          settings.closedThrough ?? '0000-00',
        ],
      )
    : [{}];
  const money = (v: number | null | undefined) => fromMinor(v ?? 0, digits);
  return {
    baseline: money(sums?.baseline),
    target: money(sums?.target),
    forecast: money(sums?.forecast),
    actual: money(sums?.actual),
    expected: money(sums?.expected),
    forecastVariance: money(sums?.forecastVariance),
    actualVariance: money(sums?.actualVariance),
    expectedVariance: money((sums?.expected ?? 0) - (sums?.target ?? 0)),
  };
}

export const reportingRoutes = (deps: Deps) =>
  new Hono<AppEnv>().get('/reports/rollup', validate('query', RollupQuery), async (c) => {
    const actor = c.get('actor');
    const q = c.req.valid('query');
    const node = await visibleNode(deps.db.client, actor, q.scope);
    const prefixes = visiblePrefixes(actor, node.path);
    const settings = await orgSettings(deps.db.client, node.org_id);
    const { digits } = moneyRules(settings);
    const now = deps.now();
    const { states } = await reconcileExceptions(deps, prefixes);

    const byStage = Object.fromEntries(
      STAGES.map((s) => [s, { count: 0, target: 0, forecast: 0 }]),
    );
    const onHold = { count: 0, target: 0, forecast: 0 };
    const implementationStatus = Object.fromEntries(DECLARABLE_STATUSES.map((s) => [s, 0]));
    const potentialStatus = Object.fromEntries(POTENTIAL_STATUSES.map((s) => [s, 0]));
    // Whom decisions wait on: a person, or the steering committee for a gate above the threshold.
    const waiting = new Map<
      string,
      { approverId: string | null; role: string; changeRequests: number; gateRequests: number }
    >();
    const wait = (
      approver: { role: string; userId: string | null },
      kind: 'changeRequests' | 'gateRequests',
    ) => {
      const key = approver.userId ?? approver.role;
      const slot = waiting.get(key) ?? {
        approverId: approver.userId,
        role: approver.role,
        changeRequests: 0,
        gateRequests: 0,
      };
      slot[kind] += 1;
      waiting.set(key, slot);
    };
    for (const s of states) {
      const m = s.measure;
      const inRange = (p: string) =>
        (!q.from || p >= q.from) &&
        (!q.to || p <= q.to) &&
        p >= (m.start_period ?? '') &&
        p <= (m.end_period ?? '');
      const sumOf = (kind: string) =>
        s.cells
          .filter((x) => x.kind === kind && inRange(x.period))
          .reduce((t, x) => t + (x.value ?? 0), 0);
      const [target, forecast] = [sumOf('target'), sumOf('forecast')];
      const stage = byStage[m.stage]!;
      stage.count += 1;
      stage.target += target;
      stage.forecast += forecast;
      if (m.on_hold) {
        onHold.count += 1;
        onHold.target += target;
        onHold.forecast += forecast;
      }
      if (m.stage !== 'cancelled') {
        const status = deriveStatus(s, settings, now);
        implementationStatus[status.implementation]! += 1;
        potentialStatus[status.potential]! += 1;
      }
      const people = { sponsorId: m.sponsor_id, controllerId: m.controller_id };
      for (const _ of s.changeRequests) wait(changeApprover(people), 'changeRequests');
      if (s.gateRequest)
        wait(gateApprover(s.gateRequest.approver as ApproverRule, people), 'gateRequests');
    }
    const names = await peopleById(
      deps.db.client,
      [...waiting.values()].map((w) => w.approverId),
    );
    const money = (b: { count: number; target: number; forecast: number }) => ({
      count: b.count,
      target: fromMinor(b.target, digits),
      forecast: fromMinor(b.forecast, digits),
    });
    const exceptionsByLevel: Record<string, number> = { 1: 0, 2: 0, 3: 0 };
    for (const e of await openExceptions(deps, prefixes)) exceptionsByLevel[String(e.level)]! += 1;
    return c.json(
      {
        scope: node.code,
        currency: settings.currency,
        from: q.from ?? null,
        to: q.to ?? null,
        totals: await rollupTotals(deps.db.client, prefixes, node.org_id, q),
        byStage: {
          ...Object.fromEntries(Object.entries(byStage).map(([k, v]) => [k, money(v)])),
          onHold: money(onHold),
        },
        implementationStatus,
        potentialStatus,
        exceptionsByLevel,
        decisionsWaiting: [...waiting.values()]
          .sort((a, b) => b.changeRequests + b.gateRequests - a.changeRequests - a.gateRequests)
          .map(({ approverId, role, changeRequests, gateRequests }) => ({
            approver: approverId
              ? (names.get(approverId) ?? { id: approverId, name: approverId })
              : { id: null, name: 'Steering committee' },
            role,
            changeRequests,
            gateRequests,
          })),
      },
      200,
    );
  });
