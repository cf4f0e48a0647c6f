// Two service processes on one database file, pushing at once: nothing lost, no error.
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from '../service-process.js';
import { ADMIN_TOKEN, measure, world } from '../helpers.js';

const SECONDS = Number(process.env.GATECELL_SOAK_SECONDS ?? 30);

async function start(dbFile: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: serviceEnv(dbFile, port, ADMIN_TOKEN),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`instance on ${port} did not start: ${stderr}`);
}

describe('two instances on one database file', async () => {
  const w = await world();
  const codes = ['M-T1', 'M-T2', 'M-T3', 'M-T4'];
  for (const code of codes) await measure(w, code);

  it(
    `push from both for ${SECONDS} s: every applied change is in the record, no request fails`,
    async () => {
      const dbFile = `${w.dir}/test.db`;
      const ports = [41000 + (process.pid % 1000), 42000 + (process.pid % 1000)];
      const instances = await Promise.all(ports.map((p) => start(dbFile, p)));
      try {
        const deadline = Date.now() + SECONDS * 1000;
        const failures: string[] = [];
        let applied = 0;
        const last = new Map<string, number>();
        // Each writer owns some cells (all must apply) and fights over one shared cell (versions decide).
        const writer = async (id: number, port: number, token: string) => {
          let i = 0;
          const versions = new Map<string, number>();
          while (Date.now() < deadline) {
            i += 1;
            const code = codes[id]!;
            const changes = ['2027-01', '2027-02', '2027-03'].map((period) => ({
              measure: code,
              kind: 'target',
              period,
              value: id * 100000 + i,
              baseVersion: versions.get(`${code} ${period}`) ?? 0,
            }));
            changes.push({
              measure: 'M-T1',
              kind: 'baseline',
              period: '2027-06',
              value: id * 100000 + i,
              baseVersion: versions.get('shared') ?? 0,
            });
            const res = await fetch(`http://127.0.0.1:${port}/api/v1/sync/push`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ idempotencyKey: `soak-${id}-${i}`, changes }),
            });
            if (res.status !== 200) {
              failures.push(`${res.status} ${await res.text()}`);
              continue;
            }
            const body = (await res.json()) as {
              results: { outcome: string; value: number; version: number }[];
            };
            body.results.forEach((r, k) => {
              const cellKey = k === 3 ? 'shared' : `${code} ${changes[k]!.period}`;
              versions.set(cellKey, r.version);
              if (k < 3) {
                if (r.outcome !== 'applied') failures.push(`own cell ${cellKey}: ${r.outcome}`);
                applied += 1;
                last.set(cellKey, r.value);
              }
            });
          }
        };
        await Promise.all(
          [0, 1, 2, 3].map((id) =>
            writer(id, ports[id % 2]!, id < 2 ? w.users.owner.token : w.users.planner2.token),
          ),
        );
        expect(failures).toEqual([]);
        expect(applied).toBeGreaterThan(100);
        // Every writer's last applied value is the record, and every applied change left an audit event.
        for (const [cellKey, value] of last) {
          const [code, period] = cellKey.split(' ');
          const cell = (
            await w.call(
              ADMIN_TOKEN,
              'GET',
              `/cells?scope=${code}&kinds=target&from=${period}&to=${period}`,
            )
          ).body.cells[0];
          expect(cell.value, cellKey).toBe(value);
        }
        const events = Number(
          (
            await w.db.client.execute(
              "SELECT COUNT(*) AS n FROM audit_segments s, json_each(s.events) e WHERE e.value->>1 = 'cell.changed' AND e.value->>2 LIKE 'target%'",
            )
          ).rows[0]!.n,
        );
        expect(events).toBe(applied);
        expect((await w.call(ADMIN_TOKEN, 'GET', '/audit/verify')).body.ok).toBe(true);
      } finally {
        for (const child of instances) child.kill('SIGTERM');
      }
    },
    (SECONDS + 60) * 1000,
  );
});
