// Many measures at once, inserted directly into the database: for tests and benchmarks about
// size (a 10,000-row table, a 100,000-change push), not about 10,000 POST /measures. Shared by
// both so that there is one way to do it; no vitest import, so the benchmark can use it too.
import type { Db } from '../server/db/db.js';
import { writeAs } from '../server/http/write.js';

export async function insertMeasures(
  db: Db,
  m: {
    packageCode: string;
    ownerId: string;
    codes: readonly string[];
    startPeriod: string;
    endPeriod: string;
    sponsorId?: string;
    controllerId?: string;
  },
) {
  // Through a write as the service makes them, so that the measures' kept totals are there too.
  await writeAs({ db, now: () => new Date() }, 'system', null, async ({ tx }) => {
    const at = new Date().toISOString();
    const pkg = (
      await tx.execute({
        sql: 'SELECT id, path, org_id FROM nodes WHERE code = ?',
        args: [m.packageCode],
      })
    ).rows[0] as unknown as { id: number; path: string; org_id: number };
    await tx.execute({
      sql: `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) SELECT value, 'measure', ?, ?, '', value, ? FROM json_each(?)`,
      args: [pkg.id, pkg.org_id, at, JSON.stringify(m.codes)],
    });
    await tx.execute({
      sql: `UPDATE nodes SET path = ? || id || '/' WHERE level = 'measure' AND parent_id = ? AND path = ''`,
      args: [pkg.path, pkg.id],
    });
    await tx.execute({
      sql: `INSERT INTO measures (node_id, title, owner_id, sponsor_id, controller_id, start_period, end_period, stage, revision, created_at)
            SELECT n.id, n.code, ?, ?, ?, ?, ?, 'defined', 0, ? FROM nodes n JOIN json_each(?) c ON c.value = n.code`,
      args: [
        m.ownerId,
        m.sponsorId ?? null,
        m.controllerId ?? null,
        m.startPeriod,
        m.endPeriod,
        at,
        JSON.stringify(m.codes),
      ],
    });
  });
}
