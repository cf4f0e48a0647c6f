// Builds what `npm start` serves: the service as one ES module (run by plain node, no loader).
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// The migrations are read at run time, next to the module that applies them.
cpSync('server/db/migrations', 'dist/migrations', { recursive: true });
