// Migration 003's step: texts that are not well-formed UTF-8 are rewritten so that no read can
// crash on them (see 003_repair_text.sql). Each repair is audited, as any change of the record.
import type { Transaction } from '@libsql/client';
import { rows } from '../db.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const APPEND_ONLY = new Set(['audit_batches', 'audit_segments', 'migrations']);

export interface TextRepair {
  table: string;
  column: string;
  rowid: number;
}

/** Repairs every text column of every ordinary table; answers what it repaired. */
export async function repairText(tx: Transaction): Promise<TextRepair[]> {
  const repaired: TextRepair[] = [];
  const tables = await rows<{ name: string; sql: string }>(
    tx,
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  for (const { name, sql } of tables) {
    if (APPEND_ONLY.has(name) || /WITHOUT\s+ROWID/i.test(sql)) continue; // cells hold numbers and checked keys only
    const columns = await rows<{ name: string; type: string }>(
      tx,
      `SELECT name, type FROM pragma_table_info('${name}')`,
    );
    for (const column of columns.filter((c) => /TEXT/i.test(c.type))) {
      // hex() reads the bytes without decoding them: the only safe way to look at a broken text.
      const found = await rows<{ r: number; h: string }>(
        tx,
        `SELECT rowid AS r, hex("${column.name}") AS h FROM "${name}" WHERE typeof("${column.name}") = 'text'`,
      );
      for (const { r, h } of found) {
        const bytes = Buffer.from(h, 'hex');
        try {
          strict.decode(bytes);
        } catch {
          await tx.execute({
            sql: `UPDATE "${name}" SET "${column.name}" = ? WHERE rowid = ?`,
            args: [bytes.toString('utf8'), r],
          });
          repaired.push({ table: name, column: column.name, rowid: r });
        }
      }
    }
  }
  return repaired;
}
