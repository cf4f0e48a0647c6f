// Reads run on their own connections in worker threads (server/db/reader.ts): a long read never
// holds up the writes of this process, and a read sees every write committed before it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
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
  it("a write's log is copied into the database file off the write, shortly after it commits", async () => {
    await db.write(async (tx) => {
      await tx.execute('CREATE TABLE logged (x INTEGER)');
      await tx.execute(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) INSERT INTO logged (x) SELECT x FROM c',
      );
    });
    // The database file alone, without its log, as a copy: it holds the write once checkpointed.
    const inFile = async () => {
      const copy = join(dir, `copy-${Date.now()}.db`);
      copyFileSync(join(dir, 'reads.db'), copy);
      const alone = createClient({ url: `file:${copy}`, intMode: 'number' });
      try {
        return (await alone.execute('SELECT COUNT(*) AS n FROM logged')).rows[0]!.n;
      } catch {
        return 'not yet'; // the file does not hold the table yet
      } finally {
        alone.close();
      }
    };
    for (let i = 0; i < 100 && (await inFile()) !== 5000; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await inFile()).toBe(5000);
  });

  it('a process that wrote and read through the workers ends by itself', () => {
    const script = `
      const { Db } = await import(${JSON.stringify(new URL('../../server/db/db.ts', import.meta.url).href)});
      const db = new Db({ url: ${JSON.stringify(`file:${join(dir, 'ends.db')}`)} });
      await db.write((tx) => tx.execute('CREATE TABLE e (x INTEGER)'));
      await db.read.execute('SELECT COUNT(*) FROM e');
      console.log('done');`;
    // A script file, not -e: workers inherit the flags a module given by -e needs.
    const file = join(dir, 'ends.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('done');
    expect(run.status).toBe(0);
  });
  it('closing lets the reads already sent finish; the workers end after them', async () => {
    const other = new Db({ url: `file:${join(dir, 'reads.db')}` });
    const read = other.read.execute(LONG_READ);
    other.close();
    expect((await read).rows[0]!.n).toBe(4000000);
  });
});
