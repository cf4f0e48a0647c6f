// The audit trail: append-only events, hash-chained per batch (what one transaction changed).
// A batch's events are stored in segments, one per node, so a 100,000-cell push writes a few
// thousand rows instead of 100,000, and a measure's history reads only its own segments. The
// batch hash covers the header, every segment and the previous batch's hash: editing, adding or
// deleting any stored event fails verification.
import { createHash } from 'node:crypto';
import type { InArgs } from '@libsql/client';
import type { Exec } from '../../db/db.js';
import { one, rows } from '../../db/db.js';

export interface AuditEvent {
  action: string;
  nodeId: number | null;
  subject?: string | null;
  before?: unknown;
  after?: unknown;
  /** Where it came from, beyond the batch's source (a cell, a request). */
  source?: unknown;
}

export interface BatchMeta {
  at: string;
  actor: string;
  requestId: string | null;
  source: unknown;
}

/** [seq, action, subject, before, after, source] */
export type StoredEvent = [number, string, string | null, unknown, unknown, unknown];

const GENESIS = 'gatecell:genesis';
const SEGMENT_ROWS_PER_STATEMENT = 200;

interface Segment { ord: number; nodeId: number | null; lastSeq: number; events: string }

function batchHash(prevHash: string, header: unknown[], segments: readonly Segment[]): string {
  const h = createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(header));
  for (const s of segments) h.update('\n').update(JSON.stringify([s.ord, s.nodeId, s.lastSeq])).update(s.events);
  return h.digest('hex');
}

const orNull = (v: unknown) => (v === undefined ? null : v);

export interface AuditHead {
  batchId: number;
  hash: string;
  lastSeq: number;
}

/** Where the chain ends: read inside the write transaction, which holds the write lock. */
export async function auditHead(tx: Exec): Promise<AuditHead> {
  const last = await one<{ id: number; hash: string; last_seq: number }>(tx, 'SELECT id, hash, last_seq FROM audit_batches ORDER BY id DESC LIMIT 1');
  return { batchId: last?.id ?? 0, hash: last?.hash ?? GENESIS, lastSeq: last?.last_seq ?? 0 };
}

/** The events of one write, grouped by node and serialized, sequence number and all, as they come. */
export class AuditBuffer {
  readonly #byNode = new Map<number | null, { lastSeq: number; json: string[] }>();
  #size = 0;

  constructor(readonly firstSeq: number) {}

  add(e: AuditEvent) {
    this.#push(e.nodeId, (seq) => JSON.stringify([seq, e.action, e.subject ?? null, orNull(e.before), orNull(e.after), orNull(e.source)]));
  }

  /**
   * The hot path of a push: one cell's new value, written straight as the text `add` would
   * produce, without building four objects per change to serialize them again.
   */
  addCellChange(nodeId: number, subject: string, before: [number | null, number], after: [number, number], note: string | undefined, cell: string | undefined) {
    const tail = note ? `,"note":${JSON.stringify(note)}}` : '}';
    const where = cell === undefined ? 'null' : `{"cell":${JSON.stringify(cell)}}`;
    this.#push(nodeId, (seq) => `[${seq},"cell.changed",${JSON.stringify(subject)},{"value":${before[0]},"version":${before[1]}},{"value":${after[0]},"version":${after[1]}${tail},${where}]`);
  }

  #push(nodeId: number | null, event: (seq: number) => string) {
    const seq = this.firstSeq + this.#size++;
    let node = this.#byNode.get(nodeId);
    if (!node) this.#byNode.set(nodeId, (node = { lastSeq: seq, json: [] }));
    node.lastSeq = seq;
    node.json.push(event(seq));
  }

  get size() {
    return this.#size;
  }

  segments(): Segment[] {
    return [...this.#byNode].map(([nodeId, { lastSeq, json }], ord) => ({ ord, nodeId, lastSeq, events: `[${json.join(',')}]` }));
  }
}

/** Appends the buffer's events as the batch after `head` (the head read when the write began). */
export async function appendAudit(tx: Exec, meta: BatchMeta, events: AuditBuffer, head: AuditHead): Promise<void> {
  if (!events.size) return;
  const batchId = head.batchId + 1;
  const firstSeq = events.firstSeq;
  const lastSeq = firstSeq + events.size - 1;
  const segments = events.segments();
  const source = meta.source === undefined || meta.source === null ? null : JSON.stringify(meta.source);
  const header = [batchId, firstSeq, lastSeq, meta.at, meta.actor, meta.requestId, source];
  const hash = batchHash(head.hash, header, segments);
  await tx.execute({
    sql: 'INSERT INTO audit_batches (id, first_seq, last_seq, at, actor, request_id, source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    args: [...header, head.hash, hash] as InArgs,
  });
  // Bound parameters, many rows a statement: the event text is stored exactly as it was hashed.
  for (let i = 0; i < segments.length; i += SEGMENT_ROWS_PER_STATEMENT) {
    const chunk = segments.slice(i, i + SEGMENT_ROWS_PER_STATEMENT);
    await tx.execute({
      sql: `INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      args: chunk.flatMap((s) => [batchId, s.ord, s.nodeId, s.lastSeq, s.events]),
    });
  }
}

export interface Verification {
  ok: boolean;
  events: number;
  head: string | null;
  brokenBatch?: number;
  problem?: string;
}

/** Recomputes the whole chain from what is stored. */
export async function verifyAudit(x: Exec): Promise<Verification> {
  const batches = await rows<{ id: number; first_seq: number; last_seq: number; at: string; actor: string; request_id: string | null; source: string | null; prev_hash: string; hash: string }>(
    x, 'SELECT * FROM audit_batches ORDER BY id');
  let prev = GENESIS;
  let counted = 0;
  let expectedId = 1;
  for (const b of batches) {
    const fail = (problem: string): Verification => ({ ok: false, events: counted, head: prev, brokenBatch: b.id, problem });
    if (b.id !== expectedId++ || b.prev_hash !== prev) return fail('the chain is broken before this batch (a batch is missing or was replaced)');
    const segments = (await rows<{ ord: number; node_id: number | null; last_seq: number; events: string }>(
      x, 'SELECT ord, node_id, last_seq, events FROM audit_segments WHERE batch_id = ? ORDER BY ord', [b.id],
    )).map((s) => ({ ord: s.ord, nodeId: s.node_id, lastSeq: s.last_seq, events: s.events }));
    if (batchHash(prev, [b.id, b.first_seq, b.last_seq, b.at, b.actor, b.request_id, b.source], segments) !== b.hash)
      return fail('an event of this batch was altered, added or removed');
    const seqs = new Set<number>();
    for (const s of segments) for (const e of JSON.parse(s.events) as StoredEvent[]) seqs.add(e[0]);
    if (seqs.size !== b.last_seq - b.first_seq + 1) return fail('events of this batch are missing or duplicated');
    prev = b.hash;
    counted += seqs.size;
  }
  const orphans = await one<{ n: number }>(x, 'SELECT COUNT(*) AS n FROM audit_segments WHERE batch_id NOT IN (SELECT id FROM audit_batches)');
  if (orphans?.n) return { ok: false, events: counted, head: prev, problem: 'events exist outside any batch' };
  return { ok: true, events: counted, head: batches.length ? prev : null };
}
