// Reads run on their own connections in worker threads (server/db/reader.ts): a long read never
// holds up the writes of this process, and a read sees every write committed before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../server/db/db.js';
import { migrate } from '../../server/db/migrate.js';

describe('reads off the service thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatecell-reads-'));
  const db = new Db({ url: `file:${join(dir, 'reads.db')}` });
  await migrate(db);
  await db.client.execute('CREATE TABLE t (x INTEGER)');
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Several hundred milliseconds of work for SQLite, whatever the machine.
  const LONG_READ = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000)
    SELECT COUNT(*) AS n FROM c`;

  it('writes and timers go on while a long read runs', async () => {
    const order: string[] = [];
    const read = db.read.execute(LONG_READ).then((r) => {
      order.push('read');
      return r.rows[0]!.n;
    });
    // Both finish while the read is still running: this thread was never blocked by it.
    await new Promise((r) => setTimeout(r, 5)).then(() => order.push('timer'));
    await db
      .write((tx) => tx.execute('INSERT INTO t (x) VALUES (1)'))
      .then(() => order.push('write'));
    expect(await read).toBe(4000000);
    expect(order).toEqual(['timer', 'write', 'read']);
  });

  it('a read sees what was committed before it, as plain rows', async () => {
    await db.write((tx) => tx.execute('INSERT INTO t (x) VALUES (41), (42)'));
    const r = await db.read.execute({ sql: 'SELECT x FROM t WHERE x > ? ORDER BY x', args: [40] });
    expect(r.rows).toEqual([{ x: 41 }, { x: 42 }]);
    expect(r.columns).toEqual(['x']);
  });

  it("a failing read fails with the engine's message and code", async () => {
    await expect(db.read.execute('SELECT * FROM no_such_table')).rejects.toMatchObject({
      message: expect.stringMatching(/no such table/),
      code: 'SQLITE_ERROR',
    });
  });
});
