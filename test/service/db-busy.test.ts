// A write that finds the database locked by another writer waits for it, attempt after attempt,
// and answers 503 only once its whole wait has passed, having written nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Db } from '../../server/db/db.js';

/** A database file of its own for one test, and another connection that can hold its write lock. */
async function lockedFile() {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-busy-'));
  const url = `file:${join(dir, 'busy.db')}`;
  const setup = createClient({ url });
  await setup.execute('PRAGMA journal_mode = WAL');
  await setup.execute('CREATE TABLE t (who TEXT)');
  setup.close();
  // Another connection (as another process would) holds the write lock for `ms`.
  const holdLock = async (ms: number) => {
    const other = createClient({ url });
    const tx = await other.transaction('write');
    await tx.execute("INSERT INTO t VALUES ('other')");
    return new Promise<void>((resolve) =>
      setTimeout(async () => {
        await tx.commit();
        other.close();
        resolve();
      }, ms),
    );
  };
  const names = async (db: Db) =>
    (await db.client.execute('SELECT who FROM t ORDER BY rowid')).rows.map((r) => r.who);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return { url, holdLock, names };
}

describe('writes under another writer’s lock', () => {
  it('waits past several busy timeouts and then applies', async () => {
    const { url, holdLock, names } = await lockedFile();
    const db = new Db({ url, busyTimeoutMs: 50, busyWaitMs: 5000 });
    const released = holdLock(400);
    const started = Date.now();
    await db.write((tx) => tx.execute("INSERT INTO t VALUES ('mine')"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await released;
    expect(await names(db)).toEqual(['other', 'mine']);
    db.close();
  });

  it('gives up with 503 BUSY once its wait has passed, writes nothing, and the next write works', async () => {
    const { url, holdLock, names } = await lockedFile();
    const db = new Db({ url, busyTimeoutMs: 50, busyWaitMs: 200 });
    const released = holdLock(1000);
    await expect(
      db.write((tx) => tx.execute("INSERT INTO t VALUES ('lost')")),
    ).rejects.toMatchObject({ status: 503, code: 'BUSY' });
    await released;
    await db.write((tx) => tx.execute("INSERT INTO t VALUES ('after')"));
    expect(await names(db)).toEqual(['other', 'after']);
    db.close();
  });
});
