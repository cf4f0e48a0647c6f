// The failed-authentication counts behind throttling, as a hono-rate-limiter `Store` in the
// database (table auth_failures): a second instance of the service sees the same counts. Only a
// failure writes, and only while it still changes something: a client already past the limit is
// answered from a read, so a flood of bad tokens cannot make the record's write queue its own.
import type { ClientRateLimitInfo, Store } from 'hono-rate-limiter';
import { type Db, rows } from './db.js';

interface Window {
  failures: number;
  window_ends: number;
}

export class AuthFailureStore implements Store {
  readonly localKeys = false;

  constructor(
    private readonly db: Db,
    /** The service's clock (tests move it); windows are measured on it. */
    private readonly now: () => Date,
    /** The limiter's own settings, given to both. */
    private readonly windowMs: number,
    private readonly limit: number,
  ) {}

  /** A client's failures in its current window, if it has one. */
  async get(client: string): Promise<ClientRateLimitInfo | undefined> {
    const at = this.now().getTime();
    const [w] = await rows<Window>(
      this.db.client,
      'SELECT failures, window_ends FROM auth_failures WHERE client = ? AND window_ends > ?',
      [client, at],
    );
    return w && this.#info(w, at);
  }

  /** Whether a client has used up its failures: all its requests are refused until the window ends. */
  async blocked(client: string): Promise<boolean> {
    return ((await this.get(client))?.totalHits ?? 0) >= this.limit;
  }

  /**
   * Counts one failure: a new window when there is none or it ended. Past the limit nothing is
   * written, and no write is even begun: the count stays one above it, which is all the limiter
   * asks, and a flood of bad tokens costs reads only.
   */
  async increment(client: string): Promise<ClientRateLimitInfo> {
    // Already past the limit: nothing to count, and nothing taken from the write queue.
    const known = await this.get(client);
    if (known && known.totalHits > this.limit) return known;
    const at = this.now().getTime();
    const [w] = await this.db.write((tx) =>
      rows<Window>(
        tx,
        `INSERT INTO auth_failures (client, window_ends, failures) VALUES (?1, ?2 + ?3, 1)
         ON CONFLICT (client) DO UPDATE SET
           failures = CASE WHEN window_ends <= ?2 THEN 1 ELSE failures + 1 END,
           window_ends = CASE WHEN window_ends <= ?2 THEN ?2 + ?3 ELSE window_ends END
         WHERE window_ends <= ?2 OR failures <= ?4
         RETURNING failures, window_ends`,
        [client, at, this.windowMs, this.limit],
      ),
    );
    return w ? this.#info(w, at) : ((await this.get(client)) ?? { totalHits: this.limit + 1 });
  }

  async decrement(client: string) {
    await this.db.write((tx) =>
      tx.execute({
        sql: 'UPDATE auth_failures SET failures = MAX(failures - 1, 0) WHERE client = ?',
        args: [client],
      }),
    );
  }

  async resetKey(client: string) {
    await this.db.write((tx) =>
      tx.execute({ sql: 'DELETE FROM auth_failures WHERE client = ?', args: [client] }),
    );
  }

  /** The limiter states the reset as seconds from the wall clock: measured here on ours. */
  #info(w: Window, at: number): ClientRateLimitInfo {
    return { totalHits: w.failures, resetTime: new Date(Date.now() + (w.window_ends - at)) };
  }
}

/** Forgets the windows that ended (the sweep). */
export async function forgetEndedWindows(db: Db, now: Date) {
  await db.write((tx) =>
    tx.execute({ sql: 'DELETE FROM auth_failures WHERE window_ends <= ?', args: [now.getTime()] }),
  );
}
