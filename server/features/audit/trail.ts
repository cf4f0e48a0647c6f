// The audit trail: append-only events, hash-chained per batch (what one transaction changed).
// A batch's events are stored in segments, one per node, so a 100,000-cell push writes a few
// thousand rows instead of 100,000, and a measure's history reads only its own segments. The
// batch hash covers the header, every segment and the previous batch's hash: editing, adding or
// deleting any stored event fails verification.
import { createHash } from 'node:crypto';
import type { InArgs } from '@libsql/client';
import type { Exec } from '../../db/db.js';
import { one, rows } from '../../db/db.js';
import { minorText } from '../../../shared/money.js';

export interface AuditEvent {
  action: string;
  nodeId: number | null;
  subject?: string | null;
  before?: unknown;
  after?: unknown;
  /** Where it came from, beyond the batch's source (a cell, a request). */
  source?: unknown;
}

/** What a cell change says of itself (the audit keeps the object it is given; nothing is copied). */
export interface CellChangeFacts {
  kind: string;
  period: string;
  /** Empty means none. */
  note?: string | undefined;
  /** The sheet address it came from. */
  cell?: string | undefined;
}

export interface BatchMeta {
  at: string;
  actor: string;
  requestId: string | null;
  source: unknown;
}

/** [seq, action, subject, before, after, source] */
export type StoredEvent = [number, string, string | null, unknown, unknown, unknown];

/** An event as the API shows it (before the batch's time, actor and source are added). */
export interface ReadEvent { seq: number; action: string; subject: string | null; before: unknown; after: unknown; source: unknown }

/**
 * Reads a stored event. Cell changes, the bulk of the trail, are stored compactly:
 * before `[value, version]`, after `[value, version, note?]`, source the cell's address; they
 * read back as `{ value, version }`, `{ value, version, note? }` and `{ cell }`. (Events stored
 * before this form keep their objects and read back unchanged.)
 */
export function readEvent([seq, action, subject, before, after, source]: StoredEvent): ReadEvent {
  if (action !== 'cell.changed' || !Array.isArray(before)) return { seq, action, subject, before, after, source };
  const [value, version, note] = after as [number, number, string?];
  return {
    seq, action, subject,
    before: { value: before[0], version: before[1] },
    after: note === undefined ? { value, version } : { value, version, note },
    source: typeof source === 'string' ? { cell: source } : source,
  };
}

const GENESIS = 'gatecell:genesis';
/** How many bytes of segment text one INSERT carries (a segment larger than this goes alone). */
const SEGMENT_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

interface Segment { ord: number; nodeId: number | null; lastSeq: number; events: string }

/** The batch hash, fed segment by segment (a large batch is hashed as its rows are written). */
function batchHasher(prevHash: string, header: unknown[]) {
  const h = createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(header));
  return {
    /** `events` is the segment's text, or the same text as UTF-8 bytes. */
    add(s: Omit<Segment, 'events'>, events: string | Uint8Array) {
      h.update('\n').update(JSON.stringify([s.ord, s.nodeId, s.lastSeq])).update(events);
    },
    digest: () => h.digest('hex'),
  };
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

/**
 * The events of one write, grouped by node, serialized only when they are appended. A cell change
 * (the bulk of a push) is held as a few numbers and references to strings it already has, not as
 * text: 100,000 event strings built as they happen would be kept alive, and copied by the garbage
 * collector, for the whole push.
 */
export class AuditBuffer {
  /** Per node, the offsets (seq − firstSeq) of its events in order. */
  readonly #byNode = new Map<number | null, number[]>();
  /** Per event: its stored text when added whole, or the index of its row among the cell changes. */
  readonly #events: (string | number)[] = [];
  /** Per cell change, what it says of itself: the change as the request parsed it, by reference. */
  readonly #changes: CellChangeFacts[] = [];
  /** Five per cell change, amounts in minor units: value before (NaN: none), version before, value after, version after, digits. */
  #numbers = new Float64Array(5 * 64);
  /** A push names a few dozen distinct subjects a hundred thousand times: each is encoded once. */
  readonly #subjects = new Map<string, Map<string, string>>();

  constructor(readonly firstSeq: number) {}

  add(e: AuditEvent) {
    const seq = this.#next(e.nodeId);
    this.#events.push(JSON.stringify([seq, e.action, e.subject ?? null, orNull(e.before), orNull(e.after), orNull(e.source)]));
  }

  /** Room for `more` cell changes: a large batch fills its numbers instead of regrowing them. */
  reserve(more: number) {
    this.#room(this.#changes.length + more);
  }

  /**
   * One cell's new value, amounts in minor units of a currency with `digits` decimals: reads back
   * (readEvent) exactly as what `add` would store for `{ action: 'cell.changed', subject: `${kind} ${period}`,
   * before: { value, version }, after: { value, version, note? }, source: { cell }? }` with the
   * amounts as decimals, in about 60 % of the text.
   */
  addCellChange(nodeId: number, change: CellChangeFacts, before: number | null, beforeVersion: number, after: number, afterVersion: number, digits: number) {
    this.#next(nodeId);
    const row = this.#changes.length;
    this.#events.push(row);
    this.#changes.push(change);
    this.#room(row + 1);
    const n = row * 5;
    this.#numbers[n] = before ?? NaN;
    this.#numbers[n + 1] = beforeVersion;
    this.#numbers[n + 2] = after;
    this.#numbers[n + 3] = afterVersion;
    this.#numbers[n + 4] = digits;
  }

  #room(rows: number) {
    if (rows * 5 <= this.#numbers.length) return;
    const numbers = new Float64Array(Math.max(rows * 5, this.#numbers.length * 2));
    numbers.set(this.#numbers);
    this.#numbers = numbers;
  }

  #next(nodeId: number | null): number {
    const offset = this.#events.length;
    let node = this.#byNode.get(nodeId);
    if (!node) this.#byNode.set(nodeId, (node = []));
    node.push(offset);
    return this.firstSeq + offset;
  }

  get size() {
    return this.#events.length;
  }

  #event(offset: number): string {
    const row = this.#events[offset]!;
    if (typeof row === 'string') return row;
    const n = row * 5;
    const before = this.#numbers[n]!;
    const digits = this.#numbers[n + 4]!;
    const { kind, period, note, cell } = this.#changes[row]!;
    const subject = this.#subjectText(kind, period);
    return `[${this.firstSeq + offset},"cell.changed",${subject},[${Number.isNaN(before) ? 'null' : minorText(before, digits)},${this.#numbers[n + 1]}],[${minorText(this.#numbers[n + 2]!, digits)},${this.#numbers[n + 3]}${note ? `,${JSON.stringify(note)}` : ''}],${cell === undefined ? 'null' : JSON.stringify(cell)}]`;
  }

  #subjectText(kind: string, period: string): string {
    let byPeriod = this.#subjects.get(kind);
    if (!byPeriod) this.#subjects.set(kind, (byPeriod = new Map()));
    let text = byPeriod.get(period);
    if (text === undefined) byPeriod.set(period, (text = JSON.stringify(`${kind} ${period}`)));
    return text;
  }

  /** The segments in order, each written when asked for (one node's events at a time). */
  *segments(): Generator<Segment> {
    let ord = 0;
    for (const [nodeId, offsets] of this.#byNode)
      yield { ord: ord++, nodeId, lastSeq: this.firstSeq + offsets[offsets.length - 1]!, events: `[${offsets.map((o) => this.#event(o)).join(',')}]` };
  }
}

/** Appends the buffer's events as the batch after `head` (the head read when the write began). */
export async function appendAudit(tx: Exec, meta: BatchMeta, events: AuditBuffer, head: AuditHead): Promise<void> {
  if (!events.size) return;
  const batchId = head.batchId + 1;
  const firstSeq = events.firstSeq;
  const lastSeq = firstSeq + events.size - 1;
  const source = meta.source === undefined || meta.source === null ? null : JSON.stringify(meta.source);
  const header = [batchId, firstSeq, lastSeq, meta.at, meta.actor, meta.requestId, source];
  const hash = batchHasher(head.hash, header);
  // The segments' text goes to SQLite as UTF-8 bytes, a few megabytes a statement, each row cut
  // from them by offset (substr counts bytes in a blob): binding thousands of strings meant
  // preparing statements with thousands of parameters and encoding every text twice, once for
  // the hash and once for SQLite. The bytes stored are the bytes hashed. Segments are written
  // and hashed a statement's worth at a time; the batch row comes last (same transaction), once
  // the hash is known.
  let bytes = Buffer.allocUnsafe(16 * 1024); // grown as needed: most writes append a few events
  let used = 0;
  let rows: [number, number | null, number, number, number][] = [];
  const flush = async () => {
    await tx.execute({
      sql: `INSERT INTO audit_segments (batch_id, ord, node_id, last_seq, events)
            SELECT ?, value->>0, value->>1, value->>2, CAST(substr(?, value->>3, value->>4) AS TEXT) FROM json_each(?)`,
      args: [batchId, bytes.subarray(0, used), JSON.stringify(rows)],
    });
    used = 0;
    rows = [];
  };
  for (const segment of events.segments()) {
    const most = segment.events.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (used > 0 && used + most > SEGMENT_BYTES_PER_STATEMENT) await flush();
    if (used + most > bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(used + most, Math.min(2 * bytes.length, SEGMENT_BYTES_PER_STATEMENT)));
      bytes.copy(bigger, 0, 0, used);
      bytes = bigger;
    }
    const length = bytes.write(segment.events, used);
    hash.add(segment, bytes.subarray(used, used + length));
    rows.push([segment.ord, segment.nodeId, segment.lastSeq, used + 1, length]);
    used += length;
  }
  if (rows.length) await flush();
  await tx.execute({
    sql: 'INSERT INTO audit_batches (id, first_seq, last_seq, at, actor, request_id, source, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    args: [...header, head.hash, hash.digest()] as InArgs,
  });
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
    const hash = batchHasher(prev, [b.id, b.first_seq, b.last_seq, b.at, b.actor, b.request_id, b.source]);
    for (const s of segments) hash.add(s, s.events);
    if (hash.digest() !== b.hash)
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
