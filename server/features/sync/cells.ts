// Cells for the add-in as the API answers them: by scope (pull) and by revision (changes since),
// and the cells the caller may not change (the push's own rule, asked ahead).
import type { Actor } from '../../../shared/domain/access.js';
import { editBlock } from '../../../shared/domain/finance.js';
import { CELL_KINDS } from '../../../shared/model.js';
import { periodOf, periodsBetween } from '../../../shared/periods.js';
import { measuresUnder } from '../measures/store.js';
import type { Lock, WireCell } from '../../../shared/api/answers.js';
import type { Exec } from '../../db/db.js';
import { presentCells } from './present.js';
import {
  type CellQueryRow,
  type CellRange,
  cellRowsChangedSince,
  PULL_PAGE_MEASURES,
  pullPageBounds,
  pullTexts,
} from './store.js';
import { moneyRules, orgSettings, settingsByOrg } from '../hierarchy/store.js';

/** The rows as the API answers them, in each measure's organization's currency. */
async function toWire(x: Exec, found: CellQueryRow[]): Promise<WireCell[]> {
  const settings = await settingsByOrg(x, new Set(found.map((r) => r[1])));
  const digits = new Map([...settings].map(([orgId, s]) => [orgId, moneyRules(s).digits]));
  return presentCells(found, (orgId) => digits.get(orgId)!);
}

/**
 * Every stored cell (and every cell with an open request) under the prefixes, as the wire's JSON
 * array in parts (pullTexts, a page of `pageSize` measures each). The prefixes lie in the
 * organization `orgId`, whose currency it is in. The first page is read before this answers, so
 * that a read that fails is the request's error, not an answer cut short.
 */
export async function cellsTextUnder(
  x: Exec,
  prefixes: readonly string[],
  q: CellRange,
  orgId: number,
  pageSize = PULL_PAGE_MEASURES,
): Promise<AsyncIterable<Uint8Array | string>> {
  if (!prefixes.length)
    return (async function* () {
      yield '[]';
    })();
  const digits = moneyRules(await orgSettings(x, orgId)).digits;
  const pages = pullTexts(x, prefixes, q, digits, await pullPageBounds(x, prefixes, pageSize));
  const first = await pages.next();
  return (async function* () {
    yield '[';
    let empty = true;
    const more = (page: Uint8Array) => {
      const parts = page.byteLength ? (empty ? [page] : [',', page]) : [];
      if (page.byteLength) empty = false;
      return parts;
    };
    if (!first.done) yield* more(first.value);
    for await (const page of pages) yield* more(page);
    yield ']';
  })();
}

/** Cells whose value or open request changed after `since`. */
export async function cellsChangedSince(
  x: Exec,
  prefixes: readonly string[],
  since: number,
): Promise<WireCell[]> {
  if (!prefixes.length) return [];
  return toWire(x, await cellRowsChangedSince(x, prefixes, since));
}

/**
 * Every cell of the grid (measures under the prefixes × kinds × periods of their windows within
 * the range) that the actor may not change, with the reason: the push's own rule, asked ahead.
 */
export async function locksUnder(
  x: Exec,
  actor: Actor,
  prefixes: readonly string[],
  q: CellRange,
  now: Date,
): Promise<Lock[]> {
  const measures = await measuresUnder(x, prefixes);
  const settings = await settingsByOrg(
    x,
    measures.map((m) => m.org_id),
  );
  const kinds = q.kinds?.length ? q.kinds : CELL_KINDS;
  const locks: Lock[] = [];
  for (const m of measures) {
    if (!m.start_period || !m.end_period) continue;
    const s = settings.get(m.org_id)!;
    const ctx = {
      actor,
      measure: {
        path: m.path,
        stage: m.stage,
        startPeriod: m.start_period,
        endPeriod: m.end_period,
        ownerId: m.owner_id,
        sponsorId: m.sponsor_id,
        controllerId: m.controller_id,
      },
      rules: {
        digits: moneyRules(s).digits,
        closedThrough: s.closedThrough,
        currentPeriod: periodOf(now),
        materialityPct: s.materialityPct,
        materialityAbs: null,
      },
    };
    const from = q.from && q.from > m.start_period ? q.from : m.start_period;
    const to = q.to && q.to < m.end_period ? q.to : m.end_period;
    if (from > to) continue;
    for (const period of periodsBetween(from, to))
      for (const kind of kinds) {
        const block = editBlock(kind, period, ctx);
        if (block)
          locks.push({
            measure: m.code,
            kind,
            period,
            reason: block.reason,
            message: block.message,
          });
      }
  }
  return locks;
}
