// The pull's cells are written as JSON by SQLite (pullTexts), a page of measures at a time, and
// sent as those bytes; the
// straightforward reading (rows presented by presentCells) is the reference they are held to, in
// every currency's digits and for every value a cell can hold: the same JSON, number for number.
// (SQLite writes a value's exact decimal; beyond 15 digits the double fromMinor answers prints
// shorter, and both texts read back as that same double.)
import { describe, expect, it } from 'vitest';
import { presentCells } from '../../server/features/sync/present.js';
import { minorDigits } from '../../shared/money.js';
import { cellsTextUnder } from '../../server/features/sync/cells.js';
import { cellRowsUnder } from '../../server/features/sync/store.js';
import { measure, world } from '../helpers.js';

const VALUES = [
  0,
  1,
  -1,
  5,
  -5,
  10,
  99,
  100,
  -100,
  101,
  12340,
  -12340,
  125000,
  1000001,
  999_999_999_999_999,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  null,
];

/** Currencies of 0, 2, 3 and 4 minor digits. */
const CURRENCIES = { JPY: 0, EUR: 2, BHD: 3, CLF: 4 } as const;

describe('the pull as SQLite writes it', () => {
  it('is presentCells of the rows, in 0, 2, 3 and 4 digits, in pages of any size, from a read worker or not', async () => {
    const w = await world(undefined, { writesAroundTheService: true });
    await measure(w, 'M-PT');
    await measure(w, 'M-PU');
    const ids = (await w.db.client.execute("SELECT id FROM nodes WHERE code IN ('M-PT', 'M-PU')"))
      .rows;
    let n = 0;
    for (const { id } of ids)
      for (const kind of ['baseline', 'target', 'forecast', 'actual'])
        for (const period of ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06']) {
          const value = VALUES[n++ % VALUES.length]!;
          await w.db.client.execute({
            sql: 'INSERT INTO cells (measure_id, kind, period, value, version, revision) VALUES (?, ?, ?, ?, ?, 1)',
            args: [Number(id), kind, period, value, 1 + (n % 7)],
          });
          // Every fifth cell has a request waiting; every seventh, one on a cell never stored.
          if (n % 5 === 0 || n % 7 === 0)
            await w.db.client.execute({
              sql: `INSERT INTO change_requests (id, measure_id, kind, period, base_version, new_value, reason_code, status, requested_by, requested_at, revision)
                    VALUES (?, ?, ?, ?, 1, ?, 'material', 'pending', 'someone', '2027-01-01', 1)`,
              args: [
                `cr-${n}`,
                Number(id),
                kind,
                n % 5 === 0 ? period : `2028-${period.slice(5)}`,
                VALUES[(n * 3) % (VALUES.length - 1)]!,
              ],
            });
        }
    const [org] = (await w.db.client.execute("SELECT id, path FROM nodes WHERE code = 'ORG'")).rows;
    const [prefixes, orgId] = [[String(org!.path)], Number(org!.id)];
    for (const q of [
      {},
      { kinds: ['forecast' as const] },
      { kinds: ['target' as const, 'actual' as const], from: '2027-02', to: '2027-04' },
      { from: '2030-01' },
    ]) {
      const rows = await cellRowsUnder(w.db.client, prefixes, q);
      for (const [currency, pageSize] of [
        ['JPY', 1],
        ['EUR', 1000],
        ['BHD', 2],
        ['CLF', 1],
      ] as const) {
        const digits = CURRENCIES[currency];
        expect(minorDigits(currency)).toBe(digits);
        await w.db.client.execute({
          sql: "UPDATE org_settings SET settings = json_set(settings, '$.currency', ?) WHERE org_id = ?",
          args: [currency, orgId],
        });
        const expected = presentCells(rows, () => digits);
        for (const x of [w.db.read, w.db.client]) {
          const parts = await cellsTextUnder(x, prefixes, q, orgId, pageSize);
          let text = '';
          for await (const part of parts)
            text += typeof part === 'string' ? part : new TextDecoder().decode(part);
          expect(JSON.parse(text)).toStrictEqual(expected);
          // Key for key in the reference's order, and no other text than the numbers' digits.
          expect(text.replace(/-?[\d.]+/g, '0')).toBe(
            JSON.stringify(expected).replace(/-?[\d.]+/g, '0'),
          );
        }
      }
    }
    // What the service answers is that text, in the organization's currency (CLF, set last).
    const r = await w.call(w.users.controller.token, 'GET', '/cells?scope=ORG&kinds=forecast');
    expect(r.status).toBe(200);
    expect(r.body.cells).toEqual(
      presentCells(await cellRowsUnder(w.db.client, prefixes, { kinds: ['forecast'] }), () => 4),
    );
    expect(r.body.cells.some((c: { pending?: unknown }) => c.pending)).toBe(true);
  });
});
