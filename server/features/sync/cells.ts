// Reading cells for the add-in: by scope (pull) and by revision (changes since).
import type { Actor } from '../../../shared/domain/access.js';
import { editBlock } from '../../../shared/domain/finance.js';
import { CELL_KINDS, type CellKind } from '../../../shared/model.js';
import { periodOf, periodsBetween } from '../../../shared/periods.js';
import { measuresUnder } from '../measures/store.js';
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
  /** In changes only: the cell's request decided since, so the sheet shows the decision (approved, rejected with its comment, withdrawn). */
  decided?: {
    changeRequestId: string;
    status: 'approved' | 'rejected' | 'withdrawn';
    comment: string | null;
    by: string | null;
  };
}

/** [code, org_id, kind, period, value, version, open request id, requested value, (changes only:) decided request id, its status, comment, decider's name] */
type CellQueryRow = [
  string,
  number,
  CellKind,
  string,
  number | null,
  number,
  string | null,
  number | null,
  (string | null)?,
  ('approved' | 'rejected' | 'withdrawn' | null)?,
  (string | null)?,
  (string | null)?,
];

const CHANGES_SELECT = `SELECT json_array(n.code, n.org_id, k.kind, k.period, c.value, COALESCE(c.version, 0), cr.id, cr.new_value,
    dr.id, dr.status, dr.decision_comment, du.name) AS j
  FROM keys k JOIN nodes n ON n.id = k.measure_id
  LEFT JOIN cells c ON c.measure_id = k.measure_id AND c.kind = k.kind AND c.period = k.period
  LEFT JOIN change_requests cr ON cr.measure_id = k.measure_id AND cr.kind = k.kind AND cr.period = k.period AND cr.status = 'pending'
  LEFT JOIN change_requests dr ON dr.id = (SELECT d.id FROM change_requests d WHERE d.measure_id = k.measure_id AND d.kind = k.kind
    AND d.period = k.period AND d.status <> 'pending' AND d.revision > ?2 ORDER BY d.revision DESC LIMIT 1)
  LEFT JOIN users du ON du.id = dr.decided_by`;

async function toWire(x: Exec, found: CellQueryRow[]): Promise<WireCell[]> {
  const digits = new Map(
    [...(await settingsByOrg(x, new Set(found.map((r) => r[1]))))].map(([id, s]) => [
      id,
      moneyRules(s).digits,
    ]),
  );
  return found.map(
    ([
      measure,
      orgId,
      kind,
      period,
      value,
      version,
      requestId,
      requested,
      decidedId,
      status,
      comment,
      by,
    ]) => {
      const d = digits.get(orgId)!;
      const cell: WireCell = { measure, kind, period, value: fromMinorOrNull(value, d), version };
      if (requestId)
        cell.pending = { changeRequestId: requestId, value: fromMinorOrNull(requested, d)! };
      else if (decidedId && status)
        cell.decided = {
          changeRequestId: decidedId,
          status,
          comment: comment ?? null,
          by: by ?? null,
        };
      return cell;
    },
  );
}

/** Every stored cell (and every cell with an open request) under the prefixes. */
export async function cellsUnder(
  x: Exec,
  prefixes: readonly string[],
  q: {
    kinds?: readonly CellKind[] | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
): Promise<WireCell[]> {
  if (!prefixes.length) return [];
  const filter = (
    t: string,
  ) => `${t}.measure_id IN (SELECT n.id FROM nodes n WHERE n.level = 'measure' AND ${underPrefixes('n.id', '?1')})
    AND (?2 IS NULL OR ${t}.kind IN (SELECT value FROM json_each(?2))) AND ${t}.period >= ?3 AND ${t}.period <= ?4`;
  // Stored cells with their open request, then open requests on cells never stored: each cell is
  // read once (a pull reads 100,000 of them), no set of keys is built and joined back.
  const found = await jsonRows<CellQueryRow>(
    x,
    `SELECT j FROM (
       SELECT n.code AS code, c.kind AS kind, c.period AS period,
         json_array(n.code, n.org_id, c.kind, c.period, c.value, c.version, cr.id, cr.new_value) AS j
       FROM cells c JOIN nodes n ON n.id = c.measure_id
       LEFT JOIN change_requests cr ON cr.measure_id = c.measure_id AND cr.kind = c.kind AND cr.period = c.period AND cr.status = 'pending'
       WHERE ${filter('c')}
       UNION ALL
       SELECT n.code, cr.kind, cr.period, json_array(n.code, n.org_id, cr.kind, cr.period, NULL, 0, cr.id, cr.new_value)
       FROM change_requests cr JOIN nodes n ON n.id = cr.measure_id
       WHERE cr.status = 'pending' AND ${filter('cr')}
         AND NOT EXISTS (SELECT 1 FROM cells s WHERE s.measure_id = cr.measure_id AND s.kind = cr.kind AND s.period = cr.period)
       ORDER BY code, kind, period)`,
    [
      JSON.stringify(prefixes),
      q.kinds?.length ? JSON.stringify(q.kinds) : null,
      q.from ?? '0000-00',
      q.to ?? '9999-99',
    ],
  );
  return toWire(x, found);
}

/** Cells whose value or open request changed after `since`. */
export async function cellsChangedSince(
  x: Exec,
  prefixes: readonly string[],
  since: number,
): Promise<WireCell[]> {
  if (!prefixes.length) return [];
  const found = await jsonRows<CellQueryRow>(
    x,
    `WITH changed AS (SELECT node_id FROM measures WHERE revision > ?2),
     keys AS (SELECT measure_id, kind, period FROM cells WHERE measure_id IN changed AND revision > ?2
       UNION SELECT measure_id, kind, period FROM change_requests WHERE measure_id IN changed AND revision > ?2)
     ${CHANGES_SELECT} WHERE ${underPrefixes('n.id', '?1')} ORDER BY n.code, k.kind, k.period`,
    [JSON.stringify(prefixes), since],
  );
  return toWire(x, found);
}

export interface Lock {
  measure: string;
  kind: CellKind;
  period: string;
  reason: string;
  message: string;
}

/**
 * Every cell of the grid (measures under the prefixes × kinds × periods of their windows within
 * the range) that the actor may not change, with the reason: the push's own rule, asked ahead.
 */
export async function locksUnder(
  x: Exec,
  actor: Actor,
  prefixes: readonly string[],
  q: {
    kinds?: readonly CellKind[] | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
  now: Date,
): Promise<Lock[]> {
  const measures = await measuresUnder(x, prefixes);
  const settings = await settingsByOrg(
    x,
    measures.map((m) => m.org_id),
  );
  const kinds = q.kinds?.length ? q.kinds : CELL_KINDS;
  const locks: Lock[] = [];
  for (const m of measures) {
    if (!m.start_period || !m.end_period) continue;
    const s = settings.get(m.org_id)!;
    const ctx = {
      actor,
      measure: {
        path: m.path,
        stage: m.stage,
        startPeriod: m.start_period,
        endPeriod: m.end_period,
        ownerId: m.owner_id,
        sponsorId: m.sponsor_id,
        controllerId: m.controller_id,
      },
      rules: {
        digits: moneyRules(s).digits,
        closedThrough: s.closedThrough,
        currentPeriod: periodOf(now),
        materialityPct: s.materialityPct,
        materialityAbs: null,
      },
    };
    const from = q.from && q.from > m.start_period ? q.from : m.start_period;
    const to = q.to && q.to < m.end_period ? q.to : m.end_period;
    if (from > to) continue;
    for (const period of periodsBetween(from, to))
      for (const kind of kinds) {
        const block = editBlock(kind, period, ctx);
        if (block)
          locks.push({
            measure: m.code,
            kind,
            period,
            reason: block.reason,
            message: block.message,
          });
      }
  }
  return locks;
}
