// The add-in side of `npm run bench`: diffing a bound table and building its push for 100,000
// cells, and how many syncs a 10,000-row push and pull take in the Excel adapter.
import { ExcelWorkbook } from '../addin/workbook/excel.js';
import { type Snapshot, cellKey } from '../shared/sync/cells.js';
import { diffTable } from '../shared/sync/diff.js';
import type { Mapping } from '../shared/sync/mapping.js';
import { planPush } from '../shared/sync/push.js';
import { addMonths } from '../shared/periods.js';
import { body, columnId, excelMock } from '../test/addin/excel-mock.js';

export async function runAddinBench(): Promise<void> {
  const MONTHS = 12;
  const ROWS = Math.ceil(100_000 / MONTHS);
  const mapping: Mapping = {
    codeColumn: 0,
    columns: Array.from({ length: MONTHS }, (_, k) => ({
      column: 2 + k,
      kind: 'forecast' as const,
      period: addMonths('2027-01', k),
    })),
  };
  const snapshot: Snapshot = new Map();
  const rows = Array.from({ length: ROWS }, (_, r) => [
    `M-${r}`,
    `Measure ${r}`,
    ...Array.from({ length: MONTHS }, (_, k) => {
      snapshot.set(cellKey(`M-${r}`, 'forecast', addMonths('2027-01', k)), {
        value: 1000 + r,
        version: 1,
      });
      return r % 10 === 0 ? 1001 + r : 1000 + r; // every tenth row edited
    }),
  ]);
  const t0 = performance.now();
  const diff = diffTable(rows, mapping, snapshot, 2);
  const t1 = performance.now();
  const all = diffTable(
    rows.map((r) => r.map((v, i) => (i >= 2 ? (v as number) + 1 : v))),
    mapping,
    snapshot,
    2,
  );
  const t2 = performance.now();
  const plan = planPush(all.changes, {
    source: { workbook: 'Bench.xlsx' },
    notes: new Map(),
    newKey: () => 'k',
    cellAddress: (c) => `C${c.row + 2}`,
  });
  const t3 = performance.now();

  const mock = excelMock();
  (globalThis as { Excel?: unknown }).Excel = mock.excel;
  let syncs = 0;
  const sync = mock.excel.context.sync.bind(mock.excel.context);
  mock.excel.context.sync = async () => {
    syncs += 1;
    return sync();
  };
  const book = new ExcelWorkbook({ notes: true });
  await book.readTable('Forecast');
  const pullSyncs = syncs;
  syncs = 0;
  await book.paint(
    'Forecast',
    columnId(0),
    body.map((r, row) => ({
      measure: String(r[0]),
      columnId: columnId(2),
      value: row,
      look: row % 7 ? ('applied' as const) : ('pending' as const),
      note: row % 7 ? undefined : 'Pending approval',
    })),
  );
  const pushSyncs = syncs;

  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  console.log('\nAdd-in (pure sync logic and the Excel adapter)');
  console.log(
    `  diff of ${(ROWS * MONTHS).toLocaleString('en')} cells, 10 % changed   ${ms(t0, t1)}   (${diff.changes.length.toLocaleString('en')} changes)`,
  );
  console.log(`  diff with every cell changed    ${ms(t1, t2)}`);
  console.log(
    `  building the push batches       ${ms(t2, t3)}   (${plan.batches.length} batches of at most 20,000)`,
  );
  console.log(`  syncs to read 10,000 rows       ${pullSyncs}   target ≤ 3`);
  console.log(
    `  syncs to write back 10,000 rows ${pushSyncs}   target ≤ 3 (values, fills and notes)`,
  );
}
