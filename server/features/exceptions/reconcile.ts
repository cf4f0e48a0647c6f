// Keeps the stored exceptions equal to what the rules detect: raises new ones, escalates open ones
// with time, clears those whose condition is gone. Run inside a write, on the measures it changed
// (keepDerived), and by the sweep for what time alone changes. Idempotent, so any instance may run
// it at any time; a read never does.
import { randomUUID } from 'node:crypto';
import { changeApprover, type Grant, standingApprover } from '../../../shared/domain/access.js';
import { type ApproverRule, gateApprover } from '../../../shared/domain/gates.js';
import {
  type DetectedException,
  detectExceptions,
  escalatedLevel,
  startLevel,
} from '../../../shared/domain/exceptions.js';
import type { OrgSettings } from '../../../shared/domain/settings.js';
import { fromMinor } from '../../../shared/money.js';
import type { Exec } from '../../db/db.js';
import type { Write } from '../../http/write.js';
import { grantsOfPeople, moneyRules } from '../hierarchy/store.js';
import type { DerivedStatus, MeasureState } from '../measures/store.js';
import {
  clearException,
  escalateTo,
  exceptionsOfMeasures,
  raiseException,
  restateException,
  type StoredException,
} from './store.js';

export const SYSTEM_ACTOR = 'system';

/**
 * What an exception event says of where it came from: the rules, in the write whose change made
 * them hold (that write's actor and request), or in the sweep (actor 'system').
 */
const RULES = { by: 'rules' };

type Detected = DetectedException & {
  measureId: number;
  level2: number | null;
  level3: number | null;
  digits: number;
};

/** A measure as the rules judge it: its state (cells not needed) and its statuses. */
export interface Judged {
  state: MeasureState;
  status: DerivedStatus;
}

/** The grants of the people the judged measures name to decide (standingApprover reads them). */
const namedGrants = (x: Exec, judged: readonly Judged[]) =>
  grantsOfPeople(
    x,
    judged.flatMap(({ state: { measure: m } }) => [m.controller_id, m.sponsor_id]),
  );

function detectAll(
  judged: readonly Judged[],
  settings: ReadonlyMap<number, OrgSettings>,
  now: Date,
  grantsOf: (userId: string) => readonly Grant[],
): Map<string, Detected> {
  const detected = new Map<string, Detected>();
  for (const { state: s, status } of judged) {
    const m = s.measure;
    const org = settings.get(m.org_id)!;
    const money = moneyRules(org);
    const people = { sponsorId: m.sponsor_id, controllerId: m.controller_id };
    const requests = [
      ...s.changeRequests.map((r) => ({
        id: r.id,
        what: `The ${r.kind} change for ${r.period}`,
        // Whoever may decide now: a named approver who lost the role decides nothing, and the
        // overdue request goes to steering (detectExceptions: no approver, level 3).
        approverId: standingApprover(changeApprover(people), m.path, grantsOf).userId,
        requestedAt: r.requested_at,
        value: Math.abs(r.new_value - (r.old_value ?? 0)),
      })),
      ...(s.gateRequest
        ? [
            {
              id: s.gateRequest.id,
              what: `The gate request to ${s.gateRequest.to_stage}`,
              approverId: standingApprover(
                gateApprover(s.gateRequest.approver as ApproverRule, people),
                m.path,
                grantsOf,
              ).userId,
              requestedAt: s.gateRequest.requested_at,
              value: status.cumulativeTarget,
            },
          ]
        : []),
    ];
    const found = detectExceptions(
      {
        stage: m.stage,
        onHold: !!m.on_hold,
        ownerId: m.owner_id,
        cumulativeTarget: status.cumulativeTarget,
        cumulativeExpected: status.cumulativeExpected,
        implementation: status.implementation,
        potential: status.potential,
        declared: m.declared_status,
        milestones: s.milestones.map((x) => ({
          id: x.id,
          title: x.title,
          due: x.due,
          done: !!x.done,
        })),
        dependencies: s.dependencies.map((x) => ({
          id: x.id,
          title: x.title,
          due: x.due,
          done: !!x.done,
          ownerId: x.owner_id,
          riskLevel: x.risk_level ?? 'low',
        })),
        openRequests: requests,
        approvalSlaDays: org.approvalSlaDays,
      },
      now,
    );
    for (const d of found)
      detected.set(`${m.id}|${d.type}|${d.subject}`, {
        ...d,
        measureId: m.id,
        ...money.escalation,
        digits: money.digits,
      });
  }
  return detected;
}

interface Change {
  measureId: number;
  apply: (w: Write) => Promise<void>;
}

/** An exception's climb to `level`, in the trail (and so told to webhooks from level 2 on). */
const auditEscalation = (w: Write, e: StoredException, level: number) =>
  w.audit({
    action: 'exception.escalated',
    nodeId: e.measure_id,
    subject: e.id,
    before: { level: e.level },
    after: { level },
    source: RULES,
  });

const levelAtStart = (d: Detected) =>
  Math.max(d.atLeastLevel ?? 1, startLevel(d.valueAtStake, { level2: d.level2, level3: d.level3 }));

/** What must change in the stored exceptions so that they say what the rules detect. */
function diff(
  stored: readonly StoredException[],
  detected: ReadonlyMap<string, Detected>,
  now: Date,
): Change[] {
  const active = new Map<string, StoredException>();
  const handResolved = new Map<string, StoredException>();
  const changes: Change[] = [];
  for (const e of stored) {
    // Raised by a person: no rule clears or restates it; it only climbs with age until decided.
    if (e.raised_by) {
      const level = escalatedLevel(e.start_level, e.opened_at, now);
      if (e.status !== 'resolved' && level !== e.level)
        changes.push({
          measureId: e.measure_id,
          apply: async (w) => {
            await escalateTo(w.tx, e.id, level);
            auditEscalation(w, e, level);
          },
        });
      continue;
    }
    (e.status === 'resolved' ? handResolved : active).set(
      `${e.measure_id}|${e.type}|${e.subject}`,
      e,
    );
  }
  for (const [key, e] of active) {
    const d = detected.get(key);
    if (!d) {
      changes.push({
        measureId: e.measure_id,
        apply: async (w) => {
          await clearException(w.tx, e.id, w.at);
          w.audit({
            action: 'exception.cleared',
            nodeId: e.measure_id,
            subject: e.id,
            before: { status: e.status },
            after: { status: 'cleared' },
            source: RULES,
          });
        },
      });
      continue;
    }
    const level = escalatedLevel(Math.max(e.start_level, levelAtStart(d)), e.opened_at, now);
    if (
      level !== e.level ||
      d.valueAtStake !== e.value_at_stake ||
      d.fingerprint !== e.fingerprint ||
      d.ownerId !== e.owner_id ||
      d.decisionNeeded !== e.decision_needed
    )
      changes.push({
        measureId: e.measure_id,
        apply: async (w) => {
          await restateException(w.tx, e.id, { ...d, level });
          if (level !== e.level) auditEscalation(w, e, level);
        },
      });
  }
  for (const [key, e] of handResolved) {
    const d = detected.get(key);
    // Resolved by hand stays resolved until its condition changes (or goes away).
    if (!d || d.fingerprint !== e.fingerprint)
      changes.push({
        measureId: e.measure_id,
        apply: async (w) => {
          await clearException(w.tx, e.id, null);
        },
      });
  }
  for (const [key, d] of detected) {
    if (active.has(key)) continue;
    const resolved = handResolved.get(key);
    if (resolved && resolved.fingerprint === d.fingerprint) continue;
    changes.push({
      measureId: d.measureId,
      apply: async (w) => {
        const id = `ex_${randomUUID()}`;
        const level = levelAtStart(d);
        await raiseException(w.tx, id, { ...d, level }, w.at);
        w.audit({
          action: 'exception.raised',
          nodeId: d.measureId,
          subject: id,
          after: {
            type: d.type,
            level,
            valueAtStake: fromMinor(d.valueAtStake, d.digits),
            decisionNeeded: d.decisionNeeded,
          },
          source: RULES,
        });
      },
    });
  }
  return changes;
}

const storedFor = (x: Exec, judged: readonly Judged[]) =>
  exceptionsOfMeasures(
    x,
    judged.map((j) => j.state.measure.id),
  );

/** The measures whose stored exceptions differ from what the rules detect (read only). */
export async function measuresToReconcile(
  x: Exec,
  judged: readonly Judged[],
  settings: ReadonlyMap<number, OrgSettings>,
  now: Date,
): Promise<Set<number>> {
  const changes = diff(
    await storedFor(x, judged),
    detectAll(judged, settings, now, await namedGrants(x, judged)),
    now,
  );
  return new Set(changes.map((c) => c.measureId));
}

/** Brings the judged measures' exceptions up to date, in the write's transaction. */
export async function reconcileIn(
  w: Write,
  judged: readonly Judged[],
  settings: ReadonlyMap<number, OrgSettings>,
) {
  if (!judged.length) return;
  const detected = detectAll(judged, settings, w.now, await namedGrants(w.tx, judged));
  for (const change of diff(await storedFor(w.tx, judged), detected, w.now)) await change.apply(w);
}
