// A scope's figures as reports read them: the kept totals and statuses of its measures, the
// decisions waiting in it. Used by the rollup and by a node's own answer.
import { changeApprover, standingApprover } from '../../../shared/domain/access.js';
import { type ApproverRule, gateApprover } from '../../../shared/domain/gates.js';
import { type RollupEntry, rollUp } from '../../../shared/domain/rollup.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { implementationStatus, valueTotals } from '../../../shared/domain/status.js';
import type { RollupAnswer } from '../../../shared/api/answers.js';
import type { Exec } from '../../db/db.js';
import { implementationFacts, loadStates, measuresByIds } from '../measures/store.js';
import { grantsOfPeople, peopleById } from '../hierarchy/store.js';
import { presentTotals } from './present.js';
import { keptUnder, pendingDecisionsUnder, periodRowsUnder, type ScopeMeasure } from './store.js';

export interface Range {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * The scope's measures as the rollup adds them: kept totals and statuses; a status whose day has
 * come (a milestone fell due since it was kept) judged again now, without writing — the sweep
 * keeps it; with a range, the money of the range from the cells.
 */
export async function entriesUnder(
  x: Exec,
  prefixes: readonly string[],
  closedThrough: string | null,
  range: Range,
  now: Date,
): Promise<RollupEntry[]> {
  if (!prefixes.length) return [];
  const kept = await keptUnder(x, prefixes);
  const today = now.toISOString().slice(0, 10);
  const stale = kept.filter((k) => k.statusUntil !== null && k.statusUntil <= today);
  const implementation = new Map<number, RollupEntry['implementation']>();
  if (stale.length)
    for (const s of await loadStates(
      x,
      await measuresByIds(
        x,
        stale.map((k) => k.measureId),
      ),
      { cells: false },
    ))
      implementation.set(s.measure.id, implementationStatus(implementationFacts(s), now));
  const ranged = range.from || range.to ? await periodRowsUnder(x, prefixes, range) : null;
  return kept.map((k: ScopeMeasure) => ({
    stage: k.stage,
    onHold: k.onHold,
    implementation: implementation.get(k.measureId) ?? k.implementation,
    potential: k.potential,
    money: ranged ? valueTotals(ranged.get(k.measureId) ?? [], closedThrough) : k.money,
  }));
}

/**
 * Whom decisions wait on: a person, or the steering committee — for a gate above the threshold,
 * or when the person named no longer holds the role.
 */
export async function decisionsWaiting(
  x: Exec,
  prefixes: readonly string[],
): Promise<RollupAnswer['decisionsWaiting']> {
  const waiting = new Map<
    string,
    { approverId: string | null; role: string; changeRequests: number; gateRequests: number }
  >();
  const groups = prefixes.length ? await pendingDecisionsUnder(x, prefixes) : [];
  // A named person decides only while they hold the role there (standingApprover), as the
  // requests themselves say.
  const grantsOf = await grantsOfPeople(
    x,
    groups.flatMap((g) => [g.sponsor_id, g.controller_id]),
  );
  for (const group of groups) {
    const people = { sponsorId: group.sponsor_id, controllerId: group.controller_id };
    const approver = standingApprover(
      group.kind === 'change'
        ? changeApprover(people)
        : gateApprover(group.approver as ApproverRule, people),
      group.path,
      grantsOf,
    );
    const key = approver.userId ?? approver.role;
    const slot = waiting.get(key) ?? {
      approverId: approver.userId,
      role: approver.role,
      changeRequests: 0,
      gateRequests: 0,
    };
    slot[group.kind === 'change' ? 'changeRequests' : 'gateRequests'] += group.count;
    waiting.set(key, slot);
  }
  const names = await peopleById(
    x,
    [...waiting.values()].map((w) => w.approverId),
  );
  return [...waiting.values()]
    .sort((a, b) => b.changeRequests + b.gateRequests - a.changeRequests - a.gateRequests)
    .map(({ approverId, role, changeRequests, gateRequests }) => ({
      approver: approverId
        ? (names.get(approverId) ?? { id: approverId, name: approverId })
        : { id: null, name: 'Steering committee' },
      role,
      changeRequests,
      gateRequests,
    }));
}

/** The totals of the scope's measures (cancelled ones left out), as the API answers them. */
export async function scopeTotals(
  x: Exec,
  prefixes: readonly string[],
  settings: OrgSettings,
  now: Date,
) {
  return presentTotals(
    rollUp(await entriesUnder(x, prefixes, settings.closedThrough, {}, now)).totals,
    settings,
  );
}
