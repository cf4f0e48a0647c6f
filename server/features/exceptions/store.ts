// The exceptions' reads: the open exceptions of a scope, as the API answers them.
import { WAITS_ON } from '../../../shared/domain/exceptions.js';
import { fromMinor } from '../../../shared/money.js';
import { type Exec, rows } from '../../db/db.js';
import { moneyRules, settingsByOrg, underPrefixes } from '../hierarchy/store.js';
import { peopleById } from '../measures/view.js';

interface ExceptionRow {
  id: string;
  type: string;
  code: string;
  org_id: number;
  owner_id: string;
  decision_needed: string;
  value_at_stake: number;
  level: number;
  status: string;
  opened_at: string;
  acknowledged_at: string | null;
  sponsor_id: string | null;
  controller_id: string | null;
}

export async function openExceptions(x: Exec, prefixes: readonly string[], level?: number) {
  if (!prefixes.length) return [];
  const found = await rows<ExceptionRow>(
    x,
    `SELECT e.id, e.type, n.code, n.org_id, e.owner_id, e.decision_needed, e.value_at_stake, e.level, e.status, e.opened_at,
            e.acknowledged_at, m.sponsor_id, m.controller_id
     FROM exceptions e JOIN nodes n ON n.id = e.measure_id JOIN measures m ON m.node_id = e.measure_id
     WHERE e.status IN ('open', 'acknowledged') AND (?2 IS NULL OR e.level = ?2) AND ${underPrefixes('n.id', '?1')}
     ORDER BY e.level DESC, e.value_at_stake DESC, e.opened_at`,
    [JSON.stringify(prefixes), level ?? null],
  );
  const settings = await settingsByOrg(
    x,
    found.map((e) => e.org_id),
  );
  const people = await peopleById(
    x,
    found.flatMap((e) => [e.owner_id, e.sponsor_id, e.controller_id]),
  );
  const name = (id: string | null) => (id ? (people.get(id)?.name ?? id) : null);
  return found.map((e) => ({
    id: e.id,
    type: e.type,
    measure: e.code,
    owner: e.owner_id,
    ownerName: name(e.owner_id),
    decisionNeeded: e.decision_needed,
    valueAtStake: fromMinor(e.value_at_stake, moneyRules(settings.get(e.org_id)!).digits),
    level: e.level,
    waitingOn:
      e.level === 1
        ? [name(e.owner_id)]
        : e.level === 2
          ? [name(e.sponsor_id), name(e.controller_id)].filter(Boolean)
          : [WAITS_ON[3]],
    status: e.status,
    openedAt: e.opened_at,
    acknowledgedAt: e.acknowledged_at,
  }));
}

/** The open (or acknowledged) exceptions under the prefixes, counted by level. */
export async function exceptionsByLevel(x: Exec, prefixes: readonly string[]) {
  const counts: Record<string, number> = { 1: 0, 2: 0, 3: 0 };
  if (!prefixes.length) return counts;
  for (const r of await rows<{ level: number; n: number }>(
    x,
    `SELECT e.level, COUNT(*) AS n FROM exceptions e
     WHERE e.status IN ('open', 'acknowledged') AND ${underPrefixes('e.measure_id')} GROUP BY e.level`,
    [JSON.stringify(prefixes)],
  ))
    counts[String(r.level)] = r.n;
  return counts;
}
