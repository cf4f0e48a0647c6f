// The starter workbook's SQL: the scope's measures (cancelled ones left out) and their cells of
// the kinds and months asked for.
import type { CellKind } from '../../../shared/model.js';
import { type Exec, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';

export const measuresForWorkbook = (x: Exec, prefixes: readonly string[]) =>
  prefixes.length
    ? rows<{ code: string; title: string; start_period: string | null; end_period: string | null }>(
        x,
        `SELECT n.code, m.title, m.start_period, m.end_period FROM measures m JOIN nodes n ON n.id = m.node_id
         WHERE ${underPrefixes('n.id')} AND m.stage <> 'cancelled' ORDER BY n.code`,
        [JSON.stringify(prefixes)],
      )
    : Promise.resolve([]);

export const cellsForWorkbook = (
  x: Exec,
  prefixes: readonly string[],
  kinds: readonly CellKind[],
  from: string,
  to: string,
) =>
  prefixes.length
    ? rows<{ code: string; kind: CellKind; period: string; value: number | null }>(
        x,
        `SELECT n.code, c.kind, c.period, c.value FROM cells c JOIN nodes n ON n.id = c.measure_id
         WHERE ${underPrefixes('c.measure_id')} AND c.kind IN (SELECT value FROM json_each(?2))
           AND c.period >= ?3 AND c.period <= ?4`,
        [JSON.stringify(prefixes), JSON.stringify(kinds), from, to],
      )
    : Promise.resolve([]);
