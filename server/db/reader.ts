// Reads on their own connections, off the service's thread. The embedded engine runs each
// statement synchronously on the thread that calls it, so a long read there (a pull of 240,000
// cells, an audit of a million events) would hold every write queued behind it. Here each reader
// is a worker thread with its own connection to the same file; in WAL mode it reads the last
// commit while the service's thread writes. Nothing is kept but the workers themselves.
import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet } from '@libsql/client';
import type { Exec } from './db.js';

// Plain JavaScript, evaluated as the worker's script, so it runs the same from the sources
// (tests) and from the bundle (npm start). Rows go back as plain objects keyed by column.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.libsql).then(({ createClient }) => {
  const client = createClient({ url: workerData.url, authToken: workerData.authToken, intMode: 'number' });
  parentPort.on('message', async ({ id, sql, args }) => {
    try {
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
  resolve: (r: ResultSet) => void;
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
    this.worker.unref();
    this.worker.on(
      'message',
      (m: {
        id: number;
        rows?: unknown[];
        columns?: string[];
        error?: { message: string; code?: string };
      }) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        this.waiting.delete(m.id);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else
          p.resolve({
            rows: m.rows,
            columns: m.columns,
            columnTypes: [],
            rowsAffected: 0,
            lastInsertRowid: undefined,
            toJSON: () => ({}),
          } as unknown as ResultSet);
      },
    );
    // A worker that dies fails what it was reading (never silently), and is replaced by the pool.
    this.worker.on('error', (e) => this.#failAll(e));
    this.worker.on('exit', () => this.#failAll(new Error('The read worker stopped.')));
  }

  #failAll(e: Error) {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  execute(sql: string, args: unknown): Promise<ResultSet> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, args });
    });
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
    let best = 0;
    for (let i = 1; i < this.#workers.length; i++)
      if (this.#workers[i]!.waiting.size < this.#workers[best]!.waiting.size) best = i;
    let w = this.#workers[best]!;
    if (w.worker.threadId < 0) w = this.#workers[best] = new ReadWorker(this.url, this.authToken);
    return w.execute(sql, values);
  }

  close() {
    for (const w of this.#workers) void w.worker.terminate();
  }
}

/** Reads of a local file go to workers; in-memory and remote databases are read by the client. */
export const readsOffThread = (url: string) => url.startsWith('file:') && !url.includes(':memory:');
