// One write = one transaction that raises the service's revision at most once and appends the
// audit events of everything it changed.
import type { Context } from 'hono';
import type { Transaction } from '@libsql/client';
import { raiseRevision } from '../db/revision.js';
import {
  type AuditEvent,
  type AuditHead,
  appendAudit,
  AuditBuffer,
  auditHead,
} from '../features/audit/trail.js';
import { keepDerived } from '../features/reporting/keep.js';
import { enqueueNotifications, type Notable } from '../features/notifications/outbox.js';
import { notificationOf } from '../../shared/domain/notifications.js';
import type { MeasureRow } from '../features/measures/store.js';
import type { AppEnv, Deps } from './env.js';

/** A measure's cells by key, each with its stored value (the push engine's record of them). */
export type KnownCells = ReadonlyMap<number, { readonly value: number | null }>;

export class Write {
  /** The events of this write, appended to the trail when the write ends (see AuditBuffer). */
  readonly trail: AuditBuffer;
  /** Where the whole write came from (workbook, sheet, binding); events may add a cell. */
  source: unknown = null;
  /**
   * A measure's cells (cell key → stored value) as this write leaves them, when the write holds
   * them all already (a push read them); undefined when it does not. The totals kept at its end
   * are made from them instead of reading the cells again.
   */
  cellsKnown: ((measureId: number) => KnownCells | undefined) | undefined;
  /**
   * The rows of the measures a push read whole, by id, as the write leaves them: the push engine
   * changes their cells and revision (kept here too, markChanged) and nothing else of the row,
   * and its writes do nothing after it. The totals kept at the end judge them without reading
   * them again.
   */
  measuresKnown: Map<number, MeasureRow> | undefined;
  #revision: number | null = null;
  readonly #last: (() => Promise<unknown>)[] = [];
  /** The events written through audit() that someone is told of (notificationOf), with their kind. */
  readonly #notable: Notable[] = [];

  constructor(
    readonly tx: Transaction,
    readonly actorId: string,
    readonly now: Date,
    readonly head: AuditHead,
  ) {
    this.trail = new AuditBuffer(head.lastSeq + 1);
  }

  get at() {
    return this.now.toISOString();
  }

  /** Who grants what this write grants, and when (kept on the grant). */
  get grantor() {
    return { actorId: this.actorId, at: this.at };
  }

  /** The revision of this write: raised once, on first use. */
  async revision(): Promise<number> {
    if (this.#revision === null) {
      this.#revision = await raiseRevision(this.tx);
    }
    return this.#revision;
  }

  audit(event: AuditEvent) {
    this.trail.add(event);
    const kind = notificationOf(event);
    if (kind) this.#notable.push({ event, kind });
  }

  /**
   * A step that runs last in the transaction, after the audit events are appended: for a write
   * that has work off the main thread (compression) to await while the audit is written.
   */
  last(step: () => Promise<unknown>) {
    this.#last.push(step);
  }

  /**
   * Ends the write inside its transaction: the audit events, then the last steps. The request's
   * id is the service's own; the id a client sent, if any, goes with the batch's source (hashed
   * with it), kept apart.
   */
  async finish(request: RequestIds | null) {
    // Webhook deliveries of what this write did, in its transaction (an outbox).
    await enqueueNotifications(this, this.#notable);
    const source =
      request?.clientId != null
        ? { ...(this.source as object | null), clientRequestId: request.clientId }
        : this.source;
    await appendAudit(
      this.tx,
      { at: this.at, actor: this.actorId, requestId: request?.id ?? null, source },
      this.trail,
      this.head,
    );
    for (const step of this.#last) await step();
  }

  /** Whether anything was changed (and so audited) so far. */
  get changed() {
    return this.trail.size > 0;
  }
}

/** The request a write answers: the service's id for it, and the client's own, if it sent one. */
export interface RequestIds {
  id: string;
  clientId: string | null;
}

export function write<T>(deps: Deps, c: Context<AppEnv>, fn: (w: Write) => Promise<T>): Promise<T> {
  return writeAs(
    deps,
    c.get('actor').userId,
    { id: c.get('requestId'), clientId: c.get('clientRequestId') ?? null },
    fn,
  );
}

export function writeAs<T>(
  deps: Deps,
  actorId: string,
  request: RequestIds | null,
  fn: (w: Write) => Promise<T>,
): Promise<T> {
  return deps.db.write(async (tx) => {
    const w = new Write(tx, actorId, deps.now(), await auditHead(tx, deps.db.auditKey));
    const result = await fn(w);
    // What the write changed, reports read kept: in the same transaction, before the audit.
    await keepDerived(w);
    await w.finish(request);
    return result;
  });
}
