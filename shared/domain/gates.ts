// Stage gates (Degree of Implementation): criteria to enter each stage and who approves it.
import { type Stage, GATE_ORDER, isFrozen } from '../model.js';
import { periodsBetween } from '../periods.js';
import { type Actor, actsAsNamed, hasRole } from './access.js';

export type ApproverRule = 'sponsor' | 'controller' | 'steering' | 'sponsor_or_steering';

export interface GateFacts {
  stage: Stage;
  onHold: boolean;
  sponsorId: string | null;
  controllerId: string | null;
  category: string | null;
  impactType: string | null;
  startPeriod: string | null;
  endPeriod: string | null;
  /** Periods that hold a value, per kind. */
  periodsWith: {
    baseline: ReadonlySet<string>;
    target: ReadonlySet<string>;
    actual: ReadonlySet<string>;
  };
  targetTotal: number; // minor units over the window
  actualTotal: number; // minor units over the window
  /** Per kind, the value of each period of the window that holds one (minor units), in period order. */
  values: {
    baseline: Readonly<Record<string, number>>;
    target: Readonly<Record<string, number>>;
    actual: Readonly<Record<string, number>>;
  };
  milestones: readonly { done: boolean }[];
  closedThrough: string | null;
  /** Minor units; null: no steering threshold. */
  steeringThreshold: number | null;
}

export function nextStage(stage: Stage): Stage | null {
  const i = GATE_ORDER.indexOf(stage);
  return i >= 0 && i < GATE_ORDER.length - 1 ? GATE_ORDER[i + 1]! : null;
}

/** Whether `to` is a gate that may be requested from the current stage at all. */
export function gateStepError(stage: Stage, to: Stage): string | null {
  if (isFrozen(stage)) return `The measure is ${stage}: it passes no more gates.`;
  if (to === 'cancelled') return null;
  const next = nextStage(stage);
  if (to !== next)
    return `A gate moves one stage at a time: from ${stage} the next stage is ${next}.`;
  return null;
}

/** What is missing to enter `to`; empty when the criteria are met. */
export function missingForGate(to: Stage, f: GateFacts, comment: string): string[] {
  const missing: string[] = [];
  // A measure on hold passes no gate, but may be cancelled: stopping it is what a hold is for.
  if (f.onHold && to !== 'cancelled') missing.push('The measure is on hold: resume it first.');
  const window = f.startPeriod && f.endPeriod ? periodsBetween(f.startPeriod, f.endPeriod) : [];
  switch (to) {
    case 'identified':
      if (!f.sponsorId) missing.push('a sponsor');
      if (!f.controllerId) missing.push('a controller');
      if (!f.category) missing.push('a category');
      if (!f.impactType) missing.push('an impact type');
      if (!window.length) missing.push('a window (start and end period)');
      if (!(f.targetTotal > 0)) missing.push('a rough target greater than zero');
      break;
    case 'detailed': {
      const noBaseline = window.filter((p) => !f.periodsWith.baseline.has(p));
      const noTarget = window.filter((p) => !f.periodsWith.target.has(p));
      if (noBaseline.length) missing.push(`a baseline for ${describePeriods(noBaseline)}`);
      if (noTarget.length) missing.push(`a target for ${describePeriods(noTarget)}`);
      if (!f.milestones.length) missing.push('at least one milestone');
      break;
    }
    case 'decided':
      break;
    case 'implemented': {
      const open = f.milestones.filter((m) => !m.done).length;
      if (open) missing.push(`${open} milestone${open > 1 ? 's' : ''} not done`);
      break;
    }
    case 'closed': {
      const end = f.endPeriod ?? '';
      if (!f.closedThrough || f.closedThrough < end)
        missing.push(
          `the books closed through ${end} (closed through ${f.closedThrough ?? 'no period yet'})`,
        );
      const noActual = window.filter((p) => !f.periodsWith.actual.has(p));
      if (noActual.length) missing.push(`an actual for ${describePeriods(noActual)}`);
      break;
    }
    case 'cancelled':
      if (!comment.trim()) missing.push('a reason for the cancellation');
      break;
    default:
      missing.push(`${to} is not a stage a gate leads to`);
  }
  return missing;
}

function describePeriods(periods: string[]): string {
  return periods.length <= 3
    ? periods.join(', ')
    : `${periods.length} periods (${periods[0]} to ${periods.at(-1)})`;
}

/** Who approves entering `to` (governance model, "Stage gates"). */
export function approverRule(
  to: Stage,
  f: Pick<GateFacts, 'targetTotal' | 'steeringThreshold'>,
): ApproverRule {
  switch (to) {
    case 'detailed':
    case 'closed':
      return 'controller';
    case 'decided':
      return f.steeringThreshold !== null && f.targetTotal >= f.steeringThreshold
        ? 'steering'
        : 'sponsor';
    case 'cancelled':
      return 'sponsor_or_steering';
    default:
      return 'sponsor';
  }
}

/**
 * The figures a gate validates, pinned when it is requested: Detailed validates baseline and
 * target, Decided the target, Closed the actuals and the realized value. Approving a request whose
 * figures changed since is refused (STALE_REQUEST): the approver saw other numbers.
 */
export function pinnedFigures(
  to: Stage,
  f: Pick<GateFacts, 'values' | 'actualTotal'>,
): Record<string, unknown> | null {
  switch (to) {
    case 'detailed':
      return { baseline: f.values.baseline, target: f.values.target };
    case 'decided':
      return { target: f.values.target };
    case 'closed':
      return { actual: f.values.actual, realized: f.actualTotal };
    default:
      return null;
  }
}

/** Whether the figures a request pinned are still the record's (a request that pinned nothing: yes). */
export const pinsHold = (
  pinned: Record<string, unknown> | null,
  now: Record<string, unknown> | null,
) => pinned === null || JSON.stringify(pinned) === JSON.stringify(now);

/** Pinned figures as the approver reads them: each kind's total over the window (minor units). */
export function pinnedTotals(
  pinned: Record<string, unknown> | null,
): Record<string, number> | null {
  if (!pinned) return null;
  return Object.fromEntries(
    Object.entries(pinned).map(([k, v]) => [
      k,
      typeof v === 'number'
        ? v
        : Object.values(v as Record<string, number>).reduce((a, b) => a + b, 0),
    ]),
  );
}

export interface GateRequestFacts {
  requestedBy: string;
  approver: ApproverRule;
}

/**
 * Whom a gate request waits on: the role, and the named person where the role is one (a steering
 * gate waits on any steering member of the subtree). The one answer for the approvals list, the
 * overdue exception and the rollup's decisions waiting.
 */
export function gateApprover(
  rule: ApproverRule,
  m: { sponsorId: string | null; controllerId: string | null },
): { role: ApproverRule; userId: string | null } {
  switch (rule) {
    case 'controller':
      return { role: rule, userId: m.controllerId };
    case 'steering':
      return { role: rule, userId: null };
    case 'sponsor':
    case 'sponsor_or_steering':
      return { role: rule, userId: m.sponsorId };
  }
}

/** Whether the actor may decide the request. Nobody decides their own request. */
export function mayDecideGate(
  actor: Actor,
  req: GateRequestFacts,
  m: { path: string; sponsorId: string | null; controllerId: string | null },
): boolean {
  if (actor.userId === req.requestedBy) return false;
  const steering = hasRole(actor, m.path, 'steering');
  switch (req.approver) {
    case 'controller':
      return actsAsNamed(actor, m.path, m.controllerId, 'controller');
    case 'steering':
      return steering;
    case 'sponsor':
    case 'sponsor_or_steering':
      return actsAsNamed(actor, m.path, m.sponsorId, 'sponsor') || steering;
  }
}

/** A closure below target records a shortfall only with the controller's explanation. */
export function closureShortfallError(
  f: Pick<GateFacts, 'targetTotal' | 'actualTotal'>,
  comment: string,
): string | null {
  if (f.actualTotal < f.targetTotal && !comment.trim())
    return 'The realized value is below target: the closing comment must explain the shortfall.';
  return null;
}
