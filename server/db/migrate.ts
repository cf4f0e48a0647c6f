// Numbered SQL migrations, committed, applied once and in order, recorded in `migrations`.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies what is not applied yet, in order; `through` stops after that file (to test one migration). */
export async function migrate(db: Db, through?: string): Promise<string[]> {
  if (db.config.url.startsWith('file:')) {
    // WAL lets readers go on while one writer commits; persistent in the file.
    await db.client.execute('PRAGMA journal_mode = WAL');
  }
  await db.client.execute('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const files = (await readdir(DIR)).filter((f) => /^\d+_.+\.sql$/.test(f) && (through === undefined || f <= through)).sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(DIR + name, 'utf8');
    const done = await db.write(async (tx) => {
      const seen = await tx.execute({ sql: 'SELECT 1 FROM migrations WHERE name = ?', args: [name] });
      if (seen.rows.length) return false;
      await tx.executeMultiple(sql);
      await tx.execute({ sql: 'INSERT INTO migrations (name, applied_at) VALUES (?, ?)', args: [name, new Date().toISOString()] });
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
