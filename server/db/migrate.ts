// Numbered SQL migrations, committed, applied once and in order, recorded in `migrations`.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '@libsql/client';
import { Write } from '../http/write.js';
import { auditHead } from '../features/audit/trail.js';
import type { Db } from './db.js';
import { repairText } from './steps/repair-text.js';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Work a migration does in code, after its SQL and in its transaction: what SQL alone cannot do.
 * What a step changes in the record it audits through `w`, as the service actor 'system'.
 */
const STEPS: Record<string, (tx: Transaction, w: Write) => Promise<void>> = {
  '003_repair_text.sql': async (tx, w) => {
    for (const r of await repairText(tx))
      w.audit({ action: 'text.repaired', nodeId: null, subject: `${r.table}.${r.column}`, after: { rowid: r.rowid, reason: 'not well-formed UTF-8' } });
  },
};

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
      const step = STEPS[name];
      if (step) {
        const w = new Write(tx, 'system', new Date(), await auditHead(tx));
        await step(tx, w);
        await w.finish(null);
      }
      await tx.execute({ sql: 'INSERT INTO migrations (name, applied_at) VALUES (?, ?)', args: [name, new Date().toISOString()] });
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
