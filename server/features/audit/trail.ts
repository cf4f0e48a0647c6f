// The audit trail: append-only events, hash-chained per batch. A batch is what one transaction
// changed; its hash covers every event in it and the previous batch's hash, so editing,
// inserting or deleting any single stored event fails verification.
import { createHash } from 'node:crypto';
import type { Exec } from '../../db/db.js';
import { one, rows } from '../../db/db.js';

export interface AuditEvent {
  action: string;
  nodeId: number | null;
  subject?: string | null;
  before?: unknown;
  after?: unknown;
  source?: unknown;
}

type StoredEvent = [seq: number, at: string, actor: string, action: string, nodeId: number | null, subject: string | null,
  before: string | null, after: string | null, source: string | null, requestId: string | null];

const GENESIS = 'gatecell:genesis';
const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

function chainHash(prevHash: string, events: readonly StoredEvent[]): string {
  const h = createHash('sha256').update(prevHash);
  for (const e of events) h.update('\n').update(JSON.stringify(e));
  return h.digest('hex');
}

export async function appendAudit(
  tx: Exec,
  meta: { at: string; actor: string; requestId: string | null },
  events: readonly AuditEvent[],
): Promise<void> {
  if (!events.length) return;
  const last = await one<{ id: number; hash: string; last_seq: number }>(
    tx, 'SELECT id, hash, last_seq FROM audit_batches ORDER BY id DESC LIMIT 1');
  const firstSeq = (last?.last_seq ?? 0) + 1;
  const batchId = (last?.id ?? 0) + 1;
  const stored: StoredEvent[] = events.map((e, i) => [
    firstSeq + i, meta.at, meta.actor, e.action, e.nodeId, e.subject ?? null,
    json(e.before), json(e.after), json(e.source), meta.requestId,
  ]);
  const hash = chainHash(last?.hash ?? GENESIS, stored);
  // One statement for the whole batch: per-row round trips are what costs, not SQLite.
  await tx.execute({
    sql: `INSERT INTO audit_events (seq, batch_id, at, actor, action, node_id, subject, before, after, source, request_id)
          SELECT value->>0, ?, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9
          FROM json_each(?)`,
    args: [batchId, JSON.stringify(stored)],
  });
  await tx.execute({
    sql: 'INSERT INTO audit_batches (id, first_seq, last_seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?)',
    args: [batchId, firstSeq, firstSeq + stored.length - 1, last?.hash ?? GENESIS, hash],
  });
}

export interface Verification {
  ok: boolean;
  events: number;
  head: string | null;
  firstBrokenBatch?: number;
  problem?: string;
}

/** Recomputes the whole chain from the stored events. */
export async function verifyAudit(x: Exec): Promise<Verification> {
  const batches = await rows<{ id: number; first_seq: number; last_seq: number; prev_hash: string; hash: string }>(
    x, 'SELECT id, first_seq, last_seq, prev_hash, hash FROM audit_batches ORDER BY id');
  let prev = GENESIS;
  let counted = 0;
  const fail = (id: number, problem: string): Verification => ({ ok: false, events: counted, head: prev, firstBrokenBatch: id, problem });
  for (const b of batches) {
    const stored = (
      await rows<Record<string, unknown>>(
        x, `SELECT seq, at, actor, action, node_id, subject, before, after, source, request_id, batch_id
            FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq`, [b.first_seq, b.last_seq])
    ).map((r) => [r.seq, r.at, r.actor, r.action, r.node_id, r.subject, r.before, r.after, r.source, r.request_id, r.batch_id]);
    if (b.prev_hash !== prev) return fail(b.id, 'the chain is broken before this batch');
    if (stored.length !== b.last_seq - b.first_seq + 1 || stored.some((e) => e[10] !== b.id))
      return fail(b.id, 'events are missing from or foreign to this batch');
    if (chainHash(prev, stored.map((e) => e.slice(0, 10) as StoredEvent)) !== b.hash)
      return fail(b.id, 'an event of this batch was altered');
    prev = b.hash;
    counted += stored.length;
  }
  const total = await one<{ n: number }>(x, 'SELECT COUNT(*) AS n FROM audit_events');
  if ((total?.n ?? 0) !== counted) return { ok: false, events: counted, head: prev, problem: 'events exist outside any batch' };
  return { ok: true, events: counted, head: batches.length ? prev : null };
}
