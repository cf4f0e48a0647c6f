// The audit trail's reads for the API: segments (a node's events of one batch) of a scope.
import type { InArgs } from '@libsql/client';
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

/** The newest batch: where the chain ends, the head a checkpoint states. */
export const lastBatch = (x: Exec) =>
  one<{ id: number; hash: string; last_seq: number }>(
    x,
    'SELECT id, hash, last_seq FROM audit_batches ORDER BY id DESC LIMIT 1',
  );

/** The first batch hashed with the key, and the key's id (audit_keying); null before keying. */
export const keyingPoint = async (x: Exec) =>
  // Before migration 005 (while 003 runs) there is no such table: no keying point yet.
  (await one<{ from_batch: number; at: string; key_id: string; signature: string }>(
    x,
    'SELECT from_batch, at, key_id, signature FROM audit_keying',
  ).catch(() => undefined)) ?? null;

/**
 * A batch's segments in one statement: their texts are cut out of `bytes` by offset and length
 * (rows of [ord, node id, last seq, offset from 1, length]) — the bytes stored are the bytes hashed.
 */
export const insertSegments = (
  tx: Exec,
  batchId: number,
  bytes: Uint8Array,
  segments: readonly (readonly [number, number | null, number, number, number])[],
) =>
  tx.execute({
    sql: `INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events)
          SELECT ?, value->>0, value->>1, value->>2, CAST(substr(?, value->>3, value->>4) AS TEXT) FROM json_each(?)`,
    args: [batchId, bytes, JSON.stringify(segments)],
  });

/** The batch row, last in its transaction: [id, first seq, last seq, at, actor, request id, source, previous hash, hash]. */
export const insertBatch = (tx: Exec, row: InArgs) =>
  tx.execute({
    sql: 'INSERT INTO audit_batches (id, first_seq, last_seq, at, actor, request_id, source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    args: row,
  });

/** How many stored segments belong to no batch (a batch row deleted behind the service). */
export const orphanSegments = async (x: Exec) =>
  (
    await one<{ n: number }>(
      x,
      'SELECT COUNT(*) AS n FROM audit_segments WHERE batch_id NOT IN (SELECT id FROM audit_batches)',
    )
  )?.n ?? 0;

/** How many cells the record holds. */
export const cellCount = async (x: Exec) =>
  (await one<{ n: number }>(x, 'SELECT COUNT(*) AS n FROM cells'))?.n ?? 0;

/**
 * The stored cells of the measures with ids in [lo, hi), as one flat list: measure, subject
 * ("forecast 2027-03", as the cell's events name it), value (null: none), version.
 */
export async function cellsOfRange(x: Exec, lo: number, hi: number) {
  const list = await one<{ list: string | null }>(
    x,
    `SELECT group_concat(measure_id || ',' || json_quote(kind || ' ' || period) || ',' || ifnull(value, 'null') || ',' || version, ',') AS list
     FROM cells WHERE measure_id >= ? AND measure_id < ?`,
    [lo, hi],
  );
  return JSON.parse(`[${list?.list ?? ''}]`) as (number | string | null)[];
}
