// The exceptions' SQL: the open exceptions of a scope, and one exception's acts.
import type { ExceptionType } from '../../../shared/model.js';
import type { InArgs } from '@libsql/client';
import { type Exec, one, rows } from '../../db/db.js';
import { moneyRules, settingsByOrg, underPrefixes } from '../hierarchy/store.js';
import { peopleById } from '../hierarchy/store.js';
import { presentException } from './present.js';

export interface ExceptionRow {
  id: string;
  type: ExceptionType;
  code: string;
  org_id: number;
  owner_id: string;
  decision_needed: string;
  value_at_stake: number;
  level: 1 | 2 | 3;
  status: 'open' | 'acknowledged';
  opened_at: string;
  acknowledged_at: string | null;
  sponsor_id: string | null;
  controller_id: string | null;
  raised_by: string | null;
  title: string | null;
  due_date: string | null;
}

const RAISED_COLUMNS = 'e.raised_by, e.title, e.due_date';
const LISTED = `SELECT e.id, e.type, n.code, n.org_id, e.owner_id, e.decision_needed, e.value_at_stake, e.level, e.status,
       e.opened_at, e.acknowledged_at, m.sponsor_id, m.controller_id, ${RAISED_COLUMNS}
     FROM exceptions e JOIN nodes n ON n.id = e.measure_id JOIN measures m ON m.node_id = e.measure_id`;

/** Exceptions as listed; on a record before migration 009 none was raised by hand. */
const listedRows = (x: Exec, where: string, args: InArgs) =>
  rows<ExceptionRow>(x, `${LISTED} ${where}`, args).catch((e: unknown) => {
    if (!/no such column: e\.raised_by/.test(String(e))) throw e;
    const before009 = LISTED.replace(
      RAISED_COLUMNS,
      'NULL AS raised_by, NULL AS title, NULL AS due_date',
    );
    return rows<ExceptionRow>(x, `${before009} ${where}`, args);
  });

export async function openExceptions(x: Exec, prefixes: readonly string[], level?: number) {
  if (!prefixes.length) return [];
  return presentRows(
    x,
    await listedRows(
      x,
      `WHERE e.status IN ('open', 'acknowledged') AND (?2 IS NULL OR e.level = ?2) AND ${underPrefixes('n.id', '?1')}
       ORDER BY e.level DESC, e.value_at_stake DESC, e.opened_at`,
      [JSON.stringify(prefixes), level ?? null],
    ),
  );
}

/** One open exception as the list shows it (the answer of raising one). */
export const listedException = async (x: Exec, id: string) =>
  (await presentRows(x, await listedRows(x, 'WHERE e.id = ?', [id])))[0]!;

async function presentRows(x: Exec, found: readonly ExceptionRow[]) {
  const [settings, people] = await Promise.all([
    settingsByOrg(
      x,
      found.map((e) => e.org_id),
    ),
    peopleById(
      x,
      found.flatMap((e) => [e.owner_id, e.sponsor_id, e.controller_id]),
    ),
  ]);
  return found.map((e) => presentException(e, moneyRules(settings.get(e.org_id)!).digits, people));
}

/** An exception raised by hand: it starts open at `level` and escalates with age as any other. */
export const raiseByHand = (
  x: Exec,
  e: {
    id: string;
    measureId: number;
    type: string;
    ownerId: string;
    title: string;
    decisionNeeded: string;
    valueAtStake: number;
    dueDate: string;
    level: number;
    raisedBy: string;
  },
  at: string,
) =>
  x.execute({
    sql: `INSERT INTO exceptions (id, measure_id, type, subject, fingerprint, status, owner_id, decision_needed, value_at_stake,
            start_level, level, opened_at, raised_by, title, due_date)
          VALUES (?1, ?2, ?3, ?1, 'raised', 'open', ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11)`,
    args: [
      e.id,
      e.measureId,
      e.type,
      e.ownerId,
      e.decisionNeeded,
      e.valueAtStake,
      e.level,
      at,
      e.raisedBy,
      e.title,
      e.dueDate,
    ],
  });

/** A decision on an exception: it is resolved, with what was decided, by whom, when and why. */
export const recordDecision = (
  x: Exec,
  id: string,
  d: { at: string; by: string; decision: string; comment: string },
) =>
  x.execute({
    sql: "UPDATE exceptions SET status = 'resolved', resolved_at = ?, resolved_by = ?, decision = ?, comment = ? WHERE id = ?",
    args: [d.at, d.by, d.decision, d.comment, id],
  });

/** A hand-raised exception one level up with age (the rules restate their own as they find them). */
export const escalateTo = (x: Exec, id: string, level: number) =>
  x.execute({ sql: 'UPDATE exceptions SET level = ? WHERE id = ?', args: [level, id] });

/** The open (or acknowledged) exceptions under the prefixes, counted by level. */
export async function exceptionsByLevel(x: Exec, prefixes: readonly string[]) {
  const counts: Record<string, number> = { 1: 0, 2: 0, 3: 0 };
  if (!prefixes.length) return counts;
  for (const r of await rows<{ level: number; n: number }>(
    x,
    `SELECT e.level, COUNT(*) AS n FROM exceptions e
     WHERE e.status IN ('open', 'acknowledged') AND ${underPrefixes('e.measure_id')} GROUP BY e.level`,
    [JSON.stringify(prefixes)],
  ))
    counts[String(r.level)] = r.n;
  return counts;
}

/** An exception with its measure, for acting on it. */
export const exceptionById = (x: Exec, id: string) =>
  one<{
    status: string;
    owner_id: string;
    code: string;
    measure_id: number;
    level: number;
    raised_by: string | null;
  }>(
    x,
    'SELECT e.status, e.owner_id, n.code, e.measure_id, e.level, e.raised_by FROM exceptions e JOIN nodes n ON n.id = e.measure_id WHERE e.id = ?',
    [id],
  );

export const exceptionStatus = async (x: Exec, id: string) =>
  (await one<{ status: string }>(x, 'SELECT status FROM exceptions WHERE id = ?', [id]))!.status;

/** Records an acknowledgement or a resolution, with who, when and the comment. */
export const recordExceptionAct = (
  x: Exec,
  id: string,
  act: 'acknowledged' | 'resolved',
  at: string,
  by: string,
  comment: string,
) =>
  x.execute({
    sql:
      act === 'acknowledged'
        ? "UPDATE exceptions SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, comment = ? WHERE id = ?"
        : "UPDATE exceptions SET status = 'resolved', resolved_at = ?, resolved_by = ?, comment = ? WHERE id = ?",
    args: [at, by, comment, id],
  });

export const actedException = async (x: Exec, id: string) =>
  (await one<ActedRow>(
    x,
    'SELECT e.id, e.type, n.code, e.status, e.level, e.acknowledged_at, e.resolved_at, e.comment, e.decision FROM exceptions e JOIN nodes n ON n.id = e.measure_id WHERE e.id = ?',
    [id],
  ))!;

export interface ActedRow {
  id: string;
  type: ExceptionType;
  code: string;
  status: 'acknowledged' | 'resolved';
  level: 1 | 2 | 3;
  acknowledged_at: string | null;
  resolved_at: string | null;
  comment: string | null;
  decision: string | null;
}

// ---- kept by the rules (reconcile.ts) ------------------------------------------------------

/** An exception as stored: what the rules compare their findings with. */
export interface StoredException {
  id: string;
  measure_id: number;
  type: string;
  subject: string;
  fingerprint: string;
  status: string;
  owner_id: string;
  decision_needed: string;
  value_at_stake: number;
  start_level: number;
  level: number;
  opened_at: string;
  /** Who raised it by hand; null (or absent, before migration 009): the rules. */
  raised_by?: string | null;
}

/** The measures' exceptions still open, acknowledged, or resolved by hand. */
export const exceptionsOfMeasures = (x: Exec, measureIds: readonly number[]) =>
  rows<StoredException>(
    x,
    `SELECT * FROM exceptions WHERE measure_id IN (SELECT value FROM json_each(?)) AND status IN ('open', 'acknowledged', 'resolved')`,
    [JSON.stringify(measureIds)],
  );

/** What the rules found, as an exception holds it. */
interface Finding {
  fingerprint: string;
  ownerId: string;
  decisionNeeded: string;
  valueAtStake: number;
  level: number;
}

export const raiseException = (
  x: Exec,
  id: string,
  f: Finding & { measureId: number; type: string; subject: string },
  at: string,
) =>
  x.execute({
    sql: `INSERT INTO exceptions (id, measure_id, type, subject, fingerprint, status, owner_id, decision_needed, value_at_stake, start_level, level, opened_at)
          VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      f.measureId,
      f.type,
      f.subject,
      f.fingerprint,
      f.ownerId,
      f.decisionNeeded,
      f.valueAtStake,
      f.level,
      f.level,
      at,
    ],
  });

/** An exception that still holds, restated as the rules find it now (its level, value, owner). */
export const restateException = (x: Exec, id: string, f: Finding) =>
  x.execute({
    sql: 'UPDATE exceptions SET level = ?, value_at_stake = ?, fingerprint = ?, decision_needed = ?, owner_id = ? WHERE id = ?',
    args: [f.level, f.valueAtStake, f.fingerprint, f.decisionNeeded, f.ownerId, id],
  });

/** Cleared: its condition went away (`at`), or one resolved by hand whose condition changed (null: keeps its resolution time). */
export const clearException = (x: Exec, id: string, at: string | null) =>
  x.execute({
    sql: "UPDATE exceptions SET status = 'cleared', resolved_at = coalesce(?, resolved_at) WHERE id = ?",
    args: [at, id],
  });
