// The straightforward engine: one change at a time, each reading its own cell (and the month's
// target) from the database, decided by the same decideBatch, and written with plain one-row
// statements. It is slow and simple on purpose: the bulk engine (engine.ts) — its one-statement
// read, packed keys and rows, chunking and last-write-wins within a batch — is held to give the
// same outcomes, record, requests and audit trail by one property suite (test/sync/engines.test.ts).
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../shared/domain/access.js';
import type { PushResult } from '../../../shared/api/schemas.js';
import { fromMinorOrNull } from '../../../shared/money.js';
import type { CellKind } from '../../../shared/model.js';
import {
  type BatchRecord,
  decideBatch,
  EMPTY_SLOT,
  monthIndex,
  type Slot,
} from '../../../shared/sync/decide.js';
import type { Write } from '../../http/write.js';
import { auditRequest, type EngineChange, factsOf, markChanged } from './engine.js';
import {
  cellAt,
  cellKey,
  insertChangeRequests,
  openRequestsOf,
  putCell,
  withdrawReplacedRequests,
} from './store.js';

export async function applyChangesOneByOne(
  w: Write,
  actor: Actor,
  changes: readonly EngineChange[],
  source: Record<string, unknown> | undefined,
): Promise<PushResult[]> {
  w.source = source ?? null;
  const facts = await factsOf(w, actor, [...new Set(changes.map((c) => c.measure))]);
  const outcomes: Omit<PushResult, 'value' | 'version'>[] = [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const m = facts.get(change.measure);
    // What this one change reads, read now: its cell, the month's target, its cell's open request.
    const slots = new Map<string, Slot>();
    const requests = new Map<string, string>();
    if (m) {
      for (const kind of new Set<CellKind>([change.kind, 'target'])) {
        const slot = await cellAt(w.tx, m.id, kind, change.period);
        if (slot) slots.set(`${kind}|${change.period}`, slot);
      }
      for (const [key, id] of await openRequestsOf(w.tx, [m.id])) requests.set(key, id);
    }
    const record: BatchRecord = {
      get: (_m, kind, period) => slots.get(`${kind}|${period}`),
      set: (_m, kind, period, slot) => slots.set(`${kind}|${period}`, slot),
      request: (id, kind, period) => requests.get(`${id}:${cellKey(kind, period)}`),
      setRequest: () => undefined,
    };
    const writes: (() => Promise<unknown>)[] = [];
    decideBatch(
      [change],
      {
        actor,
        measures: facts,
        month: monthIndex(w.now),
        newRequestId: () => `cr_${randomUUID()}`,
      },
      record,
      {
        decided: (_, d) =>
          outcomes.push({
            index: i,
            outcome: d.outcome,
            ...(d.outcome === 'applied' ? {} : { reason: { code: d.reason, message: d.message } }),
          }),
        applied: (_, measure, before, after) => {
          w.trail.addCellChange(
            measure.id,
            change,
            before.value,
            before.version,
            after.value!,
            after.version,
            measure.rules.digits,
          );
          writes.push(async () => {
            const revision = await w.revision();
            await putCell(w.tx, {
              measureId: measure.id,
              kind: change.kind,
              period: change.period,
              revision,
              ...after,
            });
            await markChanged(w, [measure.id]);
          });
        },
        requested: (_, measure, before, decision, id, replaced) => {
          outcomes[outcomes.length - 1]!.changeRequestId = id;
          const row = auditRequest(w, measure, change, before, decision, id, replaced, source);
          writes.push(async () => {
            const revision = await w.revision();
            if (replaced) await withdrawReplacedRequests(w.tx, [replaced], w.at, revision);
            await insertChangeRequests(w.tx, [row], actor.userId, w.at, revision);
            await markChanged(w, [measure.id]);
          });
        },
      },
    );
    for (const write of writes) await write();
  }
  // Each answer carries its cell as the whole batch left it.
  const results: PushResult[] = [];
  for (const o of outcomes) {
    const change = changes[o.index]!;
    const m = facts.get(change.measure);
    const slot = (m && (await cellAt(w.tx, m.id, change.kind, change.period))) || EMPTY_SLOT;
    results.push({
      index: o.index,
      outcome: o.outcome,
      value: fromMinorOrNull(slot.value, m?.rules.digits ?? 2),
      version: slot.version,
      ...(o.changeRequestId ? { changeRequestId: o.changeRequestId } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
    });
  }
  return results;
}
