// Applies a batch of cell changes inside one write: every change gets exactly one outcome, and
// the record, change requests, revisions and audit events are written in a few bulk statements
// (per-statement round trips, not SQLite, are what a 100,000-change batch costs).
import { randomUUID } from 'node:crypto';
import { type Actor, canSee } from '../../../shared/domain/access.js';
import {
  type CellChange,
  type Decision,
  evaluateChange,
  type EditRules,
  type MeasureForEdit,
} from '../../../shared/domain/finance.js';
import type { PushResult } from '../../../shared/api/schemas.js';
import type { CellKind, Outcome, ReasonCode } from '../../../shared/model.js';
import { fromMinor, fromMinorOrNull, minorText } from '../../../shared/money.js';
import { periodOf } from '../../../shared/periods.js';
import { one, rows } from '../../db/db.js';
import type { Write } from '../../http/write.js';
import { moneyRules, settingsByOrg } from '../hierarchy/store.js';
import { type MeasureForRules, measuresForRules } from '../measures/store.js';
import { CELL_KEY_SQL, cellKey, type Slot, UPSERT_CELLS, upsertRow } from './store.js';

export interface EngineChange extends CellChange {
  measure: string;
  cell?: string | undefined;
  /** Imports: judge the change against the current record instead of a version the sender saw. */
  againstCurrent?: boolean;
}

const EMPTY: Slot = { value: null, version: 0, refMonth: null, refValue: null };
const WRITE_CHUNK = 5000;
const ANSWER_CHUNK = 2000;
/** A month as months since year 0 (the period part of a cell key). */
export const monthIndex = (date: Date) => date.getUTCFullYear() * 12 + date.getUTCMonth();

/**
 * What a forecast change of this month is measured from (materiality): the cell's reference when
 * it was set this month, else its value now — which it held when the month began. Null (an empty
 * cell) means the target, as for a first forecast.
 */
export const monthReference = (cell: Slot, month: number) =>
  cell.refMonth === month ? (cell.refValue ?? null) : cell.value;

/** The record of a batch's cells, per measure: measure id → cell key → slot. */
export class CellRecord {
  readonly #byMeasure = new Map<number, Map<number, Slot>>();
  get(measureId: number, key: number): Slot | undefined {
    return this.#byMeasure.get(measureId)?.get(key);
  }
  set(measureId: number, key: number, slot: Slot) {
    let cells = this.#byMeasure.get(measureId);
    if (!cells) this.#byMeasure.set(measureId, (cells = new Map()));
    cells.set(key, slot);
  }
}

const OUTCOME_CODES: readonly Outcome[] = ['applied', 'pending', 'rejected', 'conflict'];
const APPLIED = OUTCOME_CODES.indexOf('applied');

/** The outcome of every change of a batch, read as objects (imports) or as the answer's JSON (push). */
export class Outcomes {
  readonly #outcome: Uint8Array;
  readonly #measures: Float64Array;
  readonly #keys: Int32Array;
  readonly #digits: Uint8Array;
  readonly #reasons = new Map<number, { code: ReasonCode; message: string }>();
  readonly requestIds = new Map<number, string>();
  #record = new CellRecord();

  constructor(readonly length: number) {
    this.#outcome = new Uint8Array(length);
    this.#measures = new Float64Array(length);
    this.#keys = new Int32Array(length);
    this.#digits = new Uint8Array(length);
  }

  set(i: number, d: Decision, measureId: number, key: number, digits: number) {
    this.#outcome[i] = OUTCOME_CODES.indexOf(d.outcome);
    this.#measures[i] = measureId;
    this.#keys[i] = key;
    this.#digits[i] = digits;
    if (d.outcome !== 'applied') this.#reasons.set(i, { code: d.reason, message: d.message });
  }

  measureOf(index: number) {
    return this.#measures[index]!;
  }

  keyOf(index: number) {
    return this.#keys[index]!;
  }

  finish(record: CellRecord) {
    this.#record = record;
  }

  result(index: number): PushResult {
    const slot = this.#record.get(this.#measures[index]!, this.#keys[index]!) ?? EMPTY;
    const result: PushResult = {
      index,
      outcome: OUTCOME_CODES[this.#outcome[index]!]!,
      value: fromMinorOrNull(slot.value, this.#digits[index]!),
      version: slot.version,
    };
    const requestId = this.requestIds.get(index);
    if (requestId) result.changeRequestId = requestId;
    const reason = this.#reasons.get(index);
    if (reason) result.reason = reason;
    return result;
  }

  results(): PushResult[] {
    return Array.from({ length: this.length }, (_, i) => this.result(i));
  }

  /**
   * Exactly JSON.stringify(results()), written without an object per change, and joined a few
   * thousand at a time so the pieces die young instead of living until the whole answer is done.
   */
  resultsJson(): string {
    const chunks: string[] = [];
    let parts: string[] = [];
    for (let i = 0; i < this.length; i++) {
      if (parts.length === ANSWER_CHUNK) {
        chunks.push(parts.join(','));
        parts = [];
      }
      const slot = this.#record.get(this.#measures[i]!, this.#keys[i]!) ?? EMPTY;
      const outcome = this.#outcome[i]!;
      const value = slot.value === null ? 'null' : minorText(slot.value, this.#digits[i]!);
      if (outcome === APPLIED) {
        // Most of a batch: no request or reason to look up, and one template (fewer pieces to join).
        parts.push(`{"index":${i},"outcome":"applied","value":${value},"version":${slot.version}}`);
        continue;
      }
      let part = `{"index":${i},"outcome":"${OUTCOME_CODES[outcome]}","value":${value},"version":${slot.version}`;
      const requestId = this.requestIds.get(i);
      if (requestId) part += `,"changeRequestId":${JSON.stringify(requestId)}`;
      const reason = this.#reasons.get(i);
      if (reason)
        part += `,"reason":{"code":"${reason.code}","message":${JSON.stringify(reason.message)}}`;
      parts.push(`${part}}`);
    }
    chunks.push(parts.join(','));
    return `[${chunks.join(',')}]`;
  }
}

export async function applyChanges(
  w: Write,
  actor: Actor,
  changes: readonly EngineChange[],
  source: Record<string, unknown> | undefined,
): Promise<Outcomes> {
  w.source = source ?? null;
  const codes = [...new Set(changes.map((c) => c.measure))];
  const measures = new Map<string, MeasureForRules>();
  for (const m of await measuresForRules(w.tx, codes))
    if (canSee(actor, m.path)) measures.set(m.code, m);
  const settings = await settingsByOrg(
    w.tx,
    [...measures.values()].map((m) => m.org_id),
  );
  const rulesByOrg = new Map<number, EditRules & { digits: number }>();
  for (const [orgId, s] of settings) {
    const money = moneyRules(s);
    rulesByOrg.set(orgId, {
      digits: money.digits,
      closedThrough: s.closedThrough,
      currentPeriod: periodOf(w.now),
      materialityPct: s.materialityPct,
      materialityAbs: money.materialityAbs,
    });
  }

  // The record of every cell the batch touches, plus the targets and forecasts materiality reads.
  const kinds = new Set<CellKind>(changes.map((c) => c.kind));
  if (kinds.has('forecast')) kinds.add('target');
  const ids = JSON.stringify([...measures.values()].map((m) => m.id));
  const record = new CellRecord();
  // As one flat list of numbers (measure, cell key as cellKey computes it, value, version): no
  // array or string per cell for a batch that reads 100,000 of them.
  const stored = await one<{ list: string | null }>(
    w.tx,
    `SELECT group_concat(measure_id || ',' || ${CELL_KEY_SQL} || ',' || ifnull(value, 'null') || ',' || version
        || ',' || ifnull(ref_month, 'null') || ',' || ifnull(ref_value, 'null'), ',') AS list
     FROM cells WHERE measure_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))`,
    [ids, JSON.stringify([...kinds])],
  );
  const numbers = JSON.parse(`[${stored?.list ?? ''}]`) as (number | null)[];
  for (let n = 0; n < numbers.length; n += 6)
    record.set(numbers[n]!, numbers[n + 1]!, {
      value: numbers[n + 2]!,
      version: numbers[n + 3]!,
      refMonth: numbers[n + 4]!,
      refValue: numbers[n + 5]!,
    });
  const openRequests = new Map<string, string>();
  for (const r of await rows<{ id: string; measure_id: number; kind: CellKind; period: string }>(
    w.tx,
    `SELECT id, measure_id, kind, period FROM change_requests WHERE status = 'pending' AND measure_id IN (SELECT value FROM json_each(?))`,
    [ids],
  ))
    openRequests.set(`${r.measure_id}:${cellKey(r.kind, r.period)}`, r.id);
  // Changes apply in order: materiality reads the approved record as the batch has left it so far.
  const approved = (measureId: number, k: number) => record.get(measureId, k)?.value ?? null;

  /** Every slot a change wrote (change index and slot): the last write of a cell is the one still in the record. */
  const writtenBy: number[] = [];
  const written: Slot[] = [];
  const month = monthIndex(w.now);
  const newRequests: unknown[][] = [];
  const withdrawn: string[] = [];
  const touched = new Set<number>();
  // One slot per change in typed arrays, objects only for what is not applied: a 100,000-change
  // batch keeps no object per change alive until its answer is written.
  const outcomes = new Outcomes(changes.length);
  w.trail.reserve(changes.length);
  const revision = () => w.revision();

  // What the rules need of each measure, built once per measure rather than once per change.
  const facts = new Map<string, { m: MeasureForRules; edit: MeasureForEdit; rules: EditRules }>();
  for (const m of measures.values())
    facts.set(m.code, {
      m,
      rules: rulesByOrg.get(m.org_id)!,
      edit: {
        path: m.path,
        stage: m.stage,
        startPeriod: m.start_period ?? '',
        endPeriod: m.end_period ?? '',
        ownerId: m.owner_id,
        sponsorId: m.sponsor_id,
        controllerId: m.controller_id,
      },
    });

  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const f = facts.get(change.measure);
    if (!f) {
      outcomes.set(
        i,
        {
          outcome: 'rejected',
          reason: 'UNKNOWN_MEASURE',
          message: `No measure ${change.measure} that you can see.`,
        },
        -1,
        -1,
        2,
      );
      continue;
    }
    const { m, rules } = f;
    const key = cellKey(change.kind, change.period);
    const current = record.get(m.id, key) ?? EMPTY;
    const forecast = change.kind === 'forecast';
    // Materiality adds up over the month: a forecast is measured from the value it held when the
    // month began (or first took this month, or a controller last approved since).
    const reference = forecast ? monthReference(current, month) : null;
    const decision = evaluateChange(
      change.againstCurrent ? { ...change, baseVersion: current.version } : change,
      {
        actor,
        measure: f.edit,
        rules,
        current,
        periodTarget: forecast ? approved(m.id, cellKey('target', change.period)) : null,
        periodForecast: reference,
      },
    );
    outcomes.set(i, decision, m.id, key, rules.digits);
    if (decision.outcome === 'applied' && !decision.unchanged) {
      const next: Slot = forecast
        ? {
            value: decision.value,
            version: current.version + 1,
            refMonth: month,
            refValue: reference ?? decision.value,
          } // an empty cell: its first value
        : { value: decision.value, version: current.version + 1, refMonth: null, refValue: null };
      record.set(m.id, key, next);
      writtenBy.push(i);
      written.push(next);
      touched.add(m.id);
      w.trail.addCellChange(
        m.id,
        change,
        current.value,
        current.version,
        decision.value,
        next.version,
        rules.digits,
      );
    } else if (decision.outcome === 'pending') {
      const cell = change.cell === undefined ? undefined : { cell: change.cell };
      const replaced = openRequests.get(`${m.id}:${key}`);
      if (replaced) {
        withdrawn.push(replaced);
        w.audit({
          action: 'change_request.withdrawn',
          nodeId: m.id,
          subject: replaced,
          after: { reason: 'replaced by a newer change' },
        });
      }
      const id = `cr_${randomUUID()}`;
      openRequests.set(`${m.id}:${key}`, id);
      outcomes.requestIds.set(i, id);
      newRequests.push([
        id,
        m.id,
        change.kind,
        change.period,
        current.version,
        current.value,
        decision.value,
        change.note?.trim() || null,
        decision.reason,
        JSON.stringify({ ...source, ...cell }),
      ]);
      touched.add(m.id);
      w.audit({
        action: 'change_request.opened',
        nodeId: m.id,
        subject: id,
        before: {
          kind: change.kind,
          period: change.period,
          value: fromMinorOrNull(current.value, rules.digits),
          version: current.version,
        },
        after: {
          value: fromMinor(decision.value, rules.digits),
          note: change.note || undefined,
          reason: decision.reason,
        },
        source: cell,
      });
    }
  }

  // In chunks, each built when it is written: SQLite's parse of one huge argument costs native
  // memory, and rows built all at once would outlive the young generation.
  let chunk: string[] = [];
  const upsert = async () => {
    await w.tx.execute({ sql: UPSERT_CELLS, args: [await revision(), `[${chunk.join(',')}]`] });
    chunk = [];
  };
  for (let n = 0; n < written.length; n++) {
    const change = changes[writtenBy[n]!]!;
    const measureId = outcomes.measureOf(writtenBy[n]!);
    const slot = written[n]!;
    if (record.get(measureId, outcomes.keyOf(writtenBy[n]!)) !== slot) continue; // a later change of the batch wrote this cell again
    chunk.push(upsertRow(measureId, change.kind, change.period, slot));
    if (chunk.length === WRITE_CHUNK) await upsert();
  }
  if (chunk.length) await upsert();
  if (withdrawn.length) {
    await w.tx.execute({
      sql: `UPDATE change_requests SET status = 'withdrawn', decided_at = ?, decision_comment = 'replaced by a newer change', revision = ?
            WHERE id IN (SELECT value FROM json_each(?))`,
      args: [w.at, await revision(), JSON.stringify(withdrawn)],
    });
  }
  if (newRequests.length) {
    await w.tx.execute({
      sql: `INSERT INTO change_requests (id, measure_id, kind, period, base_version, old_value, new_value, note, reason_code, source,
              status, requested_by, requested_at, revision)
            SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9,
              'pending', ?, ?, ? FROM json_each(?)`,
      args: [actor.userId, w.at, await revision(), JSON.stringify(newRequests)],
    });
  }
  if (touched.size)
    await w.tx.execute({
      sql: 'UPDATE measures SET revision = ? WHERE node_id IN (SELECT value FROM json_each(?))',
      args: [await revision(), JSON.stringify([...touched])],
    });

  // Value and version are the record after the whole batch, so the add-in writes them back as is.
  outcomes.finish(record);
  return outcomes;
}
