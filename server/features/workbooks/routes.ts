// Workbooks (api-v1.md, "Workbooks"): a starter workbook for a scope — a real .xlsx holding one
// Excel table of its measures with the record's values, already bound for the add-in, so a
// planner starts from the record instead of building a sheet and mapping its columns.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { STARTER_MAX_MONTHS, StarterQuery } from '../../../shared/api/schemas.js';
import { fromMinorOrNull } from '../../../shared/money.js';
import { periodOf, periodsBetween } from '../../../shared/periods.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { unprocessable } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { validate } from '../../http/validate.js';
import { moneyRules, orgSettings, visibleScope } from '../hierarchy/store.js';
import { type AddinReference, starterWorkbook, XLSX_TYPE } from './present.js';
import { cellsForWorkbook, measuresForWorkbook } from './store.js';

/**
 * The add-in a workbook names, from the manifest (its id and version) and where the organization
 * deploys it (GATECELL_ADDIN_STORE): `EXCatalog` (Microsoft 365 centralized deployment),
 * `Registry` (sideloaded for development), or `FileSystem:<catalog share>`.
 */
export function addinReference(
  store = 'EXCatalog',
  manifest = readFileSync('manifest.xml', 'utf8'),
): AddinReference {
  const id = /<Id>([^<]+)<\/Id>/.exec(manifest)?.[1] ?? '';
  const version = /<Version>([^<]+)<\/Version>/.exec(manifest)?.[1] ?? '1.0.0.0';
  if (store.startsWith('FileSystem:'))
    return { id, version, store: store.slice('FileSystem:'.length), storeType: 'FileSystem' };
  if (store === 'Registry') return { id, version, store: 'developer', storeType: 'Registry' };
  return { id, version, store: 'EXCatalog', storeType: 'EXCatalog' };
}

export const workbookRoutes = (deps: Deps) => {
  let addin: AddinReference | undefined;
  return new Hono<AppEnv>().get(
    '/workbooks/starter',
    documented({
      tag: 'Workbooks',
      summary:
        'A starter .xlsx for a scope: one Excel table of its measures, a column per kind and month with the record’s values, bound for the add-in',
      answers: {},
      alsoAs: {
        [XLSX_TYPE]:
          'The workbook: a table named Gatecell_<scope>, its binding in the add-in’s document settings.',
      },
    }),
    validate('query', StarterQuery),
    async (c) => {
      const actor = c.get('actor');
      const q = c.req.valid('query');
      const x = deps.db.read;
      const { node, prefixes } = await visibleScope(x, actor, q.scope);
      const measures = await measuresForWorkbook(x, prefixes);
      // The months asked for; else the measures' windows, else the twelve months from now.
      const starts = measures.map((m) => m.start_period).filter((p): p is string => !!p);
      const ends = measures.map((m) => m.end_period).filter((p): p is string => !!p);
      const now = periodOf(deps.now());
      const from = q.from ?? (starts.length ? starts.sort()[0]! : now);
      const to = q.to ?? (ends.length ? ends.sort().at(-1)! : periodsBetween(now, '2100-12')[11]!);
      const periods = periodsBetween(from, to);
      if (periods.length > STARTER_MAX_MONTHS)
        throw unprocessable(
          'TOO_MANY_MONTHS',
          `A starter workbook holds at most ${STARTER_MAX_MONTHS} months; ${from}…${to} is ${periods.length}: pass from and to.`,
        );
      const digits = moneyRules(await orgSettings(x, node.org_id)).digits;
      const values = new Map<string, number | null>();
      for (const cell of await cellsForWorkbook(x, prefixes, q.kinds, from, to))
        values.set(`${cell.code}|${cell.kind}|${cell.period}`, fromMinorOrNull(cell.value, digits));
      addin ??= deps.addin ?? addinReference();
      const xlsx = await starterWorkbook(
        { scope: node.code, kinds: q.kinds, periods, measures, values, digits },
        addin,
      );
      return c.body(new Uint8Array(xlsx), 200, {
        'content-type': XLSX_TYPE,
        'content-disposition': `attachment; filename="Gatecell ${node.code}.xlsx"`,
      });
    },
  );
};
