// Reports read totals and statuses kept by each write, not the cells (issue 10): proven by
// changing a cell around the service (the rollup does not see it; the drift check does), by a
// status that time changes being right without a write, and by a range read from the cells.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { keptDrift } from '../../server/features/reporting/keep.js';
import { MonthsCodec, windowKept } from '../../server/features/reporting/store.js';
import type { PeriodRow } from '../../server/features/measures/store.js';
import { cellKey, keyKind, keyPeriod } from '../../server/features/sync/store.js';
import { valueTotals } from '../../shared/domain/status.js';
import { CELL_KINDS } from '../../shared/model.js';
import { addMonths } from '../../shared/periods.js';
import { measure, plan, push, world } from '../helpers.js';

describe('kept totals and statuses', async () => {
  const w = await world(new Date('2027-02-01T09:00:00Z'), { writesAroundTheService: true });
  const { users } = w;
  const deps = { db: w.db, now: () => w.clock.now };
  const rollup = async (scope: string, query = '') =>
    (await w.call(users.viewer.token, 'GET', `/reports/rollup?scope=${scope}${query}`)).body;
  let n = 0;
  async function planned() {
    const code = `K-${++n}`;
    await measure(w, code);
    await push(w, users.owner.token, [
      ...plan(code, 'target', 1000),
      ...plan(code, 'forecast', 1000),
    ]);
    return code;
  }

  it('a write keeps its measure in the same transaction: the rollup reads it at once', async () => {
    const code = await planned();
    expect((await rollup(code)).totals).toMatchObject({ target: 6000, forecast: 6000 });
    await push(w, users.owner.token, [
      { measure: code, kind: 'forecast', period: '2027-06', value: 1040, baseVersion: 1 },
    ]);
    expect((await rollup(code)).totals).toMatchObject({ forecast: 6040, forecastVariance: 40 });
    expect(await keptDrift(deps)).toEqual([]);
  });

  it('the rollup reads the kept totals, not the cells: a cell changed around the service does not show', async () => {
    const code = await planned();
    await w.db.client.execute({
      sql: "UPDATE cells SET value = value + 500000 WHERE kind = 'target' AND measure_id = (SELECT id FROM nodes WHERE code = ?)",
      args: [code],
    });
    expect((await rollup(code)).totals.target).toBe(6000);
    // …and the drift check, which the test harness runs after every file, names it.
    expect(await keptDrift(deps)).toEqual([code]);
    // The next write to the measure computes it again from its cells.
    await w.call(users.owner.token, 'POST', `/measures/${code}/milestones`, {
      title: 'Kick-off',
      due: '2027-12-01',
    });
    expect((await rollup(code)).totals.target).toBe(36000);
    expect(await keptDrift(deps)).toEqual([]);
  });

  it('a status that time alone changes is right on the day, without a write or a sweep', async () => {
    const code = await planned();
    const due = new Date(w.clock.now.getTime() + 20 * 86_400_000).toISOString().slice(0, 10);
    await w.call(users.owner.token, 'POST', `/measures/${code}/milestones`, { title: 'Go', due });
    expect((await rollup(code)).implementationStatus).toMatchObject({ on_track: 1, at_risk: 0 });
    const writes = vi.spyOn(w.db, 'write');
    w.clock.now = new Date(w.clock.now.getTime() + 7 * 86_400_000);
    expect((await rollup(code)).implementationStatus).toMatchObject({ on_track: 0, at_risk: 1 });
    w.clock.now = new Date(w.clock.now.getTime() + 14 * 86_400_000);
    expect((await rollup(code)).implementationStatus).toMatchObject({ at_risk: 0, delayed: 1 });
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
    // The sweep then keeps it (and raises the overdue milestone).
    expect(await w.sweep()).toBeGreaterThan(0);
    expect(await keptDrift(deps)).toEqual([]);
  });

  it('a range of periods is added up from the cells of the scope, by the same rule', async () => {
    const code = await planned();
    await push(w, users.owner.token, [
      { measure: code, kind: 'forecast', period: '2027-02', value: 1100, baseVersion: 1 },
    ]);
    const ranged = await rollup(code, '&from=2027-02&to=2027-03');
    expect(ranged.totals).toMatchObject({
      target: 2000,
      forecast: 2100,
      forecastVariance: 100,
      expected: 2100,
    });
    expect(ranged.byStage.defined).toEqual({ count: 1, target: 2000, forecast: 2100 });
  });

  it('an organization setting that changes the rule (closedThrough) keeps every measure of it again', async () => {
    const code = await planned();
    await push(w, users.controller.token, [
      { measure: code, kind: 'actual', period: '2027-01', value: 400 },
    ]);
    expect((await rollup(code)).totals.expected).toBe(6000);
    await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', {
      closedThrough: '2027-01',
    });
    try {
      expect((await rollup(code)).totals.expected).toBe(5400);
    } finally {
      await w.call(users.controller.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: null });
    }
    expect((await rollup(code)).totals.expected).toBe(6000);
  });
});

/**
 * The straightforward reading of a measure's cells (cell key → value) into the periods of its
 * window, the four kinds side by side, as windowPeriods reads them from SQLite: the reference the
 * push's windowKept is held to.
 */
function windowPeriodsOf(
  cells: Iterable<[number, number | null]>,
  start: string,
  end: string,
): [string, PeriodRow][] {
  const months = new Map<string, PeriodRow>();
  for (const [key, value] of cells) {
    const period = keyPeriod(key);
    if (period < start || period > end) continue;
    let slot = months.get(period);
    if (!slot)
      months.set(period, (slot = { baseline: null, target: null, forecast: null, actual: null }));
    slot[keyKind(key)] = value;
  }
  return [...months];
}

describe('a measure kept from its cells by key', () => {
  it('sums and months as the straightforward pair does: valueTotals and MonthsCodec over windowPeriodsOf', () => {
    const month = fc.integer({ min: 0, max: 30 }).map((k) => addMonths('2026-10', k));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...CELL_KINDS),
            month,
            fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: null }),
          ),
          { maxLength: 60 },
        ),
        month,
        fc.integer({ min: 0, max: 14 }),
        fc.option(month, { nil: null }),
        (cells, start, length, closedThrough) => {
          const end = addMonths(start, length);
          const byKey = new Map(
            cells.map(([kind, period, value]) => [cellKey(kind, period), { value }]),
          );
          const window = windowPeriodsOf(
            [...byKey].map(([key, { value }]) => [key, value]),
            start,
            end,
          );
          expect(windowKept(byKey, start, end, closedThrough)).toEqual({
            totals: valueTotals(window, closedThrough),
            months: MonthsCodec.encode(window, closedThrough),
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
