// Builds what `npm start` serves: the service as one ES module (run by plain node, no loader)
// and the task pane (bundle, page, icons) into dist/pane.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
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

await build({
  entryPoints: ['addin/main.tsx'],
  outfile: 'dist/pane/taskpane.js',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome110', 'edge110', 'safari16'],
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
cpSync('addin/taskpane.html', 'dist/pane/taskpane.html');
cpSync('addin/support.html', 'dist/pane/support.html');

// Icons for the manifest: the brand colour with a white gate, drawn as PNGs here (no binaries in git).
function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const u = x / size,
        v = y / size;
      const gate =
        (u > 0.22 && u < 0.34 && v > 0.2 && v < 0.8) ||
        (u > 0.66 && u < 0.78 && v > 0.2 && v < 0.8) ||
        (v > 0.2 && v < 0.3 && u > 0.22 && u < 0.78) ||
        (v > 0.46 && v < 0.54 && u > 0.34 && u < 0.66);
      const [r, g, b] = gate ? [255, 255, 255] : [0x10, 0x6e, 0xbe];
      row.set([r, g, b, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
mkdirSync('dist/pane/assets', { recursive: true });
for (const size of [16, 32, 64, 80]) writeFileSync(`dist/pane/assets/icon-${size}.png`, png(size));
