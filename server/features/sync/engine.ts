// The bulk engine: applies a batch of cell changes inside one write, in four steps — the rules of
// the batch's measures, the record it touches (one statement), the decisions (decideBatch, pure,
// in shared/), and what they write, in a few bulk statements (per-statement round trips, not
// SQLite, are what a 100,000-change batch costs). Every change gets exactly one outcome. The
// straightforward engine in reference.ts is held to the same results by one property suite.
import { randomUUID } from 'node:crypto';
import { type Actor, canSee } from '../../../shared/domain/access.js';
import type { Decision } from '../../../shared/domain/finance.js';
import type { PushResult } from '../../../shared/api/schemas.js';
import { CELL_KINDS, type Outcome, type ReasonCode } from '../../../shared/model.js';
import { fromMinor, fromMinorOrNull } from '../../../shared/money.js';
import type { JsonBytes } from '../../json-bytes.js';
import { periodOf } from '../../../shared/periods.js';
import {
  type BatchChange,
  type BatchRecord,
  decideBatch,
  EMPTY_SLOT,
  type MeasureFacts,
  monthIndex,
  type Slot,
} from '../../../shared/sync/decide.js';
import type { Write } from '../../http/write.js';
import { moneyRules, settingsByOrg } from '../hierarchy/store.js';
import { markMeasuresChanged, measuresByCodes } from '../measures/store.js';
import {
  cellKey,
  insertChangeRequests,
  openRequestsOf,
  recordOf,
  REQUEST_ROW_STATUS,
  PackedCells,
  upsertCells,
  withdrawReplacedRequests,
} from './store.js';

export interface EngineChange extends BatchChange {
  cell?: string | undefined;
}

const NO_CELLS: ReadonlyMap<number, Slot> = new Map();

/** The record of a batch's cells, per measure: measure id → cell key → slot. */
export class CellRecord {
  readonly #byMeasure = new Map<number, Map<number, Slot>>();
  /** A measure's cells by key (for the totals the write keeps). */
  cellsOf(measureId: number): ReadonlyMap<number, Slot> {
    return this.#byMeasure.get(measureId) ?? NO_CELLS;
  }
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
/** What follows an answer's index, up to its value. */
const OUTCOME_TEXT = OUTCOME_CODES.map((o) => `,"outcome":"${o}","value":`);

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
    const slot = this.#record.get(this.#measures[index]!, this.#keys[index]!) ?? EMPTY_SLOT;
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
   * Exactly JSON.stringify(results()), as UTF-8 bytes written into `out`: no object or string per
   * change (a 96,000-change answer built from strings allocated about 50 MB).
   */
  writeResults(out: JsonBytes): void {
    out.char(91); // [
    for (let i = 0; i < this.length; i++) {
      const slot = this.#record.get(this.#measures[i]!, this.#keys[i]!) ?? EMPTY_SLOT;
      const outcome = this.#outcome[i]!;
      out.raw(i === 0 ? '{"index":' : ',{"index":').integer(i);
      out.raw(OUTCOME_TEXT[outcome]!);
      if (slot.value === null) out.raw('null');
      else out.minor(slot.value, this.#digits[i]!);
      out.raw(',"version":').integer(slot.version);
      if (outcome !== APPLIED) {
        const requestId = this.requestIds.get(i);
        if (requestId) out.raw(',"changeRequestId":').string(requestId);
        const reason = this.#reasons.get(i);
        if (reason)
          out.raw(`,"reason":{"code":"${reason.code}","message":`).string(reason.message).char(125);
      }
      out.char(125); // }
    }
    out.char(93); // ]
  }
}

/**
 * What the rules need of each measure of the batch the actor may see, built once per measure.
 * The rows read are the write's (`measuresKnown`): the totals kept at its end judge them
 * without reading them again.
 */
export async function factsOf(
  w: Write,
  actor: Actor,
  codes: readonly string[],
): Promise<Map<string, MeasureFacts>> {
  const visible = (await measuresByCodes(w.tx, codes)).filter((m) => canSee(actor, m.path));
  w.measuresKnown = new Map(visible.map((m) => [m.id, m]));
  const settings = await settingsByOrg(
    w.tx,
    visible.map((m) => m.org_id),
  );
  const facts = new Map<string, MeasureFacts>();
  for (const m of visible) {
    const s = settings.get(m.org_id)!;
    const money = moneyRules(s);
    facts.set(m.code, {
      id: m.id,
      rules: {
        digits: money.digits,
        closedThrough: s.closedThrough,
        currentPeriod: periodOf(w.now),
        materialityPct: s.materialityPct,
        materialityAbs: money.materialityAbs,
      },
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
  }
  return facts;
}

/** The measures a batch changed, at the write's revision: in the record and in the rows it holds. */
export async function markChanged(w: Write, ids: readonly number[]) {
  const revision = await w.revision();
  await markMeasuresChanged(w.tx, ids, revision);
  for (const id of ids) {
    const known = w.measuresKnown?.get(id);
    if (known) known.revision = revision;
  }
}

/**
 * A change that waits for approval, in the audit trail (and the request it replaces, withdrawn);
 * its change_requests row as insertChangeRequests takes it.
 */
export function auditRequest(
  w: Write,
  m: MeasureFacts,
  change: EngineChange,
  before: Slot,
  decision: Extract<Decision, { outcome: 'pending' }>,
  id: string,
  replaced: string | undefined,
  source: Record<string, unknown> | undefined,
): unknown[] {
  const cell = change.cell === undefined ? undefined : { cell: change.cell };
  if (replaced)
    w.audit({
      action: 'change_request.withdrawn',
      nodeId: m.id,
      subject: replaced,
      after: { reason: 'replaced by a newer change' },
    });
  w.audit({
    action: 'change_request.opened',
    nodeId: m.id,
    subject: id,
    before: {
      kind: change.kind,
      period: change.period,
      value: fromMinorOrNull(before.value, m.rules.digits),
      version: before.version,
    },
    after: {
      value: fromMinor(decision.value, m.rules.digits),
      note: change.note || undefined,
      reason: decision.reason,
    },
    source: cell,
  });
  return [
    id,
    m.id,
    change.kind,
    change.period,
    before.version,
    before.value,
    decision.value,
    change.note?.trim() || null,
    decision.reason,
    JSON.stringify({ ...source, ...cell }),
    'pending',
  ];
}

/** The batch's record for decideBatch, over the packed cell keys. */
function batchRecord(cells: CellRecord, requests: Map<string, string>): BatchRecord {
  return {
    get: (m, kind, period) => cells.get(m, cellKey(kind, period)),
    set: (m, kind, period, slot) => cells.set(m, cellKey(kind, period), slot),
    request: (m, kind, period) => requests.get(`${m}:${cellKey(kind, period)}`),
    setRequest: (m, kind, period, id) => requests.set(`${m}:${cellKey(kind, period)}`, id),
  };
}

export async function applyChanges(
  w: Write,
  actor: Actor,
  changes: readonly EngineChange[],
  source: Record<string, unknown> | undefined,
): Promise<Outcomes> {
  w.source = source ?? null;
  const facts = await factsOf(w, actor, [...new Set(changes.map((c) => c.measure))]);

  // The record of every cell of the measures the batch touches (the targets materiality reads,
  // and every kind the totals the write keeps are made of: read here once, not again for them).
  const ids = [...facts.values()].map((m) => m.id);
  const record = await recordOf(w.tx, ids, new Set(CELL_KINDS), new CellRecord());
  const read = new Set(ids);
  w.cellsKnown = (measureId) => (read.has(measureId) ? record.cellsOf(measureId) : undefined);
  const requests = await openRequestsOf(w.tx, ids);

  /** Every slot a change wrote (change index and slot): the last write of a cell is the one still in the record. */
  const writtenBy: number[] = [];
  const written: Slot[] = [];
  const newRequests: unknown[][] = [];
  const opened = new Map<string, unknown[]>();
  const withdrawn: string[] = [];
  const touched = new Set<number>();
  // One slot per change in typed arrays, objects only for what is not applied: a 100,000-change
  // batch keeps no object per change alive until its answer is written.
  const outcomes = new Outcomes(changes.length);
  w.trail.reserve(changes.length);

  decideBatch(
    changes,
    { actor, measures: facts, month: monthIndex(w.now), newRequestId: () => `cr_${randomUUID()}` },
    batchRecord(record, requests),
    {
      decided: (i, decision, m) =>
        m
          ? outcomes.set(
              i,
              decision,
              m.id,
              cellKey(changes[i]!.kind, changes[i]!.period),
              m.rules.digits,
            )
          : outcomes.set(i, decision, -1, -1, 2),
      applied: (i, m, before, after) => {
        writtenBy.push(i);
        written.push(after);
        touched.add(m.id);
        w.trail.addCellChange(
          m.id,
          changes[i]!,
          before.value,
          before.version,
          after.value!,
          after.version,
          m.rules.digits,
        );
      },
      requested: (i, m, before, decision, id, replaced) => {
        // A request this batch opened is written as withdrawn; one already stored is withdrawn.
        const mine = replaced ? opened.get(replaced) : undefined;
        if (mine) mine[REQUEST_ROW_STATUS] = 'withdrawn';
        else if (replaced) withdrawn.push(replaced);
        outcomes.requestIds.set(i, id);
        const row = auditRequest(w, m, changes[i]!, before, decision, id, replaced, source);
        newRequests.push(row);
        opened.set(id, row);
        touched.add(m.id);
      },
    },
  );
  const cells = new PackedCells(written.length);
  for (let n = 0; n < written.length; n++) {
    const measureId = outcomes.measureOf(writtenBy[n]!);
    const slot = written[n]!;
    if (record.get(measureId, outcomes.keyOf(writtenBy[n]!)) !== slot) continue; // a later change of the batch wrote this cell again
    const change = changes[writtenBy[n]!]!;
    cells.add(measureId, change.kind, change.period, slot);
  }
  if (cells.count) await upsertCells(w.tx, await w.revision(), cells);
  if (withdrawn.length) await withdrawReplacedRequests(w.tx, withdrawn, w.at, await w.revision());
  if (newRequests.length)
    await insertChangeRequests(w.tx, newRequests, actor.userId, w.at, await w.revision());
  if (touched.size) await markChanged(w, [...touched]);

  // Value and version are the record after the whole batch, so the add-in writes them back as is.
  outcomes.finish(record);
  return outcomes;
}
