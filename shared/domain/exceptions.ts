// Exceptions the service raises by itself, and their escalation (governance model,
// "Exceptions and escalation"). detectExceptions says which conditions hold now; the store
// reconciles them with what is already open.
import type {
  ExceptionType,
  ImplementationStatus,
  PotentialStatus,
  RaisedExceptionType,
  RiskSeverity,
} from '../model.js';
import { isFrozen, type Stage } from '../model.js';
import { declaredIsBetter, isPastDue } from './status.js';

export const ESCALATION_DAYS = 7;
const DAY = 86_400_000;

export interface ExceptionFacts {
  stage: Stage;
  onHold: boolean;
  ownerId: string;
  cumulativeTarget: number;
  cumulativeExpected: number;
  implementation: ImplementationStatus;
  potential: PotentialStatus;
  declared: ImplementationStatus | null;
  milestones: readonly { id: string; title: string; due: string; done: boolean }[];
  dependencies: readonly {
    id: string;
    title: string;
    due: string;
    done: boolean;
    ownerId: string | null;
    riskLevel: RiskSeverity;
  }[];
  /** approverId null: a steering member (no one person). value: minor units the request moves or validates. */
  openRequests: readonly {
    id: string;
    what: string;
    approverId: string | null;
    requestedAt: string;
    value: number;
  }[];
  approvalSlaDays: number;
}

export interface DetectedException {
  type: ExceptionType;
  /** What the exception is about within the measure (a milestone id, a request id…). */
  subject: string;
  /** Changes when the condition changes: a hand-resolved exception stays resolved until then. */
  fingerprint: string;
  ownerId: string;
  decisionNeeded: string;
  valueAtStake: number; // minor units
  /** Starts at this level whatever its value (a request waiting on the steering committee, a high-risk dependency). */
  atLeastLevel?: 1 | 2 | 3;
}

export function detectExceptions(f: ExceptionFacts, now: Date): DetectedException[] {
  if (isFrozen(f.stage)) return [];
  const out: DetectedException[] = [];
  const gap = Math.max(0, f.cumulativeTarget - f.cumulativeExpected);
  const atStake = f.cumulativeTarget;
  // On hold: overdue milestones raise no new exceptions.
  if (!f.onHold)
    for (const m of f.milestones)
      if (!m.done && isPastDue(m.due, now))
        out.push({
          type: 'milestone_overdue',
          subject: m.id,
          fingerprint: m.due,
          ownerId: f.ownerId,
          decisionNeeded: `Milestone "${m.title}" was due ${m.due}: complete it or re-plan it.`,
          valueAtStake: atStake,
        });
  if (f.potential !== 'on_track')
    out.push({
      type: 'value_slipping',
      subject: 'potential',
      fingerprint: f.potential,
      ownerId: f.ownerId,
      decisionNeeded: 'Value is slipping: recover the forecast or re-baseline the target.',
      valueAtStake: gap,
    });
  if (f.implementation === 'on_track' && f.potential === 'off_track')
    out.push({
      type: 'masked_slippage',
      subject: 'status',
      fingerprint: 'masked',
      ownerId: f.ownerId,
      decisionNeeded:
        'Milestones are on track but the value is off track: confirm the value or stop the measure.',
      valueAtStake: gap,
    });
  // A late dependency waits on its owner, starting as high as its risk level says.
  for (const d of f.dependencies)
    if (!d.done && isPastDue(d.due, now))
      out.push({
        type: 'dependency_late',
        subject: d.id,
        fingerprint: d.due,
        ownerId: d.ownerId ?? f.ownerId,
        decisionNeeded: `Dependency "${d.title}" was due ${d.due}: deliver it, or re-plan around it.`,
        valueAtStake: atStake,
        atLeastLevel: DEPENDENCY_RISK_LEVEL[d.riskLevel],
      });
  // One exception per approver, over everything of the measure that waits on them too long.
  const overdue = new Map<string | null, (typeof f.openRequests)[number][]>();
  for (const r of f.openRequests)
    if (now.getTime() - Date.parse(r.requestedAt) > f.approvalSlaDays * DAY)
      overdue.set(r.approverId, [...(overdue.get(r.approverId) ?? []), r]);
  for (const [approverId, waiting] of overdue) {
    const what =
      waiting.length === 1
        ? waiting[0]!.what
        : `${waiting.length} requests (${waiting.map((r) => r.what.replace(/^The /, 'the ')).join('; ')})`;
    out.push({
      type: 'approval_overdue',
      subject: `approver:${approverId ?? 'steering'}`,
      fingerprint: waiting
        .map((r) => r.id)
        .sort()
        .join(','),
      // A steering gate waits on the committee, not a person: it is the committee's from the start.
      ownerId: approverId ?? f.ownerId,
      ...(approverId === null ? { atLeastLevel: 3 as const } : {}),
      decisionNeeded: `${what} ${waiting.length === 1 ? 'has' : 'have'} waited more than ${f.approvalSlaDays} days: approve or reject.`,
      valueAtStake: waiting.reduce((total, r) => total + r.value, 0),
    });
  }
  if (declaredIsBetter(f.declared, f.implementation))
    out.push({
      type: 'status_mismatch',
      subject: 'declared',
      fingerprint: `${f.declared}>${f.implementation}`,
      ownerId: f.ownerId,
      decisionNeeded: `Declared ${f.declared} but the milestones say ${f.implementation}: correct the status or the plan.`,
      valueAtStake: gap,
    });
  return out;
}

export interface EscalationThresholds {
  /** Minor units; null: never starts higher. */
  level2: number | null;
  level3: number | null;
}

/** 1 local, 2 cross-functional, 3 steering: starts higher by value at stake. */
export function startLevel(valueAtStake: number, t: EscalationThresholds): 1 | 2 | 3 {
  if (t.level3 !== null && valueAtStake >= t.level3) return 3;
  if (t.level2 !== null && valueAtStake >= t.level2) return 2;
  return 1;
}

/** Climbs a level after every 7 days open, up to 3. Acknowledging stops nothing. */
export function escalatedLevel(start: number, openedAt: string, now: Date): number {
  const days = Math.floor((now.getTime() - Date.parse(openedAt)) / DAY);
  return Math.min(3, start + Math.max(0, Math.floor(days / ESCALATION_DAYS)));
}

/**
 * The level a hand-raised exception starts at: the organization's rule for its type (local,
 * cross-functional or steering), or higher by the value at stake, as the rules' own exceptions.
 */
export const raisedStartLevel = (
  type: RaisedExceptionType,
  valueAtStake: number,
  rules: Partial<Record<RaisedExceptionType, 1 | 2 | 3>>,
  t: EscalationThresholds,
): 1 | 2 | 3 => Math.max(rules[type] ?? 1, startLevel(valueAtStake, t)) as 1 | 2 | 3;

/** How late dependencies start, by the risk their lateness carries. */
export const DEPENDENCY_RISK_LEVEL = { low: 1, medium: 2, high: 3 } as const satisfies Record<
  RiskSeverity,
  1 | 2 | 3
>;

export const WAITS_ON: Record<1 | 2 | 3, string> = {
  1: 'owner',
  2: 'sponsor and controller',
  3: 'steering committee',
};
