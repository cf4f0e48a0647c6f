// The audit trail: append-only events, hash-chained per batch (what one transaction changed).
// A batch's events are stored in segments, one per node, so a 100,000-cell push writes a few
// thousand rows instead of 100,000, and a measure's history reads only its own segments. The
// batch hash covers the header, every segment and the previous batch's hash: editing, adding or
// deleting any stored event fails verification.
import { createHash, createHmac } from 'node:crypto';
import type { InArgs } from '@libsql/client';
import type { Exec } from '../../db/db.js';
import { JsonBytes } from '../../json-bytes.js';
import { minorDigits, minorText, toMinor } from '../../../shared/money.js';
import { allNodes, everyOrgSettings } from '../hierarchy/store.js';
import { keyId, mac } from './keys.js';
import { type LastEvent, ReplayedCells } from './replay.js';
import {
  type BatchRow,
  type StoredSegment,
  batchesFrom,
  cellCount,
  cellsOfRange,
  insertBatch,
  insertSegments,
  keyingPoint,
  lastBatch,
  orphanSegments,
  segmentsAfter,
} from './store.js';

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
export interface ReadEvent {
  seq: number;
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
  source: unknown;
}

/**
 * Reads a stored event. Cell changes, the bulk of the trail, are stored compactly:
 * before `[value, version]`, after `[value, version, note?]`, source the cell's address; they
 * read back as `{ value, version }`, `{ value, version, note? }` and `{ cell }`. (Events stored
 * before this form keep their objects and read back unchanged.)
 */
export function readEvent([seq, action, subject, before, after, source]: StoredEvent): ReadEvent {
  if (action !== 'cell.changed' || !Array.isArray(before))
    return { seq, action, subject, before, after, source };
  const [value, version, note] = after as [number, number, string?];
  return {
    seq,
    action,
    subject,
    before: { value: before[0], version: before[1] },
    after: note === undefined ? { value, version } : { value, version, note },
    source: typeof source === 'string' ? { cell: source } : source,
  };
}

const GENESIS = 'gatecell:genesis';
const OPEN = 91; // [
const COMMA = 44;
const CLOSE = 93; // ]
/** About how many bytes of segment text one INSERT carries: it ends with the segment past them. */
const SEGMENT_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

interface Segment {
  ord: number;
  nodeId: number | null;
  lastSeq: number;
  events: string;
}

/**
 * The batch hash, fed segment by segment (a large batch is hashed as its rows are written): an
 * HMAC-SHA256 under the audit key from the trail's keying point on, plain SHA-256 before it (the
 * batches written before the service had a key).
 */
function batchHasher(prevHash: string, header: unknown[], key: Buffer | null) {
  const h = (key ? createHmac('sha256', key) : createHash('sha256'))
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify(header));
  return {
    /** `events` is the segment's text, or the same text as UTF-8 bytes. */
    add(s: Omit<Segment, 'events'>, events: string | Uint8Array) {
      h.update('\n')
        .update(JSON.stringify([s.ord, s.nodeId, s.lastSeq]))
        .update(events);
    },
    digest: () => h.digest('hex'),
  };
}

const orNull = (v: unknown) => (v === undefined ? null : v);

export interface AuditHead {
  batchId: number;
  hash: string;
  lastSeq: number;
  /** The key the next batch is hashed with; null before the trail was keyed (migration 005). */
  key: Buffer | null;
}

/** Where the chain ends: read inside the write transaction, which holds the write lock. */
export async function auditHead(tx: Exec, key: Buffer): Promise<AuditHead> {
  const last = await lastBatch(tx);
  const keyed = await keyingPoint(tx);
  return {
    batchId: last?.id ?? 0,
    hash: last?.hash ?? GENESIS,
    lastSeq: last?.last_seq ?? 0,
    key: keyed && keyed.from_batch <= (last?.id ?? 0) + 1 ? key : null,
  };
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
  readonly #prefixes = new Map<string, Map<string, string>>();

  constructor(readonly firstSeq: number) {}

  add(e: AuditEvent) {
    const seq = this.#next(e.nodeId);
    this.#events.push(
      JSON.stringify([
        seq,
        e.action,
        e.subject ?? null,
        orNull(e.before),
        orNull(e.after),
        orNull(e.source),
      ]),
    );
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
  addCellChange(
    nodeId: number,
    change: CellChangeFacts,
    before: number | null,
    beforeVersion: number,
    after: number,
    afterVersion: number,
    digits: number,
  ) {
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

  /**
   * The segments in order, each written when asked for (one node's events at a time): the
   * straightforward text, which `segmentsInto` is held to.
   */
  *segments(): Generator<Segment> {
    let ord = 0;
    for (const [nodeId, offsets] of this.#byNode)
      yield {
        ord: ord++,
        nodeId,
        lastSeq: this.firstSeq + offsets[offsets.length - 1]!,
        events: `[${offsets.map((o) => this.#event(o)).join(',')}]`,
      };
  }

  /**
   * The segments in order, each one's events written into `out` as UTF-8 when it is asked for,
   * from `start` to `end` there: exactly the bytes of segments()' text, without a string per event.
   */
  *segmentsInto(
    out: JsonBytes,
  ): Generator<Omit<Segment, 'events'> & { start: number; end: number }> {
    let ord = 0;
    for (const [nodeId, offsets] of this.#byNode) {
      const start = out.length;
      for (let k = 0; k < offsets.length; k++) {
        out.char(k === 0 ? OPEN : COMMA);
        this.#writeEvent(offsets[k]!, out);
      }
      out.char(CLOSE);
      yield {
        ord: ord++,
        nodeId,
        lastSeq: this.firstSeq + offsets[offsets.length - 1]!,
        start,
        end: out.length,
      };
    }
  }

  /** #event's text, written into `out`. */
  #writeEvent(offset: number, out: JsonBytes) {
    const row = this.#events[offset]!;
    if (typeof row === 'string') {
      out.raw(row);
      return;
    }
    const n = row * 5;
    const before = this.#numbers[n]!;
    const digits = this.#numbers[n + 4]!;
    const { kind, period, note, cell } = this.#changes[row]!;
    out
      .char(OPEN)
      .integer(this.firstSeq + offset)
      .raw(this.#cellPrefix(kind, period));
    if (Number.isNaN(before)) out.raw('null');
    else out.minor(before, digits);
    out
      .char(COMMA)
      .integer(this.#numbers[n + 1]!)
      .raw('],[');
    out
      .minor(this.#numbers[n + 2]!, digits)
      .char(COMMA)
      .integer(this.#numbers[n + 3]!);
    if (note) out.char(COMMA).string(note);
    out.raw('],');
    if (cell === undefined) out.raw('null');
    else out.string(cell);
    out.char(CLOSE);
  }

  /** What follows a cell change's seq up to its value before: its action and subject. */
  #cellPrefix(kind: string, period: string): string {
    let byPeriod = this.#prefixes.get(kind);
    if (!byPeriod) this.#prefixes.set(kind, (byPeriod = new Map()));
    let text = byPeriod.get(period);
    if (text === undefined)
      byPeriod.set(period, (text = `,"cell.changed",${this.#subjectText(kind, period)},[`));
    return text;
  }
}

/** Appends the buffer's events as the batch after `head` (the head read when the write began). */
export async function appendAudit(
  tx: Exec,
  meta: BatchMeta,
  events: AuditBuffer,
  head: AuditHead,
): Promise<void> {
  if (!events.size) return;
  const batchId = head.batchId + 1;
  const firstSeq = events.firstSeq;
  const lastSeq = firstSeq + events.size - 1;
  const source =
    meta.source === undefined || meta.source === null ? null : JSON.stringify(meta.source);
  const header = [batchId, firstSeq, lastSeq, meta.at, meta.actor, meta.requestId, source];
  const hash = batchHasher(head.hash, header, head.key);
  // The segments' text goes to SQLite as UTF-8 bytes, a few megabytes a statement, each row cut
  // from them by offset (substr counts bytes in a blob): binding thousands of strings meant
  // preparing statements with thousands of parameters and encoding every text twice, once for
  // the hash and once for SQLite. The bytes stored are the bytes hashed. Segments are written
  // and hashed a statement's worth at a time; the batch row comes last (same transaction), once
  // the hash is known.
  const out = new JsonBytes(16 * 1024); // grows as needed: most writes append a few events
  let rows: [number, number | null, number, number, number][] = [];
  for (const segment of events.segmentsInto(out)) {
    const bytes = out.bytes();
    hash.add(segment, bytes.subarray(segment.start, segment.end));
    rows.push([
      segment.ord,
      segment.nodeId,
      segment.lastSeq,
      segment.start + 1,
      segment.end - segment.start,
    ]);
    if (segment.end >= SEGMENT_BYTES_PER_STATEMENT) {
      await insertSegments(tx, batchId, bytes, rows);
      out.clear();
      rows = [];
    }
  }
  if (rows.length) await insertSegments(tx, batchId, out.bytes(), rows);
  await insertBatch(tx, [...header, head.hash, hash.digest()] as InArgs);
}

export interface Problem {
  type: 'chain' | 'altered' | 'events' | 'keying' | 'checkpoint' | 'replay';
  message: string;
  batch?: number;
  measure?: string;
  kind?: string;
  period?: string;
}

export interface Verification {
  ok: boolean;
  /** Events verified (of the organizations in scope). */
  events: number;
  head: string | null;
  problems: Problem[];
}

export interface VerifyOptions {
  key: Buffer;
  /** Only these organizations' events and cells are counted and replayed (an organization admin). */
  orgIds?: ReadonlySet<number> | undefined;
  /** A head kept outside the system: the trail must still contain it. */
  checkpoint?: { seq: number; hash: string } | undefined;
}

const MAX_PROBLEMS = 100;
/** More events than one batch can hold (a push carries at most 100,000 changes). */
const MAX_BATCH_EVENTS = 10_000_000;
// Small pages cost no time (the next is read while this one is checked) and keep the pass's first
// run at 25,000 measures near 370 MB where pages of 2,000 took 520 MB.
/** Measures whose stored cells are read at a time. */
const RECORD_RANGE = 500;
/** Segments (and batch headers) read at a time. */
const PAGE = 500;

/** A stored batch as the pass meets it: its chain hash and one mark per seq of its header. */
interface OpenBatch {
  b: BatchRow;
  hash: ReturnType<typeof batchHasher>;
  /** One per seq of the batch's header, set as its event is met (null: an absurd header). */
  marks: Uint8Array | null;
  duplicated: boolean;
  /** Whether any of its segments is in the caller's organizations. */
  visible: boolean;
  broken: boolean;
}

/**
 * Recomputes the whole chain from what is stored, under the key, and replays the record against
 * it: every stored cell must hold the value and version its last audit event says, and every
 * cell an event names must exist. One pass reads the trail a page of segments at a time in trail
 * order — hashing each batch, marking its events' seqs and keeping each cell's last event
 * (ReplayedCells) — then the stored cells are read range by range and held against it.
 */
export async function verifyAudit(x: Exec, opts: VerifyOptions): Promise<Verification> {
  const problems: Problem[] = [];
  const problem = (p: Problem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const nodes = await allNodes(x);
  const orgOf = new Map(nodes.map((n) => [n.id, n.org_id]));
  const inScope = (nodeId: number | null) =>
    !opts.orgIds || (nodeId !== null && opts.orgIds.has(orgOf.get(nodeId) ?? -1));

  const keying = await keyingPoint(x);
  const last = await lastBatch(x);
  if (!keying) {
    if (last?.id)
      problem({
        type: 'keying',
        message:
          'The trail carries no keying record: it was removed, or the database predates migration 005.',
      });
  } else {
    if (keying.key_id !== keyId(opts.key))
      problem({
        type: 'keying',
        message:
          'The trail was keyed with another audit key than this service holds (GATECELL_AUDIT_KEY or audit.key).',
      });
    if (
      keying.signature !==
      mac(opts.key, keyingStatement(keying.from_batch, keying.at, keying.key_id))
    )
      problem({
        type: 'keying',
        message:
          'The keying record was altered: where the keyed chain starts can no longer be trusted.',
      });
  }
  const keyedFrom = keying?.from_batch ?? Number.POSITIVE_INFINITY;

  let prev = GENESIS;
  let expectedId = 1;
  let checkpointFound = false;
  let counted = 0;
  let batches: BatchRow[] = [];
  let nextBatch = 1;
  const replayed = new ReplayedCells(await cellCount(x));
  // Batches whose events were missing or duplicated, for after the pass (a batch's segments need
  // not be met in seq order).
  const closed: OpenBatch[] = [];
  // Set by open() and close(), which the loops call: typed so that no narrowing assumes it null.
  let current = null as OpenBatch | null;
  const outside = (o: OpenBatch) =>
    o.visible || !opts.orgIds ? '' : ' (outside your organization)';
  const shown = (o: OpenBatch) => (o.visible || !opts.orgIds ? { batch: o.b.id } : {});
  const close = () => {
    if (!current) return;
    const o = current;
    if (o.broken)
      problem({
        type: 'chain',
        message: `The chain is broken before this batch${outside(o)}: a batch is missing or was replaced.`,
        ...shown(o),
      });
    if (o.hash.digest() !== o.b.hash)
      problem({
        type: 'altered',
        message: `An event of this batch${outside(o)} was altered, added or removed, or the batch was written without the audit key.`,
        ...shown(o),
      });
    if (opts.checkpoint && o.b.last_seq === opts.checkpoint.seq) {
      checkpointFound = true;
      if (o.b.hash !== opts.checkpoint.hash)
        problem({
          type: 'checkpoint',
          message: `The trail at event ${o.b.last_seq} is not the one the checkpoint recorded: it was rewritten.`,
          batch: o.b.id,
        });
    }
    if (o.duplicated || !o.marks || o.marks.includes(0)) closed.push(o);
    o.marks = null;
    prev = o.b.hash;
    current = null;
  };
  /** Opens the next stored batch (closing the one before); false when there is none. */
  const open = async (): Promise<boolean> => {
    close();
    if (!batches.length) {
      if (nextBatch > (last?.id ?? 0)) return false;
      batches = await batchesFrom(x, nextBatch, PAGE);
      nextBatch += PAGE;
      if (!batches.length) return open();
    }
    const b = batches.shift()!;
    const broken = b.id !== expectedId || b.prev_hash !== prev;
    expectedId = b.id + 1;
    const size = b.last_seq - b.first_seq + 1;
    current = {
      b,
      hash: batchHasher(
        b.prev_hash,
        [b.id, b.first_seq, b.last_seq, b.at, b.actor, b.request_id, b.source],
        b.id >= keyedFrom ? opts.key : null,
      ),
      // A header claiming an absurd range is wrong already (and its hash fails): no marks for it.
      marks: size > 0 && size <= MAX_BATCH_EVENTS ? new Uint8Array(size) : null,
      duplicated: false,
      visible: false,
      broken,
    };
    return true;
  };
  /** Marks and counts a segment's events, and keeps what each says of its cell. */
  const read = (o: OpenBatch, nodeId: number | null, text: string) => {
    const events = JSON.parse(text) as StoredEvent[];
    const scoped = inScope(nodeId);
    const first = o.b.first_seq;
    for (const e of events) {
      if (scoped) counted++;
      if (o.marks) {
        const i = e[0] - first;
        if (!(i >= 0 && i < o.marks.length) || o.marks[i]) o.duplicated = true;
        else o.marks[i] = 1;
      }
      if (nodeId !== null && e[1] === 'cell.changed' && e[2] !== null) {
        const after = e[4] as [unknown, number] | { value: unknown; version: number };
        if (Array.isArray(after)) replayed.record(nodeId, e[2], e[0], after[0], after[1]);
        else replayed.record(nodeId, e[2], e[0], after.value, after.version);
      }
    }
  };
  // Each page is asked for before the one before it is read: on a read worker, the next page's
  // SQL runs while this thread hashes and parses.
  let next: Promise<StoredSegment[]> | null = ahead(segmentsAfter(x, 0, -1, PAGE));
  while (next) {
    const page: StoredSegment[] = await next;
    const end = page.at(-1);
    next =
      page.length === PAGE && end ? ahead(segmentsAfter(x, end.batch_id, end.ord, PAGE)) : null;
    for (const seg of page) {
      while ((current?.b.id ?? -1) < seg.batch_id) if (!(await open())) break;
      // A segment of no stored batch is counted below (orphans); its events count for nothing.
      if (current?.b.id !== seg.batch_id) continue;
      current.hash.add({ ord: seg.ord, nodeId: seg.node_id, lastSeq: seg.last_seq }, seg.events);
      current.visible ||= inScope(seg.node_id);
      read(current, seg.node_id, seg.events);
    }
  }
  while (await open());
  close();
  if (opts.checkpoint && !checkpointFound)
    problem({
      type: 'checkpoint',
      message: `The trail no longer contains the checkpoint's head (event ${opts.checkpoint.seq}): the events since were deleted or rewritten.`,
    });
  const orphans = await orphanSegments(x);
  if (orphans)
    problem({
      type: 'events',
      message: `${orphans} stored segments of events belong to no batch.`,
    });
  for (const o of closed)
    problem({
      type: 'events',
      message: `Events of this batch${outside(o)} are missing or duplicated.`,
      ...shown(o),
    });
  await holdRecordToTrail(x, nodes, replayed, opts.orgIds, problem);
  return {
    ok: problems.length === 0,
    events: counted,
    head: last?.id ? prev : null,
    problems,
  };
}

/**
 * A read asked for ahead of its use: should the pass fail before awaiting it, its failure must
 * not go unhandled (which would stop the process); awaited, it still throws.
 */
function ahead<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/** The kind and period a subject ("forecast 2027-03") names. */
const placeOf = (subject: string) => {
  const [kind = '', period = ''] = subject.split(' ');
  return { kind, period };
};

/** What the keying record's MAC covers. */
export const keyingStatement = (fromBatch: number, at: string, id: string) =>
  `gatecell:keying:${fromBatch}:${at}:${id}`;

/**
 * The stored cells (of the organizations, or all), range of measures by range, against the last
 * event of each; then the cells events wrote that are not stored.
 */
async function holdRecordToTrail(
  x: Exec,
  nodes: readonly { id: number; org_id: number; code: string }[],
  replayed: ReplayedCells,
  orgIds: ReadonlySet<number> | undefined,
  problem: (p: Problem) => void,
) {
  const codes = new Map(nodes.map((n) => [n.id, n.code]));
  const orgOf = new Map(nodes.map((n) => [n.id, n.org_id]));
  const digitsOf = new Map(
    [...(await everyOrgSettings(x))].map(([orgId, s]) => [orgId, minorDigits(s.currency)]),
  );
  const code = (m: number) => codes.get(m) ?? String(m);
  const digitsOfMeasure = (m: number) => digitsOf.get(orgOf.get(m) ?? -1) ?? 2;
  const agrees = (last: LastEvent | undefined, m: number, v: number | null, n: number) =>
    last !== undefined &&
    last.version === n &&
    (last.value === null ? null : toMinor(last.value, digitsOfMeasure(m))) === v;
  // Names and texts only for a problem: a million cells would build a million strings for nothing.
  const disagree = (m: number, subject: string, v: number | null, n: number, last?: LastEvent) => {
    const digits = digitsOfMeasure(m);
    problem({
      type: 'replay',
      message: last
        ? `${code(m)} ${subject} holds ${v === null ? 'nothing' : minorText(v, digits)} at version ${n}; its audit events lead to ${String(last.value)} at version ${last.version}.`
        : `${code(m)} ${subject} holds ${v} (version ${n}) but no audit event ever wrote it.`,
      measure: code(m),
      ...placeOf(subject),
    });
  };
  const inScope = (m: number) => !orgIds || orgIds.has(orgOf.get(m) ?? -1);

  // Ranges of measure ids that together cover every id, RECORD_RANGE measures' worth each.
  const ids = nodes.map((n) => n.id).sort((a, b) => a - b);
  const bounds = [Number.MIN_SAFE_INTEGER];
  for (let i = RECORD_RANGE; i < ids.length; i += RECORD_RANGE) bounds.push(ids[i]!);
  bounds.push(Number.MAX_SAFE_INTEGER);
  const range = (r: number) => cellsOfRange(x, bounds[r]!, bounds[r + 1]!);
  let next = ahead(range(0));
  for (let r = 0; r + 1 < bounds.length; r++) {
    const cells = await next;
    // The next range's SQL runs (on a read worker) while this one is held to the trail.
    if (r + 2 < bounds.length) next = ahead(range(r + 1));
    for (let i = 0; i < cells.length; i += 4) {
      const m = cells[i] as number;
      const subject = cells[i + 1] as string;
      const [v, n] = [cells[i + 2] as number | null, cells[i + 3] as number];
      if (!inScope(m)) continue;
      const last = replayed.take(m, subject);
      if (!agrees(last, m, v, n)) disagree(m, subject, v, n, last);
    }
  }
  for (const [m, subject] of replayed.untaken())
    if (inScope(m))
      problem({
        type: 'replay',
        message: `${code(m)} ${subject} was written by audit events but is not in the record.`,
        measure: code(m),
        ...placeOf(subject),
      });
}
