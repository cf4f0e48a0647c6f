// The approvals' SQL: change and window requests, their decisions, and what an approval writes.
import type { RequestStatus } from '../../../shared/model.js';
import { type Exec, one, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';

type RequestTable = 'change_requests' | 'window_requests';
export type Decided = Exclude<RequestStatus, 'pending'>;

/** The requests of a status under the prefixes, oldest first. */
export const requestsUnder = <R>(
  x: Exec,
  table: RequestTable,
  prefixes: readonly string[],
  status: RequestStatus,
) =>
  rows<R>(
    x,
    `SELECT r.* FROM ${table} r JOIN nodes n ON n.id = r.measure_id
     WHERE r.status = ? AND ${underPrefixes('n.id')} ORDER BY r.requested_at, r.id`,
    [status, JSON.stringify(prefixes)],
  );

/** A request with its measure's code. */
export const requestById = <R>(x: Exec, table: RequestTable, id: string) =>
  one<R & { code: string }>(
    x,
    `SELECT r.*, n.code FROM ${table} r JOIN nodes n ON n.id = r.measure_id WHERE r.id = ?`,
    [id],
  );

/** A request decided or withdrawn: by whom, when, why, at which revision. */
export const closeRequest = (
  x: Exec,
  table: RequestTable,
  id: string,
  d: { status: Decided; by: string; at: string; note: string; revision: number },
) =>
  x.execute({
    sql: `UPDATE ${table} SET status = ?, decided_by = ?, decided_at = ?, decision_comment = ?, revision = ? WHERE id = ?`,
    args: [d.status, d.by, d.at, d.note, d.revision, id],
  });

/** An approved window change: the measure's new window. */
export const moveWindow = (
  x: Exec,
  measureId: number,
  to: { start: string; end: string },
  revision: number,
) =>
  x.execute({
    sql: 'UPDATE measures SET start_period = ?, end_period = ?, revision = ? WHERE node_id = ?',
    args: [to.start, to.end, revision, measureId],
  });

/** Withdraws a measure's waiting change or window requests; their ids. */
export async function withdrawPending(
  x: Exec,
  table: RequestTable,
  measureId: number,
  w: { at: string; comment: string; revision: number },
): Promise<string[]> {
  const open = await x.execute({
    sql: `UPDATE ${table} SET status = 'withdrawn', decided_at = ?, decision_comment = ?, revision = ? WHERE measure_id = ? AND status = 'pending' RETURNING id`,
    args: [w.at, w.comment, w.revision, measureId],
  });
  return open.rows.map((r) => String(r.id));
}

/** A window change that moves committed value, waiting for the controller. */
export const insertWindowRequest = (
  x: Exec,
  r: {
    id: string;
    measureId: number;
    from: { start: string | null; end: string | null };
    to: { start: string; end: string };
    /** The committed target of the window before and after. */
    before: number;
    after: number;
    note: string | null;
    by: string;
    at: string;
    revision: number;
  },
) =>
  x.execute({
    sql: `INSERT INTO window_requests (id, measure_id, old_start, old_end, new_start, new_end, old_value, new_value, note, status, requested_by, requested_at, revision)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    args: [
      r.id,
      r.measureId,
      r.from.start,
      r.from.end,
      r.to.start,
      r.to.end,
      r.before,
      r.after,
      r.note,
      r.by,
      r.at,
      r.revision,
    ],
  });
