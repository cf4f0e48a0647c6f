// The gates' SQL: gate requests, their decisions, and the requests a frozen measure withdraws.
import type { ApproverRule } from '../../../shared/domain/gates.js';
import type { RequestStatus, Stage } from '../../../shared/model.js';
import { type Exec, one, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';
import type { GateRequestRow } from '../measures/store.js';

export const gateRequestById = (x: Exec, id: string) =>
  one<GateRequestRow>(x, 'SELECT * FROM gate_requests WHERE id = ?', [id]);

/** The gate requests of a status under the prefixes, oldest first, with their measure's code. */
export const gateRequestsUnder = (x: Exec, prefixes: readonly string[], status: RequestStatus) =>
  rows<GateRequestRow & { code: string }>(
    x,
    `SELECT g.*, n.code FROM gate_requests g JOIN nodes n ON n.id = g.measure_id
     WHERE g.status = ? AND ${underPrefixes('n.id')} ORDER BY g.requested_at, g.id`,
    [status, JSON.stringify(prefixes)],
  );

export const hasPendingGate = async (x: Exec, measureId: number) =>
  !!(await one(x, "SELECT 1 FROM gate_requests WHERE measure_id = ? AND status = 'pending'", [
    measureId,
  ]));

export const insertGateRequest = (
  x: Exec,
  g: {
    id: string;
    measureId: number;
    from: Stage;
    to: Stage;
    approver: ApproverRule;
    comment: string;
    by: string;
    at: string;
    /** The figures the gate validates, as they stand now. */
    pinned: Record<string, unknown> | null;
  },
) =>
  x.execute({
    sql: `INSERT INTO gate_requests (id, measure_id, from_stage, to_stage, approver, status, comment, requested_by, requested_at, pinned)
          VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    args: [
      g.id,
      g.measureId,
      g.from,
      g.to,
      g.approver,
      g.comment,
      g.by,
      g.at,
      g.pinned && JSON.stringify(g.pinned),
    ],
  });

/** A gate request decided (or withdrawn), under the approver rule it was judged by. */
export const recordGateDecision = (
  x: Exec,
  id: string,
  d: {
    status: Exclude<RequestStatus, 'pending'>;
    by: string;
    at: string;
    comment: string;
    approver?: ApproverRule;
  },
) =>
  x.execute({
    sql: 'UPDATE gate_requests SET status = ?, decided_by = ?, decided_at = ?, decision_comment = ?, approver = coalesce(?, approver) WHERE id = ?',
    args: [d.status, d.by, d.at, d.comment, d.approver ?? null, id],
  });
