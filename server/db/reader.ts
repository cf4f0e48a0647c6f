// Reads on their own connections, off the service's thread. The embedded engine runs each
// statement synchronously on the thread that calls it, so a long read there (a pull of 240,000
// cells, an audit of a million events) would hold every write queued behind it. Here each reader
// is a worker thread with its own connection to the same file; in WAL mode it reads the last
// commit while the service's thread writes. Nothing is kept but the workers themselves.
import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet } from '@libsql/client';
import type { Exec } from './db.js';

// Plain JavaScript, evaluated as the worker's script, so it runs the same from the sources
// (tests) and from the bundle (npm start). Rows go back as plain objects keyed by column; texts
// (the first value of each of several statements, run in one read transaction so that they read
// one state of the record) go back one by one as UTF-8 bytes, moved rather than copied.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const bytesOf = (value) => value instanceof ArrayBuffer ? new Uint8Array(value) : new TextEncoder().encode(String(value ?? ''));
import(workerData.libsql).then(({ createClient }) => {
  const client = createClient({ url: workerData.url, authToken: workerData.authToken, intMode: 'number' });
  parentPort.on('message', async ({ id, sql, args, texts, close }) => {
    if (close) {
      // After everything sent before (messages are handled in order): the thread then ends.
      client.close();
      parentPort.close();
      return;
    }
    try {
      if (texts) {
        const tx = await client.transaction('read');
        try {
          for (let i = 0; i < texts.length; i++) {
            const bytes = bytesOf((await tx.execute(texts[i])).rows[0]?.[0]);
            parentPort.postMessage({ id, bytes, done: i === texts.length - 1 }, [bytes.buffer]);
          }
        } finally {
          tx.close();
        }
        return;
      }
      const rs = await client.execute({ sql, args });
      const rows = rs.rows.map((r) => {
        const o = {};
        for (let i = 0; i < rs.columns.length; i++) o[rs.columns[i]] = r[i];
        return o;
      });
      parentPort.postMessage({ id, rows, columns: rs.columns });
    } catch (e) {
      parentPort.postMessage({ id, error: { message: String(e && e.message || e), code: e && e.code } });
    }
  });
});
`;

interface Pending {
  /** A statement's rows; or, for texts, each text as it comes (the last with `done`). */
  next: (r: ResultSet | Uint8Array, done: boolean) => void;
  reject: (e: Error) => void;
}

class ReadWorker {
  readonly worker: Worker;
  readonly waiting = new Map<number, Pending>();
  #next = 0;

  constructor(url: string, authToken: string | undefined) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { url, authToken, libsql: import.meta.resolve('@libsql/client') },
    });
    this.worker.on(
      'message',
      (m: {
        id: number;
        rows?: unknown[];
        columns?: string[];
        bytes?: Uint8Array;
        done?: boolean;
        error?: { message: string; code?: string };
      }) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        if (m.error || !m.bytes || m.done) this.#settled(m.id);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else if (m.bytes) p.next(m.bytes, m.done === true);
        else
          p.next(
            {
              rows: m.rows,
              columns: m.columns,
              columnTypes: [],
              rowsAffected: 0,
              lastInsertRowid: undefined,
              toJSON: () => ({}),
            } as unknown as ResultSet,
            true,
          );
      },
    );
    // A worker that dies fails what it was reading (never silently), and is replaced by the pool.
    this.worker.on('error', (e) => this.#failAll(e));
    this.worker.on('exit', () => this.#failAll(new Error('The read worker stopped.')));
    // Held only while a read waits on it (after the listeners: adding a 'message' listener refs
    // the worker again, and a process that had read through it then never ended by itself).
    this.worker.unref();
  }

  /** A read is waited on: the worker keeps the process alive until it answers. */
  #waitOn(id: number, pending: Pending) {
    if (!this.waiting.size) this.worker.ref();
    this.waiting.set(id, pending);
  }

  #settled(id: number) {
    this.waiting.delete(id);
    if (!this.waiting.size) this.worker.unref();
  }

  #failAll(e: Error) {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
    this.worker.unref();
  }

  execute(sql: string, args: unknown): Promise<ResultSet> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waitOn(id, { next: (r) => resolve(r as ResultSet), reject });
      this.worker.postMessage({ id, sql, args });
    });
  }

  /** Each statement's text as it is read, all in one read transaction. */
  async *texts(statements: readonly InStatement[]): AsyncGenerator<Uint8Array> {
    if (!statements.length) return;
    const id = this.#next++;
    const come: Uint8Array[] = [];
    let finished = false;
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    this.#waitOn(id, {
      next: (bytes, done) => {
        come.push(bytes as Uint8Array);
        finished = done;
        wake?.();
      },
      reject: (e) => {
        failed = e;
        wake?.();
      },
    });
    this.worker.postMessage({ id, texts: statements });
    for (;;) {
      if (come.length) yield come.shift()!;
      else if (failed) throw failed;
      else if (finished) return;
      else await new Promise<void>((r) => (wake = r));
    }
  }
}

/** An Exec whose statements run on the least busy of `size` read workers. */
export class ReadPool implements Exec {
  readonly #workers: ReadWorker[];

  constructor(
    readonly url: string,
    readonly authToken: string | undefined,
    size: number,
  ) {
    this.#workers = Array.from({ length: size }, () => new ReadWorker(url, authToken));
  }

  execute(stmt: InStatement | string, args?: unknown): Promise<ResultSet> {
    const [sql, values] =
      typeof stmt === 'string' ? [stmt, args ?? []] : [stmt.sql, stmt.args ?? []];
    return this.#leastBusy().execute(sql, values);
  }

  /** Each statement's first value as UTF-8 bytes, in one read transaction (see `textsOf`). */
  texts(statements: readonly InStatement[]): AsyncGenerator<Uint8Array> {
    return this.#leastBusy().texts(statements);
  }

  #leastBusy(): ReadWorker {
    let best = 0;
    for (let i = 1; i < this.#workers.length; i++)
      if (this.#workers[i]!.waiting.size < this.#workers[best]!.waiting.size) best = i;
    let w = this.#workers[best]!;
    if (w.worker.threadId < 0) w = this.#workers[best] = new ReadWorker(this.url, this.authToken);
    return w;
  }

  /**
   * Each worker ends once it has answered what it was sent: a read already sent is answered, and
   * no thread is torn down inside an engine call (one bench run aborted in libSQL, a panic on a
   * pending exception, right after closing a pool whose checkpoint was running).
   */
  close() {
    for (const w of this.#workers) w.worker.postMessage({ close: true });
  }
}

/** Reads of a local file go to workers; in-memory and remote databases are read by the client. */
export const readsOffThread = (url: string) => url.startsWith('file:') && !url.includes(':memory:');
