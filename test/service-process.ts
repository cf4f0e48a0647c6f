// The environment a service process is started with by the tests and the benchmarks: its own
// port and database file, plain HTTP, no demo seed, a known admin token and the development key.
// No vitest import, so the benchmark can use it too.
import { DEVELOPMENT_AUDIT_KEY } from '../server/db/db.js';

export const serviceEnv = (dbFile: string, port: number, adminToken: string) => ({
  ...process.env,
  PORT: String(port),
  GATECELL_DB_URL: `file:${dbFile}`,
  GATECELL_TLS: 'off',
  GATECELL_SEED: 'none',
  GATECELL_ADMIN_TOKEN: adminToken,
  GATECELL_AUDIT_KEY: DEVELOPMENT_AUDIT_KEY,
});
