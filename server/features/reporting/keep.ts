// Totals, statuses and exceptions kept as the record changes, so that reports read them instead of
// computing them from cells: `keepDerived` runs at the end of every write, in its transaction, on
// the measures the write changed; `sweep` keeps what time alone changes (a milestone falling due,
// an exception aging), on a timer, on any instance.
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { NO_VALUE, valueTotals, type ValueTotals } from '../../../shared/domain/status.js';
import type { Exec } from '../../db/db.js';
import type { Deps } from '../../http/env.js';
import { type Write, writeAs } from '../../http/write.js';
import {
  type Judged,
  measuresToReconcile,
  reconcileIn,
  SYSTEM_ACTOR,
} from '../exceptions/reconcile.js';
import { settingsByOrg } from '../hierarchy/store.js';
import {
  loadStates,
  type MeasureRow,
  measuresByIds,
  measuresUnder,
  statusOf,
} from '../measures/store.js';
import {
  changedMeasureIds,
  type KeptTotals,
  keptMonths,
  keptTotals,
  MonthsCodec,
  saveTotals,
  takeChangedMeasureIds,
  windowKept,
} from './store.js';

interface Judgement {
  judged: Judged[];
  settings: Map<number, OrgSettings>;
  /** Each measure's money by month (MonthsCodec), when judged from its cells. */
  months: Map<number, string>;
}

/**
 * The measures judged now: their plans from the record, their money from the cells (`'cells'`,
 * after a write changed them) or from the kept totals (`'kept'`, when only time has passed).
 */
async function judge(
  x: Exec,
  measures: readonly MeasureRow[],
  now: Date,
  money: 'cells' | 'kept',
  cellsKnown?: Write['cellsKnown'],
): Promise<Judgement> {
  // The cells are read unless the write holds every measure's already.
  const known = money === 'cells' && measures.every((m) => cellsKnown?.(m.id));
  const [states, settings] = await Promise.all([
    loadStates(x, measures, { cells: false, periods: money === 'cells' && !known }),
    settingsByOrg(
      x,
      measures.map((m) => m.org_id),
    ),
  ]);
  const totals = new Map<number, ValueTotals>();
  const months = new Map<number, string>();
  if (money === 'cells')
    for (const { measure: m, periods } of states) {
      const closedThrough = settings.get(m.org_id)!.closedThrough;
      if (known) {
        // The write's own cells, summed as numbers (windowKept is held to the two lines below).
        const kept = windowKept(cellsKnown!(m.id)!, m.start_period, m.end_period, closedThrough);
        totals.set(m.id, kept.totals);
        months.set(m.id, kept.months);
      } else {
        totals.set(m.id, valueTotals(periods, closedThrough));
        months.set(m.id, MonthsCodec.encode(periods, closedThrough));
      }
    }
  else
    for (const k of await keptTotals(
      x,
      measures.map((m) => m.id),
    ))
      totals.set(k.measureId, k.money);
  return {
    judged: states.map((state) => ({
      state,
      status: statusOf(state, totals.get(state.measure.id) ?? NO_VALUE, now),
    })),
    settings,
    months,
  };
}

const keptOf =
  (months: ReadonlyMap<number, string>) =>
  ({ state, status }: Judged): KeptTotals => ({
    measureId: state.measure.id,
    money: status.totals,
    implementation: status.implementation,
    potential: status.potential,
    statusUntil: status.statusUntil,
    months: months.get(state.measure.id),
  });

/** In the write's transaction: the totals, statuses and exceptions of the measures it changed. */
export async function keepDerived(w: Write) {
  const ids = await takeChangedMeasureIds(w.tx).catch((e: unknown) => {
    // A record from before migration 006 keeps nothing yet (the migration computes it all): met
    // only by the migration tests, which write between migrations.
    if (/no such table: measures_changed/.test(String(e))) return [];
    throw e;
  });
  if (!ids.length) return;
  const known = w.measuresKnown;
  const { judged, settings, months } = await judge(
    w.tx,
    known && ids.every((id) => known.has(id))
      ? ids.map((id) => known.get(id)!)
      : await measuresByIds(w.tx, ids),
    w.now,
    'cells',
    w.cellsKnown,
  );
  await saveTotals(w.tx, judged.map(keptOf(months)));
  await reconcileIn(w, judged, settings);
}

const sameKept = (a: KeptTotals | undefined, b: KeptTotals) =>
  a !== undefined &&
  a.implementation === b.implementation &&
  a.potential === b.potential &&
  a.statusUntil === b.statusUntil;

/**
 * What time alone changes, for every measure: statuses whose day has come, exceptions that age,
 * fall due or wait past their SLA. Reads without the lock; writes only the measures where
 * something must change, judged again under the lock (another instance may have swept meanwhile).
 */
export async function sweep(deps: Deps): Promise<number> {
  // On a read worker: judging every measure of a large record must not hold up this thread.
  const x = deps.db.read;
  const now = deps.now();
  const measures = await measuresUnder(x, ['/']);
  if (!measures.length) return 0;
  const { judged, settings, months } = await judge(x, measures, now, 'kept');
  const stored = new Map((await keptTotals(x, 'all')).map((k) => [k.measureId, k]));
  const due = await measuresToReconcile(x, judged, settings, now);
  for (const j of judged)
    if (!sameKept(stored.get(j.state.measure.id), keptOf(months)(j))) due.add(j.state.measure.id);
  if (!due.size) return 0;
  await writeAs(deps, SYSTEM_ACTOR, null, async (w) => {
    const again = await judge(w.tx, await measuresByIds(w.tx, [...due]), w.now, 'kept');
    await saveTotals(w.tx, again.judged.map(keptOf(again.months)));
    await reconcileIn(w, again.judged, again.settings);
  });
  return due.size;
}

/**
 * The measures whose kept row differs from what their cells and plans say now: empty unless a
 * write changed a measure's inputs without touching its row. Tests run it over all their traffic.
 */
export async function keptDrift(deps: Deps): Promise<string[]> {
  const x = deps.db.client;
  const measures = await measuresUnder(x, ['/']);
  const { judged, months } = await judge(x, measures, deps.now(), 'cells');
  const stored = new Map((await keptTotals(x, 'all')).map((k) => [k.measureId, k]));
  const storedMonths = await keptMonths(x);
  const pending = new Set(await changedMeasureIds(x));
  return judged
    .filter((j) => {
      const want = keptOf(months)(j);
      const have = stored.get(want.measureId);
      return (
        pending.has(want.measureId) ||
        !have ||
        storedMonths.get(want.measureId) !== want.months ||
        JSON.stringify(have.money) !== JSON.stringify(want.money) ||
        have.potential !== want.potential ||
        // A status whose day has come is the sweep's to keep; before that it must agree.
        ((have.statusUntil === null || have.statusUntil > deps.now().toISOString().slice(0, 10)) &&
          have.implementation !== want.implementation)
      );
    })
    .map((j) => j.state.measure.code);
}
