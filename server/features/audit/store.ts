// The audit trail's reads for the API: segments (a node's events of one batch) of a scope.
import { type Exec, one, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';

export interface SegmentRow {
  batch_id: number;
  node: string | null;
  events: string;
  at: string;
  actor: string;
  request_id: string | null;
  source: string | null;
}

/**
 * The segments of the nodes under the prefixes after `since`, oldest (or newest) first; with
 * `withoutNode`, also events about no node (users, the keying). Found through audit_segments_node:
 * one measure's audit costs its own segments, not the trail's. Each segment holds at least one
 * event, so `limit` segments are enough for `limit` events.
 */
export function segmentsUnder(
  x: Exec,
  q: {
    prefixes: readonly string[];
    since: number;
    limit: number;
    newest: boolean;
    withoutNode: boolean;
  },
) {
  const order = q.newest ? 'DESC' : 'ASC';
  const nodes = underPrefixes('s.node_id', '?1');
  return rows<SegmentRow>(
    x,
    `SELECT s.batch_id, n.code AS node, s.events, b.at, b.actor, b.request_id, b.source
     FROM audit_segments s JOIN audit_batches b ON b.id = s.batch_id LEFT JOIN nodes n ON n.id = s.node_id
     WHERE s.last_seq > ?2 AND ${q.withoutNode ? `(${nodes} OR s.node_id IS NULL)` : nodes}
     ORDER BY s.batch_id ${order}, s.ord ${order} LIMIT ?3`,
    [JSON.stringify(q.prefixes), q.since, q.limit],
  );
}

/** A batch's stored row, as verification reads it. */
export interface BatchRow {
  id: number;
  first_seq: number;
  last_seq: number;
  at: string;
  actor: string;
  request_id: string | null;
  source: string | null;
  prev_hash: string;
  hash: string;
}

export interface StoredSegment {
  batch_id: number;
  ord: number;
  node_id: number | null;
  last_seq: number;
  events: string;
}

export const batchesFrom = (x: Exec, from: number, count: number) =>
  rows<BatchRow>(x, 'SELECT * FROM audit_batches WHERE id >= ? AND id < ? ORDER BY id', [
    from,
    from + count,
  ]);

/** Segments in trail order after (batch, ord), `count` at a time: memory stays one page's. */
export const segmentsAfter = (x: Exec, batch: number, ord: number, count: number) =>
  rows<StoredSegment>(
    x,
    `SELECT batch_id, ord, node_id, last_seq, events FROM audit_segments
     WHERE (batch_id, ord) > (?, ?) ORDER BY batch_id, ord LIMIT ?`,
    [batch, ord, count],
  );

/** A node range's segments, each node's in trail order (through audit_segments_node). */
export const segmentsOfNodes = (x: Exec, from: number, to: number) =>
  rows<{ batch_id: number; node_id: number; events: string }>(
    x,
    `SELECT batch_id, node_id, events FROM audit_segments
     WHERE node_id >= ? AND node_id < ? ORDER BY node_id, last_seq`,
    [from, to],
  );

/** The segments about no node (users, the keying). */
export const segmentsOfNoNode = (x: Exec) =>
  rows<{ batch_id: number; node_id: null; events: string }>(
    x,
    'SELECT batch_id, node_id, events FROM audit_segments WHERE node_id IS NULL ORDER BY batch_id, ord',
  );

/** The newest batch: the head a checkpoint states. */
export const lastBatch = (x: Exec) =>
  one<{ last_seq: number; hash: string }>(
    x,
    'SELECT last_seq, hash FROM audit_batches ORDER BY id DESC LIMIT 1',
  );
