// Reading cells for the add-in: by scope (pull) and by revision (changes since).
import type { CellKind } from '../../../shared/model.js';
import { fromMinorOrNull } from '../../../shared/money.js';
import { type Exec, jsonRows } from '../../db/db.js';
import { moneyRules, settingsByOrg, underPrefixes } from '../hierarchy/store.js';

export interface WireCell {
  measure: string;
  kind: CellKind;
  period: string;
  value: number | null;
  version: number;
  pending?: { changeRequestId: string; value: number };
}

/** [code, org_id, kind, period, value, version, open request id, requested value] */
type CellQueryRow = [string, number, CellKind, string, number | null, number, string | null, number | null];

const SELECT = `SELECT json_array(n.code, n.org_id, k.kind, k.period, c.value, COALESCE(c.version, 0), cr.id, cr.new_value) AS j
  FROM keys k JOIN nodes n ON n.id = k.measure_id
  LEFT JOIN cells c ON c.measure_id = k.measure_id AND c.kind = k.kind AND c.period = k.period
  LEFT JOIN change_requests cr ON cr.measure_id = k.measure_id AND cr.kind = k.kind AND cr.period = k.period AND cr.status = 'pending'`;

async function toWire(x: Exec, found: CellQueryRow[]): Promise<WireCell[]> {
  const digits = new Map([...(await settingsByOrg(x, new Set(found.map((r) => r[1]))))].map(([id, s]) => [id, moneyRules(s).digits]));
  return found.map(([measure, orgId, kind, period, value, version, requestId, requested]) => {
    const d = digits.get(orgId)!;
    const cell: WireCell = { measure, kind, period, value: fromMinorOrNull(value, d), version };
    if (requestId) cell.pending = { changeRequestId: requestId, value: fromMinorOrNull(requested, d)! };
    return cell;
  });
}

/** Every stored cell (and every cell with an open request) under the prefixes. */
export async function cellsUnder(
  x: Exec,
  prefixes: readonly string[],
  q: { kinds?: readonly CellKind[] | undefined; from?: string | undefined; to?: string | undefined },
): Promise<WireCell[]> {
  if (!prefixes.length) return [];
  const filter = `WHERE measure_id IN (SELECT n.id FROM nodes n WHERE n.level = 'measure' AND ${underPrefixes('n.path', '?1')})
    AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2))) AND period >= ?3 AND period <= ?4`;
  const found = await jsonRows<CellQueryRow>(
    x,
    `WITH keys AS (SELECT measure_id, kind, period FROM cells ${filter}
       UNION SELECT measure_id, kind, period FROM change_requests ${filter} AND status = 'pending')
     ${SELECT} ORDER BY n.code, k.kind, k.period`,
    [JSON.stringify(prefixes), q.kinds?.length ? JSON.stringify(q.kinds) : null, q.from ?? '0000-00', q.to ?? '9999-99'],
  );
  return toWire(x, found);
}

/** Cells whose value or open request changed after `since`. */
export async function cellsChangedSince(x: Exec, prefixes: readonly string[], since: number): Promise<WireCell[]> {
  if (!prefixes.length) return [];
  const found = await jsonRows<CellQueryRow>(
    x,
    `WITH changed AS (SELECT node_id FROM measures WHERE revision > ?2),
     keys AS (SELECT measure_id, kind, period FROM cells WHERE measure_id IN changed AND revision > ?2
       UNION SELECT measure_id, kind, period FROM change_requests WHERE measure_id IN changed AND revision > ?2)
     ${SELECT} WHERE ${underPrefixes('n.path', '?1')} ORDER BY n.code, k.kind, k.period`,
    [JSON.stringify(prefixes), since],
  );
  return toWire(x, found);
}
