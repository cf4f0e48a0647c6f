// Numbered SQL migrations, committed, applied once and in order, recorded in `migrations`.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '@libsql/client';
import { Write } from '../http/write.js';
import { auditHead, keyingStatement } from '../features/audit/trail.js';
import { keyId, mac } from '../features/audit/keys.js';
import type { Db } from './db.js';
import { repairText } from './steps/repair-text.js';
import { keepDerived } from '../features/reporting/keep.js';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Work a migration does in code, after its SQL and in its transaction: what SQL alone cannot do.
 * What a step changes in the record it audits through `audited`, as the service actor 'system'.
 */
type Audited = (fn: (w: Write) => Promise<void> | void) => Promise<void>;
const STEPS: Record<string, (tx: Transaction, audited: Audited, db: Db) => Promise<void>> = {
  '003_repair_text.sql': async (tx, audited) => {
    const repaired = await repairText(tx);
    await audited((w) => {
      for (const r of repaired)
        w.audit({
          action: 'text.repaired',
          nodeId: null,
          subject: `${r.table}.${r.column}`,
          after: { rowid: r.rowid, reason: 'not well-formed UTF-8' },
        });
    });
  },
  // The keying point is the next batch, and that batch is the audit event of the keying itself.
  '005_audit_key.sql': async (tx, audited, db) => {
    const next =
      (((await tx.execute('SELECT MAX(id) AS id FROM audit_batches')).rows[0]?.id as
        number | null) ?? 0) + 1;
    const at = new Date().toISOString();
    const id = keyId(db.auditKey);
    await tx.execute({
      sql: 'INSERT INTO audit_keying (from_batch, at, key_id, signature) VALUES (?, ?, ?, ?)',
      args: [next, at, id, mac(db.auditKey, keyingStatement(next, at, id))],
    });
    await audited((w) =>
      w.audit({
        action: 'audit.keyed',
        nodeId: null,
        subject: 'audit',
        after: { fromBatch: next, keyId: id },
      }),
    );
  },
  // The measures already in the record get their kept totals, statuses and exceptions.
  '006_kept_totals.sql': (_tx, audited) => audited((w) => keepDerived(w)),
  // The measures already in the record get their money by month.
  '010_kept_months.sql': (_tx, audited) => audited((w) => keepDerived(w)),
};

/** Applies what is not applied yet, in order; `through` stops after that file (to test one migration). */
export async function migrate(db: Db, through?: string): Promise<string[]> {
  if (db.config.url.startsWith('file:')) {
    // WAL lets readers go on while one writer commits; persistent in the file.
    await db.client.execute('PRAGMA journal_mode = WAL');
  }
  await db.client.execute(
    'CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const files = (await readdir(DIR))
    .filter((f) => /^\d+_.+\.sql$/.test(f) && (through === undefined || f <= through))
    .sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(DIR + name, 'utf8');
    const done = await db.write(async (tx) => {
      const seen = await tx.execute({
        sql: 'SELECT 1 FROM migrations WHERE name = ?',
        args: [name],
      });
      if (seen.rows.length) return false;
      await tx.executeMultiple(sql);
      const step = STEPS[name];
      if (step)
        await step(
          tx,
          async (fn) => {
            const w = new Write(tx, 'system', new Date(), await auditHead(tx, db.auditKey));
            await fn(w);
            await w.finish(null);
          },
          db,
        );
      await tx.execute({
        sql: 'INSERT INTO migrations (name, applied_at) VALUES (?, ?)',
        args: [name, new Date().toISOString()],
      });
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
