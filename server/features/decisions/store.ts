// The decision log's SQL: every decided change request (a cell or a window), gate request and
// exception under a scope, decided within a span of time, oldest first (decisions of the same
// instant in the order they were asked for). Each kind is read through its decided-at index; the
// scope through the path index.
import { type Exec, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';

export interface DecisionRow {
  kind: 'change_request' | 'window_request' | 'gate' | 'exception';
  id: string;
  measure: string;
  /** approved or rejected; for an exception, what was decided. */
  decision: string;
  decided_by: string;
  decided_at: string;
  comment: string | null;
  /** A cell's kind and month; a window's new start and end; a gate's stages; an exception's type and title. */
  a: string | null;
  b: string | null;
  old_value: number | null;
  new_value: number | null;
  /** A gate's pinned figures (JSON), an exception's value at stake. */
  pinned: string | null;
  value_at_stake: number | null;
}

/** The decisions under the prefixes decided at or after `from` and before `until` (instants). */
export const decisionsUnder = (
  x: Exec,
  prefixes: readonly string[],
  from: string,
  until: string,
  limit: number,
) =>
  rows<DecisionRow>(
    x,
    `SELECT * FROM (
       SELECT 'change_request' AS kind, r.id, n.code AS measure, r.status AS decision, r.decided_by, r.decided_at,
              r.decision_comment AS comment, r.kind AS a, r.period AS b, r.old_value, r.new_value, NULL AS pinned,
              NULL AS value_at_stake, r.rowid AS seq
       FROM change_requests r JOIN nodes n ON n.id = r.measure_id
       WHERE r.decided_at >= ?2 AND r.decided_at < ?3 AND r.status IN ('approved', 'rejected')
         AND ${underPrefixes('r.measure_id', '?1')}
       UNION ALL
       SELECT 'window_request', r.id, n.code, r.status, r.decided_by, r.decided_at, r.decision_comment,
              r.new_start, r.new_end, r.old_value, r.new_value, NULL, NULL, r.rowid
       FROM window_requests r JOIN nodes n ON n.id = r.measure_id
       WHERE r.decided_at >= ?2 AND r.decided_at < ?3 AND r.status IN ('approved', 'rejected')
         AND ${underPrefixes('r.measure_id', '?1')}
       UNION ALL
       SELECT 'gate', g.id, n.code, g.status, g.decided_by, g.decided_at, g.decision_comment,
              g.from_stage, g.to_stage, NULL, NULL, g.pinned, NULL, g.rowid
       FROM gate_requests g JOIN nodes n ON n.id = g.measure_id
       WHERE g.decided_at >= ?2 AND g.decided_at < ?3 AND g.status IN ('approved', 'rejected')
         AND ${underPrefixes('g.measure_id', '?1')}
       UNION ALL
       SELECT 'exception', e.id, n.code, e.decision, e.resolved_by, e.resolved_at, e.comment,
              e.type, e.title, NULL, NULL, NULL, e.value_at_stake, e.rowid
       FROM exceptions e JOIN nodes n ON n.id = e.measure_id
       WHERE e.decision IS NOT NULL AND e.resolved_at >= ?2 AND e.resolved_at < ?3
         AND ${underPrefixes('e.measure_id', '?1')}
     ) ORDER BY decided_at, kind, seq LIMIT ?4`,
    [JSON.stringify(prefixes), from, until, limit],
  );
