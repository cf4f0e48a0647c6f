// The measures' store: the measure read model (measures with everything the rules look at, loaded
// in bulk: a handful of statements whatever the number of measures), the derived statuses, and
// the writes of measures and their milestones, risks and dependencies.
import type { OrgSettings } from '../../../shared/domain/settings.js';
import {
  type ImplementationFacts,
  type PeriodValues,
  implementationChangesOn,
  implementationStatus,
  NO_VALUE,
  potentialOf,
  valueTotals,
  type ValueTotals,
} from '../../../shared/domain/status.js';
import type { PotentialStatus } from '../../../shared/model.js';
import type {
  CellKind,
  DeclarableStatus,
  ImplementationStatus,
  ReasonCode,
  RequestStatus,
  RiskSeverity,
  Stage,
  DependencyStatus,
} from '../../../shared/model.js';
import { periodsBetween } from '../../../shared/periods.js';
import type { InValue } from '@libsql/client';
import { type Exec, jsonRows, one, rows } from '../../db/db.js';
import { CELL_KEY_SQL, keyKind, keyPeriod } from '../sync/store.js';
import { type Actor, canSee } from '../../../shared/domain/access.js';
import { notFound } from '../../http/errors.js';
import { underPrefixes } from '../hierarchy/store.js';
import { keptTotals } from '../reporting/store.js';

export interface MeasureRow {
  id: number;
  code: string;
  path: string;
  org_id: number;
  package_code: string;
  title: string;
  description: string | null;
  category: string | null;
  impact_type: string | null;
  owner_id: string;
  sponsor_id: string | null;
  controller_id: string | null;
  start_period: string | null;
  end_period: string | null;
  stage: Stage;
  on_hold: number;
  hold_reason: string | null;
  declared_status: DeclarableStatus | null;
  revision: number;
}

const MEASURE_SELECT = `SELECT json_object('id', n.id, 'code', n.code, 'path', n.path, 'org_id', n.org_id, 'package_code', p.code,
  'title', m.title, 'description', m.description, 'category', m.category, 'impact_type', m.impact_type, 'owner_id', m.owner_id,
  'sponsor_id', m.sponsor_id, 'controller_id', m.controller_id, 'start_period', m.start_period, 'end_period', m.end_period,
  'stage', m.stage, 'on_hold', m.on_hold, 'hold_reason', m.hold_reason, 'declared_status', m.declared_status, 'revision', m.revision) AS j
  FROM measures m JOIN nodes n ON n.id = m.node_id JOIN nodes p ON p.id = n.parent_id`;

export const measureByCode = async (x: Exec, code: string) =>
  (await jsonRows<MeasureRow>(x, `${MEASURE_SELECT} WHERE n.code = ?`, [code]))[0];

export async function requireMeasure(x: Exec, code: string): Promise<MeasureRow> {
  const m = await measureByCode(x, code);
  if (!m) throw notFound(`Measure ${code}`);
  return m;
}

/** A row of a table hanging off a measure (requests, milestones…), with the measure's code; one query. */
export const rowWithMeasure = <T>(
  x: Exec,
  table: 'change_requests' | 'gate_requests' | 'milestones' | 'risks' | 'dependencies',
  id: string,
) =>
  one<T & { measure_code: string }>(
    x,
    `SELECT t.*, n.code AS measure_code FROM ${table} t JOIN nodes n ON n.id = t.measure_id WHERE t.id = ?`,
    [id],
  );

export const measuresByIds = (x: Exec, ids: readonly number[]) =>
  jsonRows<MeasureRow>(x, `${MEASURE_SELECT} WHERE n.id IN (SELECT value FROM json_each(?))`, [
    JSON.stringify(ids),
  ]);

export const measuresByCodes = (x: Exec, codes: readonly string[]) =>
  jsonRows<MeasureRow>(x, `${MEASURE_SELECT} WHERE n.code IN (SELECT value FROM json_each(?))`, [
    JSON.stringify(codes),
  ]);

/** What the finance rules read of a measure: a batch of 100,000 changes reads thousands of these. */
export type MeasureForRules = Pick<
  MeasureRow,
  | 'id'
  | 'code'
  | 'path'
  | 'org_id'
  | 'owner_id'
  | 'sponsor_id'
  | 'controller_id'
  | 'start_period'
  | 'end_period'
  | 'stage'
>;

export const measuresForRules = (x: Exec, codes: readonly string[]) =>
  jsonRows<MeasureForRules>(
    x,
    `SELECT json_object('id', n.id, 'code', n.code, 'path', n.path, 'org_id', n.org_id, 'owner_id', m.owner_id,
      'sponsor_id', m.sponsor_id, 'controller_id', m.controller_id, 'start_period', m.start_period, 'end_period', m.end_period, 'stage', m.stage) AS j
    FROM measures m JOIN nodes n ON n.id = m.node_id WHERE n.code IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(codes)],
  );

/** The target of each (measure, period) asked for, in minor units: what a change request is a share of. */
export async function periodTargets(
  x: Exec,
  wanted: readonly { measureId: number; period: string }[],
): Promise<Map<string, number | null>> {
  if (!wanted.length) return new Map();
  const found = await rows<{ measure_id: number; period: string; value: number | null }>(
    x,
    `SELECT c.measure_id, c.period, c.value FROM cells c JOIN json_each(?) w
       ON c.measure_id = w.value->>'measureId' AND c.period = w.value->>'period' AND c.kind = 'target'`,
    [JSON.stringify(wanted)],
  );
  return new Map(found.map((c) => [`${c.measure_id}\u0001${c.period}`, c.value]));
}

export const measuresUnder = (x: Exec, prefixes: readonly string[]) =>
  prefixes.length
    ? jsonRows<MeasureRow>(x, `${MEASURE_SELECT} WHERE ${underPrefixes('n.id')} ORDER BY n.code`, [
        JSON.stringify(prefixes),
      ])
    : Promise.resolve([]);

export const measuresChangedSince = (x: Exec, prefixes: readonly string[], since: number) =>
  jsonRows<MeasureRow>(
    x,
    `${MEASURE_SELECT} WHERE m.revision > ? AND ${underPrefixes('n.id')} ORDER BY n.code`,
    [since, JSON.stringify(prefixes)],
  );

export interface CellRow {
  measure_id: number;
  kind: CellKind;
  period: string;
  value: number | null;
  version: number;
  revision: number;
}
export interface MilestoneRow {
  id: string;
  measure_id: number;
  title: string;
  due: string;
  done: number;
  done_at: string | null;
}
export interface RiskRow {
  id: string;
  measure_id: number;
  title: string;
  severity: RiskSeverity;
  open: number;
}
export interface DependencyRow {
  id: string;
  measure_id: number;
  title: string;
  due: string;
  owner_id: string | null;
  done: number;
  /** Absent on a record before migration 009 (read as low, not at risk). */
  risk_level?: RiskSeverity;
  at_risk?: number;
}
export interface ChangeRequestRow {
  id: string;
  measure_id: number;
  kind: CellKind;
  period: string;
  base_version: number;
  old_value: number | null;
  new_value: number;
  note: string | null;
  reason_code: ReasonCode;
  status: RequestStatus;
  requested_by: string;
  requested_at: string;
  source: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
}
export interface WindowRequestRow {
  id: string;
  measure_id: number;
  old_start: string;
  old_end: string;
  new_start: string;
  new_end: string;
  old_value: number;
  new_value: number;
  note: string | null;
  status: RequestStatus;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
}
export interface GateRequestRow {
  id: string;
  measure_id: number;
  from_stage: Stage;
  to_stage: Stage;
  approver: string;
  status: RequestStatus;
  comment: string | null;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  pinned: string | null;
}

export interface MeasureState {
  measure: MeasureRow;
  cells: CellRow[];
  milestones: MilestoneRow[];
  risks: RiskRow[];
  dependencies: DependencyRow[];
  changeRequests: ChangeRequestRow[];
  gateRequest: GateRequestRow | null;
}

/** A measure's values of one period of its window, the four kinds side by side. */
export type PeriodRow = PeriodValues & { baseline: number | null };

/**
 * The values of each (measure, period) inside the measure's window (and inside `range` when one
 * is given), the four kinds side by side, for the measures `where` selects (a condition on the
 * cells row `c`, its arguments first). Read as one flat list of numbers (measure, cell key,
 * value) and put side by side here: SQLite grouping them costs ten times the read (a
 * 96,000-cell push's measures: 0.8 s against 0.07 s).
 */
export async function windowPeriods(
  x: Exec,
  where: string,
  args: InValue[],
  range: { from?: string | undefined; to?: string | undefined } = {},
): Promise<Map<number, [string, PeriodRow][]>> {
  const r = await one<{ list: string | null }>(
    x,
    `SELECT group_concat(c.measure_id || ',' || ${CELL_KEY_SQL} || ',' || ifnull(c.value, 'null'), ',') AS list
     FROM cells c JOIN measures m ON m.node_id = c.measure_id
     WHERE ${where} AND c.period BETWEEN m.start_period AND m.end_period AND c.period >= ? AND c.period <= ?`,
    [...args, range.from ?? '0000-00', range.to ?? '9999-99'],
  );
  const numbers = JSON.parse(`[${r?.list ?? ''}]`) as number[];
  const byMeasure = new Map<number, Map<string, PeriodRow>>();
  for (let n = 0; n < numbers.length; n += 3) {
    const [id, key, value] = [numbers[n]!, numbers[n + 1]!, numbers[n + 2] ?? null];
    let months = byMeasure.get(id);
    if (!months) byMeasure.set(id, (months = new Map()));
    const period = keyPeriod(key);
    let slot = months.get(period);
    if (!slot)
      months.set(period, (slot = { baseline: null, target: null, forecast: null, actual: null }));
    slot[keyKind(key)] = value;
  }
  return new Map([...byMeasure].map(([id, months]) => [id, [...months]]));
}

/** One part of a state's statement: a table's rows of the measures, each as [part, measure, sort, row]. */
const part = (name: string, table: string, columns: readonly string[], sort: string, where = '') =>
  `SELECT '${name}' AS part, measure_id AS m, ${sort} AS sort,
     json_object(${columns.map((c) => `'${c}', ${c}`).join(', ')}) AS row
   FROM ${table} WHERE measure_id IN (SELECT value FROM json_each(?1))${where}`;
/** A dependency's columns from migration 009 on. */
const DEPENDENCY_GOVERNANCE = ['risk_level', 'at_risk'];
const CHANGE_REQUEST_COLUMNS = [
  'id',
  'measure_id',
  'kind',
  'period',
  'base_version',
  'old_value',
  'new_value',
  'note',
  'reason_code',
  'status',
  'requested_by',
  'requested_at',
  'source',
  'decided_by',
  'decided_at',
  'decision_comment',
  'revision',
] as const;
const GATE_REQUEST_COLUMNS = [
  'id',
  'measure_id',
  'from_stage',
  'to_stage',
  'approver',
  'status',
  'comment',
  'requested_by',
  'requested_at',
  'decided_by',
  'decided_at',
  'decision_comment',
  'pinned',
] as const;

/**
 * Everything the rules read of the measures, in one set-based statement (a few rows or a hundred
 * thousand cost one statement each way): every part's rows, tagged by part, in the order each
 * list is read in. `cells: false` leaves the cells out (an empty list): what the statuses and
 * exceptions need of them is kept in their totals. `periods: true` adds the window's values per
 * period, which is what the kept totals are computed from.
 */
export async function loadStates(
  x: Exec,
  measures: readonly MeasureRow[],
  { cells = true, periods = false } = {},
): Promise<(MeasureState & { periods: [string, PeriodRow][] })[]> {
  if (!measures.length) return [];
  const parts = [
    part(
      'milestones',
      'milestones',
      ['id', 'measure_id', 'title', 'due', 'done', 'done_at'],
      "due || ' ' || id",
    ),
    part(
      'risks',
      'risks',
      ['id', 'measure_id', 'title', 'severity', 'open'],
      "created_at || ' ' || id",
    ),
    part(
      'dependencies',
      'dependencies',
      ['id', 'measure_id', 'title', 'due', 'owner_id', 'done', ...DEPENDENCY_GOVERNANCE],
      "due || ' ' || id",
    ),
    part(
      'changeRequests',
      'change_requests',
      CHANGE_REQUEST_COLUMNS,
      'requested_at',
      " AND status = 'pending'",
    ),
    part(
      'gateRequests',
      'gate_requests',
      GATE_REQUEST_COLUMNS,
      'requested_at',
      " AND status = 'pending'",
    ),
  ];
  if (cells)
    parts.push(
      part(
        'cells',
        'cells',
        ['measure_id', 'kind', 'period', 'value', 'version', 'revision'],
        'period',
      ),
    );
  const ids = JSON.stringify(measures.map((m) => m.id));
  const read = (sql: string) =>
    jsonRows<[string, number, Record<string, unknown>]>(
      x,
      `SELECT json_array(part, m, json(row)) AS j FROM (${sql}) ORDER BY part, m, sort`,
      [ids],
    );
  const statement = parts.join(' UNION ALL ');
  const [found, windowCells] = await Promise.all([
    read(statement).catch((e: unknown) => {
      // Migration 006 judges the measures before 009 gives dependencies their governance.
      if (!/no such column: (risk_level|at_risk)/.test(String(e))) throw e;
      return read(statement.replace(/, 'risk_level', risk_level, 'at_risk', at_risk/, ''));
    }),
    periods
      ? windowPeriods(x, 'c.measure_id IN (SELECT value FROM json_each(?))', [ids])
      : new Map<number, [string, PeriodRow][]>(),
  ]);
  type Lists = {
    cells: CellRow[];
    milestones: MilestoneRow[];
    risks: RiskRow[];
    dependencies: DependencyRow[];
    changeRequests: ChangeRequestRow[];
    gateRequests: GateRequestRow[];
  };
  const byId = new Map<number, Lists>();
  for (const [name, id, row] of found) {
    let lists = byId.get(id);
    if (!lists)
      byId.set(
        id,
        (lists = {
          cells: [],
          milestones: [],
          risks: [],
          dependencies: [],
          changeRequests: [],
          gateRequests: [],
        }),
      );
    (lists[name as keyof Lists] as unknown[]).push(row);
  }
  return measures.map((measure) => {
    const f = byId.get(measure.id);
    return {
      measure,
      cells: f?.cells ?? [],
      milestones: f?.milestones ?? [],
      risks: f?.risks ?? [],
      dependencies: f?.dependencies ?? [],
      changeRequests: f?.changeRequests ?? [],
      gateRequest: f?.gateRequests[0] ?? null,
      periods: windowCells.get(measure.id) ?? [],
    };
  });
}

/** Target, forecast and actual per period of the window (cells outside it are ignored). */
export function periodValues(
  state: MeasureState,
): Map<string, PeriodValues & { baseline: number | null }> {
  const { start_period: start, end_period: end } = state.measure;
  const map = new Map<string, PeriodValues & { baseline: number | null }>();
  if (!start || !end) return map;
  for (const p of periodsBetween(start, end))
    map.set(p, { baseline: null, target: null, forecast: null, actual: null });
  for (const cell of state.cells) {
    const slot = map.get(cell.period);
    if (slot && cell.value !== null) slot[cell.kind] = cell.value;
  }
  return map;
}

export interface DerivedStatus {
  implementation: ImplementationStatus;
  potential: PotentialStatus;
  cumulativeTarget: number;
  cumulativeExpected: number;
  /** The money of the window, as the reports add it up. */
  totals: ValueTotals;
  /** The first day on which time alone may change `implementation` (null: none). */
  statusUntil: string | null;
}

export const implementationFacts = (state: MeasureState): ImplementationFacts => ({
  stage: state.measure.stage,
  milestones: state.milestones.map((m) => ({ due: m.due, done: !!m.done })),
  risks: state.risks.map((r) => ({ severity: r.severity, open: !!r.open })),
  dependencies: state.dependencies.map((d) => ({ due: d.due, done: !!d.done })),
});

/** The statuses of a measure from its plan (milestones, risks, dependencies) and its totals. */
export function statusOf(state: MeasureState, totals: ValueTotals, now: Date): DerivedStatus {
  const facts = implementationFacts(state);
  return {
    implementation: implementationStatus(facts, now),
    potential: potentialOf(totals),
    cumulativeTarget: totals.target,
    cumulativeExpected: totals.expected,
    totals,
    statusUntil: implementationChangesOn(facts, now),
  };
}

/** The statuses computed from the measure's own cells (a state loaded with them). */
export function deriveStatus(
  state: MeasureState,
  settings: OrgSettings,
  now: Date,
): DerivedStatus & { byPeriod: ReturnType<typeof periodValues> } {
  const byPeriod = periodValues(state);
  return { byPeriod, ...statusOf(state, valueTotals(byPeriod, settings.closedThrough), now) };
}

/** The measure, when the actor holds a role on it; else 404. */
export const visibleMeasure = (x: Exec, actor: Actor, code: string): Promise<MeasureRow> =>
  measureOfVisible(x, actor, code, `Measure ${code}`);

/**
 * The measure a request, milestone or exception belongs to, when the actor sees it; else a 404
 * about the thing asked for, which names nothing the actor may not know (not the measure's code).
 */
export async function measureOfVisible(
  x: Exec,
  actor: Actor,
  code: string,
  what: string,
): Promise<MeasureRow> {
  const m = await requireMeasure(x, code);
  if (!canSee(actor, m.path)) throw notFound(what);
  return m;
}

/** The committed value of a window: its target, summed (minor units). */
export const committedValue = async (x: Exec, measureId: number, start: string, end: string) =>
  (
    await one<{ total: number | null }>(
      x,
      "SELECT SUM(value) AS total FROM cells WHERE measure_id = ? AND kind = 'target' AND period BETWEEN ? AND ?",
      [measureId, start, end],
    )
  )?.total ?? 0;

/** Stage and statuses of the measures under the prefixes that changed after `since`. */
export async function measureSummaries(
  x: Exec,
  now: Date,
  prefixes: readonly string[],
  since: number,
) {
  if (!prefixes.length) return [];
  const changed = await measuresChangedSince(x, prefixes, since);
  // Statuses from the measures' kept totals: the cells are not read again for them.
  const [states, kept] = await Promise.all([
    loadStates(x, changed, { cells: false }),
    keptTotals(
      x,
      changed.map((m) => m.id),
    ),
  ]);
  const money = new Map(kept.map((k) => [k.measureId, k.money]));
  return states.map((s) => {
    const status = statusOf(s, money.get(s.measure.id) ?? NO_VALUE, now);
    return {
      code: s.measure.code,
      stage: s.measure.stage,
      onHold: !!s.measure.on_hold,
      implementationStatus: status.implementation,
      potentialStatus: status.potential,
      revision: s.measure.revision,
    };
  });
}

/**
 * Marks a measure changed at `revision` (what the pull and the kept totals go by), with its new
 * stage when a gate moved it.
 */
export const markMeasureChanged = (x: Exec, measureId: number, revision: number, stage?: Stage) =>
  x.execute({
    sql: 'UPDATE measures SET revision = ?, stage = coalesce(?, stage) WHERE node_id = ?',
    args: [revision, stage ?? null, measureId],
  });

/** Who has a request waiting on the measure (they may not pick who decides it). */
export const pendingRequesters = async (x: Exec, measureId: number) =>
  (
    await rows<{ requested_by: string }>(
      x,
      `SELECT requested_by FROM change_requests WHERE measure_id = ?1 AND status = 'pending'
       UNION SELECT requested_by FROM gate_requests WHERE measure_id = ?1 AND status = 'pending'
       UNION SELECT requested_by FROM window_requests WHERE measure_id = ?1 AND status = 'pending'`,
      [measureId],
    )
  ).map((r) => r.requested_by);

/** A new measure in its package: a node (its path ends with its own id) and its measure row. */
export async function insertMeasure(
  x: Exec,
  pkg: { id: number; org_id: number; path: string },
  m: {
    code: string;
    title: string;
    description?: string | null | undefined;
    category?: string | null | undefined;
    impactType?: string | null | undefined;
    ownerId: string;
    sponsorId?: string | null | undefined;
    controllerId?: string | null | undefined;
    startPeriod?: string | null | undefined;
    endPeriod?: string | null | undefined;
  },
  revision: number,
  at: string,
): Promise<number> {
  const id = (await one<{ id: number }>(
    x,
    `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) VALUES (?, 'measure', ?, ?, '', ?, ?) RETURNING id`,
    [m.code, pkg.id, pkg.org_id, m.title, at],
  ))!.id;
  await x.execute({
    sql: 'UPDATE nodes SET path = ? WHERE id = ?',
    args: [`${pkg.path}${id}/`, id],
  });
  await x.execute({
    sql: `INSERT INTO measures (node_id, title, description, category, impact_type, owner_id, sponsor_id, controller_id,
          start_period, end_period, stage, revision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'defined', ?, ?)`,
    args: [
      id,
      m.title,
      m.description ?? null,
      m.category ?? null,
      m.impactType ?? null,
      m.ownerId,
      m.sponsorId ?? null,
      m.controllerId ?? null,
      m.startPeriod ?? null,
      m.endPeriod ?? null,
      revision,
      at,
    ],
  });
  return id;
}

/** A measure's descriptive fields and people, all written (its node keeps the title as name). */
export async function updateMeasure(
  x: Exec,
  id: number,
  f: {
    title: string;
    description: string | null;
    category: string | null;
    impactType: string | null;
    sponsorId: string | null;
    controllerId: string | null;
    startPeriod: string | null;
    endPeriod: string | null;
    declaredStatus: DeclarableStatus | null;
  },
) {
  await x.execute({
    sql: `UPDATE measures SET title = ?, description = ?, category = ?, impact_type = ?, sponsor_id = ?, controller_id = ?,
          start_period = ?, end_period = ?, declared_status = ? WHERE node_id = ?`,
    args: [
      f.title,
      f.description,
      f.category,
      f.impactType,
      f.sponsorId,
      f.controllerId,
      f.startPeriod,
      f.endPeriod,
      f.declaredStatus,
      id,
    ],
  });
  await x.execute({ sql: 'UPDATE nodes SET name = ? WHERE id = ?', args: [f.title, id] });
}

/** On hold with its reason, or resumed (reason null). */
export const setHold = (x: Exec, id: number, reason: string | null, revision: number) =>
  x.execute({
    sql: 'UPDATE measures SET on_hold = ?, hold_reason = ?, revision = ? WHERE node_id = ?',
    args: [Number(reason !== null), reason, revision, id],
  });

type Child = 'milestones' | 'risks' | 'dependencies';

export const insertMilestone = (
  x: Exec,
  ms: { id: string; measureId: number; title: string; due: string },
  at: string,
) =>
  x.execute({
    sql: 'INSERT INTO milestones (id, measure_id, title, due, created_at) VALUES (?, ?, ?, ?, ?)',
    args: [ms.id, ms.measureId, ms.title, ms.due, at],
  });

export const insertRisk = (
  x: Exec,
  r: { id: string; measureId: number; title: string; severity: RiskSeverity },
  at: string,
) =>
  x.execute({
    sql: 'INSERT INTO risks (id, measure_id, title, severity, created_at) VALUES (?, ?, ?, ?, ?)',
    args: [r.id, r.measureId, r.title, r.severity, at],
  });

export const insertDependency = (
  x: Exec,
  d: {
    id: string;
    measureId: number;
    title: string;
    due: string;
    ownerId: string | null;
    riskLevel: RiskSeverity;
    status: DependencyStatus;
  },
  at: string,
) =>
  x.execute({
    sql: 'INSERT INTO dependencies (id, measure_id, title, due, owner_id, risk_level, done, at_risk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    args: [
      d.id,
      d.measureId,
      d.title,
      d.due,
      d.ownerId,
      d.riskLevel,
      Number(d.status === 'done'),
      Number(d.status === 'at_risk'),
      at,
    ],
  });

/** A milestone, risk or dependency as `columns` (a fixed list per kind, never a caller's text). */
export const childRow = (x: Exec, table: Child, columns: string, id: string) =>
  one<Record<string, unknown>>(x, `SELECT ${columns} FROM ${table} WHERE id = ?`, [id]);

/** Sets the given columns (fixed names per kind, never a caller's text) of a child row. */
export const updateChildRow = (
  x: Exec,
  table: Child,
  id: string,
  set: readonly [string, InValue][],
) =>
  x.execute({
    sql: `UPDATE ${table} SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`,
    args: [...set.map(([, v]) => v), id],
  });

/** Marks many measures changed at `revision` (a push). */
/**
 * The measures that name the person to decide (their controller or sponsor) are changed: who may
 * decide their requests, and whom their overdue exceptions wait on, are judged again (a role
 * revoked, a person deactivated or back).
 */
export const markMeasuresNaming = (x: Exec, userId: string, revision: number) =>
  x.execute({
    sql: 'UPDATE measures SET revision = ?1 WHERE controller_id = ?2 OR sponsor_id = ?2',
    args: [revision, userId],
  });

export const markMeasuresChanged = (x: Exec, measureIds: readonly number[], revision: number) =>
  x.execute({
    sql: 'UPDATE measures SET revision = ? WHERE node_id IN (SELECT value FROM json_each(?))',
    args: [revision, JSON.stringify(measureIds)],
  });
