// The service as `npm start` runs it, in its own process on a given database file, for the
// benchmarks to call over HTTP; and its high-water mark of resident memory.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { serviceEnv } from '../test/service-process.js';

export const BENCH_ADMIN = 'bench-admin-token-0123456789';

export interface RunningService {
  /** The API's base URL (…/api/v1). */
  url: string;
  /** The service's peak resident memory (VmHWM) since the last reset, in bytes. */
  peak(): number;
  resetPeak(): void;
}

export async function withService<T>(
  dbFile: string,
  port: number,
  fn: (svc: RunningService) => Promise<T>,
): Promise<T> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      process.env.BENCH_SERVER ?? 'dist/server.mjs',
    ],
    {
      env: serviceEnv(dbFile, port, BENCH_ADMIN),
      stdio: ['ignore', process.env.BENCH_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}/api/v1`;
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      console.error(`the service exited with ${code ?? signal}`);
  });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error('the service did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn({
      url,
      peak: () =>
        Number(
          /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0,
        ) * 1024,
      resetPeak: () => writeFileSync(`/proc/${child.pid}/clear_refs`, '5'),
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
