// The database handle the whole service shares. Stateless across instances: everything lives in
// libSQL; the only thing held in memory is a queue that orders this process's own writes.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createClient,
  type Client,
  type InArgs,
  type InStatement,
  type Transaction,
} from '@libsql/client';
import { ApiError } from '../http/errors.js';
import { ReadPool, readsOffThread } from './reader.js';

export type Row = Record<string, unknown>;
/** Anything that runs a statement: the client, or an open transaction. */
export type Exec = Pick<Client, 'execute'>;

export interface DbConfig {
  url: string;
  authToken?: string | undefined;
  /** How long one attempt at a write waits for the lock (SQLite's busy timeout). */
  busyTimeoutMs?: number;
  /** How long a write keeps trying, attempt after attempt, before it answers 503. */
  busyWaitMs?: number;
  /**
   * The audit key (api-v1.md, "Audit that holds against an insider"): the service passes
   * GATECELL_AUDIT_KEY or its audit.key file. Without one (tests, tools) a fixed development key
   * is used, which protects nothing.
   */
  auditKey?: string | undefined;
  /** Read workers for a local file (default 1); see `read`. */
  readers?: number;
}

export const DEVELOPMENT_AUDIT_KEY = 'gatecell-development-audit-key-not-a-secret';

const BUSY_TIMEOUT_MS = 5000;
/** How soon after a write its log is checkpointed (writes meanwhile are taken in the same one). */
const CHECKPOINT_DELAY_MS = 20;
const BUSY_WAIT_MS = 30_000;

const isBusy = (e: unknown) =>
  /SQLITE_BUSY|database is locked/i.test(String((e as { code?: string })?.code ?? '') + String(e));

export class Db {
  #client: Client;
  #reader: ReadPool | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The checkpoint scheduled or running (see #checkpointSoon). */
  #checkpoint: NodeJS.Timeout | undefined;
  #closed = false;

  /** The key the audit chain is hashed with (never stored in the database). */
  readonly auditKey: Buffer;

  constructor(readonly config: DbConfig) {
    this.#client = Db.#open(config);
    this.auditKey = Buffer.from(config.auditKey ?? DEVELOPMENT_AUDIT_KEY, 'utf8');
  }

  static #open(config: DbConfig): Client {
    // `timeout` reaches every pooled connection (a PRAGMA would reach one): writers wait for the
    // lock instead of failing, and a failed one never leaves a hidden transaction behind.
    return createClient({
      url: config.url,
      authToken: config.authToken,
      timeout: config.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
      intMode: 'number',
    });
  }

  get client() {
    return this.#client;
  }

  /**
   * Where long reads go (pulls, audits, reports): for a local file, read workers with their own
   * connections (server/db/reader.ts), so that a read never holds this thread's writes up; for a
   * remote database, the client itself (its calls do not block the thread).
   */
  get read(): Exec {
    if (!readsOffThread(this.config.url)) return this.#client;
    return (this.#reader ??= new ReadPool(
      this.config.url,
      this.config.authToken,
      this.config.readers ?? 1,
    ));
  }

  /**
   * Runs `fn` in one write transaction. Writes from this process go one at a time: the embedded
   * engine is synchronous, so two interleaved write transactions on one thread would wait on
   * each other's lock. Other processes are ordered by SQLite's own lock (busy timeout).
   */
  write<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#transact(fn));
    this.#queue = run.catch(() => undefined);
    void run.then(
      () => this.#checkpointSoon(),
      () => undefined,
    );
    return run;
  }

  /**
   * A local file's write-ahead log is copied back into the database by a read worker, on its own
   * thread, shortly after writes commit, instead of by the write that crosses SQLite's threshold,
   * inside its COMMIT: for a 96,000-cell push that copy (about 17 MB, and an fsync of the
   * database) was two thirds of its commit. A commit is durable once its log is synced, as before;
   * the checkpoint is PASSIVE, so it waits on no reader or writer, and one runs at a time. Should
   * none run (the process ends first), the log is kept and checkpointed on the next open.
   */
  #checkpointSoon() {
    if (this.#checkpoint || this.#closed || !readsOffThread(this.config.url)) return;
    this.#checkpoint = setTimeout(() => {
      this.read
        .execute('PRAGMA wal_checkpoint(PASSIVE)')
        .catch(() => undefined) // a busy reader: the next write asks again
        .finally(() => (this.#checkpoint = undefined));
    }, CHECKPOINT_DELAY_MS).unref();
  }

  /**
   * SQLite's lock is not fair: another process that writes back to back can take it again each
   * time before a waiter's next look, for longer than one busy timeout. A write that meets
   * SQLITE_BUSY is therefore tried again, whole, until `busyWaitMs` has passed: nothing of the
   * failed attempt was kept, and it runs on a fresh client, since a connection that hit
   * SQLITE_BUSY can silently lose later writes.
   */
  async #transact<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const giveUp = Date.now() + (this.config.busyWaitMs ?? BUSY_WAIT_MS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(fn);
      } catch (e) {
        if (!isBusy(e)) throw e;
        this.#reopen();
        if (Date.now() >= giveUp)
          throw new ApiError(503, 'BUSY', 'The database is busy; nothing was written. Try again.');
        // A short, jittered pause: waiters in several processes should not wake in step.
        await sleep(Math.min(200, 10 * attempt) * (0.5 + Math.random()));
      }
    }
  }

  async #attempt<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    let tx: Transaction | undefined;
    try {
      tx = await this.#client.transaction('write');
      // Per connection, so it reaches each one the pool gives a write (see #checkpointSoon).
      if (readsOffThread(this.config.url)) await tx.execute('PRAGMA wal_autocheckpoint = 0');
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (e) {
      if (tx && !tx.closed) await tx.rollback().catch(() => undefined);
      throw e;
    } finally {
      tx?.close();
    }
  }

  #reopen() {
    const old = this.#client;
    this.#client = Db.#open(this.config);
    // Closed a moment later rather than at once: a read elsewhere in this process may have just
    // borrowed one of its connections (writes now retry, so this happens under contention).
    setTimeout(() => old.close(), 1000).unref();
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#checkpoint);
    this.#reader?.close();
    this.#client.close();
  }
}

export async function rows<T = Row>(x: Exec, sql: string, args: InArgs = []): Promise<T[]> {
  return (await x.execute({ sql, args })).rows as unknown as T[];
}

/**
 * Large reads: SQLite folds the rows into one JSON array, so the driver converts one value
 * instead of building an object per row (the cost that dominates reading 100,000 cells).
 * `sql` selects one column `j` made with json_object(…); its order is kept.
 */
export async function jsonRows<T>(x: Exec, sql: string, args: InArgs = []): Promise<T[]> {
  const r = await x.execute({
    sql: `SELECT json_group_array(json(j)) AS list FROM (${sql})`,
    args,
  });
  return JSON.parse(String(r.rows[0]?.list ?? '[]')) as T[];
}

/**
 * A large answer SQLite writes in parts (a pull's JSON, a page of measures at a time): each
 * statement's first value, as UTF-8 bytes, all statements reading one state of the record (one
 * read transaction). Values are read as BLOBs, so the driver makes no string of them, and from a
 * read worker the bytes are moved to this thread, not copied; the service sends them as they are.
 */
export async function* textsOf(x: Exec, statements: readonly InStatement[]) {
  const blobs = statements.map((s) =>
    typeof s === 'string'
      ? `SELECT CAST((${s}) AS BLOB)`
      : { sql: `SELECT CAST((${s.sql}) AS BLOB)`, args: s.args ?? [] },
  );
  if (x instanceof ReadPool) return yield* x.texts(blobs);
  const bytesOf = (value: unknown) =>
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : new TextEncoder().encode(String(value ?? ''));
  // A client opens its read transaction; a transaction already is one.
  const tx = 'transaction' in x ? await (x as Client).transaction('read') : undefined;
  try {
    for (const s of blobs) yield bytesOf((await (tx ?? x).execute(s)).rows[0]?.[0]);
  } finally {
    tx?.close();
  }
}

export async function one<T = Row>(
  x: Exec,
  sql: string,
  args: InArgs = [],
): Promise<T | undefined> {
  return (await rows<T>(x, sql, args))[0];
}
