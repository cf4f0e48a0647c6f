// A real deployment starts empty (GATECELL_SEED=none): it says where it listens and prints no
// token, and writes none to disk — the first admin is bootstrapped with the service token.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from '../service-process.js';
import { ADMIN_TOKEN } from '../helpers.js';

describe('a start with GATECELL_SEED=none', () => {
  it('prints no token and writes none to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecell-start-'));
    const port = 43000 + (process.pid % 1000);
    // Without GATECELL_AUDIT_KEY: the first start writes its key beside the database (a secret
    // of its own kind, which the service says belongs elsewhere) and nothing else.
    const { GATECELL_AUDIT_KEY: _key, ...env } = serviceEnv(join(dir, 'g.db'), port, ADMIN_TOKEN);
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    try {
      for (let i = 0; !/Gatecell API/.test(out); i++) {
        if (i > 200) throw new Error(`the service did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(out).not.toMatch(/gc_[A-Za-z0-9_-]{20,}/);
      expect(out).not.toContain(ADMIN_TOKEN);
      expect(out).not.toMatch(/Demo users/);
      expect(readdirSync(dir).filter((f) => !/^g\.db(-wal|-shm)?$/.test(f))).toEqual(['audit.key']);
    } finally {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
